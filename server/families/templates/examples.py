"""Loads `examples/*.json` as public templates with stable ids, refreshed when a file changes.

Example templates refer to images beside them (`photos/hubble.jpg`). The server refuses local paths
in `image_url` (a user template must never read the server's disk), so those images are inlined as
`data:` URLs when loaded: the stored template is then self-contained and renders anywhere.
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import uuid
from pathlib import Path
from typing import Any

import pinrender

from ...backends import MetaStore, TemplateRecord

log = logging.getLogger("pinrender.server")

# Fixed namespace: the same file stem gives the same template id on every machine and restart.
EXAMPLES_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5c9d-9e0f-1a2b3c4d5e6f")
MAX_ASSET_BYTES = 2 * 2**20


def example_id(stem: str) -> str:
    return str(uuid.uuid5(EXAMPLES_NAMESPACE, stem))


def _inline(url: Any, root: Path) -> Any:
    if not isinstance(url, str) or ":" in url.split("/", 1)[0]:
        return url  # data:, http(s): or not a string: left alone
    path = (root / url).resolve()
    if not path.is_file() or not path.is_relative_to(root) or path.stat().st_size > MAX_ASSET_BYTES:
        return url  # left for the core to refuse with a clear error
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{media};base64,{base64.b64encode(path.read_bytes()).decode()}"


def inline_assets(data: dict[str, Any], root: Path) -> dict[str, Any]:
    root = root.resolve()
    out = json.loads(json.dumps(data))
    background = out.get("canvas", {}).get("background")
    if isinstance(background, dict) and "image_url" in background:
        background["image_url"] = _inline(background["image_url"], root)
    for layer in out.get("layers", []):
        if isinstance(layer, dict) and "image_url" in layer:
            layer["image_url"] = _inline(layer["image_url"], root)
    return out


def _title(stem: str) -> str:
    return stem.replace("-", " ").replace("_", " ").strip().capitalize()


def sync_examples(meta: MetaStore, folder: Path) -> list[str]:
    """Create or update one public template per JSON file; return the ids loaded."""
    if not folder.is_dir():
        return []
    loaded: list[str] = []
    for path in sorted(folder.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            data = inline_assets(raw, path.parent)
            pinrender.parse_template(data)
        except (OSError, ValueError) as exc:  # TemplateError is a ValueError
            log.warning("skipping example %s: %s", path.name, exc)
            continue
        template_id = example_id(path.stem)
        existing = meta.templates.get(template_id)
        if existing is None:
            try:
                meta.templates.create(TemplateRecord(
                    id=template_id, account_id=None, name=_title(path.stem),
                    description=f"Example template {path.name}", json_data=data, public=True,
                ))
            except Exception:
                # Another worker process created it first; fall through to the update check.
                existing = meta.templates.get(template_id)
                if existing is None:
                    raise
        if existing is not None and existing.json_data != data:
            meta.templates.update(template_id, {"json_data": data})
        loaded.append(template_id)
    return loaded
