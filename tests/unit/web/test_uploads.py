"""Upload checks by content (shibei.web.uploads): magic bytes, sizes, re-encoding,
risky PDFs, harmless names, the on-disk store and the serving headers."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image

from shibei.web.uploads import (
    UploadPolicy,
    UploadRejected,
    UploadStore,
    clean_upload,
    display_name,
    file_response,
    pdf_risks,
    sniff,
)


def _jpeg(size: tuple[int, int] = (40, 30), tail: bytes = b"") -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (36.0, 4.0, 0.0)}  # GPS latitude
    exif[0x010F] = "SecretCam"
    Image.new("RGB", size, (120, 20, 20)).save(out, "JPEG", exif=exif, comment=b"hidden note")
    return out.getvalue() + tail


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", "jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (b"%PDF-1.7\n", "pdf"),
        (b"GIF89a", None),
        (b"<html>", None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_sniffs_kind_from_magic_bytes(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("收据.JPG", "jpeg", "收据.jpg"),
        ("../../etc/passwd", "png", "passwd.png"),
        ("C:\\Users\\me\\合同.pdf.exe", "pdf", "合同.pdf.pdf"),
        ('a"<script>.html', "jpeg", "ascript.jpg"),
        ("", "pdf", "附件.pdf"),
        ("\u202egpj.exe", "jpeg", "gpj.jpg"),  # right-to-left override removed
    ],
)
def test_display_name_is_harmless_and_takes_the_contents_extension(
    name: str, kind: str, shown: str
) -> None:
    assert display_name(name, kind) == shown  # type: ignore[arg-type]


def test_reencoding_drops_exif_comments_and_appended_payload() -> None:
    raw = _jpeg(tail=b"PK\x03\x04<script>alert(1)</script>")
    clean = clean_upload(raw, "photo.jpg")
    assert clean.kind == "jpeg" and clean.data.startswith(b"\xff\xd8\xff")
    for marker in (b"SecretCam", b"hidden note", b"<script", b"PK\x03\x04"):
        assert marker in raw and marker not in clean.data
    with Image.open(io.BytesIO(clean.data)) as again:
        assert again.size == (40, 30) and not again.getexif()


def test_large_images_are_scaled_and_pixel_bombs_refused() -> None:
    clean = clean_upload(_jpeg((400, 100)), "wide.jpg", UploadPolicy(max_side=200))
    assert (clean.width, clean.height) == (200, 50)
    with pytest.raises(UploadRejected) as info:
        clean_upload(_jpeg((100, 100)), "bomb.jpg", UploadPolicy(max_pixels=5000))
    assert info.value.status == 413


def test_truncated_image_is_refused_with_400() -> None:
    with pytest.raises(UploadRejected) as info:
        clean_upload(_jpeg()[:60], "broken.jpg")
    assert info.value.status == 400


def test_size_and_kind_limits() -> None:
    with pytest.raises(UploadRejected) as big:
        clean_upload(b"%PDF-" + b"0" * 2000, "x.pdf", UploadPolicy(max_bytes=1000))
    assert big.value.status == 413
    with pytest.raises(UploadRejected) as kind:
        clean_upload(b"%PDF-1.4\n%%EOF", "x.pdf", UploadPolicy(kinds=frozenset({"jpeg"})))
    assert kind.value.status == 415


@pytest.mark.parametrize(
    "body",
    [
        b"<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>",
        b"<</S/J#61vaScript>>",  # name escape
        b"<</Type/Action/S/Launch/F(cmd.exe)>>",
        b"<</Names<</EmbeddedFiles 3 0 R>>>>",
    ],
)
def test_risky_pdfs_are_found_in_plain_bytes(body: bytes) -> None:
    assert pdf_risks(b"%PDF-1.4\n" + body + b"\n%%EOF")


def test_risky_names_hidden_in_compressed_streams_are_found() -> None:
    stream = zlib.compress(b"<</S/JavaScript/JS(this.exportDataObject())>>")
    pdf = b"%PDF-1.5\n4 0 obj<</Filter/FlateDecode>>stream\n" + stream + b"\nendstream\n%%EOF"
    assert pdf_risks(pdf) == ["/JS", "/JavaScript"]
    assert pdf_risks(b"%PDF-1.4\n<</Type/Page/JSomething 1>>\n%%EOF") == []


def test_store_keeps_files_by_random_id_and_refuses_other_ids(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    stored = store.save(clean_upload(_jpeg(), "a.jpg"))
    assert len(stored.id) == 32 and stored.media_type == "image/jpeg"
    found = store.open(stored.id)
    assert found is not None and found[0] == stored
    for bad in ("../../etc/passwd", "ABC", stored.id.upper(), "0" * 32):
        assert store.open(bad) is None


def test_served_files_never_run_in_the_page(tmp_path: Path) -> None:
    store = UploadStore(tmp_path)
    image = store.save(clean_upload(_jpeg(), "收据.jpg"))
    pdf = store.save(clean_upload(b"%PDF-1.4\n<<>>\n%%EOF\n", "合同.pdf"))
    r = file_response(*store.open(image.id))  # type: ignore[misc]
    assert r.headers["content-type"] == "image/jpeg"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"].endswith("sandbox")
    assert r.headers["content-disposition"].startswith("inline;")
    r = file_response(*store.open(pdf.id), inline=True)  # type: ignore[misc]
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%90%88%E5%90%8C.pdf" in r.headers["content-disposition"]


def test_png_text_chunks_are_dropped() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    clean = clean_upload(out.getvalue(), "a.png")
    assert b"<script" in out.getvalue() and b"<script" not in clean.data
    assert clean.data.startswith(b"\x89PNG")
