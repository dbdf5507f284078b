"""Uploaded files: photos validated and re-encoded, documents checked and stored.

Files live in the attachment store (``parkops.attachment_store``: ``<instance>/attachments/``
or an S3-compatible bucket); the database keeps their metadata.
They are served only through views that check the owner record's permission.
A photo is never stored as sent: it is decoded (refusing decompression bombs),
turned upright from its EXIF orientation, stripped of EXIF (GPS, camera serial),
bounded in size and re-encoded as JPEG, with a thumbnail beside it.

A phone photo sent as the camera took it (50 MP, 15 MB) is accepted: photos may
be ``PHOTO_MAX_BYTES`` long, and a JPEG is decoded at 1/2, 1/4 or 1/8 of its size
straight from its DCT data (``Image.draft``), never whole. What is decoded must
fit ``IMAGE_MAX_PIXELS`` (the memory budget), checked from the header before a
pixel is decoded; other formats cannot be decoded smaller, so their declared size
must fit it. Pillow's own global limit (``Image.MAX_IMAGE_PIXELS``) is left as it
is, a backstop shared by every thread against absurd images, never changed per
request. Every refusal says what to do instead.
"""

import hashlib
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.datastructures import FileStorage

from parkops import heavy
from parkops.attachment_store import store
from parkops.db import Base, utcnow
from parkops.downloads import content_disposition
from parkops.extensions import db

# The decoders a photo may reach (a phone's multi-picture JPEG opens as JPEG too).
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
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
# A renamed .zip (or .apk, .jar) starts with PK too: these parts must be inside.
OFFICE_ZIP_PARTS = {".docx": "word/", ".xlsx": "xl/"}
# session.info keys: files written in the current transaction, removed if it does not
# commit; files of attachments deleted in it, removed once it commits.
PENDING_FILES = "parkops_attachment_files"
DELETED_FILES = "parkops_attachment_deleted_files"


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


def file_names(attachment: Attachment) -> list[str]:
    """The stored files of an attachment: the file, and its thumbnail when it has one."""
    names = [attachment.stored_name]
    if attachment.has_thumbnail:
        names.append(_thumbnail_name(attachment.stored_name))
    return names


def _thumbnail_name(stored_name: str) -> str:
    return stored_name.removesuffix(".jpg") + ".thumb.jpg"


def _read_limited(upload: FileStorage, limit: int) -> bytes:
    """At most ``limit`` bytes of the upload; AttachmentError when it holds more or nothing."""
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(
            _(
                "The file is too large (at most %(mb)s MB). Send a smaller copy of it.",
                mb=f"{limit / (1024 * 1024):g}",
            )
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


def _jpeg_reduction(width: int, height: int, budget: int) -> int:
    """1, 2, 4 or 8: the largest reduction that still leaves MAX_PHOTO_SIDE on the long
    side, or more when the budget (pixels) needs it."""
    reduction = 1
    while reduction < 8 and max(width, height) // (reduction * 2) >= MAX_PHOTO_SIDE:
        reduction *= 2
    while reduction < 8 and (width // reduction) * (height // reduction) > budget:
        reduction *= 2
    return reduction


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def _decode(data: bytes) -> Image.Image:
    """Open, shrink a JPEG's decoding, check what will be decoded against the budget
    before a pixel is, then decode and turn upright."""
    budget = current_app.config["IMAGE_MAX_PIXELS"]
    try:
        # Only the photo formats are even tried: no other decoder sees the bytes.
        with Image.open(BytesIO(data), formats=PHOTO_FORMATS) as probe:
            if probe.format == "JPEG":
                reduction = _jpeg_reduction(probe.width, probe.height, budget)
                if reduction > 1:
                    probe.draft(probe.mode, (probe.width // reduction, probe.height // reduction))
            if probe.width * probe.height > budget:
                raise AttachmentError(
                    _(
                        "The image has too many pixels (%(mp)s megapixels, at most %(max)s"
                        " here). Send it as a JPEG photo, or a smaller copy.",
                        mp=_megapixels(probe.width * probe.height),
                        max=_megapixels(budget),
                    )
                )
            probe.load()
            # In place: a copy would hold a second whole decoded photo (50 MiB at 17 MP).
            ImageOps.exif_transpose(probe, in_place=True)
            return probe
    except AttachmentError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own global limit, as a backstop
        raise AttachmentError(
            _(
                "The image has too many pixels: no camera takes a photo this large."
                " Send the photo as the camera took it, or a smaller copy."
            )
        ) from exc
    except UnidentifiedImageError as exc:
        raise AttachmentError(
            _("Not a photo (JPEG, PNG, WebP or GIF). Choose a photo taken with the camera.")
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise AttachmentError(
            _("The photo is damaged or incomplete. Take it again, or send it once more.")
        ) from exc


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG; transparent areas become white, not the black JPEG would give them."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image if image.mode == "RGB" else image.convert("RGB")  # no copy of an RGB one


def _reencode(data: bytes) -> _Photo:
    image = _flatten(_decode(data))
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = BytesIO()
    # Saved without exif=, icc_profile= or xmp=: nothing of the original's metadata is kept.
    image.save(out, "JPEG", quality=85, optimize=True)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb_out = BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return _Photo(out.getvalue(), thumb_out.getvalue(), image.width, image.height)


def _clean_filename(name: str | None, fallback: str) -> str:
    # A browser on Windows may send a full path with backslashes.
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or fallback)[:255]


def _write(files: dict[str, tuple[bytes, str]]) -> list[tuple]:
    """Write new files ({name: (bytes, content type)}); on failure remove the ones already
    written. Returns (store, name) pairs for ``_track``."""
    target = store()
    written: list[tuple] = []
    try:
        for name, (data, content_type) in files.items():
            target.put(name, data, content_type)
            written.append((target, name))
    except OSError as exc:  # a full disk, an unreachable bucket (StoreError)
        _remove(written)
        current_app.logger.exception("attachment could not be written")
        raise AttachmentError(_("The file could not be saved. Please try again.")) from exc
    return written


def _remove(files) -> None:
    """Remove (store, name) files, logging what cannot be: the rows are already settled."""
    for target, name in files:
        try:
            target.delete(name)
        except OSError:
            current_app.logger.exception("attachment file %s could not be removed", name)


def _track(files: list[tuple]) -> None:
    """Tie the files to the session's transaction: a rollback removes them (see below)."""
    db.session.info.setdefault(PENDING_FILES, []).extend(files)


def delete(attachment: Attachment) -> None:
    """Delete the row (the caller commits); its files go once the transaction commits,
    and stay if it rolls back."""
    db.session.delete(attachment)
    target = store()
    deleted = [(target, name) for name in file_names(attachment)]
    db.session.info.setdefault(DELETED_FILES, []).extend(deleted)


def file_exists(attachment: Attachment, thumbnail: bool = False) -> bool:
    """Whether the store holds the attachment's file (or its thumbnail)."""
    name = attachment.stored_name
    if thumbnail:
        name = _thumbnail_name(name)
    return store().exists(name)


def read(attachment: Attachment, thumbnail: bool = False) -> bytes:
    """The stored file's bytes (whole: for a demo, an export or a test, not for a response)."""
    name = _thumbnail_name(attachment.stored_name) if thumbnail else attachment.stored_name
    return store().read(name)


@event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    if session.get_nested_transaction() is None:  # only the outermost commit settles them
        session.info.pop(PENDING_FILES, None)
        _remove(session.info.pop(DELETED_FILES, ()))


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction) -> None:
    # The outermost transaction ended without a commit (rollback, close): the
    # records that would point at these files do not exist, so neither may they.
    if transaction.parent is None:
        session.info.pop(DELETED_FILES, None)  # their rows are back: the files stay
        _remove(session.info.pop(PENDING_FILES, ()))


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo read, checked and re-encoded but not stored yet: the costly half of
    ``store_photo``, which a caller does before taking a lock (decoding a phone's photo
    takes tens of milliseconds of CPU)."""

    filename: str | None
    photo: _Photo


def prepare_photo(upload: FileStorage) -> PreparedPhoto:
    """Read and re-encode an uploaded photo; AttachmentError when it is too large
    (PHOTO_MAX_BYTES), empty or not an image. Nothing is written."""
    with heavy.photo_slot():  # 8 photos decoded at once would take ~1 GB
        data = _read_limited(upload, current_app.config["PHOTO_MAX_BYTES"])
        return PreparedPhoto(upload.filename, _reencode(data))


def store_photo(
    upload: FileStorage | PreparedPhoto,
    owner_kind: str,
    owner_id: int | None,
    uploaded_by_id: int | None,
) -> Attachment:
    """Validate and re-encode a photo (unless given prepared); adds the row to the session
    (the caller commits). AttachmentError as ``prepare_photo``, or when it cannot be written."""
    prepared = upload if isinstance(upload, PreparedPhoto) else prepare_photo(upload)
    photo = prepared.photo
    stored = secrets.token_hex(16)
    files = _write(
        {
            f"{stored}.jpg": (photo.jpeg, "image/jpeg"),
            f"{stored}.thumb.jpg": (photo.thumb, "image/jpeg"),
        }
    )
    attachment = Attachment(
        owner_kind=owner_kind,
        owner_id=owner_id,
        filename=Path(_clean_filename(prepared.filename, "photo")).stem + ".jpg",
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
    _track(files)
    return attachment


def _is_office_zip(data: bytes, part: str) -> bool:
    """A .docx/.xlsx is a zip with a content-types part and its main folder."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())  # the central directory only: nothing is inflated
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)


def store_document(
    upload: FileStorage, owner_kind: str, owner_id: int | None, uploaded_by_id: int | None
) -> Attachment:
    """Store a PDF or office document whose content matches its extension."""
    filename = _clean_filename(upload.filename, "document")
    suffix = Path(filename).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise AttachmentError(_("Only PDF, Word, Excel or WPS files."))
    content_type, magic = DOCUMENT_TYPES[suffix]
    data = _read_limited(upload, current_app.config["UPLOAD_MAX_BYTES"])
    matches = data.startswith(magic)
    if matches and suffix in OFFICE_ZIP_PARTS:
        matches = _is_office_zip(data, OFFICE_ZIP_PARTS[suffix])
    if not matches:
        raise AttachmentError(_("The file's content does not match its type."))
    stored = secrets.token_hex(16) + suffix
    files = _write({stored: (data, content_type)})
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
    _track(files)
    return attachment


PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def store_file(
    upload: FileStorage, owner_kind: str, owner_id: int | None, uploaded_by_id: int | None
) -> Attachment:
    """A field that takes photos and documents (a scan, a contract, an IOU): a photo
    (an ``image/*`` upload or a photo's extension) as ``store_photo``, a PDF or office
    file as ``store_document``; anything else refused naming both."""
    suffix = Path(upload.filename or "").suffix.lower()
    if (upload.mimetype or "").startswith("image/") or suffix in PHOTO_SUFFIXES:
        return store_photo(upload, owner_kind, owner_id, uploaded_by_id)
    if suffix not in DOCUMENT_TYPES:
        raise AttachmentError(_("Only photos, PDF, Word, Excel or WPS files."))
    return store_document(upload, owner_kind, owner_id, uploaded_by_id)


def send(attachment: Attachment, thumbnail: bool = False):
    """The file as a response, streamed; call only after checking the owner's permission."""
    name = attachment.stored_name
    if thumbnail and attachment.has_thumbnail:
        name = _thumbnail_name(name)
    response = store().send(
        name,
        mimetype=attachment.content_type,
        disposition=content_disposition(
            attachment.filename,
            fallback=f"attachment-{attachment.id}{Path(attachment.filename).suffix}",
            inline=attachment.is_image,
        ),
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
