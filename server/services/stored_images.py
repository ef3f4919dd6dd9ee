"""Stored images as template layers, for every family: an `image_url` that names an image this
server stores is read from the blob store, never fetched over HTTP.

    media:{id}                          an image's public id (seed 001's `id`, seed 000's uniqueId)
    …/src/{team}/{id}.{ext}[?size=…]    seed 001's CDN URL, any host (this server's own scheme)
    …/files/{id}_{width}.webp           seed 000's variant URL, any host

Such a layer is planned on the stored original through the core's stored-object source
(`pinrender.stored`): keyed by the original's digest, read by the renderer's store (the blob store).
Who may use which image: the render's account (the caller of /api/generate, the organisation of
the ext render) any of its own available images; anyone the template owner's public images. Any
other image, another account's above all, is refused exactly as a missing one, naming the field.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pinrender

from ..backends import ImageRecord, MetaStore

_MEDIA = re.compile(r"^media:([A-Za-z0-9]{1,32})$")
_SRC = re.compile(r"^/src/[A-Za-z0-9_-]{1,64}/([a-z0-9]{1,32})\.[a-z0-9]{1,5}$")
_FILES = re.compile(r"^/files/([a-z0-9]{1,32})(?:_[a-z0-9]{1,10})?\.[a-z0-9]{1,5}$")
Uses = tuple[tuple[str, str], ...]  # (image id, the field that named it)
# A cheap first look: renders that name no stored image skip the walk entirely.
_MARKERS = ("media:", "/src/", "/files/")


def stored_id(url: str) -> str | None:
    """The image id `url` names in this server's own URL scheme, else None (an ordinary URL)."""
    text = url.strip()
    found = _MEDIA.match(text)
    if found:
        return found.group(1)
    if text.startswith(("http://", "https://", "/")):
        path = urlsplit(text).path
        found = _SRC.match(path) or _FILES.match(path)
        if found:
            return found.group(1)
    return None


def original(image: ImageRecord) -> pinrender.SourceRef:
    """A stored original as a core source: its blob never changes, so its key is the blob's name."""
    return pinrender.stored(image.blob_key, f"blob:{image.blob_key}")


def mentions(*values: Any) -> bool:
    """Whether any string inside `values` might name a stored image (no false negatives)."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if any(m in value for m in _MARKERS):
                return True
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return False


@dataclass(frozen=True)
class StoredImages:
    """Resolves stored-image URLs of one render. `account_id`: whose images all resolve;
    `owner_id`: the template's owner, whose public images resolve for anyone."""

    meta: MetaStore
    account_id: int | None = None
    owner_id: int | None = None
    now: float = field(default_factory=time.time)

    def usable(self, image: ImageRecord | None) -> bool:
        if image is None or image.account_id is None or not image.available(self.now):
            return False
        if image.account_id == self.account_id:
            return True
        return image.account_id == self.owner_id and image.public

    def image(self, uid: str, path: str) -> ImageRecord:
        """The image `uid` if this render may use it; else a TemplateError naming `path`, in the
        same words for another account's image and a missing one."""
        image = self.meta.images.get(uid) if not uid.isdigit() else None
        if image is None or not self.usable(image):
            raise pinrender.TemplateError(
                f"no stored image {uid!r} available to this account (the URL names an image "
                "of this server, which must be one of yours)", path)
        return image

    def check(self, used: Uses) -> None:
        """Check again the images a memoised resolution used (deleted or made private since?)."""
        for uid, path in used:
            self.image(uid, path)

    def apply(self, spec: pinrender.Template) -> tuple[pinrender.Template, Uses]:
        """`spec` (resolved) with every stored-image URL replaced by its stored source, and which
        images it used where."""
        used: list[tuple[str, str]] = []
        layers = [self._layer(layer, used) for layer in spec.layers]
        canvas = spec.canvas
        background = canvas.background
        url = getattr(background, "image_url", None)
        if isinstance(url, str):
            ref = self._source(url, "canvas.background.image_url", used)
            if ref is not None:
                canvas = canvas.model_copy(
                    update={"background": background.model_copy(  # type: ignore[union-attr]
                        update={"image_url": ref})})
        return spec.model_copy(update={"layers": layers, "canvas": canvas}), tuple(used)

    def _source(self, url: str, path: str, used: list[tuple[str, str]]
                ) -> pinrender.SourceRef | None:
        uid = stored_id(url)
        if uid is None:
            return None
        image = self.image(uid, path)
        used.append((uid, path))
        return original(image)

    def _layer(self, layer: Any, used: list[tuple[str, str]]) -> Any:
        changes: dict[str, Any] = {}
        url = getattr(layer, "image_url", None)
        if isinstance(url, str):
            ref = self._source(url, f"layers.{layer.name}.image_url", used)
            if ref is not None:
                changes["image_url"] = ref
        children = getattr(layer, "children", None)
        if isinstance(children, list):
            changes["children"] = [self._layer(child, used) for child in children]
        return layer.model_copy(update=changes) if changes else layer
