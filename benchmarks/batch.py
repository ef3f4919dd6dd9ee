"""Batch benchmark: 1,000 OG cards from a CSV with one shared background, `pinrender batch`
against satori + resvg-js rendering the same rows in a loop.

    python benchmarks/batch.py [--rows 1000] [--workers 1 2]

The card is the basic card of benchmarks/og_card.py (photo background under a shade, a bold title
wrapping to three lines, a subtitle, a round avatar), 1200x630 PNG, each row a new title. Both
sides write one PNG file per row. pinrender runs as the real command (`python -m pinrender batch
card.json rows.csv -o DIR --workers N`); the peer is benchmarks/og_peer/batch.mjs, reading the
same titles as JSON lines (node has no CSV reader of its own). Cards per second are over each
process's whole life (start-up and imports included) and, in brackets, over its render loop
alone. Peak RSS is each child process's own (`os.wait4`).
The peer is installed into benchmarks/og_peer/ with `npm ci` on first use.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import og_card  # noqa: E402
from og_card import PEER, SUBTITLE, font_files, template, titles  # noqa: E402

# The shared photos sit beside the checkout, which may be a worktree at another depth.
PHOTOS = next((p / "shared" / "photos" for p in HERE.parents
               if (p / "shared" / "photos" / "bg-1920x1280.jpg").is_file()), og_card.PHOTOS)
og_card.PHOTOS = PHOTOS


def run(argv: list[str], cwd: Path | None = None) -> tuple[float, float, str, str]:
    """Run a child to the end: (wall seconds, peak RSS in MB, stdout, stderr)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr  # ru_maxrss: KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    regular, bold, family = font_files()
    card = template(family)
    names = titles(args.rows)
    work = Path(tempfile.mkdtemp(prefix="pinrender-batch-bench-"))
    (work / "card.json").write_text(json.dumps(card))
    with (work / "rows.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["slug", "title.text"])
        writer.writerows([f"post-{i}", title] for i, title in enumerate(names))
    with (work / "rows.jsonl").open("w") as f:
        f.writelines(json.dumps({"title.text": title}) + "\n" for title in names)

    results: list[tuple[str, float, float, float]] = []
    for workers in args.workers:
        out = work / f"pinrender-{workers}"
        wall, rss, _, err = run([sys.executable, "-m", "pinrender", "batch",
                                 str(work / "card.json"), str(work / "rows.csv"), "-o", str(out),
                                 "--name", "slug", "--workers", str(workers)])
        loop = re.search(r"rendered \(([\d.]+)/s\)", err)
        assert len(list(out.glob("*.png"))) == args.rows, err
        results.append((f"pinrender batch --workers {workers}", wall, float(loop[1]) if loop
                        else 0.0, rss))

    if not (PEER / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=PEER,
                       check=True)
    config = {"font_regular": str(regular), "font_bold": str(bold),
              "background": str(PHOTOS / "bg-1920x1280.jpg"),
              "avatar": str(PHOTOS / "avatar-800x533.jpg"), "subtitle": SUBTITLE,
              "rows": str(work / "rows.jsonl"), "output": str(work / "peer")}
    (work / "peer.json").write_text(json.dumps(config))
    wall, rss, out_text, _ = run(["node", str(PEER / "batch.mjs"), str(work / "peer.json")])
    peer = json.loads(out_text)
    assert peer["rows"] == args.rows
    results.append(("satori + resvg-js (loop)", wall, peer["rows"] / peer["seconds"], rss))

    peer_rate = args.rows / results[-1][1]
    print(f"{args.rows} OG cards 1200x630 PNG, one shared background; {os.cpu_count()} cores\n")
    print("| renderer | wall s | cards/s (whole run) | cards/s (render loop) | peak RSS MB |"
          " vs peer |")
    print("|---|---|---|---|---|---|")
    for name, seconds, loop_rate, peak in results:
        rate = args.rows / seconds
        print(f"| {name} | {seconds:.1f} | {rate:.1f} | {loop_rate:.1f} | {peak:.0f} |"
              f" {rate / peer_rate:.2f}x |")
    print(f"\nfiles in {work}")


if __name__ == "__main__":
    main()
