"""Photos prepared for storing: validated, decoded within the memory budget, turned
upright, stripped of metadata, bounded in size and re-encoded as JPEG with a thumbnail.

A phone photo sent as the camera took it (50 MP, 15 MB) is accepted: photos may
be ``PHOTO_MAX_BYTES`` long, and a JPEG is decoded at 1/2, 1/4 or 1/8 of its size
straight from its DCT data (``Image.draft``), never whole. What is decoded must
fit ``IMAGE_MAX_PIXELS`` (the memory budget), checked from the header before a
pixel is decoded; other formats cannot be decoded smaller, so their declared size
must fit it. Pillow's own global limit (``Image.MAX_IMAGE_PIXELS``) is left as it
is, a backstop shared by every thread against absurd images, never changed per
request. Every refusal (``AttachmentError``) says what to do instead. Storing the
result is ``parkops.attachments.store_photo``'s.
"""

from dataclasses import dataclass
from io import BytesIO

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from parkops import heavy
from parkops.uploads import AttachmentError, read_limited

# The decoders a photo may reach (a phone's multi-picture JPEG opens as JPEG too).
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_PHOTO_SIDE = 2560  # stored photos are bounded: enough to see a crack, not 50 MB
THUMB_SIDE = 320


@dataclass
class EncodedPhoto:
    """The JPEG to store and its thumbnail (bytes); the JPEG's width and height (px)."""

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


def _reencode(data: bytes) -> EncodedPhoto:
    image = _flatten(_decode(data))
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = BytesIO()
    # Saved without exif=, icc_profile= or xmp=: nothing of the original's metadata is kept.
    image.save(out, "JPEG", quality=85, optimize=True)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb_out = BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return EncodedPhoto(out.getvalue(), thumb_out.getvalue(), image.width, image.height)


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo read, checked and re-encoded but not stored yet: the costly half of
    ``store_photo``, which a caller does before taking a lock (decoding a phone's photo
    takes tens of milliseconds of CPU)."""

    filename: str | None
    photo: EncodedPhoto


def prepare_photo(upload: FileStorage) -> PreparedPhoto:
    """Read and re-encode an uploaded photo; AttachmentError when it is too large
    (PHOTO_MAX_BYTES), empty or not an image. Nothing is written."""
    with heavy.photo_slot():  # 8 photos decoded at once would take ~1 GB
        data = read_limited(upload, current_app.config["PHOTO_MAX_BYTES"])
        return PreparedPhoto(upload.filename, _reencode(data))
