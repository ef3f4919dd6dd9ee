"""The one settings object of the edge service.

Every field can be set with a `PINRENDER_<FIELD>` environment variable; nested plan limits with
`PINRENDER_PLANS__PRO__MONTHLY_RENDERS=5000` or the whole table as JSON in `PINRENDER_PLANS`.
pydantic-settings validates everything at once, so a bad deployment reports all its mistakes
together instead of one per restart.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MB = 2**20
# An allowed Host: `*`, a name (with `*.` for subdomains) or a bracketed IPv6 address, `:port` optional.
_HOST_ENTRY = re.compile(r"^(\*|(\*\.)?[a-z0-9_.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$")
GB = 2**30


def host_entries(value: list[str]) -> list[str]:
    """Allowed-host entries, lower-cased; any that is not `host`, `host:port`, `*.domain` or `*`
    is refused."""
    entries = [entry.strip().lower() for entry in value]
    bad = [e for e in entries if not _HOST_ENTRY.match(e)]
    if bad:
        raise ValueError(f"{', '.join(map(repr, bad))}: use host, host:port, *.domain or *")
    return entries


class Plan(BaseModel):
    """What one plan allows. Defaults follow the seeds; `monthly_renders` is ours (see README)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    monthly_credits: int = Field(ge=0)
    hourly_requests: int = Field(default=1000, ge=1)
    monthly_renders: int = Field(ge=0)
    max_templates: int = Field(default=1000, ge=0)
    max_keys: int = Field(default=10, ge=1)
    # Seed 000: the `/api/images` family is premium; a free key authenticates but gets 403.
    images_api: bool = True
    max_images: int = Field(default=1000, ge=0)
    # Hosting (seed 001, "Plans & Pricing"): uploads/month, storage, retention (0 = permanent),
    # max file. Unverified keys get `Settings.unverified_retention_days` on top of their plan.
    monthly_uploads: int = Field(default=100, ge=0)
    storage_bytes: int = Field(default=5 * GB, ge=0)
    retention_days: int = Field(default=0, ge=0)
    max_file_bytes: int = Field(default=70 * MB, ge=1)


# --- AI backends (issue 12, server/backends/ai) ---------------------------------------------
class AISettings(BaseModel):
    """Which AI backend answers the AI endpoints (`PINRENDER_AI__BACKEND`) and how it is reached.

    `offline` (the default) needs no network and no model: hotspots from the image's own salient
    regions, extractive text, placeholder images drawn by pinrender. `openai` talks to any
    OpenAI-compatible server at `base_url`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: Literal["offline", "openai"] = "offline"
    base_url: str = "https://api.openai.com/v1"
    api_key: str = Field(default="", repr=False)
    text_model: str = Field(default="gpt-4o-mini", min_length=1)
    vision_model: str = Field(default="gpt-4o-mini", min_length=1)
    # The seed's model tiers -> the provider's image model names.
    image_models: dict[str, str] = Field(default_factory=lambda: {
        "mini": "gpt-image-1-mini", "standard": "gpt-image-1", "plus": "gpt-image-1",
        "ultra": "gpt-image-1"})
    # `openai`: ask for the sizes OpenAI's image models accept (1024x1024, 1536x1024, 1024x1536)
    # and crop to the ratio; `exact`: ask for the exact size of the ratio (servers that take any).
    image_sizes: Literal["openai", "exact"] = "openai"
    # Seconds one provider call may take in all (connect, send, wait, read), per attempt; image
    # generation gets `image_timeout` (a high-quality image can take minutes).
    timeout: float = Field(default=60.0, gt=0, le=3600)
    image_timeout: float = Field(default=180.0, gt=0, le=3600)
    # Further attempts after a 429/500/502/503/504 or a timeout; never after another 4xx.
    retries: int = Field(default=2, ge=0, le=10)
    # The longest wait between attempts, whatever a Retry-After header asks.
    max_retry_wait: float = Field(default=20.0, ge=0, le=600)
    # A provider answer larger than this is refused unread (a base64 image is ~4/3 of its bytes).
    max_response_bytes: int = Field(default=48 * MB, ge=64 * 1024)

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("image_models")
    @classmethod
    def _tiers(cls, value: dict[str, str]) -> dict[str, str]:
        tiers = {"mini", "standard", "plus", "ultra"}
        defaults = AISettings.model_fields["image_models"].get_default(call_default_factory=True)
        unknown = sorted(set(value) - tiers)
        if unknown:
            raise ValueError(f"unknown model tier(s) {', '.join(unknown)}: use mini, standard, plus, ultra")
        # `PINRENDER_AI__IMAGE_MODELS__ULTRA=x` changes one tier, not the whole table.
        return {**defaults, **value}
# --- end AI backends --------------------------------------------------------------------------


class JobSettings(BaseModel):
    """Background jobs (`PINRENDER_JOBS__*`): the worker pool inside `pinrender serve`, and the
    leases that let another worker finish a job whose process died."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Jobs run at once in this process; 0 runs none here (leave them to `pinrender worker`).
    workers: int = Field(default=2, ge=0, le=64)
    # A worker holds a job for this long and renews it every third of it; a dead worker's jobs
    # are taken over once their lease runs out.
    lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    # How often an idle worker looks for jobs other processes queued.
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # A job whose worker died this many times is failed instead of started again.
    max_attempts: int = Field(default=3, ge=1, le=20)
    # Queued or running jobs an account may have at once; beyond it, 429.
    max_open_per_account: int = Field(default=20, ge=1, le=10_000)
    # Seconds one phase (one AI call and what goes with it) may take.
    phase_timeout: float = Field(default=300.0, gt=0, le=3600)


# --- seed 002: organisation tokens and the ext family (`/api/v1/ext/...`) -------------------------


class ExtSettings(BaseModel):
    """The ext family's own settings (`PINRENDER_EXT__ALLOWED_HOSTS='["api.example.com"]'`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Hosts the ext family answers (seed 002's "production allowlist"); a request whose Host (or
    # X-Forwarded-Host from a trusted proxy) is not here gets 403 `host_not_allowed`. Entries as
    # in `allowed_hosts`. Empty: the host of `public_base_url`, else localhost and 127.0.0.1.
    allowed_hosts: list[str] = Field(default_factory=list)
    # Tokens per organisation (seed 002: "up to 10").
    max_tokens: int = Field(default=10, ge=1, le=1000)

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        return host_entries(value)


# --- end seed 002 ---------------------------------------------------------------------------------


def default_plans() -> dict[str, Plan]:
    # Monthly renders: only new (uncached) renders count, so a free account can back a small
    # site's OG cards; agency covers a busy publisher re-rendering on every edit.
    return {
        "free": Plan(monthly_credits=10, monthly_renders=500, images_api=False, max_images=100),
        "pro": Plan(monthly_credits=100, monthly_renders=10_000, max_images=1000,
                    monthly_uploads=1000, storage_bytes=50 * GB),
        "agency": Plan(monthly_credits=2000, monthly_renders=100_000, max_images=25_000,
                       monthly_uploads=10_000, storage_bytes=500 * GB),
        # Seed 001's two larger plans; agency (not in seed 001) sits with scale.
        "scale": Plan(monthly_credits=500, monthly_renders=50_000, max_images=25_000,
                      monthly_uploads=10_000, storage_bytes=500 * GB),
        "max": Plan(monthly_credits=5000, monthly_renders=500_000, max_images=250_000,
                    monthly_uploads=100_000, storage_bytes=5000 * GB),
    }


# --- Delivery (issue 15): CDN transform parameters and signed transform URLs -------------------
class UnsignedTransforms(BaseModel):
    """Free-form `/src` parameters an account on a plan may use without an `s` signature: every
    side (after `dpr`) at most `max_side`, and `w` one of `widths` (empty: any). Anything outside
    needs a signed URL; presets (`?size=`) never do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_side: int = Field(default=2048, ge=1, le=4096)
    widths: tuple[int, ...] = ()


# The widths a responsive `srcset` usually asks for: few enough that nobody fills the result
# store with one variant per pixel.
SRCSET_WIDTHS = (100, 200, 320, 480, 640, 800, 960, 1080, 1280, 1600, 1920, 2048)


def default_unsigned() -> dict[str, UnsignedTransforms]:
    # Free accounts and anonymous uploads sign every free-form URL; paid plans may leave srcset
    # widths unsigned.
    return {plan: UnsignedTransforms(widths=SRCSET_WIDTHS) for plan in ("pro", "agency", "scale", "max")}
# --- end Delivery ------------------------------------------------------------------------------


def default_data_dir() -> Path:
    """The data directory when `PINRENDER_DATA_DIR` is not set: the platform's per-user data folder
    (`~/.local/share/pinrender` on Linux, `~/Library/Application Support/pinrender` on macOS), so
    `pinrender keys create` and `pinrender serve` share one database whatever folder they start in."""
    return Path(platformdirs.user_data_dir("pinrender", appauthor=False))


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PINRENDER_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    # Absolute URLs (`imageUrl`, meta tags) start with this; empty means "the URL the request came in on".
    public_base_url: str = ""
    # `file:///path`, `s3://bucket/prefix` (endpoint and credentials from the standard AWS_*
    # variables), or `memory://` for tests; empty means `<data_dir>/blobs`.
    storage: str = ""
    # `sqlite:///path` or `sqlite://:memory:`; empty means `<data_dir>/pinrender.db`. Or
    # `postgresql://user:password@host:port/db` (the `postgres` extra) for several processes;
    # its query may add `pool_min`, `pool_max`, `pool_timeout` (backends/postgres/db.py).
    database: str = ""
    # Counters and limits (monthly usage, credits, rolling-hour requests): empty means in the
    # metadata database; `memory://` keeps them in this process only; `sqlite:///path` or
    # `postgresql://…` apart; `redis://host:port/db` shared by every process (the Redis setting).
    counters: str = ""

    plans: dict[str, Plan] = Field(default_factory=default_plans)
    default_plan: str = "free"

    # Rendering under load.
    render_workers: int = Field(default_factory=_default_workers, ge=1, le=256)
    # libvips threads per operation. The pool already runs one render per core, so extra
    # threads inside each only contend: 1 measured ~15% more transforms/s at concurrency 4.
    vips_threads: int = Field(default=1, ge=1, le=64)
    render_queue: int = Field(default=32, ge=0, le=100_000)
    render_timeout: float = Field(default=20.0, gt=0)
    retry_after: int = Field(default=2, ge=1)
    result_cache_bytes: int = Field(default=64 * 2**20, ge=0)
    renderer_cache_bytes: int = Field(default=128 * 2**20, ge=0)
    # Decoded pixels all renders in this process may hold at once (estimated from each image's
    # header); decodes beyond it wait their turn, up to the render timeout.
    decode_memory_bytes: int = Field(default=GB, ge=MB)

    # HTTP.
    render_max_age: int = Field(default=3600, ge=0)
    max_body_bytes: int = Field(default=4 * 2**20, ge=1024)
    max_param_bytes: int = Field(default=32 * 1024, ge=256)
    max_json_depth: int = Field(default=24, ge=4, le=200)
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    page_size: int = Field(default=20, ge=1, le=100)
    # Per-key rolling-hour ceilings that override the plan's `hourly_requests`: key id -> limit
    # (`PINRENDER_KEY_HOURLY_REQUESTS='{"key_ab12cd34ef56": 5000}'`).
    key_hourly_requests: dict[str, int] = Field(default_factory=dict)

    # Slow clients (`pinrender serve`; see server/http/slowclients.py). A request head must arrive whole
    # within `header_timeout` s; a body must average `body_min_rate` bytes/s after a `body_grace` s
    # head start (0 turns the rate off) and be complete within `request_timeout` s: else 408 and
    # the connection closes. Beyond `max_connections` open connections requests get 503; an idle
    # keep-alive connection closes after `keepalive_timeout` s; a head is at most `max_header_bytes`.
    header_timeout: float = Field(default=5.0, gt=0)
    body_grace: float = Field(default=10.0, gt=0)
    body_min_rate: int = Field(default=10_000, ge=0)
    request_timeout: float = Field(default=600.0, gt=0)
    max_connections: int = Field(default=1000, ge=1)
    keepalive_timeout: float = Field(default=5.0, gt=0)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)

    # Source fetching (passed to the core's limits).
    fetch_timeout: float = Field(default=10.0, gt=0)
    max_source_bytes: int = Field(default=25 * 2**20, ge=1024)

    # Start-up.
    load_examples: bool = True
    examples_dir: Path | None = None
    # Your own fonts: files or folders, added to the bundled and system fonts. Set as a list
    # separated like PATH (`PINRENDER_FONT_DIRS=/srv/fonts:/srv/brand.ttf`) or as a JSON array.
    font_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    # Hosting (`/v1`, seed 001). Unverified keys keep media `unverified_retention_days`; anonymous
    # uploads are limited per IP per hour and per day and kept `anonymous_retention_days`.
    registration_open: bool = True
    dashboard_url: str = ""  # where a closed registration redirects; empty: the home page
    max_unverified_keys: int = Field(default=3, ge=1)
    keys_per_email_hour: int = Field(default=5, ge=1)
    keys_per_ip_hour: int = Field(default=20, ge=1)
    unverified_retention_days: int = Field(default=30, ge=1)
    anonymous_retention_days: int = Field(default=30, ge=1)
    anonymous_hourly_uploads: int = Field(default=20, ge=1)
    anonymous_daily_uploads: int = Field(default=100, ge=1)
    anonymous_max_file_bytes: int = Field(default=20 * MB, ge=1024)
    svg_max_file_bytes: int = Field(default=10 * MB, ge=1024)
    min_ttl: int = Field(default=3600, ge=1)
    # Signs private links and one-click upgrade links; empty: a random secret generated once and
    # kept in the database (an older `<data_dir>/link.secret` is moved in, so its links stay valid).
    link_secret: str = ""
    # Verification mail: `outbox` writes `<data_dir>/outbox/*.eml` and logs the link.
    mailer: str = "outbox"
    # How often the sweeper removes deleted and expired media (blobs first, then rows).
    sweep_interval: float = Field(default=60.0, gt=0)
    # Keep `/src` variants after their first computation; off makes every request do the full
    # work (the CDN benchmark compares like with like this way).
    store_transforms: bool = True
    cdn_max_age: int = Field(default=31_536_000, ge=0)

    # Who can fetch what (README, "Who can fetch what"). URLs of private images handed to their
    # owner are signed and stay valid at least this many seconds (at most 5 minutes more).
    signed_url_ttl: int = Field(default=3600, ge=60, le=30 * 86400)
    # Host headers answered; any other gets 400. Entries: `host` (any port), `host:port`,
    # `*.example.com`, or `*` for all. Empty: the host of `public_base_url` if set, else
    # localhost, 127.0.0.1 and [::1] on the port being served.
    allowed_hosts: list[str] = Field(default_factory=list)
    # Peers whose X-Forwarded-For/-Proto are believed (uvicorn's `forwarded_allow_ips`); empty:
    # none, the headers are ignored.
    trusted_proxies: list[str] = Field(default_factory=list)

    # Seed 002 (org tokens, `/api/v1/ext/...`): see ExtSettings.
    ext: ExtSettings = Field(default_factory=ExtSettings)
    # --- Delivery (issue 15) -------------------------------------------------------------------
    # HMAC keys of the `s` parameter of `/src` transform URLs: the first signs, every one is
    # accepted, so a key rotates by putting its successor first. Empty: the link secret alone.
    cdn_signing_keys: list[str] = Field(default_factory=list)
    # Plan name -> the free-form parameters its accounts may use unsigned (see UnsignedTransforms).
    cdn_unsigned: dict[str, UnsignedTransforms] = Field(default_factory=default_unsigned)
    # The format of `/og/...` and `/api/render` when neither the request nor the template names
    # one: `auto` picks by content (JPEG for photographic cards, palette PNG for flat ones) and
    # by `Accept`; `png` restores lossless cards.
    og_default_format: Literal["auto", "png", "jpeg", "webp", "avif"] = "auto"
    # --- end Delivery -------------------------------------------------------------------------

    # Exposes `/api/_stats` (render counters) for benchmarks and debugging; off in production.
    debug_stats: bool = False

    # AI backends (issue 12): `PINRENDER_AI__BACKEND=offline|openai`, `PINRENDER_AI__BASE_URL`, ...
    ai: AISettings = Field(default_factory=AISettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    # Rows one `POST /api/generate/batch` may carry (JSON rows or CSV lines).
    batch_max_rows: int = Field(default=1000, ge=1, le=100_000)

    @field_validator("font_dirs", mode="before")
    @classmethod
    def _split_font_dirs(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in text.split(os.pathsep) if part.strip()]
        return value

    @field_validator("font_dirs")
    @classmethod
    def _font_dirs_exist(cls, value: list[Path]) -> list[Path]:
        missing = [str(p) for p in value if not p.expanduser().exists()]
        if missing:
            raise ValueError(f"no such font file or folder: {', '.join(missing)}")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        return host_entries(value)

    @field_validator("plans", mode="before")
    @classmethod
    def _merge_plans(cls, value: Any) -> Any:
        # `PINRENDER_PLANS__PRO__MONTHLY_RENDERS=5` changes one number, not the whole table.
        if not isinstance(value, dict):
            return value
        merged: dict[str, Any] = {n: p.model_dump() for n, p in default_plans().items()}
        for name, plan in value.items():
            if isinstance(plan, dict) and name in merged:
                merged[name] = {**merged[name], **plan}
            else:
                merged[name] = plan
        return merged

    @field_validator("plans")
    @classmethod
    def _plans_present(cls, value: dict[str, Plan]) -> dict[str, Plan]:
        if not value:
            raise ValueError("at least one plan is required")
        return value

    @model_validator(mode="after")
    def _default_plan_exists(self) -> Settings:
        if self.default_plan not in self.plans:
            raise ValueError(f"default_plan {self.default_plan!r} is not in plans")
        return self

    def plan(self, name: str) -> Plan:
        # An account on a plan that was removed from the table falls back rather than failing.
        return self.plans.get(name) or self.plans.get(self.default_plan) or next(iter(self.plans.values()))

    @property
    def storage_url(self) -> str:
        return self.storage or (self.data_dir / "blobs").resolve().as_uri()

    @property
    def database_url(self) -> str:
        return self.database or f"sqlite://{(self.data_dir / 'pinrender.db').resolve()}"

    @property
    def examples_path(self) -> Path:
        if self.examples_dir:
            return self.examples_dir
        # An installed wheel carries the examples as package data; a checkout uses the repository's.
        package = Path(__file__).resolve().parent
        packaged = package / "_data" / "examples"
        return packaged if packaged.is_dir() else package.parent / "examples"
