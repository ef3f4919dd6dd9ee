"""Models every family shares: seed 003's and seed 000's envelopes, and the fetchable-URL pattern."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

# A URL the server fetches (`image_url`, `/v1/import`): http(s) with a host name, as JSON Schema
# writes it for /openapi.json; the SSRF-guarded loader refuses anything else before it connects.
FETCHABLE_URL = (r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=-]+(:[0-9]{1,5})?"
                 r"([/?#][^\x00-\x20]*)?$")


class ErrorOut(BaseModel):
    success: Literal[False] = False
    error: str
    code: int
    field: str | None = None


class Seed002Detail(BaseModel):
    code: str  # machine-readable cause: `token_inactive`, `org_mismatch`, …
    message: str
    status: int
    retryable: bool  # whether the same request may succeed later (only 429 and 503)
    field: str | None = None


class Seed002ErrorOut(BaseModel):
    """Errors of the org-token family (`/api/v1/…`, seed 002)."""

    success: Literal[False] = False
    error: Seed002Detail


class Envelope(BaseModel):
    success: Literal[True] = True
    data: Any
