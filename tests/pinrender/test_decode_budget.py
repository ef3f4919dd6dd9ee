"""The decode budget: concurrent decodes in one process hold at most `Limits.max_decode_bytes`
(estimated from headers), queue in order, give the bytes back however a render ends, and stop
waiting at the render's deadline."""

from __future__ import annotations

import base64
import threading
import time

import pytest
import pyvips

import pinrender
from pinrender._budget import ByteBudget
from pinrender._codecs.decode import decoded_bytes
from pinrender._codecs.probe import probe

pytestmark = pytest.mark.timeout(60)


def progressive_jpeg(side: int, seed: int = 0) -> bytes:
    xy = pyvips.Image.xyz(side, side)
    image = ((xy[0] + seed) % 256).cast("uchar").bandjoin([(xy[1] % 256).cast("uchar")] * 2)
    return bytes(image.copy(interpretation="srgb").jpegsave_buffer(Q=80, interlace=True))


def renderer(budget: int, timeout: float | None = None) -> pinrender.Renderer:
    limits = pinrender.Limits(max_decode_bytes=budget)
    services = pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts(), limits)
    return pinrender.Renderer(services, timeout=timeout)


def wait_until(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the condition never came true"
        time.sleep(0.01)


def test_a_progressive_jpeg_is_estimated_with_its_coefficients() -> None:
    data = progressive_jpeg(1200)
    info = probe(data, pinrender.DEFAULT_LIMITS)
    assert info.interlaced and info.bands == 3
    shrunk = decoded_bytes(info, {"shrink": 8}, False)
    assert shrunk == 150 * 150 * 3 + 1200 * 1200 * 3 * 2  # output after shrink + coefficients
    baseline = probe(bytes(pyvips.Image.black(1200, 1200, bands=3).jpegsave_buffer()),
                     pinrender.DEFAULT_LIMITS)
    assert not baseline.interlaced
    assert decoded_bytes(baseline, {"shrink": 8}, False) == 150 * 150 * 3


def test_concurrent_decodes_never_hold_more_than_the_budget() -> None:
    sources = [progressive_jpeg(900, seed) for seed in range(6)]
    one = decoded_bytes(probe(sources[0], pinrender.DEFAULT_LIMITS), {"shrink": 2}, False)
    budget_bytes = one * 2 + one // 2  # room for two at a time, not three
    r = renderer(budget_bytes)
    budget = r.decode_budget
    assert budget.capacity == budget_bytes
    blocker = budget.acquire(budget_bytes)  # everyone must queue behind this
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = r.transform(sources[i], size="s", format="jpeg")
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(sources))]
    for t in threads:
        t.start()
    wait_until(lambda: budget.waits >= len(sources))  # all six are queued, none decoded
    assert not results
    blocker.release()
    for t in threads:
        t.join()
    assert not errors
    assert budget.high_water <= budget_bytes
    assert budget.in_use == 0
    for data in results.values():
        image = pyvips.Image.new_from_buffer(data, "")
        assert (image.width, image.height) == (320, 320)


def test_a_decode_larger_than_the_whole_budget_runs_alone() -> None:
    r = renderer(1000)  # far less than any decode here
    data = progressive_jpeg(600)
    out = pyvips.Image.new_from_buffer(r.transform(data, size="s", format="png"), "")
    assert (out.width, out.height) == (320, 320)
    assert r.decode_budget.high_water > r.decode_budget.capacity
    assert r.decode_budget.in_use == 0


def test_waiting_for_budget_ends_at_the_render_deadline() -> None:
    r = renderer(5_000_000, timeout=0.3)
    held = r.decode_budget.acquire(5_000_000)
    try:
        with pytest.raises(pinrender.RenderTimeout, match="decode memory"):
            r.transform(progressive_jpeg(300), size="s", format="jpeg")
    finally:
        held.release()
    assert r.decode_budget.in_use == 0


def test_a_failed_render_gives_its_budget_back() -> None:
    r = renderer(7_000_000)
    broken = progressive_jpeg(400)
    with pytest.raises(pinrender.DecodeError):
        r.transform(broken[: len(broken) // 2], size="s", format="jpeg")
    assert r.decode_budget.high_water > 0
    assert r.decode_budget.in_use == 0


def test_budget_serves_waiters_in_order() -> None:
    budget = ByteBudget(100)
    first = budget.acquire(100)
    order: list[str] = []

    def take(name: str, nbytes: int) -> None:
        budget.acquire(nbytes).release()
        order.append(name)

    big = threading.Thread(target=take, args=("big", 100))
    big.start()
    wait_until(lambda: budget.waits == 1)
    small = threading.Thread(target=take, args=("small", 10))
    small.start()
    wait_until(lambda: budget.waits == 2)
    first.release()
    big.join()
    small.join()
    assert order == ["big", "small"]  # the small one did not overtake the big one


def test_releasing_twice_gives_back_once() -> None:
    budget = ByteBudget(100)
    a = budget.acquire(60)
    b = budget.acquire(40)
    a.release()
    a.release()
    assert budget.in_use == 40
    b.release()
    assert budget.in_use == 0 and budget.high_water == 100


def png(width: int, height: int, seed: int) -> bytes:
    xy = pyvips.Image.xyz(width, height)
    image = ((xy[0] + seed) % 256).cast("uchar").bandjoin([(xy[1] % 256).cast("uchar")] * 2)
    return bytes(image.copy(interpretation="srgb").pngsave_buffer())


def test_a_decode_is_given_back_once_its_pixels_are_used() -> None:
    """Two image layers from two files, a budget that holds one decode: the first layer's decode
    is released when its fitted pixels exist, so the second never has to exceed the budget."""
    one = 400 * 300 * 3
    r = renderer(one + one // 2)
    layers = [{"name": f"l{i}", "type": "image", "x": 200 * i, "y": 0, "width": 200,
               "height": 150, "image_url": "data:image/png;base64," + base64.b64encode(
                   png(400, 300, i)).decode(), "objectFit": "fill"} for i in range(2)]
    out = r.render({"canvas": {"width": 400, "height": 150}, "layers": layers})
    assert pyvips.Image.new_from_buffer(out, "").width == 400
    assert r.decode_budget.high_water == one  # one decode at a time, each estimated exactly
    assert r.decode_budget.in_use == 0


def test_an_execution_holding_budget_takes_more_without_waiting() -> None:
    """Waiting while holding could deadlock two renders; the second reservation goes over."""
    from pinrender._graph import ExecutionContext

    limits = pinrender.Limits(max_decode_bytes=1001)
    ctx = ExecutionContext(pinrender.Services(pinrender.SafeLoader(), None, limits),  # type: ignore[arg-type]
                           deadline=time.monotonic() + 0.2)
    ctx.reserve(600)
    ctx.reserve(600)  # does not wait: would otherwise raise RenderTimeout at the deadline
    assert ctx.decode_budget.in_use == 1200
    for reservation in ctx.reservations:
        reservation.release()
    assert ctx.decode_budget.in_use == 0
