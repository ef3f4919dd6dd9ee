"""Child process of test_transform_corpus: replays files through transform and probe under an
address-space limit, printing one JSON line per file (started, then finished)."""

from __future__ import annotations

import json
import resource
import sys
import time

from pinrender import SourceError, probe, transform

LIMIT_BYTES = 2 * 1024**3


def main(paths: list[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    for path in paths:
        print(json.dumps({"start": path}), flush=True)
        started = time.perf_counter()
        result: dict[str, object] = {"path": path}
        calls = (("probe", lambda p=path: probe(p)),
                 ("transform", lambda p=path: transform(p, size="s", format="webp")))
        for name, call in calls:
            try:
                value = call()
                result[name] = "ok" if not isinstance(value, bytes) else f"ok:{len(value)}"
                if isinstance(value, bytes):
                    result["webp"] = value[:4] == b"RIFF" and value[8:12] == b"WEBP"
            except SourceError as exc:
                result[name] = f"SourceError:{type(exc).__name__}:{exc}"[:200]
            except Exception as exc:
                result[name] = f"BUG:{type(exc).__name__}:{exc}"[:300]
        result["seconds"] = time.perf_counter() - started
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
