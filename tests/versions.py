"""The version token an edit page carries (parkops.conflicts), for tests that post it."""

import re
import threading

from parkops import conflicts


def version_of(html: str) -> str:
    """The value of the page's first hidden ``version`` input."""
    tag = re.search(r'<input[^>]*name="version"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def two_pages(app, login, url: str, user, other=None):
    """Two browsers, signed in as ``user`` and ``other`` (default ``user`` again), that
    both opened ``url`` before anyone saved: (first, second, the version both carry)."""
    first, second = app.test_client(), app.test_client()
    login(user, test_client=first)
    login(other or user, test_client=second)
    version = version_of(first.get(url).get_data(as_text=True))
    assert version_of(second.get(url).get_data(as_text=True)) == version
    return first, second, version


def saves_at_once(clients, url: str, forms, monkeypatch) -> list[int]:
    """Post ``forms[n]`` to ``url`` from ``clients[n]`` (two), in threads released
    together, each pausing after its fingerprint check (``conflicts.fingerprint``) up
    to a second for the other to get there too: with no row lock both pass and the
    later save overwrites the earlier. Their status codes."""
    arrived = [threading.Event(), threading.Event()]
    racing: dict[threading.Thread, int] = {}
    real = conflicts.fingerprint

    def meeting(values):
        me = racing.pop(threading.current_thread(), None)
        if me is not None:  # each request's first check only
            arrived[me].set()
            arrived[1 - me].wait(timeout=1)  # the other waits for the lock: go on
        return real(values)

    monkeypatch.setattr(conflicts, "fingerprint", meeting)
    barrier = threading.Barrier(2)
    codes = [0, 0]

    def send(n: int) -> None:
        racing[threading.current_thread()] = n
        barrier.wait()
        codes[n] = clients[n].post(url, data=forms[n]).status_code

    threads = [threading.Thread(target=send, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes
