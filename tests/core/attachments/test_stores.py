"""Uploads against the instance folder and an S3 bucket: photos re-encoded upright without
metadata, fakes refused, nothing left behind by a refusal or a rolled-back transaction,
downloads and deletions (sizes and memory: test_sizes.py)."""

import os
import zipfile
from io import BytesIO

import pytest
from flask_babel import force_locale
from PIL import ExifTags, Image

from parkops import attachments
from parkops.attachment_store import FolderStore, store
from parkops.attachments import (
    Attachment,
    AttachmentError,
    store_document,
    store_file,
    store_photo,
)
from parkops.extensions import db
from tests.core.attachments.files import (
    BLUE,
    GREEN,
    RED,
    attachment_rows,
    bomb_png,
    close,
    encode,
    jpeg_bytes,
    stored_files,
    stored_image,
    two_halves,
    upload,
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


def office_file(main_part: str) -> bytes:
    return plain_zip(("[Content_Types].xml", f"{main_part}document.xml"))


def test_a_field_for_photos_and_documents_takes_both_and_names_both_when_refusing(app):
    photo = upload(jpeg_bytes(), "IMG_0002.JPG")  # sent as application/octet-stream
    assert store_file(photo, "test.owner", 1, None).content_type == "image/jpeg"
    pdf = store_file(upload(b"%PDF-1.4\n%%EOF", "借条.pdf"), "test.owner", 1, None)
    assert pdf.content_type == "application/pdf"
    db.session.commit()
    with pytest.raises(AttachmentError) as refused:
        store_file(upload(b"plain text", "notes.txt"), "test.owner", 1, None)
    assert str(refused.value) == "Only photos, PDF, Word, Excel or WPS files."
    db.session.commit()
    assert attachment_rows() == 2


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
