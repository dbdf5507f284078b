"""The import pages' one step: read the uploaded file, bounded, and hand it to the module.

The facilities, greening, merchants and receivables import views all go through
``run_import``; what they do with the result (show it, or flash it and redirect)
stays theirs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask import current_app, flash
from werkzeug.datastructures import FileStorage

from parkops.tabular import too_large

T = TypeVar("T")


@dataclass
class Imported(Generic[T]):
    """``result`` is what the module's import returned, None when the file was refused;
    ``problems`` then say why (one per bad row, or the one message)."""

    result: T | None = None
    problems: list[str] = field(default_factory=list)

    def flashed(self) -> T | None:
        """Flash the problems as errors (pages that show the result themselves); the result."""
        for problem in self.problems:
            flash(problem, "error")
        return self.result


def run_import(
    upload: FileStorage,
    import_file: Callable[[str, bytes], T],
    refused: type[Exception] | tuple[type[Exception], ...],
) -> Imported[T]:
    """Read ``upload`` up to one byte past UPLOAD_MAX_BYTES (a larger file is refused
    here, never read whole) and call ``import_file(file_name, data)``.

    A ``refused`` exception is the module's refusal of the whole file: its
    ``problems`` (the merchants' and receivables' ImportRefused list each bad row)
    or else its message become ``problems``; any other exception propagates."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        return Imported(problems=[str(too_large(limit))])
    try:
        return Imported(result=import_file(upload.filename or "", data))
    except refused as exc:
        return Imported(problems=list(getattr(exc, "problems", None) or [str(exc)]))
