"""The heavy downloads' share of a server process: how many at once, and what they leave.

The whole-ledger .xlsx export and the weekly report (generated, .docx, .xlsx) each
build every problem's rows at once: tens of MiB at their peak, much of it in C (lxml
trees, openpyxl's cells) held by Python objects in reference cycles (a python-docx
package and its parts point at each other; so do a workbook and its sheets). The
cyclic garbage collector counts Python allocations, not those megabytes, so it ran
rarely enough that finished documents piled up: 100 .docx downloads, 8 at a time,
left a server at 568 MiB. Here each one waits for a slot (``HEAVY_AT_ONCE`` per
process, others queue) and its garbage is collected as it ends. Uploaded photos are
decoded in slots of their own (``photo_slot``).

``settle_after_start`` freezes what start-up built (modules, the app) out of the
collector's reach, so that collection costs a few ms, not 0.5 s; ``settle_after_warmup``
does it again after the first requests (200, 400, 800 …), which fill per-process caches for good
(SQLAlchemy's compiled statements, compiled templates, translations: 36,000 objects
after the bench's pages), so that a heavy download's collection walks 70 objects, not
36,000 (0.6 ms of CPU instead of 20–25 ms, with every other thread waiting on the GIL).
``share_malloc_arenas`` keeps glibc from giving each of the 8 threads an arena of its own.
"""

import ctypes
import gc
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2  # threads share these; each thread's own arena kept its freed pages
WARMUP_REQUESTS = 200  # by then the pages in daily use have filled the per-process caches
WARMUP_FREEZES = 10  # at 200, 400 … 102,400 requests

_slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_slots_made = threading.Lock()


def _semaphore(kind: str) -> threading.BoundedSemaphore:
    """The process's semaphore of ``kind`` ("download" or "photo"), ``HEAVY_AT_ONCE`` wide."""
    size = max(1, int(current_app.config["HEAVY_AT_ONCE"]))
    with _slots_made:
        return _slots.setdefault((kind, size), threading.BoundedSemaphore(size))


@contextmanager
def slot() -> Iterator[None]:
    """Hold one of the process's ``HEAVY_AT_ONCE`` slots (waiting for one if all are
    taken) while a heavy download is built; collect its garbage on the way out."""
    with _semaphore("download"):
        try:
            yield
        finally:
            gc.collect()


@contextmanager
def photo_slot() -> Iterator[None]:
    """The same for decoding an uploaded photo: a 17 MP JPEG takes 66 MiB decoded and
    54 MiB more while it is shrunk (Pillow holds 4 bytes a pixel), released in C at once,
    so no collection; photos have slots of their own, never waiting behind an export."""
    with _semaphore("photo"):
        yield


def settle_after_start() -> None:
    """Move every object start-up created to the collector's permanent generation
    (``gc.freeze``): they live as long as the process, and a full collection then only
    walks what requests created since. Call once, just before serving."""
    gc.collect()
    gc.freeze()


def settle_after_warmup(app, requests: int = WARMUP_REQUESTS, times: int = WARMUP_FREEZES) -> None:
    """Collect and freeze once more when the process has ended its ``requests``-th
    request, and again at twice, four times … that many (``times`` in all: pages
    visited later fill the caches later; a health check counts as a request too).
    ``app``: the Flask app, before it serves. What other threads hold for requests in
    flight at that moment is frozen too and, where it forms reference cycles, never
    collected: a few hundred objects each time, against a full walk of the caches at
    every heavy download."""
    ended = itertools.count(1)  # next() is atomic: exactly one request sees each number
    at = {requests << k for k in range(times)}

    @app.teardown_request
    def _settle(_error) -> None:
        if next(ended) in at:
            gc.collect()
            gc.freeze()


def share_malloc_arenas() -> bool:
    """Limit glibc's malloc to ``MALLOC_ARENAS`` arenas (what ``MALLOC_ARENA_MAX=2`` does,
    which must be set before the process starts). Call before any thread starts: arenas
    already made are kept. False where the C library has no ``mallopt`` (musl, macOS)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return False
    return bool(mallopt(M_ARENA_MAX, MALLOC_ARENAS))
