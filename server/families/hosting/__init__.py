"""The `/v1` hosting family of seed 001 (img.pro): keys by email, upload/import, media, batch,
usage, namespaces, the CDN under `/src/` and viewer pages under `/i/`.

`ROUTES` goes into the app's routes; `running(ctx)` (the sweeper) into its lifespan.
"""

from __future__ import annotations

from starlette.routing import Route

from . import account, batch, cdn, keys, media, upload, viewer
from .sweeper import running

ROUTES = [
    Route("/v1/keys", keys.create_key, methods=["POST"]),
    Route("/v1/verify", keys.verify_help, methods=["GET"]),
    Route("/v1/verify/{token}", keys.verify, methods=["GET"]),
    Route("/v1/upgrade", keys.upgrade, methods=["GET"]),
    Route("/v1/upload", upload.upload, methods=["POST"]),
    Route("/v1/import", upload.import_url, methods=["POST"]),
    Route("/v1/media", media.list_media, methods=["GET"]),
    # Batch before `{id}`, so "batch" is never read as an id.
    Route("/v1/media/batch", batch.batch_update, methods=["PATCH"]),
    Route("/v1/media/batch", batch.batch_delete, methods=["DELETE"]),
    Route("/v1/media/{id}", media.get_media, methods=["GET"]),
    Route("/v1/media/{id}", media.patch_media, methods=["PATCH"]),
    Route("/v1/media/{id}", media.delete_media, methods=["DELETE"]),
    Route("/v1/usage", account.usage, methods=["GET"]),
    Route("/v1/namespaces", account.namespaces, methods=["GET"]),
    Route("/src/{team_hash}/{name}", cdn.serve, methods=["GET"]),
    Route("/i/{uid}", viewer.viewer, methods=["GET"]),
]

__all__ = ["ROUTES", "running"]
