"""The hostile corpus replayed over HTTP: every file to every entry point that takes an image.

    python benchmarks/replay.py --corpus ../shared/corpus/external [--sample N] [--json]

Entry points (columns): `upload` POST /v1/upload (multipart), `import` POST /v1/import (the URL
is fetched by the real SSRF-guarded loader over a mock transport: loopback is refused, so the
"remote" server is httpx.MockTransport), `data` POST /api/images image_data (base64), `url`
POST /api/images image_url (same mock transport), `generate` POST /api/generate with the file as
a template layer's data: URL (then GET its imageUrl), `render` GET /api/render with the same
override; and the delivery routes of each stored file: `src_s` /src/{team}/{uid}.webp?size=s for
uploads and `files_512` /files/{uid}_512.webp for /api/images.

Outcomes: `image` (2xx, decoded, right format and size), `stored` (201 from an ingest), `4xx`
(with the family's envelope; the table shows the status), `5xx`, `BAD:…` (a 2xx that is not the
promised image, or a 4xx without the envelope), `HANG` (no answer within the deadline), `-` (not
stored, so nothing to deliver), `long` (a /api/render URL over 60 KB, which HTTP clients refuse to
send; the server's cap is 32 KB). The whole replay runs in a child process, in-process against the
real app (ASGI), and reports the child's peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import mimetypes
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ENTRY_POINTS = ("upload", "import", "data", "url", "generate", "render", "src_s", "files_512")
DEADLINE = 60.0  # seconds for one request; beyond that it counts as a hang
MAX_URL = 60_000  # httpx refuses longer queries (the server's own cap is 32 KB)
SKIP = ("SOURCES", "LICENSE")
TEMPLATE = {"canvas": {"width": 200, "height": 150, "background": "#ffffff"},
            "layers": [{"name": "img", "type": "image", "x": 20, "y": 15, "width": 160,
                        "height": 120}]}


def corpus_files(corpus: Path, sample: int | None) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(SKIP))
    if sample and sample < len(files):
        # An even spread over the sorted list, so every source folder is represented.
        step = len(files) / sample
        files = [files[int(i * step)] for i in range(sample)]
    return files


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the child: drives the app and prints one JSON object --------------------------------------


def decoded(data: bytes, fmt: str) -> tuple[int, int] | str:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.format != fmt:
                return f"format {image.format}, not {fmt}"
            return image.size
    except Exception as exc:  # a 2xx that does not decode is the finding, whatever the error
        return f"undecodable ({type(exc).__name__})"


def envelope_ok(path: str, status: int, body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    if path.startswith(("/v1/", "/src/", "/i/")):
        return isinstance(body.get("error"), str) and isinstance(body.get("message"), str)
    return body.get("success") is False and body.get("code") == status and "error" in body


def refusal(path: str, response: Any) -> str:
    """`4xx` / `5xx` / `BAD:envelope` for a non-2xx answer."""
    status = response.status_code
    if status >= 500:
        return f"5xx:{status}"
    try:
        body = response.json()
    except ValueError:
        body = None
    return f"4xx:{status}" if envelope_ok(path, status, body) else f"BAD:envelope {status}"


def check_image(response: Any, fmt: str, expect: Any) -> str:
    """`image` when the body decodes as `fmt` and `expect(width, height)` holds."""
    size = decoded(response.content, fmt)
    if isinstance(size, str):
        return f"BAD:{size}"
    return "image" if expect(*size) else f"BAD:size {size[0]}x{size[1]}"


async def replay(files: list[Path], workdir: Path) -> dict[str, dict[str, str]]:
    import anyio
    import httpx

    import pinrender
    from pinrender_server.app import create_app
    from pinrender_server.families.hosting import upload as upload_module
    from pinrender_server.services.accounts import issue_key
    from pinrender_server.settings import Settings

    current: dict[str, bytes] = {}

    def serve(request: httpx.Request) -> httpx.Response:
        kind = mimetypes.guess_type(request.url.path)[0] or "application/octet-stream"
        return httpx.Response(200, content=current["bytes"], headers={"content-type": kind})

    def loader(limit: int) -> pinrender.SafeLoader:
        # The real loader (limits, redirects, content checks); only the network is a mock.
        return pinrender.SafeLoader(pinrender.Limits(max_source_bytes=limit), allow_local=False,
                                    transport=httpx.MockTransport(serve),
                                    resolver=lambda host, port: ["93.184.216.34"])

    def fetch_url(ctx: Any, url: str, limit: int) -> bytes:
        fetcher = loader(limit)
        try:
            return fetcher.fetch(url)
        finally:
            fetcher.close()

    upload_module.fetch_url = fetch_url  # the seam the hosting tests use as well
    unlimited = 10**6
    settings = Settings(data_dir=workdir, load_examples=False, render_workers=2,
                        allowed_hosts=["testserver", "localhost"], sweep_interval=3600,
                        plans={"pro": {"hourly_requests": unlimited, "monthly_uploads": unlimited,
                                       "max_images": unlimited}})
    app = create_app(settings)
    results: dict[str, dict[str, str]] = {}
    async with app.router.lifespan_context(app):
        app.state.images_loader = loader(settings.max_source_bytes)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            key = issue_key(app.state.ctx.meta, "replay@example.com", plan="pro").secret
            headers = {"Authorization": f"Bearer {key}"}
            created = await client.post("/api/templates", headers=headers, json={
                "name": "replay", "jsonData": TEMPLATE, "public": True})
            assert created.status_code == 201, created.text
            template = created.json()["data"]["id"]

            async def call(method: str, url: str, **kwargs: Any) -> httpx.Response | None:
                with anyio.move_on_after(DEADLINE):
                    return await client.request(method, url, **kwargs)
                return None

            for path in files:
                data = path.read_bytes()
                current["bytes"] = data
                row: dict[str, str] = {}
                encoded = base64.b64encode(data).decode()
                data_url = f"data:application/octet-stream;base64,{encoded}"
                card = lambda w, h: (w, h) == (200, 150)  # noqa: E731

                r = await call("POST", "/v1/upload", headers=headers,
                               files={"file": (path.name, data, "application/octet-stream")})
                row["upload"] = _ingest(r, "/v1/upload")
                if r is not None and r.status_code == 201:
                    media = r.json()
                    short = min(media["width"], media["height"])
                    src = media["src"].replace("http://testserver", "")
                    src = src.rsplit(".", 1)[0] + ".webp?size=s"
                    d = await call("GET", src)
                    row["src_s"] = _delivered(d, "/src/", "WEBP",
                                              lambda w, h, edge=short: abs(min(w, h) - min(320, edge)) <= 1)
                else:
                    row["src_s"] = "-"

                r = await call("POST", "/v1/import", headers=headers,
                               json={"url": f"https://images.example.com/{quote(path.name)}"})
                row["import"] = _ingest(r, "/v1/import")

                r = await call("POST", "/api/images", headers=headers, json={"image_data": encoded})
                row["data"] = _ingest(r, "/api/images")
                if r is not None and r.status_code == 201:
                    uid = r.json()["data"]["unique_id"]
                    image = app.state.ctx.meta.images.get(uid)
                    sides = (image.width, image.height)
                    d = await call("GET", f"/files/{uid}_512.webp")
                    row["files_512"] = _delivered(
                        d, "/files/", "WEBP",
                        lambda w, h, sides=sides: any(abs(w - min(512, s)) <= 1 for s in sides))
                else:
                    row["files_512"] = "-"

                r = await call("POST", "/api/images", headers=headers,
                               json={"image_url": f"https://images.example.com/{quote(path.name)}"})
                row["url"] = _ingest(r, "/api/images")

                layers = {"img": {"image_url": data_url}}
                r = await call("POST", "/api/generate", headers=headers,
                               json={"templateId": template, "layers": layers, "format": "png"})
                if r is not None and r.status_code == 200:
                    link = r.json()["imageUrl"].replace("http://testserver", "")
                    row["generate"] = _delivered(await call("GET", link), "/renders/", "PNG", card)
                else:
                    row["generate"] = _ingest(r, "/api/generate")

                query = {"templateId": template, "layers": json.dumps(layers), "format": "png"}
                if len(urlencode(query)) > MAX_URL:
                    row["render"] = "long"  # no HTTP client sends such a URL
                else:
                    r = await call("GET", "/api/render", params=query)
                    row["render"] = _delivered(r, "/api/render", "PNG", card)
                results[str(path)] = row
    return results


def _ingest(response: Any, path: str) -> str:
    if response is None:
        return "HANG"
    if response.status_code in (200, 201):
        return "stored"
    return refusal(path, response)


def _delivered(response: Any, path: str, fmt: str, expect: Any) -> str:
    if response is None:
        return "HANG"
    if 200 <= response.status_code < 300:
        return check_image(response, fmt, expect)
    return refusal(path, response)


def child(corpus: Path, sample: int | None) -> None:
    import anyio

    files = corpus_files(corpus, sample)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
        results = anyio.run(replay, files, Path(tmp))
    root = str(corpus) + "/"
    print(json.dumps({"results": {k.removeprefix(root): v for k, v in results.items()},
                      "peak_rss_mb": round(peak_rss_mb(), 1),
                      "seconds": round(time.perf_counter() - started, 1)}))


# --- the parent: runs the child and prints the table -------------------------------------------


def run_child(corpus: Path, sample: int | None, timeout: float) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", "--corpus", str(corpus)]
    if sample:
        args += ["--sample", str(sample)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"the replay process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def short(outcome: str) -> str:
    return {"image": "img", "stored": "ok"}.get(outcome, outcome.split(" ")[0])


def table(report: dict[str, Any]) -> str:
    results: dict[str, dict[str, str]] = report["results"]
    width = max(len(name) for name in results)
    cells = {e: max(len(e), 7) for e in ENTRY_POINTS}
    lines = [f"| {'file':<{width}} | " + " | ".join(f"{e:<{cells[e]}}" for e in ENTRY_POINTS) + " |",
             f"|{'-' * (width + 2)}|" + "|".join("-" * (cells[e] + 2) for e in ENTRY_POINTS) + "|"]
    for name, row in results.items():
        lines.append(f"| {name:<{width}} | " + " | ".join(
            f"{short(row[e]):<{cells[e]}}" for e in ENTRY_POINTS) + " |")
    lines += ["", "| entry point | 2xx image / stored | 4xx by status | 5xx | BAD | HANG | not sent |",
              "|---|---|---|---|---|---|---|"]
    for entry in ENTRY_POINTS:
        counts = Counter(row[entry] for row in results.values())
        good = sum(n for o, n in counts.items() if o in ("image", "stored"))
        refused: Counter[str] = Counter()
        for outcome, n in counts.items():
            if outcome.startswith("4xx:"):
                refused[outcome[4:]] += n
        by_status = ", ".join(f"{s}: {n}" for s, n in sorted(refused.items())) or "0"
        fives = sum(n for o, n in counts.items() if o.startswith("5xx"))
        bad = sum(n for o, n in counts.items() if o.startswith("BAD"))
        unsent = counts["-"] + counts["long"]
        lines.append(f"| {entry} | {good} | {by_status} | {fives} | {bad} | {counts['HANG']} "
                     f"| {unsent} |")
    lines += ["", f"{len(results)} files x {len(ENTRY_POINTS)} entry points; "
                  f"peak RSS {report['peak_rss_mb']} MB; {report['seconds']} s"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the external/ folder")
    parser.add_argument("--sample", type=int, default=None, help="replay only N files")
    parser.add_argument("--json", action="store_true", help="print the raw report")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}")
    if args.child:
        child(corpus, args.sample)
        return
    report = run_child(corpus, args.sample, args.timeout)
    print(json.dumps(report) if args.json else table(report))


if __name__ == "__main__":
    main()
