"""A streaming multipart/form-data reader for uploads.

The file part goes straight to a temp file beside the blob store, chunk by chunk, and reading stops
the moment it passes the caller's limit (lowered to the SVG limit once the first bytes say SVG); the
body is never held in memory. Other fields are small strings, capped in size and number.
Shared by the families that take uploads (`/v1/upload`, event photos); refusals carry seed 001's
codes, which the other envelopes keep as their machine-readable `code`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from .errors import ApiError

MAX_FIELDS = 100
MAX_FIELD_BYTES = 64 * 1024
SNIFF_BYTES = 4096


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    file_path: Path | None = None
    file_name: str = ""
    file_size: int = 0
    head: bytes = b""  # the first bytes of the file, for sniffing its format

    def discard(self) -> None:
        if self.file_path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.file_path)
            self.file_path = None


class _Reader:
    def __init__(self, staging: Path, limit: int, svg_limit: int,
                 too_large: Callable[[int], ApiError]) -> None:
        self.form = Form()
        self.staging, self.limit, self.svg_limit, self.too_large = staging, limit, svg_limit, too_large
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.is_file = False
        self.value = bytearray()
        self.out: int | None = None  # the temp file's descriptor while the file part streams

    # python-multipart callbacks
    def on_part_begin(self) -> None:
        self.headers, self.value, self.is_file = {}, bytearray(), False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self.name == "file" or (filename is not None and self.form.file_path is None):
            if self.form.file_path is not None:
                raise invalid({"file": "send one file per upload"})
            self.is_file = True
            self.form.file_name = (filename or b"").decode("utf-8", "replace")
            self.staging.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.staging)
            self.out, self.form.file_path = fd, Path(tmp)
        elif len(self.form.fields) >= MAX_FIELDS:
            raise invalid({self.name or "form": f"at most {MAX_FIELDS} form fields"})

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self.is_file:
            self.value += chunk
            if len(self.value) > MAX_FIELD_BYTES:
                raise invalid({self.name: f"longer than {MAX_FIELD_BYTES} bytes"})
            return
        form = self.form
        form.file_size += len(chunk)
        if len(form.head) < SNIFF_BYTES:
            form.head += chunk[: SNIFF_BYTES - len(form.head)]
        limit = self.svg_limit if _looks_svg(form.head) else self.limit
        if form.file_size > limit:
            raise self.too_large(limit)
        assert self.out is not None
        os.write(self.out, chunk)

    def on_part_end(self) -> None:
        if self.is_file:
            self.close_file()
        else:
            self.form.fields[self.name] = self.value.decode("utf-8", "replace")

    def close_file(self) -> None:
        if self.out is not None:
            os.close(self.out)
            self.out = None


def invalid(errors: dict[str, str]) -> ApiError:
    first = next(iter(errors.items()))
    return ApiError(422, f"{first[0]}: {first[1]}", field=first[0], code="validation_error",
                    errors=errors)


def problem(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, message, code=code)


def _looks_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in text


async def read_form(request: Request, *, staging: Path, limit: int, svg_limit: int,
                    too_large: Callable[[int], ApiError]) -> Form:
    """Parse the body; on any failure (limit, bad form, client gone) the temp file is removed."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise problem(400, "missing_file", "Send the image as multipart/form-data with a `file` field")
    declared = request.headers.get("content-length", "")
    # Form overhead is small; a declared body far over the limit is refused before reading it.
    if declared.isdigit() and int(declared) > limit + MAX_FIELDS * MAX_FIELD_BYTES:
        raise too_large(limit)
    reader = _Reader(staging, limit, svg_limit, too_large)
    callbacks = {name: getattr(reader, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished", "on_part_data", "on_part_end")}
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except BaseException:
        reader.close_file()
        reader.form.discard()
        raise
    reader.close_file()
    return reader.form
