"""Uploads: photos re-encoded upright without metadata, bombs and fakes refused, nothing left
behind by a refusal or a rolled-back transaction; every case against the instance folder and
against an S3 bucket (moto's server on loopback)."""

import os
import struct
import tracemalloc
import zipfile
import zlib
from io import BytesIO

import pytest
from flask_babel import force_locale
from PIL import ExifTags, Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from parkops import attachments
from parkops.attachment_store import FolderStore, store
from parkops.attachments import Attachment, AttachmentError, store_document, store_photo
from parkops.extensions import db


@pytest.fixture(params=["folder", "s3"])
def storage(request) -> dict:
    """The settings of each store: none for the folder, a fresh bucket for S3."""
    return request.getfixturevalue("s3_settings") if request.param == "s3" else {}


@pytest.fixture
def app(make_app, storage):
    app = make_app(**storage)
    with app.app_context():
        yield app


@pytest.fixture(autouse=True)
def _english(app):
    """Services raise their messages outside a request: read them in English here."""
    with force_locale("en"):
        yield


RED, BLUE, GREEN = (230, 20, 20), (20, 20, 230), (20, 200, 20)


def upload(data: bytes, filename: str = "photo.jpg") -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=filename)


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def two_halves(size=(300, 200), left=RED, right=BLUE, mode="RGB") -> Image.Image:
    image = Image.new(mode, size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def stored_files() -> list[str]:
    """The names the store holds: the folder's files or the bucket's keys."""
    target = store()
    if isinstance(target, FolderStore):
        if not target.folder.exists():
            return []
        return sorted(p.name for p in target.folder.iterdir())
    listed = target.client.list_objects_v2(Bucket=target.bucket)
    return sorted(item["Key"] for item in listed.get("Contents", ()))


def attachment_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def stored_image(attachment: Attachment, thumbnail: bool = False) -> Image.Image:
    return Image.open(BytesIO(attachments.read(attachment, thumbnail)))


def close(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def bomb_png(width=20_000, height=20_000) -> bytes:
    """A PNG whose header declares width x height; its data would inflate to gigabytes.

    Only the first rows are present (zeros compress to nothing): the test is that the
    header alone gets it refused, before a decoder allocates anything.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + width * 3) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def test_a_phone_photo_is_stored_upright_without_exif_or_gps(app):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was held on its side
    exif[ExifTags.Base.Model] = "SecretCam 3000"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (34.0, 45.0, 0.0), 3: "E", 4: (115.0, 1.0, 0.0)}
    sent = encode(two_halves(), "JPEG", exif=exif, quality=95)
    assert Image.open(BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS

    attachment = store_photo(upload(sent, "IMG_0001.JPG"), "test.owner", 1, None)
    db.session.commit()

    image = stored_image(attachment)
    assert image.format == "JPEG"
    assert image.size == (200, 300) == (attachment.width, attachment.height)
    # Orientation 6 turns the picture a quarter clockwise: the left (red) half is now on top.
    assert close(image.getpixel((100, 40)), RED)
    assert close(image.getpixel((100, 260)), BLUE)
    assert len(image.getexif()) == 0
    raw = attachments.read(attachment)
    assert b"Exif" not in raw and b"SecretCam" not in raw
    assert attachment.filename == "IMG_0001.jpg"
    assert attachment.content_type == "image/jpeg"


def test_a_png_with_transparency_becomes_a_jpeg_on_white(app):
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))  # transparent black
    image.paste((*GREEN, 255), (100, 0, 200, 100))
    attachment = store_photo(upload(encode(image, "PNG"), "sign.png"), "test.owner", 1, None)
    db.session.commit()
    stored = stored_image(attachment)
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert close(stored.getpixel((40, 50)), (255, 255, 255))  # not black
    assert close(stored.getpixel((160, 50)), GREEN)
    assert attachment.filename == "sign.jpg"


def test_a_large_photo_is_bounded_and_gets_a_thumbnail(app):
    sent = encode(two_halves((3000, 2000)), "JPEG")
    attachment = store_photo(upload(sent), "test.owner", 1, None)
    db.session.commit()
    assert stored_image(attachment).size == (2560, 1707)
    thumb = stored_image(attachment, thumbnail=True)
    assert max(thumb.size) == 320 and thumb.format == "JPEG"
    assert attachment.has_thumbnail
    with app.test_request_context():
        response = attachments.send(attachment, thumbnail=True)
        response.direct_passthrough = False
        assert Image.open(BytesIO(response.get_data())).size == thumb.size
        assert response.headers["Cache-Control"] == "private, max-age=3600"


def test_the_configured_pixel_limit_holds_without_touching_pillows_global(make_app, storage):
    default = Image.MAX_IMAGE_PIXELS
    app = make_app(IMAGE_MAX_PIXELS=1_000_000, DEFAULT_LOCALE="en", **storage)
    with app.app_context():
        with pytest.raises(AttachmentError, match="too many pixels"):
            store_photo(upload(encode(two_halves((1200, 1000)), "PNG")), "test.owner", 1, None)
        store_photo(upload(encode(two_halves((1000, 1000)), "PNG")), "test.owner", 1, None)
    assert Image.MAX_IMAGE_PIXELS == default


def test_a_decompression_bomb_is_refused_without_decoding(app):
    data = bomb_png()
    tracemalloc.start()
    try:
        with pytest.raises(AttachmentError, match="too many pixels"):
            store_photo(upload(data, "bomb.png"), "test.owner", 1, None)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # decoding would need 1.2 GB


def jpeg_bytes() -> bytes:
    return encode(two_halves(), "JPEG")


def plain_zip(names=("readme.txt",)) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


REFUSED_PHOTOS = [
    (b"this is not an image", "notes.jpg", "Not a photo"),
    (encode(two_halves(), "BMP"), "scan.bmp", "Not a photo"),
    (encode(two_halves(), "TIFF"), "scan.tif", "Not a photo"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg", "Not a photo"),
    (jpeg_bytes()[:800], "cut.jpg", "damaged or incomplete"),
    (b"", "empty.jpg", "empty"),
    (bomb_png(), "bomb.png", "too many pixels"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSED_PHOTOS)
def test_refused_photos_leave_no_file_and_no_row(app, data, name, message):
    with pytest.raises(AttachmentError, match=message):
        store_photo(upload(data, name), "test.owner", 1, None)
    db.session.commit()  # even if the caller goes on and commits
    assert stored_files() == [] and attachment_rows() == 0


def test_an_oversized_file_is_refused_before_it_is_read_whole(make_app, storage):
    app = make_app(PHOTO_MAX_BYTES=1024 * 1024, DEFAULT_LOCALE="en", **storage)
    with app.app_context():
        noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
        data = encode(noise, "PNG")
        assert len(data) > 1024 * 1024
        with pytest.raises(AttachmentError, match=r"too large \(at most 1 MB\)"):
            store_photo(upload(data), "test.owner", 1, None)
        assert stored_files() == [] and attachment_rows() == 0


def office_file(main_part: str) -> bytes:
    return plain_zip(("[Content_Types].xml", f"{main_part}document.xml"))


def test_documents_whose_content_matches_their_type_are_stored(app):
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    stored = store_document(upload(pdf, "整改制度.pdf"), "test.owner", 1, None)
    docx = store_document(upload(office_file("word/"), "制度.docx"), "test.owner", 1, None)
    db.session.commit()
    assert stored.content_type == "application/pdf" and stored.filename == "整改制度.pdf"
    assert attachments.read(stored) == pdf
    assert docx.content_type.endswith("wordprocessingml.document")
    assert attachment_rows() == 2


REFUSED_DOCUMENTS = [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 100, "regulation.pdf", "does not match"),
    (plain_zip(), "regulation.pdf", "does not match"),
    (plain_zip(), "regulation.docx", "does not match"),  # a renamed .zip
    (office_file("word/"), "table.xlsx", "does not match"),  # a Word file named .xlsx
    (b"%PDF-1.4", "regulation.exe", "Only PDF, Word, Excel or WPS"),
    (b"<html></html>", "page.html", "Only PDF, Word, Excel or WPS"),
    (b"%PDF-1.4", "no-extension", "Only PDF, Word, Excel or WPS"),
    (b"", "empty.pdf", "empty"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSED_DOCUMENTS)
def test_refused_documents_leave_no_file_and_no_row(app, data, name, message):
    with pytest.raises(AttachmentError, match=message):
        store_document(upload(data, name), "test.owner", 1, None)
    db.session.commit()
    assert stored_files() == [] and attachment_rows() == 0


def test_files_of_a_rolled_back_transaction_are_removed(app):
    store_photo(upload(jpeg_bytes()), "test.owner", 1, None)
    store_document(upload(b"%PDF-1.4\n%%EOF", "a.pdf"), "test.owner", 1, None)
    assert len(stored_files()) == 3  # photo, thumbnail, document
    db.session.rollback()  # e.g. another field of the same form was refused
    assert stored_files() == [] and attachment_rows() == 0


def test_files_of_a_committed_transaction_stay(app):
    name = store_photo(upload(jpeg_bytes()), "test.owner", 1, None).stored_name
    db.session.commit()
    db.session.rollback()  # a later transaction's rollback does not touch them
    db.session.remove()
    assert stored_files() == sorted([name, name.removesuffix(".jpg") + ".thumb.jpg"])


def test_a_path_in_the_filename_is_dropped(app):
    sent = upload(b"%PDF-1.4\n%%EOF", "C:\\Users\\li\\Desktop\\制度 2024.pdf")
    assert store_document(sent, "test.owner", 1, None).filename == "制度 2024.pdf"


def test_a_50_megapixel_phone_jpeg_is_accepted_and_shrunk(app):
    """The camera's own size, sent without the browser shrinking it (no script)."""
    sent = encode(two_halves((8165, 6124)), "JPEG", quality=85)
    attachment = store_photo(upload(sent), "test.owner", 1, None)
    db.session.commit()
    stored = stored_image(attachment)
    assert stored.size == (2560, 1920)
    assert close(stored.getpixel((10, 10)), RED) and close(stored.getpixel((2550, 10)), BLUE)


def test_a_13_6_mb_photo_is_accepted(app):
    noise = Image.frombytes("RGB", (2200, 2200), os.urandom(2200 * 2200 * 3))
    sent = encode(noise, "PNG")
    assert len(sent) > 13.6 * 1024 * 1024
    attachment = store_photo(upload(sent, "big.png"), "test.owner", 1, None)
    db.session.commit()
    assert stored_image(attachment).size == (2200, 2200)


def test_a_jpeg_is_decoded_smaller_to_fit_the_memory_budget_another_format_is_refused(
    make_app, storage
):
    """IMAGE_MAX_PIXELS bounds what is decoded: a JPEG is decoded at a fraction of its
    size; a PNG cannot be, so it is refused, saying what to do."""
    app = make_app(IMAGE_MAX_PIXELS=1_000_000, DEFAULT_LOCALE="en", **storage)
    with app.app_context():
        jpeg = store_photo(upload(encode(two_halves((3000, 2000)), "JPEG")), "test.owner", 1, None)
        db.session.commit()
        assert stored_image(jpeg).size == (750, 500)
        with pytest.raises(AttachmentError) as refused:
            store_photo(upload(encode(two_halves((3000, 2000)), "PNG")), "test.owner", 1, None)
    assert str(refused.value) == (
        "The image has too many pixels (6 megapixels, at most 1 here)."
        " Send it as a JPEG photo, or a smaller copy."
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (bomb_png(), "bomb.png", "no camera takes a photo this large. Send the photo as"),
        (b"this is not an image", "notes.jpg", "Choose a photo taken with the camera."),
        (jpeg_bytes()[:800], "cut.jpg", "Take it again, or send it once more."),
    ],
)
def test_a_refused_photo_says_what_to_do(app, data, name, message):
    with pytest.raises(AttachmentError, match=message):
        store_photo(upload(data, name), "test.owner", 1, None)


def test_a_download_is_streamed_and_answers_a_conditional_request(app):
    pdf = b"%PDF-1.4\n" + os.urandom(200_000) + b"\n%%EOF\n"
    stored = store_document(upload(pdf, "制度.pdf"), "test.owner", 1, None)
    db.session.commit()
    with app.test_request_context():
        response = attachments.send(stored)
        assert response.is_streamed
        response.direct_passthrough = False
        assert response.get_data() == pdf
        assert response.headers["Content-Length"] == str(len(pdf))
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="attachment-{stored.id}.pdf"; '
            "filename*=UTF-8''%E5%88%B6%E5%BA%A6.pdf"
        )
        etag = response.headers["ETag"]
    with app.test_request_context(headers={"If-None-Match": etag}):
        again = attachments.send(stored)
        assert again.status_code == 304


def test_a_deleted_attachment_loses_its_files_once_the_deletion_commits(app):
    photo = store_photo(upload(jpeg_bytes()), "test.owner", 1, None)
    db.session.commit()
    assert attachments.file_exists(photo) and attachments.file_exists(photo, thumbnail=True)

    attachments.delete(photo)
    db.session.rollback()  # the deletion is undone: the row and its files stay
    assert attachment_rows() == 1 and len(stored_files()) == 2

    attachments.delete(db.session.get(Attachment, photo.id))
    db.session.commit()
    assert attachment_rows() == 0 and stored_files() == []
    assert not attachments.file_exists(photo)


def _spooled_upload(data: bytes, filename: str, tmp_path) -> FileStorage:
    """An upload as werkzeug hands over a large one: spooled to a file, not in memory."""
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    return FileStorage(stream=path.open("rb"), filename=filename)


def test_a_10_mib_file_is_stored_and_sent_without_holding_it_twice(app, tmp_path):
    size = 10 * 1024 * 1024
    pdf = b"%PDF-1.4\n" + os.urandom(size - 20) + b"\n%%EOF\n"
    sent = _spooled_upload(pdf, "scan.pdf", tmp_path)
    store()  # the store's client is built once per process, not per upload
    tracemalloc.start()
    try:
        stored = store_document(sent, "test.owner", 1, None)
        db.session.commit()
        _current, stored_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with app.test_request_context():
            response = attachments.send(stored)
            received = sum(len(chunk) for chunk in response.response)
            response.close()
        _current, sent_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == len(pdf)
    assert stored_peak < 1.5 * size  # read once; written without a copy
    assert sent_peak < 2 * 1024 * 1024  # streamed in chunks, never read whole


def test_an_unreachable_bucket_refuses_the_upload_and_leaves_no_row(make_app, s3_settings):
    app = make_app(**{**s3_settings, "S3_BUCKET": "parkops-missing-bucket"}, DEFAULT_LOCALE="en")
    with app.app_context(), force_locale("en"):
        with pytest.raises(AttachmentError, match="could not be saved"):
            store_photo(upload(jpeg_bytes()), "test.owner", 1, None)
        db.session.commit()
        assert attachment_rows() == 0


def test_the_bucket_is_configured_through_the_environment(make_app, s3_settings):
    from parkops.config import from_environment

    environ = {f"PARKOPS_{key}": value for key, value in s3_settings.items()}
    app = make_app(**from_environment(environ))
    with app.app_context():
        target = store()
        assert not isinstance(target, FolderStore)
        assert target.bucket == s3_settings["S3_BUCKET"]
        name = store_photo(upload(jpeg_bytes()), "test.owner", 1, None).stored_name
        db.session.commit()
        assert target.exists(name)
