"""Build `/api/render` URLs, sign them, and write the meta tags that point at them.

Pure string helpers: no HTTP, no server. The canonical query is what gets signed, so a signature
does not depend on parameter order or on how a client spaced its JSON:

    templateId=<id>&layers=<compact sorted JSON>&variables=<compact sorted JSON>&format=<fmt>

Signatures are HMAC-SHA256 over that string, base64url without padding (as imgproxy and thumbor
sign their URLs), carried in a `signature` parameter.

CDN transform URLs (`/src/{team}/{uid}.{ext}?w=300&h=200&fit=crop`) carry an `s` parameter:
HMAC-SHA256 of the path and the canonical query (sorted, `s`, `signature` and `expires` left out),
so a client cannot change a size without a key (`transform_url`, `check_transform`). Short
og:image URLs (`/og/{templateId}.png?title=Hello`) come from `og_url`.

Any other path can be signed to expire (`sign_path`, `check_path`): the signature covers the path,
every query parameter in sorted order and an `expires` Unix time, so neither the file, its size or
format, nor the deadline can be changed without invalidating it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode

RENDER_PATH = "/api/render"
_FORMAT_ALIASES = {"jpg": "jpeg"}


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def canonical_query(template_id: str, layers: Mapping[str, Any] | None = None,
                    variables: Mapping[str, Any] | None = None,
                    format: str | None = None) -> str:
    """The render query in canonical form: fixed order, compact sorted JSON, empty parts left out."""
    params: list[tuple[str, str]] = [("templateId", str(template_id))]
    if layers:
        params.append(("layers", _compact(layers)))
    if variables:
        params.append(("variables", _compact(variables)))
    if format:
        fmt = format.lower()
        params.append(("format", _FORMAT_ALIASES.get(fmt, fmt)))
    return urlencode(params, quote_via=quote, safe="")


def sign(query: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), query.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def render_url(base_url: str, template_id: str, layers: Mapping[str, Any] | None = None,
               variables: Mapping[str, Any] | None = None, format: str | None = None, *,
               secret: str | None = None) -> str:
    """An absolute `/api/render` URL; with `secret`, signed for templates that require it."""
    query = canonical_query(template_id, layers, variables, format)
    if secret:
        query += "&signature=" + sign(query, secret)
    return f"{base_url.rstrip('/')}{RENDER_PATH}?{query}"


def verify_signature(signature: str | None, template_id: str,
                     layers: Mapping[str, Any] | None = None,
                     variables: Mapping[str, Any] | None = None, format: str | None = None, *,
                     secret: str) -> bool:
    """True if `signature` signs these parameters (already parsed from the query) with `secret`."""
    if not signature or not secret:
        return False
    try:
        expected = sign(canonical_query(template_id, layers, variables, format), secret)
    except ValueError:  # NaN or other non-JSON values cannot have been signed
        return False
    return hmac.compare_digest(expected.encode(), signature.encode())


def canonical_path(path: str, params: Iterable[tuple[str, str]]) -> str:
    """`path?query` with the query sorted and any `signature` left out: what `sign_path` signs."""
    rest = sorted((k, v) for k, v in params if k != "signature")
    return f"{path}?{urlencode(rest, quote_via=quote, safe='')}"


def sign_path(path_and_query: str, secret: str, expires: int) -> str:
    """`path_and_query` (a path, optionally with a query) signed to be valid until `expires`,
    a Unix time of at most 12 digits."""
    if not 0 <= expires < MAX_EXPIRES:
        raise ValueError(f"expires must be a Unix time below {MAX_EXPIRES}")
    path, _, query = path_and_query.partition("?")
    params = [*parse_qsl(query, keep_blank_values=True), ("expires", str(int(expires)))]
    signature = sign(canonical_path(path, params), secret)
    return f"{path}?{urlencode([*params, ('signature', signature)], quote_via=quote, safe='')}"


PathCheck = Literal["valid", "expired", "invalid"]
MAX_EXPIRES = 10**12  # 12 digits: checked before int() so no huge number is ever parsed


def check_path(path: str, params: Iterable[tuple[str, str]], secret: str, now: float) -> PathCheck:
    """Whether a request for `path` with query `params` carries a signature from `sign_path`.

    "expired" only for a genuine signature past its deadline, so a caller can tell a stale link
    from a forged one; the comparison is constant-time.
    """
    items = list(params)
    signatures = [v for k, v in items if k == "signature"]
    expiries = [v for k, v in items if k == "expires"]
    if not secret or len(signatures) != 1 or len(expiries) != 1:
        return "invalid"
    if not (expiries[0].isascii() and expiries[0].isdigit() and len(expiries[0]) <= 12):
        return "invalid"
    expected = sign(canonical_path(path, items), secret)
    if not hmac.compare_digest(expected.encode(), signatures[0].encode()):
        return "invalid"
    return "valid" if int(expiries[0]) > now else "expired"


def meta_tags(image_url: str, *, width: int | None = None, height: int | None = None,
              alt: str | None = None) -> str:
    """`og:image` and `twitter:image` tags for `image_url`, every value HTML-escaped."""
    def tag(attr: str, name: str, content: object) -> str:
        return f'<meta {attr}="{escape(name)}" content="{escape(str(content), quote=True)}" />'

    tags = [tag("property", "og:image", image_url)]
    if width:
        tags.append(tag("property", "og:image:width", int(width)))
    if height:
        tags.append(tag("property", "og:image:height", int(height)))
    if alt:
        tags.append(tag("property", "og:image:alt", alt))
    tags.append(tag("name", "twitter:card", "summary_large_image"))
    tags.append(tag("name", "twitter:image", image_url))
    if alt:
        tags.append(tag("name", "twitter:image:alt", alt))
    return "\n".join(tags)


# -- CDN transforms --------------------------------------------------------------------------
SRC_PATH = "/src"
OG_PATH = "/og"
TRANSFORM_SIGNATURE = "s"
# Not covered by `s`: the signature itself and a private link's own signature and deadline
# (`sign_path` signs over the `s` too, so a private link can carry a signed transform).
_UNSIGNED = frozenset({TRANSFORM_SIGNATURE, "signature", "expires"})


def _param_items(params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    items = params.items() if isinstance(params, Mapping) else params
    out = []
    for name, value in items:
        if value is None:
            continue
        if isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        # Python spellings of imgix names: fp_x -> fp-x.
        out.append((str(name).replace("_", "-"), str(value)))
    return out


def transform_query(params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """The canonical query a transform signature covers: sorted, unsigned names left out."""
    rest = sorted((k, v) for k, v in _param_items(params) if k not in _UNSIGNED)
    return urlencode(rest, quote_via=quote, safe="")


def sign_transform(path: str, params: Mapping[str, Any] | Iterable[tuple[str, Any]],
                   key: str) -> str:
    """The `s` of a transform URL: HMAC-SHA256 of `path?canonical query`, base64url."""
    return sign(f"{path}?{transform_query(params)}", key)


def check_transform(path: str, params: Iterable[tuple[str, str]], keys: Iterable[str]) -> bool:
    """True if `params` carry exactly one `s` that signs `path` and the rest of `params` with any
    of `keys` (the first signs new URLs; the others stay accepted while keys rotate). Every key
    is tried, each compared in constant time, so timing does not tell which key matched."""
    items = list(params)
    given = [v for k, v in items if k == TRANSFORM_SIGNATURE]
    if len(given) != 1:
        return False
    canonical = f"{path}?{transform_query(items)}"
    ok = False
    for key in keys:
        if key:
            ok |= hmac.compare_digest(sign(canonical, key).encode(), given[0].encode())
    return ok


def transform_url(base_url: str, team_hash: str, uid: str, ext: str = "webp", *,
                  key: str | None = None, **params: Any) -> str:
    """A CDN URL of a stored image with imgix-style parameters (`w`, `h`, `fit`, `crop`,
    `fp_x`/`fp_y`, `q`, `fm`, `auto`, `dpr`, `bg`, or `size`), signed with `key` if given:

        transform_url("https://cdn.example", "t1", "ab12cd34", "jpg", w=300, h=200, fit="crop",
                      key=KEY)
    """
    path = f"{SRC_PATH}/{quote(team_hash, safe='')}/{quote(uid, safe='')}.{quote(ext, safe='')}"
    items = sorted(_param_items(params))
    if key:
        items.append((TRANSFORM_SIGNATURE, sign_transform(path, items, key)))
    query = urlencode(items, quote_via=quote, safe="")
    return f"{base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")


def og_path(template_id: str, format: str = "png") -> str:
    fmt = format.lower()
    return f"{OG_PATH}/{quote(str(template_id), safe='')}.{'jpg' if fmt == 'jpeg' else fmt}"


def og_url(base_url: str, template_id: str, variables: Mapping[str, Any] | None = None, *,
           format: str = "png", layers: Mapping[str, Any] | None = None,
           secret: str | None = None) -> str:
    """A short og:image URL, `/og/{templateId}.{ext}?title=Hello&author=Ada`: each variable a
    query parameter, `layers` (if any) compact JSON; with `secret` (the account's render secret)
    signed for templates that require it, over the path and the sorted query (`sign_path`'s
    canonical form, without an expiry)."""
    path = og_path(template_id, format)
    items = [(str(k), str(v)) for k, v in sorted((variables or {}).items())]
    if layers:
        items.append(("layers", _compact(layers)))
    if secret:
        items.append(("signature", sign(canonical_path(path, items), secret)))
    query = urlencode(items, quote_via=quote, safe="")
    return f"{base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")


def check_og(path: str, params: Iterable[tuple[str, str]], secret: str) -> bool:
    """True if an `/og/...` request carries a `signature` from `og_url` with `secret`."""
    items = list(params)
    given = [v for k, v in items if k == "signature"]
    if not secret or len(given) != 1:
        return False
    return hmac.compare_digest(sign(canonical_path(path, items), secret).encode(),
                               given[0].encode())
