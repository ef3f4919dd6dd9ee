"""`pinrender batch` through the real command (`python -m pinrender batch ...`): outputs decoded
and checked pixel by pixel, the errors file, --resume skipping by render key, every row format."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.images import jpeg

pytestmark = pytest.mark.timeout(120)

TEMPLATE = {
    "canvas": {"width": 300, "height": 150,
               "background": {"type": "image", "image_url": "bg.jpg", "objectFit": "cover"}},
    "layers": [
        {"name": "title", "type": "text", "x": 10, "y": 10, "width": 280, "height": 60,
         "text": "{{title}}", "fontSize": 24, "color": "#ffffff"},
        {"name": "badge", "type": "rect", "x": 260, "y": 110, "width": 30, "height": 30,
         "fill": "#00ff00"},
    ],
    "variables": [{"name": "title", "default": "Untitled"}],
}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    (tmp_path / "bg.jpg").write_bytes(jpeg(600, 300))
    path = tmp_path / "card.json"
    path.write_text(json.dumps(TEMPLATE))
    return path


def batch(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pinrender", "batch", *map(str, argv)],
                          capture_output=True, text=True, timeout=110, check=False)


def decoded(path: Path) -> Image.Image:
    image = Image.open(io.BytesIO(path.read_bytes()))
    image.load()
    return image.convert("RGB")


def near(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_rows_become_files_and_bad_rows_go_to_the_errors_file(template: Path,
                                                                 tmp_path: Path) -> None:
    rows = write_csv(tmp_path / "rows.csv", [
        "slug,title,badge.fill,title.fontSize",
        "first,Hello there,#ff0000,",
        "second,\"Comma, inside\",,30",
        "third,Bad colour,not-a-colour,",
        "fourth,Bad size,#0000ff,huge",
        "fifth,Blue,#0000ff,",
    ])
    out = tmp_path / "out"
    done = batch(template, rows, "-o", out, "--name", "slug", "--workers", "2")
    assert done.returncode == 1, done.stderr  # some rows failed
    assert "columns the template does not use: slug" in done.stderr
    assert "5 rows" in done.stderr and "3 rendered" in done.stderr and "2 failed" in done.stderr

    assert sorted(p.name for p in out.glob("*.png")) == ["fifth.png", "first.png", "second.png"]
    colours = {name: decoded(out / f"{name}.png").getpixel((275, 125))
               for name in ("first", "second", "fifth")}
    assert decoded(out / "first.png").size == (300, 150)
    assert near(colours["first"], (255, 0, 0))
    assert near(colours["second"], (0, 255, 0))  # an empty cell keeps the template's fill
    assert near(colours["fifth"], (0, 0, 255))
    # The title column reached the pixels: two titles, two different images above the badge.
    first, fifth = decoded(out / "first.png"), decoded(out / "fifth.png")
    assert first.crop((0, 0, 300, 80)).tobytes() != fifth.crop((0, 0, 300, 80)).tobytes()

    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "badge.fill"), (4, "title.fontSize")]
    assert "not a colour" in errors[0]["message"]
    assert "fontSize" in errors[1]["message"]


def test_resume_skips_rows_already_rendered_with_the_same_key(template: Path,
                                                             tmp_path: Path) -> None:
    lines = ["id,title"] + [f"{i},Card {i}" for i in range(6)]
    rows = write_csv(tmp_path / "rows.csv", lines)
    out = tmp_path / "out"
    first = batch(template, rows, "-o", out, "--name", "card-{id}", "--format", "webp")
    assert first.returncode == 0, first.stderr
    files = sorted(out.glob("*.webp"))
    assert [f.name for f in files] == [f"card-{i}.webp" for i in range(6)]
    for f in files:  # mark every file old, so a rewrite shows in its mtime
        os.utime(f, (1_000_000_000, 1_000_000_000))

    again = batch(template, rows, "-o", out, "--name", "card-{id}", "--format", "webp",
                  "--resume")
    assert again.returncode == 0, again.stderr
    assert "0 rendered" in again.stderr and "6 skipped" in again.stderr
    assert all(f.stat().st_mtime == 1_000_000_000 for f in files)

    # One title changed, one file deleted: exactly those two are rendered again.
    lines[3] = "2,A new title"
    write_csv(rows, lines)
    (out / "card-4.webp").unlink()
    third = batch(template, rows, "-o", out, "--name", "card-{id}", "--format", "webp",
                  "--resume")
    assert "2 rendered" in third.stderr and "4 skipped" in third.stderr, third.stderr
    rewritten = {f.name for f in out.glob("*.webp") if f.stat().st_mtime != 1_000_000_000}
    assert rewritten == {"card-2.webp", "card-4.webp"}
    assert decoded(out / "card-2.webp").size == (300, 150)

    # Without --resume every row renders again.
    fourth = batch(template, rows, "-o", out, "--name", "card-{id}", "--format", "webp")
    assert "6 rendered" in fourth.stderr


def test_jsonl_is_read_line_by_line_and_a_broken_line_is_one_error(template: Path,
                                                                  tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join([
        json.dumps({"title": "One", "badge": {"fill": "#ff00ff"}}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "Four", "title.color": "#000000"}),
    ]) + "\n")
    out = tmp_path / "out"
    done = batch(template, rows, "-o", out, "--format", "jpeg")
    assert done.returncode == 1
    assert sorted(p.name for p in out.glob("*.jpg")) == ["000001.jpg", "000004.jpg"]
    assert near(decoded(out / "000001.jpg").getpixel((275, 125)), (255, 0, 255), 30)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["row"] for e in errors] == [2, 3]
    assert "not valid JSON" in errors[0]["message"]
    assert "not a JSON object" in errors[1]["message"]


def test_a_json_array_and_duplicate_names(template: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([{"title": "A", "slug": "same"}, {"title": "B", "slug": "same"},
                                {"title": "C", "slug": "../../escape"}]))
    out = tmp_path / "out"
    done = batch(template, rows, "-o", out, "--name", "slug")
    assert done.returncode == 1
    # A name is made safe for the disk: nothing is written outside the output folder.
    assert sorted(p.name for p in out.glob("*.png")) == ["escape.png", "same.png"]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert errors == [{"row": 2, "column": None, "message": "file name same.png is also row 1's"}]


@pytest.mark.parametrize(("rows_name", "content", "message"), [
    ("rows.txt", "a,b\n", "must be a .csv, .jsonl or .json file"),
    ("rows.json", "{\"not\": \"an array\"}", "must be an array of objects"),
    ("rows.json", "[1,", "not valid JSON"),
])
def test_unusable_inputs_fail_with_one_line(template: Path, tmp_path: Path, rows_name: str,
                                            content: str, message: str) -> None:
    rows = tmp_path / rows_name
    rows.write_text(content)
    done = batch(template, rows, "-o", tmp_path / "out")
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["--workers", "0"], "--workers 0: use 1 or more"),
    (["--quality", "101"], "--quality 101: use 1-100"),
    (["--template", "missing.json"], "missing.json"),
])
def test_bad_options_fail_before_any_row(template: Path, tmp_path: Path, argv: list[str],
                                         message: str) -> None:
    rows = write_csv(tmp_path / "rows.csv", ["title", "One"])
    if argv[0] == "--template":
        template, argv = tmp_path / argv[1], []
    done = batch(template, rows, "-o", tmp_path / "out", *argv)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_gets_a_live_progress_bar(template: Path, tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    rows = write_csv(tmp_path / "rows.csv", ["title"] + [f"Card {i}" for i in range(4)])
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "pinrender", "batch", str(template), str(rows),
                             "-o", str(tmp_path / "out")], stderr=slave,
                            stdout=subprocess.DEVNULL)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.wait(60) == 0
    text = shown.decode()
    assert "4/4" in text and "row/s" in text  # done/total and the rate, redrawn in place
    assert "\r" in text and "batch: 4/4 rows" not in text  # the bar, not the plain lines
    assert "4 rendered" in text
