"""Reading an upload within a size limit, and the refusal every upload check raises."""

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage


class AttachmentError(ValueError):
    """The upload is refused; the message is shown to the user."""


def read_limited(upload: FileStorage, limit: int) -> bytes:
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
