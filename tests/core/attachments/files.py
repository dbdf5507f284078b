"""Files and checks shared by the attachment tests (test_stores.py: the folder and S3
behaviour; test_sizes.py: sizes, streaming and memory)."""

import struct
import zlib
from io import BytesIO

from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from parkops import attachments
from parkops.attachment_store import FolderStore, store
from parkops.attachments import Attachment
from parkops.extensions import db

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


def jpeg_bytes() -> bytes:
    return encode(two_halves(), "JPEG")
