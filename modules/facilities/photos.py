"""Photos of facilities and repair orders: stored in the caller's transaction, listed by owner.

An attachment's ``owner_kind`` says what it belongs to (one of the ``PHOTO_*``
kinds) and ``owner_id`` which record; the files themselves are the core's
(``parkops.attachments``).
"""

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from modules.facilities.errors import FacilityError
from parkops.attachments import Attachment, AttachmentError, store_photo
from parkops.extensions import db
from parkops.photos import PreparedPhoto

PHOTO_BEFORE = "facilities.order_before"  # the reporter's photos and the crew's "before"
PHOTO_AFTER = "facilities.order_after"
PHOTO_FACILITY = "facilities.facility"
MAX_PHOTOS = 6


def attach_photos(
    uploads: list[FileStorage | PreparedPhoto], kind: str, owner_id: int, actor_id
) -> list:
    """Store photos for a record in the caller's transaction; a bad one undoes it all."""
    try:
        stored = [store_photo(u, kind, owner_id, actor_id) for u in uploads]
    except AttachmentError as exc:
        db.session.rollback()
        raise FacilityError(str(exc)) from exc
    db.session.flush()
    return stored


def photos_of(kind: str, owner_ids: list[int]) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {i: [] for i in owner_ids}
    if owner_ids:
        for a in db.session.scalars(
            select(Attachment)
            .where(Attachment.owner_kind == kind, Attachment.owner_id.in_(owner_ids))
            .order_by(Attachment.id)
        ):
            found[a.owner_id].append(a)
    return found


def order_photos(order_id: int) -> tuple[list[Attachment], list[Attachment]]:
    """An order's "before" and "after" photos, each oldest first; one statement."""
    found: dict[str, list[Attachment]] = {PHOTO_BEFORE: [], PHOTO_AFTER: []}
    for a in db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_kind.in_(found), Attachment.owner_id == order_id)
        .order_by(Attachment.id)
    ):
        found[a.owner_kind].append(a)
    return found[PHOTO_BEFORE], found[PHOTO_AFTER]
