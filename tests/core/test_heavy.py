"""Heavy downloads: at most HEAVY_AT_ONCE built at once per process, and what each
leaves behind given back when it ends (parkops/heavy.py)."""

import gc
import platform
import subprocess
import sys
import threading
from io import BytesIO

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from parkops import attachments, heavy
from tests.conftest import freeze_start_up


def test_no_more_than_the_setting_build_at_once_and_the_others_wait(make_app):
    app = make_app(HEAVY_AT_ONCE=2)
    entered = threading.Semaphore(0)
    go = threading.Event()
    lock = threading.Lock()
    inside, most, done = [0], [0], []

    def download():
        with app.app_context(), heavy.slot():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            entered.release()
            go.wait()
            with lock:
                inside[0] -= 1
        done.append(1)

    threads = [threading.Thread(target=download) for _ in range(6)]
    for t in threads:
        t.start()
    assert entered.acquire(timeout=30) and entered.acquire(timeout=30)
    # Two are in; the other four are queued, not refused.
    assert not entered.acquire(timeout=0.3)
    assert most[0] == 2
    go.set()
    for t in threads:
        t.join(timeout=30)
    assert len(done) == 6
    assert most[0] == 2


def test_a_download_that_fails_gives_its_slot_back(make_app):
    app = make_app(HEAVY_AT_ONCE=1)
    with app.app_context():
        with pytest.raises(ValueError), heavy.slot():
            raise ValueError("the workbook could not be written")
        entered = threading.Event()

        def download():
            with app.app_context(), heavy.slot():
                entered.set()

        other = threading.Thread(target=download)
        other.start()
        other.join(timeout=30)
        assert entered.is_set()


def test_photos_are_decoded_in_slots_of_their_own(make_app):
    app = make_app(HEAVY_AT_ONCE=1)
    jpeg = BytesIO()
    Image.new("RGB", (640, 480), "green").save(jpeg, "JPEG")
    done = threading.Event()

    def send_photo():
        with app.app_context():
            attachments.prepare_photo(FileStorage(BytesIO(jpeg.getvalue()), "p.jpg"))
        done.set()

    with app.app_context(), heavy.slot():  # an export being built does not hold photos up
        threading.Thread(target=send_photo).start()
        assert done.wait(timeout=30)
    done.clear()
    with app.app_context(), heavy.photo_slot():  # another photo being decoded does
        threading.Thread(target=send_photo).start()
        assert not done.wait(timeout=0.3)
    assert done.wait(timeout=30)


def _alive(type_name: str) -> int:
    return sum(1 for o in gc.get_objects() if type(o).__name__ == type_name)


@pytest.fixture
def collector_off():
    """The automatic collector off, as it is most of the time between its rare full runs:
    only what a download frees itself is freed."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_the_export_leaves_no_workbook_behind(ledger, make_user, login, client, collector_off):
    login(make_user("office1", ["office"]))
    before = _alive("WriteOnlyWorksheet")
    response = client.get("/ledger/export.xlsx")
    assert response.status_code == 200
    # A workbook and its sheets point at each other: without the slot's collection they
    # (and every row they streamed) would wait for the next full collection.
    assert _alive("WriteOnlyWorksheet") == before


def test_serve_freezes_what_start_up_built(app):
    gc.unfreeze()  # the test process froze its own start-up (tests/conftest.py)
    assert gc.get_freeze_count() == 0
    try:
        heavy.settle_after_start()
        assert gc.get_freeze_count() > 1000  # the modules and the app, out of the collector's walk
    finally:
        gc.unfreeze()
        freeze_start_up()


def test_serve_freezes_again_after_the_first_requests(make_app):
    app = make_app()
    heavy.settle_after_warmup(app, requests=3, times=2)
    client = app.test_client()
    try:
        gc.unfreeze()
        client.get("/healthz")
        client.get("/login")
        assert gc.get_freeze_count() == 0
        client.get("/healthz")  # the third: what the first ones built is frozen
        frozen = gc.get_freeze_count()
        assert frozen > 1000
        for _ in range(3):
            client.get("/login")
        assert gc.get_freeze_count() > frozen  # and again at the sixth
        frozen = gc.get_freeze_count()
        for _ in range(12):
            client.get("/healthz")
        assert gc.get_freeze_count() == frozen  # twice in all
    finally:
        gc.unfreeze()


# Eight threads allocate at once (blocks above pymalloc's 512 bytes and below mmap's
# threshold come from the thread's malloc arena); glibc's malloc_stats then lists arenas.
ARENAS = """
import ctypes, sys, threading
from parkops import heavy
if sys.argv[1] == "shared":
    assert heavy.share_malloc_arenas()
together = threading.Barrier(8)
def work():
    blocks = [bytearray(20_000) for _ in range(20)]
    together.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ctypes.CDLL(None).malloc_stats()
"""


def _arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", ARENAS, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.count("Arena ")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc arenas")
def test_serve_threads_share_two_malloc_arenas():
    assert _arenas("own") > 2  # glibc's default: an arena per thread, up to 8 per core
    assert _arenas("shared") <= heavy.MALLOC_ARENAS
