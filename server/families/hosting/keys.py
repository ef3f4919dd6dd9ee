"""`POST /v1/keys` (an account and a key from an email, no auth), the one-click verification link,
and the signed upgrade link of quota errors."""

from __future__ import annotations

import hashlib
import secrets
import time
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ...context import get_ctx
from ...http.openapi import operation
from ...services import ratelimit
from ...services.accounts import AccountError, issue_key
from .callers import client_ip
from .models import KeyCreate, KeyLimits, KeyOut
from .problems import invalid, json_body, not_found, problem, wait
from .state import Hosting, hosting

TOKEN_LIFETIME = 7 * 86_400


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_verification(h: Hosting, base: str, account_id: int, email: str) -> None:
    token = secrets.token_urlsafe(24)
    now = time.time()
    h.ctx.meta.hosting.add_verification(_token_hash(token), account_id, now=now,
                                        expires_at=now + TOKEN_LIFETIME)
    link = f"{base}/v1/verify/{token}"
    h.mailer.send(email, "Verify your email to keep your images",
                  "Click to verify your email and make your storage permanent:\n" + link)


@operation(summary="Create an account and API key from an email (no auth)", tag="hosting",
           body=KeyCreate, response=KeyOut, enveloped=False, auth=False, status=201,
           errors=(403, 422, 429))
async def create_key(request: Request) -> Response:
    ctx, h = get_ctx(request), hosting(request)
    s, base, now = ctx.settings, ctx.base_url(request), time.time()
    if not s.registration_open:
        raise problem(403, "registration_closed", "Registration is closed",
                      action={"type": "redirect", "url": s.dashboard_url or f"{base}/",
                              "label": "Go to dashboard"})
    body = await json_body(request, ctx, KeyCreate)
    for bucket, limit in ((f"v1:keys:ip:{client_ip(request)}", s.keys_per_ip_hour),
                          (f"v1:keys:email:{body.email}", s.keys_per_email_hour)):
        decision = ratelimit.hit(ctx.counters, bucket, limit, 3600, now)
        if not decision.allowed:
            raise wait("Too many keys requested; try again later", decision.retry_after(now))
    account = ctx.meta.accounts.by_email(body.email)
    verified = account is not None and ctx.meta.hosting.is_verified(account.id)
    plan = s.plan(account.plan if account else s.default_plan)
    max_keys = plan.max_keys if verified else s.max_unverified_keys
    if account is not None and ctx.meta.keys.count(account.id) >= max_keys:
        if not verified:
            send_verification(h, base, account.id, account.email)
            raise problem(403, "key_limit_reached",
                          f"Unverified accounts may hold {max_keys} keys; verify your email "
                          "(a new link was sent) to create more",
                          action={"type": "verify", "url": f"{base}/v1/verify",
                                  "label": "Verify email"})
        raise problem(403, "key_limit_reached", f"This account already holds {max_keys} keys")
    try:
        issued = issue_key(ctx.meta, body.email, name=body.name, key_prefix="img_live_",
                           max_keys=max_keys, known_plans=tuple(s.plans))
    except AccountError as exc:
        raise invalid({"email": str(exc)}) from None
    if not verified:
        send_verification(h, base, issued.account.id, issued.account.email)
    retention = plan.retention_days or (None if verified else s.unverified_retention_days)
    out = KeyOut(
        key=issued.secret, key_id=issued.record.id, verified=verified,
        limits=KeyLimits(uploads=plan.monthly_uploads, storage_mb=plan.storage_bytes // 2**20,
                         retention_days=retention),
        message="Key active." + ("" if verified else
                                 " Check your email to verify and unlock permanent storage."),
    )
    return JSONResponse(out.model_dump(), status_code=201)


def _page(title: str, text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title>"
                        f"<body style='font:16px system-ui;max-width:40em;margin:3em auto'>"
                        f"<h1>{escape(title)}</h1><p>{escape(text)}</p>", status_code=status)


@operation(summary="How to verify an email", tag="hosting", media=("text/html",), auth=False)
async def verify_help(request: Request) -> Response:
    return _page("Verify your email", "Open the one-click link we emailed you when you created "
                 "your key. Verification makes your storage permanent.")


@operation(summary="One-click email verification link", tag="hosting", media=("text/html",),
           auth=False, errors=(404,))
async def verify(request: Request) -> Response:
    ctx = get_ctx(request)
    account_id = ctx.meta.hosting.verify(_token_hash(request.path_params["token"]), now=time.time())
    if account_id is None:
        raise not_found("Verification link")
    return _page("Email verified", "Your storage is now permanent. You can close this page.")


@operation(summary="Signed one-click upgrade link (from quota errors)", tag="hosting",
           media=("text/html",), auth=False, errors=(403,))
async def upgrade(request: Request) -> Response:
    ctx, h = get_ctx(request), hosting(request)
    q = request.query_params
    account, plan, sig = q.get("account", ""), q.get("plan", ""), q.get("sig", "")
    if not h.check(sig, "upgrade", account, plan) or plan not in ctx.settings.plans:
        raise problem(403, "forbidden", "This upgrade link is invalid")
    # Billing is outside this service; the signed link identifies account and plan for it.
    p = ctx.settings.plan(plan)
    return _page(f"Upgrade to {plan}", f"{p.monthly_uploads:,} uploads a month and "
                 f"{p.storage_bytes // 2**30:,} GB of storage. Contact the operator of this "
                 "service to complete the upgrade.")
