"""`/docs`: Swagger UI on `/openapi.json`, served from this server alone (no CDN, works offline).

The UI's files come from the `swagger-ui-bundle-v2` wheel (Swagger UI 5, Apache-2.0, which
renders OpenAPI 3.1); only the few files the page loads are served, by name, under
`/docs/assets/`. "Try it out" is on: requests go to this same origin.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
# Ours: starts the UI (a file, not an inline script, so the page's CSP can forbid inline code).
INIT_JS = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    displayOperationId: true,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
"""
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pinrender API</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<noscript><p>This page needs JavaScript. <a href="/docs/plain">/docs/plain</a> lists every
operation without it; <a href="/openapi.json">/openapi.json</a> is the document.</p></noscript>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
"""
# Swagger UI sets inline styles and shows data: images; nothing else leaves this origin.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
MAX_AGE = "public, max-age=86400"


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name == "init.js":
        return Response(INIT_JS, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": MAX_AGE})
    if name not in ASSETS:
        return Response("Not found", status_code=404, media_type="text/plain")
    data = (assets_dir() / name).read_bytes()
    return Response(data, media_type=ASSETS[name], headers={"Cache-Control": MAX_AGE})
