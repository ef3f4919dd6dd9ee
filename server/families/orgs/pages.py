"""The Developer Zone (seed 002): `/developer`, where an organisation's owner manages API tokens.

Plain HTML and one script, self-contained. The owner key is typed into the page, kept in the tab's
sessionStorage and sent in a header: it never appears in a URL, so no access log holds it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ...http.common import etag_matches

SCRIPT = (Path(__file__).parent / "static" / "developer.js").read_bytes()
SCRIPT_ETAG = '"' + hashlib.sha256(SCRIPT).hexdigest()[:24] + '"'

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:24px;color:#222}
h1{margin:0 0 4px}code,input{font:14px ui-monospace,monospace}
section{border:1px solid #ddd;border-radius:8px;padding:16px;margin:16px 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eee}
.warning{background:#fff4e5;border:1px solid #f4a261;padding:8px;border-radius:6px}
.error{color:#b00020}#new-token{width:100%;box-sizing:border-box}
button{font:inherit;padding:4px 12px}:focus-visible{outline:3px solid #2a9d8f;outline-offset:2px}
"""

_BODY = """
<h1>Developer Zone</h1>
<p>API tokens let your services call <code>/api/v1/ext/{org_id}/…</code> with the
<code>X-API-Key</code> header. Each organisation can have up to 10 tokens.</p>
<section aria-labelledby=key-h>
<h2 id=key-h>Your owner key</h2>
<form id=key-form>
<label for=key>Account owner API key</label>
<input id=key type=password autocomplete=off spellcheck=false required>
<button type=submit>Use key</button>
<button type=button id=forget>Forget key</button>
</form>
<p><small>Kept in this browser tab only (session storage), sent in a header, never in a URL.</small></p>
</section>
<p id=status role=status aria-live=polite></p>
<div id=signed-in hidden>
<p>Organisation: <strong id=org></strong></p>
<section aria-labelledby=tokens-h>
<h2 id=tokens-h>API tokens</h2>
<p id=count></p>
<form id=create-form>
<label for=token-name>Token name</label>
<input id=token-name maxlength=100 placeholder="e.g. Production">
<button type=submit id=create>Create token</button>
</form>
<div id=created hidden class=warning>
<p><strong>Copy this token now: it will not be shown again.</strong> Store it in your secret
manager. If you lose it, delete it and create a new one.</p>
<label for=new-token>New token</label>
<input id=new-token readonly>
<button type=button id=copy>Copy</button>
<button type=button id=dismiss>I have stored it</button>
</div>
<table>
<thead><tr><th>Name</th><th>Token</th><th>Created</th><th>Last used</th><th>Active</th><th></th></tr></thead>
<tbody id=tokens></tbody>
</table>
</section>
<section aria-labelledby=events-h>
<h2 id=events-h>Events</h2>
<ul id=events></ul>
<form id=event-form>
<label for=event-name>New event</label>
<input id=event-name maxlength=200>
<button type=submit>Create event</button>
</form>
</section>
</div>
<script src="/developer/developer.js"></script>
"""


async def developer(request: Request) -> Response:
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        "<meta name=referrer content=no-referrer>"
        f"<title>Developer Zone</title><style>{_STYLE}</style></head><body>{_BODY}</body></html>",
        headers={"Cache-Control": "no-store"})


async def script(request: Request) -> Response:
    headers = {"ETag": SCRIPT_ETAG, "Cache-Control": "public, max-age=3600"}
    if etag_matches(request, SCRIPT_ETAG):
        return Response(status_code=304, headers=headers)
    return Response(SCRIPT, media_type="text/javascript", headers=headers)
