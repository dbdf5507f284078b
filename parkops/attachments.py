"""Uploaded files: photos validated and re-encoded, documents checked and stored.

Files live under ``<instance>/attachments/``; the database keeps their metadata.
They are served only through views that check the owner record's permission.
A photo is never stored as sent: it is decoded (refusing decompression bombs),
turned upright from its EXIF orientation, stripped of EXIF (GPS, camera serial),
bounded in size and re-encoded as JPEG, with a thumbnail beside it.
"""

import hashlib
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from flask import current_app, send_file
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from parkops.db import Base, utcnow
from parkops.extensions import db

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_PHOTO_SIDE = 2560  # stored photos are bounded: enough to see a crack, not 50 MB
THUMB_SIDE = 320
# Regulations and similar documents: the formats an office actually files.
DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ".doc": ("application/msword", b"\xd0\xcf\x11\xe0"),
    ".xls": ("application/vnd.ms-excel", b"\xd0\xcf\x11\xe0"),
    ".wps": ("application/vnd.ms-works", b"\xd0\xcf\x11\xe0"),
}


class AttachmentError(ValueError):
    """The upload is refused; the message is shown to the user."""


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Which record owns it ("rectification.regulation", "facilities.repair_order", …);
    # the owner's permission decides who may download it.
    owner_kind: Mapped[str] = mapped_column(String(60), index=True)
    owner_id: Mapped[int | None] = mapped_column(index=True)
    filename: Mapped[str] = mapped_column(String(255))  # as the user named it
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def storage_dir() -> Path:
    path = Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_limited(upload: FileStorage) -> bytes:
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(
            _("The file is too large (at most %(mb)s MB).", mb=limit // (1024 * 1024))
        )
    if not data:
        raise AttachmentError(_("The file is empty."))
    return data


@dataclass
class _Photo:
    jpeg: bytes
    thumb: bytes
    width: int
    height: int


def _reencode(data: bytes) -> _Photo:
    max_pixels = current_app.config["IMAGE_MAX_PIXELS"]
    with warnings.catch_warnings():
        # Pillow warns between MAX_IMAGE_PIXELS and twice that; refuse those too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise AttachmentError(_("Not a photo (JPEG, PNG, WebP or GIF)."))
                if probe.width * probe.height > max_pixels:
                    raise AttachmentError(_("The image has too many pixels."))
                probe.load()
                image = ImageOps.exif_transpose(probe)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise AttachmentError(_("The image has too many pixels.")) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise AttachmentError(_("Not a photo, or a damaged one.")) from exc
    image = image.convert("RGB")  # drops alpha and palette; JPEG keeps no EXIF unless given
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb_out = BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return _Photo(out.getvalue(), thumb_out.getvalue(), image.width, image.height)


def _clean_filename(name: str | None, fallback: str) -> str:
    name = Path(name or "").name.strip().replace("\x00", "")
    return (name or fallback)[:255]


def store_photo(
    upload: FileStorage, owner_kind: str, owner_id: int | None, uploaded_by_id: int | None
) -> Attachment:
    """Validate and re-encode a photo; adds the row to the session (the caller commits)."""
    photo = _reencode(_read_limited(upload))
    stored = secrets.token_hex(16)
    folder = storage_dir()
    (folder / f"{stored}.jpg").write_bytes(photo.jpeg)
    (folder / f"{stored}.thumb.jpg").write_bytes(photo.thumb)
    attachment = Attachment(
        owner_kind=owner_kind,
        owner_id=owner_id,
        filename=Path(_clean_filename(upload.filename, "photo")).stem + ".jpg",
        stored_name=f"{stored}.jpg",
        content_type="image/jpeg",
        size=len(photo.jpeg),
        width=photo.width,
        height=photo.height,
        has_thumbnail=True,
        sha256=hashlib.sha256(photo.jpeg).hexdigest(),
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(attachment)
    return attachment


def store_document(
    upload: FileStorage, owner_kind: str, owner_id: int | None, uploaded_by_id: int | None
) -> Attachment:
    """Store a PDF or office document whose content matches its extension."""
    filename = _clean_filename(upload.filename, "document")
    suffix = Path(filename).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise AttachmentError(_("Only PDF, Word, Excel or WPS files."))
    content_type, magic = DOCUMENT_TYPES[suffix]
    data = _read_limited(upload)
    if not data.startswith(magic):
        raise AttachmentError(_("The file's content does not match its type."))
    stored = secrets.token_hex(16) + suffix
    (storage_dir() / stored).write_bytes(data)
    attachment = Attachment(
        owner_kind=owner_kind,
        owner_id=owner_id,
        filename=filename,
        stored_name=stored,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(attachment)
    return attachment


def send(attachment: Attachment, thumbnail: bool = False):
    """The file as a response; call only after checking the owner's permission."""
    name = attachment.stored_name
    if thumbnail and attachment.has_thumbnail:
        name = name.removesuffix(".jpg") + ".thumb.jpg"
    response = send_file(
        storage_dir() / name,
        mimetype=attachment.content_type,
        as_attachment=not attachment.is_image,
        download_name=attachment.filename,
        max_age=3600,
        conditional=True,
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
