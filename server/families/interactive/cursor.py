"""Opaque keyset cursors: the last id of a page, versioned so the format can change later."""

from __future__ import annotations

import base64

from ...http.errors import ApiError

PREFIX = "i1:"


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(PREFIX) and text[len(PREFIX):].isdigit():
            value = int(text[len(PREFIX):])
            if 0 < value < 2**63:
                return value
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiError(400, "cursor: not a cursor from a previous response's next_cursor",
                   field="cursor")
