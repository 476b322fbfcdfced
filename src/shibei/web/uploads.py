"""Safe uploads, shared by every app that takes files from residents (receipts, contracts,
ID photos): the type is read from the content, never from the file name; sizes are
capped while reading; images are re-encoded by Pillow (EXIF, comments and anything
appended after the image are dropped); PDFs carrying scripts or launch actions are
refused; files are kept under the data directory (`data/uploads/`, outside the static
root) by random id; and they are served back only as an attachment or as an inline image
with `nosniff` and a sandboxing CSP, never as HTML.

Use from a route (the app's handler decides who may see a file; this module does not)::

    data = await read_upload(file)                 # 413 past the size limit
    clean = clean_upload(data, file.filename)      # 415 wrong type, 400 damaged/unsafe
    stored = ctx.uploads.save(clean)               # StoredFile(id, media_type, …)
    ...
    found = ctx.uploads.open(stored.id)            # (StoredFile, bytes) or None
    return file_response(*found)                   # safe headers
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import tempfile
import unicodedata
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal
from urllib.parse import quote

from fastapi.responses import Response
from PIL import Image, ImageOps, UnidentifiedImageError
from starlette.datastructures import UploadFile

from shibei.web.errors import WebError

Kind = Literal["jpeg", "png", "pdf"]

MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024
"""Default cap of one file (a phone photo is 2–6 MB; a bank statement PDF < 1 MB)."""
MAX_IMAGE_PIXELS: Final = 40_000_000
"""Images larger than this are refused before decoding (decompression bombs)."""
MAX_IMAGE_SIDE: Final = 3000
"""Longer sides are scaled down when re-encoding (legible receipts, smaller files)."""

MEDIA_TYPES: Final[dict[Kind, str]] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
}
EXTENSIONS: Final[dict[Kind, str]] = {"jpeg": ".jpg", "png": ".png", "pdf": ".pdf"}
KIND_LABELS: Final[dict[Kind, str]] = {"jpeg": "JPG 图片", "png": "PNG 图片", "pdf": "PDF 文件"}

PDF_RISKY_NAMES: Final = (
    b"/JS",
    b"/JavaScript",
    b"/Launch",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/RichMedia",
    b"/XFA",
    b"/SubmitForm",
    b"/ImportData",
)
"""PDF names that run code, start programs, carry files or send data (pdfid's list)."""

_ID = re.compile(r"^[0-9a-f]{32}$")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class UploadRejected(WebError):
    """A file refused for its content (400), type (415) or size (413); Chinese message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class UploadPolicy:
    """What one upload field accepts."""

    max_bytes: int = MAX_UPLOAD_BYTES
    kinds: frozenset[Kind] = frozenset({"jpeg", "png", "pdf"})
    max_pixels: int = MAX_IMAGE_PIXELS
    max_side: int = MAX_IMAGE_SIDE

    def describe(self) -> str:
        kinds = "、".join(KIND_LABELS[k] for k in ("jpeg", "png", "pdf") if k in self.kinds)
        return f"{kinds}，每个不超过 {self.max_bytes // (1024 * 1024)} MB"


DEFAULT_POLICY: Final = UploadPolicy()


@dataclass(frozen=True, slots=True)
class CleanFile:
    """A checked (and, for images, re-encoded) file, ready to store."""

    kind: Kind
    data: bytes
    name: str  # display name: the original stem (cleaned) + the extension of the content
    width: int | None = None
    height: int | None = None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the store knows of a saved file; `id` is 32 random hex digits."""

    id: str
    kind: Kind
    media_type: str
    name: str
    size: int
    sha256: str
    stored_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpeg", "png")


# -- checks ------------------------------------------------------------------------------


def sniff(data: bytes) -> Kind | None:
    """The kind of file by its first bytes (magic numbers), or None.

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


def display_name(filename: str | None, kind: Kind) -> str:
    """A harmless name to show and to offer on download: the base name's stem without
    control characters, path parts or quotes, at most 60 characters, and the extension of
    what the file really is (`invoice.html` holding a JPEG becomes `invoice.jpg`)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = unicodedata.normalize("NFC", stem)
    stem = "".join(
        ch for ch in stem if unicodedata.category(ch)[0] not in "CZ" or ch == " "
    ).strip()
    stem = re.sub(r"[\"'<>`;%&|*?:]", "", stem)[:60].strip(" .") or "附件"
    return stem + EXTENSIONS[kind]


def pdf_risks(data: bytes) -> list[str]:
    """Risky names found in a PDF, in its plain bytes and in its Flate-compressed streams
    (object streams hide dictionaries there); `#xx` name escapes are decoded first."""
    chunks = [data]
    for match in _STREAM.finditer(data):
        body = match.group(1)
        try:
            chunks.append(zlib.decompressobj().decompress(body, 20 * MAX_UPLOAD_BYTES))
        except zlib.error:
            continue
    found: list[str] = []
    for chunk in chunks:
        text = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        for name in PDF_RISKY_NAMES:
            # a name ends at a delimiter: "/JS" must not match "/JSomething"
            if re.search(re.escape(name) + rb"(?![A-Za-z0-9])", text):
                found.append(name.decode())
    return sorted(set(found))


def _reencode(data: bytes, kind: Kind, policy: UploadPolicy) -> tuple[bytes, int, int]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if width * height > policy.max_pixels:
                raise UploadRejected("图片像素过大，请压缩后重新上传", 413)
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRejected("图片已损坏或无法识别，请重新拍照上传") from None
    if fmt not in ("JPEG", "PNG") or (fmt == "JPEG") != (kind == "jpeg"):
        raise UploadRejected("图片格式与内容不符，请重新上传")
    image.thumbnail((policy.max_side, policy.max_side))
    modes = ("RGB", "L") if kind == "jpeg" else ("RGB", "RGBA", "L", "LA")
    if image.mode not in modes:
        image = image.convert("RGB" if kind == "jpeg" else "RGBA")
    # a fresh image from the pixels alone: no EXIF (GPS), no comments or text chunks, no
    # ICC profile, nothing after the end-of-image marker
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if kind == "jpeg":
        fresh.save(out, format="JPEG", quality=85, optimize=True)
    else:
        fresh.save(out, format="PNG", optimize=True)
    return out.getvalue(), fresh.width, fresh.height


def clean_upload(
    data: bytes, filename: str | None, policy: UploadPolicy = DEFAULT_POLICY
) -> CleanFile:
    """Check one uploaded file by its content and return what may be stored.

    Raises `UploadRejected`: 413 when larger than the policy allows (bytes or pixels),
    415 when the content is not an accepted kind (whatever the file name says), 400 when
    it is damaged or a PDF carries JavaScript, launch actions or embedded files.
    """
    if not data:
        raise UploadRejected("文件为空，请重新选择")
    if len(data) > policy.max_bytes:
        raise UploadRejected(f"文件过大：{policy.describe()}", 413)
    kind = sniff(data)
    if kind is None or kind not in policy.kinds:
        raise UploadRejected(f"文件类型不支持，只接受 {policy.describe()}", 415)
    name = display_name(filename, kind)
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise UploadRejected("PDF 文件不完整，请重新上传")
        if pdf_risks(data):
            raise UploadRejected("PDF 含有脚本或可执行内容，不予接收；请打印后拍照上传")
        return CleanFile("pdf", data, name)
    encoded, width, height = _reencode(data, kind, policy)
    return CleanFile(kind, encoded, name, width, height)


async def read_upload(file: UploadFile, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of an uploaded part, read in chunks and refused (413) as soon as they
    pass `max_bytes`, so an oversized file is never held whole in memory."""
    chunks: list[bytes] = []
    total = 0
    while chunk := await file.read(256 * 1024):
        total += len(chunk)
        if total > max_bytes:
            raise UploadRejected(f"文件过大：每个不超过 {max_bytes // (1024 * 1024)} MB", 413)
        chunks.append(chunk)
    return b"".join(chunks)


# -- storage -----------------------------------------------------------------------------


class UploadStore:
    """Files on disk under `root` (the data directory's `uploads/`, never under the
    static files): `<id[:2]>/<id>.bin` holds the bytes, `<id>.json` what is known of it.
    Writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, file_id: str) -> tuple[Path, Path]:
        if not _ID.match(file_id):
            raise ValueError("bad upload id")
        folder = self.root / file_id[:2]
        return folder / f"{file_id}.bin", folder / f"{file_id}.json"

    def save(self, clean: CleanFile) -> StoredFile:
        stored = StoredFile(
            secrets.token_hex(16),
            clean.kind,
            clean.media_type,
            clean.name,
            len(clean.data),
            clean.sha256,
        )
        data_path, meta_path = self._paths(stored.id)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        meta = asdict(stored) | {"stored_at": stored.stored_at.isoformat()}
        _atomic_write(data_path, clean.data)
        _atomic_write(meta_path, json.dumps(meta, ensure_ascii=False).encode())
        return stored

    def info(self, file_id: str) -> StoredFile | None:
        try:
            _, meta_path = self._paths(file_id)
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return None
        meta["stored_at"] = datetime.fromisoformat(meta["stored_at"])
        return StoredFile(**meta)

    def open(self, file_id: str) -> tuple[StoredFile, bytes] | None:
        """The file and its bytes, or None for an unknown (or malformed) id."""
        stored = self.info(file_id)
        if stored is None:
            return None
        data_path, _ = self._paths(file_id)
        try:
            return stored, data_path.read_bytes()
        except OSError:
            return None


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- serving -----------------------------------------------------------------------------

FILE_CSP: Final = "default-src 'none'; img-src 'self'; sandbox"


def file_response(stored: StoredFile, data: bytes, *, inline: bool = True) -> Response:
    """Serve a stored file safely: its own media type (never text/html), `nosniff`, a
    CSP that sandboxes it, and `Content-Disposition` — inline only for images (and only
    when `inline`), an attachment for everything else."""
    disposition = "inline" if inline and stored.is_image else "attachment"
    ascii_name = stored.name.encode("ascii", "ignore").decode() or f"file{EXTENSIONS[stored.kind]}"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name)
    headers = {
        "Content-Disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.name)}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cache-Control": "private, no-store",
    }
    return Response(content=data, media_type=MEDIA_TYPES[stored.kind], headers=headers)
