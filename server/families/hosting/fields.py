"""Validation of seed 001's media fields, shared by upload (form strings), import and PATCH (JSON).

Pure functions raising ValueError with a message that names the rule; the models turn that into a
422 `validation_error` whose `errors` object names the field.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

MAX_TAGS = 10
MAX_TAG_LENGTH = 50
NAMESPACE = re.compile(r"^[a-z0-9-]{2,64}$")
MAX_METADATA_KEYS = 50
MAX_METADATA_BYTES = 16 * 1024
METADATA_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def parse_tags(value: Any) -> tuple[str, ...]:
    """Comma-separated (or a JSON list): at most 10 distinct tags of 1-50 characters, in order."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("must be a comma-separated string or a list of strings")
    tags: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError("each tag must be a string")
        tag = item.strip()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"tag {tag[:20]!r}… is longer than {MAX_TAG_LENGTH} characters")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags (got {len(tags)})")
    return tuple(tags)


def check_namespace(value: str) -> str:
    if not NAMESPACE.match(value):
        raise ValueError("must be 2-64 characters of lowercase letters, digits and hyphens")
    return value


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValueError("must be true or false")


def parse_date(value: Any) -> str:
    """ISO 8601 or a Unix timestamp, normalised to ISO 8601 UTC so it sorts as text."""
    if isinstance(value, bool):
        raise ValueError("must be an ISO 8601 date or a Unix timestamp")
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d{1,12}(\.\d+)?", value.strip())):
        try:
            when = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError("timestamp out of range") from None
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("must be an ISO 8601 date or a Unix timestamp") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    else:
        raise ValueError("must be an ISO 8601 date or a Unix timestamp")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_metadata(value: Any, *, allow_null: bool = False) -> dict[str, Any]:
    """A JSON object (or its text) of at most 50 keys and 16 KB; values null only in PATCH."""
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_constant=_no_constant)
        except ValueError:
            raise ValueError("must be a JSON object") from None
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    check_metadata(value, allow_null=allow_null)
    return value


def check_metadata(value: dict[str, Any], *, allow_null: bool = False) -> None:
    if len(value) > MAX_METADATA_KEYS:
        raise ValueError(f"at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if not METADATA_KEY.match(key):
            raise ValueError(f"key {key[:30]!r} must be 1-64 letters, digits, '_', '.' or '-'")
        if item is None and not allow_null:
            raise ValueError(f"key {key!r}: null is only meaningful in PATCH (it removes a key)")
    if len(json.dumps(value)) > MAX_METADATA_BYTES:
        raise ValueError(f"larger than {MAX_METADATA_BYTES} bytes as JSON")


def _no_constant(name: str) -> Any:
    raise ValueError(name)
