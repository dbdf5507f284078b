"""Uploads by size: large photos bounded, bombs and oversized files refused before they
are decoded or read whole, a 10 MiB file stored and sent without holding it twice; against
the instance folder and an S3 bucket (the rest: test_stores.py)."""

import os
import tracemalloc
from io import BytesIO

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from parkops import attachments
from parkops.attachment_store import store
from parkops.attachments import AttachmentError, store_document, store_photo
from parkops.extensions import db
from tests.core.attachments.files import (
    BLUE,
    RED,
    attachment_rows,
    bomb_png,
    close,
    encode,
    stored_files,
    stored_image,
    two_halves,
    upload,
)


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


def test_an_oversized_file_is_refused_before_it_is_read_whole(make_app, storage):
    app = make_app(PHOTO_MAX_BYTES=1024 * 1024, DEFAULT_LOCALE="en", **storage)
    with app.app_context():
        noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
        data = encode(noise, "PNG")
        assert len(data) > 1024 * 1024
        with pytest.raises(AttachmentError, match=r"too large \(at most 1 MB\)"):
            store_photo(upload(data), "test.owner", 1, None)
        assert stored_files() == [] and attachment_rows() == 0


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
