"""The seed-002 family: organisations, events and org-scoped tokens (`/api/v1/orgs/…`, managed
with the owner's account key), the ext API (`/api/v1/ext/{org_id}/…`, with org tokens only) and
the Developer Zone page (`/developer`)."""

from __future__ import annotations

from starlette.routing import Route

from . import ext, manage, pages

_EVENT = "/api/v1/ext/{org_id}/event/{event_id}"

ROUTES = [
    Route("/api/v1/orgs", manage.list_orgs, methods=["GET"]),
    Route("/api/v1/orgs/{org_id}/events", manage.create_event, methods=["POST"]),
    Route("/api/v1/orgs/{org_id}/events", manage.list_events, methods=["GET"]),
    Route("/api/v1/orgs/{org_id}/tokens", manage.create_token, methods=["POST"]),
    Route("/api/v1/orgs/{org_id}/tokens", manage.list_tokens, methods=["GET"]),
    Route("/api/v1/orgs/{org_id}/tokens/{token_id}", manage.patch_token, methods=["PATCH"]),
    Route("/api/v1/orgs/{org_id}/tokens/{token_id}", manage.delete_token, methods=["DELETE"]),
    Route(f"{_EVENT}/ping", ext.ping, methods=["GET"]),
    Route(f"{_EVENT}/photos", ext.upload_photo, methods=["POST"]),
    Route(f"{_EVENT}/photos", ext.list_photos, methods=["GET"]),
    Route(f"{_EVENT}/photos/{{photo_id}}", ext.get_photo, methods=["GET"]),
    Route(f"{_EVENT}/photos/{{photo_id}}", ext.delete_photo, methods=["DELETE"]),
    Route(f"{_EVENT}/render", ext.render, methods=["POST"]),
    Route("/developer", pages.developer, methods=["GET"]),
    Route("/developer/developer.js", pages.script, methods=["GET"]),
]

__all__ = ["ROUTES"]
