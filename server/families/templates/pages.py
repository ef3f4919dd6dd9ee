"""HTML pages and the OpenAPI document: `/`, `/playground`, `/docs`, `/openapi.json`.

Pages are self-contained (no CDN scripts or fonts): users and tests may be offline. Every value that
comes from data is escaped.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from pinrender.urls import meta_tags, render_url

from ...context import get_ctx
from ...http.openapi import build_openapi

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#222}
h1{margin:0 0 4px}code,pre,textarea{font:13px ui-monospace,monospace}
.card{border:1px solid #ddd;border-radius:8px;padding:16px;margin:16px 0}
.card img{max-width:100%;height:auto;border:1px solid #eee;display:block;margin:8px 0}
textarea{width:100%;height:5.5em;box-sizing:border-box}
.op{border-left:4px solid #888;padding:4px 12px;margin:12px 0}
.m{display:inline-block;min-width:4.5em;font-weight:bold}
.get{border-color:#2a9d8f}.post{border-color:#e9c46a}.put{border-color:#f4a261}.delete{border-color:#e76f51}
pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:24em}
"""


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _no_templates(load_examples: bool) -> str:
    """What to do about an empty home page: the examples are one setting away."""
    create = ("or create your own with <code>POST /api/templates</code> and "
              "<code>\"public\": true</code> (see <a href='/docs'>the API</a>).")
    if not load_examples:
        return ("<p>No public templates yet. Restart with <code>PINRENDER_LOAD_EXAMPLES=true "
                f"pinrender serve</code> to load the example templates, {create}</p>")
    return ("<p>No public templates yet: no example templates were found. Point "
            "<code>PINRENDER_EXAMPLES_DIR</code> at a folder of template JSON files and restart, "
            f"{create}</p>")


async def home(request: Request) -> Response:
    ctx = get_ctx(request)
    base = ctx.base_url(request)
    cards = []
    for t in ctx.meta.templates.list_public(limit=100):
        canvas: Any = t.json_data.get("canvas", {})
        width, height = canvas.get("width"), canvas.get("height")
        preview = f"/api/render?templateId={t.id}"
        url = render_url(base, t.id)
        tags = meta_tags(url, width=width if isinstance(width, int) else None,
                         height=height if isinstance(height, int) else None, alt=t.name)
        cards.append(
            f"<div class=card><h2>{escape(t.name)}</h2><p>{escape(t.description)}</p>"
            f"<p>id <code>{escape(t.id)}</code> · version {t.version}</p>"
            f"<img loading=lazy src='{escape(preview, quote=True)}' alt='{escape(t.name, quote=True)}'"
            f" width='{escape(str(width), quote=True)}' height='{escape(str(height), quote=True)}'>"
            f"<p>Meta tags to copy:</p><textarea readonly>{escape(tags)}</textarea></div>"
        )
    listing = "".join(cards) or _no_templates(ctx.settings.load_examples)
    return _page("pinrender", (
        "<h1>pinrender</h1><p>Templated images over HTTP. "
        "<a href='/playground'>Template playground</a> · "
        "<a href='/docs'>API documentation</a> · <a href='/openapi.json'>OpenAPI</a></p>"
        f"<h2>Public templates</h2>{listing}"
    ))


def openapi_document(request: Request) -> dict[str, Any]:
    import pinrender

    doc: dict[str, Any] = build_openapi(request.app.routes, title="pinrender",
                                        version=getattr(pinrender, "__version__", "0"))
    return doc


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request))


def _schema_block(schema: Any) -> str:
    return f"<pre>{escape(json.dumps(schema, indent=2))}</pre>"


async def docs(request: Request) -> Response:
    doc = openapi_document(request)
    parts = [f"<h1>{escape(doc['info']['title'])} API</h1>",
             ("<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a>. Authenticate with "
             "<code>Authorization: Bearer pk_…</code>, <code>X-API-Key</code> or "
             "<code>?api_key=</code>. Errors: <code>{\"success\": false, \"error\": …, "
             "\"code\": N}</code>.</p>")]
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            params = "".join(
                f"<li><code>{escape(p['name'])}</code> ({escape(p['in'])}"
                f"{', required' if p.get('required') else ''}) {escape(p.get('description', ''))}</li>"
                for p in op.get("parameters", [])
            )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            schema = doc["components"]["schemas"].get(name) if name else None
            codes = ", ".join(escape(c) for c in op.get("responses", {}))
            parts.append(
                f"<div class='op {escape(method)}'><p><span class=m>{escape(method.upper())}</span>"
                f"<code>{escape(path)}</code> — {escape(op.get('summary', ''))}"
                f"{' · <em>API key</em>' if op.get('security') else ''}</p>"
                f"{f'<ul>{params}</ul>' if params else ''}"
                f"{f'<p>Body: <code>{escape(name)}</code></p>' + _schema_block(schema) if schema else ''}"
                f"<p>Responses: {codes}</p></div>"
            )
    parts.append("<h2>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        parts.append(f"<h3 id='{escape(name, quote=True)}'>{escape(name)}</h3>{_schema_block(schema)}")
    return _page("pinrender API", "".join(parts))


# -- the template playground -------------------------------------------------------------------
_PLAYGROUND_JS = (Path(__file__).parent / "playground.js").read_text(encoding="utf-8")
_PLAYGROUND_STYLE = """
.pg{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px;align-items:start}
@media (max-width:800px){.pg{grid-template-columns:1fr}}
.pg label{display:block;font-weight:600;margin:12px 0 4px}
.pg textarea{height:8em;resize:vertical;tab-size:2}.pg #jsonData{height:26em}
.pg textarea[aria-invalid=true]{outline:2px solid #c1121f}
.err{color:#c1121f;margin:4px 0;white-space:pre-wrap}
.note{color:#555;font-size:13px}#preview{max-width:100%;border:1px solid #ddd;background:#fafafa}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
input[type=password],select{font:inherit;padding:4px;min-width:16em}
button{font:inherit;padding:4px 12px}
"""


def _playground_data(records: list[Any]) -> str:
    """Public templates for the picker, as JSON that cannot end the <script> it sits in."""
    items = [{"id": t.id, "name": t.name, "version": t.version, "public": True,
              "requireSignature": t.require_signature, "jsonData": t.json_data} for t in records]
    return (json.dumps(items).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


async def playground(request: Request) -> Response:
    ctx = get_ctx(request)
    body = f"""<h1>Template playground</h1>
<p><a href='/'>Home</a> · <a href='/docs'>API</a>. Edit a template and see it rendered through
<code>/api/render</code>. With an API key you can save your own templates.</p>
<style>{_PLAYGROUND_STYLE}</style>
<div class=row><label for=key>API key (kept in this tab only)</label>
<input type=password id=key autocomplete=off spellcheck=false placeholder="pk_…"
 aria-describedby=key-error><button type=button id=forget>Forget key</button>
<span id=key-error class=err role=alert></span></div>
<div class=row><label for=template>Template</label><select id=template></select>
<span id=version class=note></span></div>
<div class=pg><div>
<label for=jsonData>jsonData</label>
<textarea id=jsonData spellcheck=false aria-describedby="jsonData-error structural"></textarea>
<p id=jsonData-error class=err role=alert hidden></p><p id=structural class=note></p>
<label for=layers>Layer overrides <span class=note>{{"title": {{"text": "…"}}}}</span></label>
<textarea id=layers spellcheck=false aria-describedby=layers-error></textarea>
<p id=layers-error class=err role=alert hidden></p>
<label for=variables>Variables <span class=note>{{"author": "…"}}</span></label>
<textarea id=variables spellcheck=false aria-describedby=variables-error></textarea>
<p id=variables-error class=err role=alert hidden></p>
<div class=row><button type=button id=save disabled>Save (Ctrl+S)</button>
<span id=saved class=note role=status></span><span id=save-note class=note></span></div>
</div><div>
<div id=preview-box aria-live=polite aria-busy=false>
<img id=preview alt="Preview of the template with your edits"></div>
<p id=status class=note role=status></p>
<label for=og-url>og:image URL</label>
<div class=row><input id=og-url readonly style="flex:1;font:13px ui-monospace,monospace">
<button type=button id=copy-url>Copy URL</button></div>
<label for=og-tags>Meta tags</label><textarea id=og-tags readonly></textarea>
<button type=button id=copy-tags>Copy meta tags</button>
<p id=signed-note class=note hidden>This template requires signed URLs: sign them on your server
(<code>pinrender.urls.render_url(..., secret=...)</code>); the playground never holds the secret.</p>
</div></div>
<script type=application/json id=public-templates>{_playground_data(
        ctx.meta.templates.list_public(limit=100))}</script>
<script>{_PLAYGROUND_JS}</script>"""
    return _page("pinrender playground", body)
