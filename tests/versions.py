"""The version token an edit page carries (parkops.conflicts), for tests that post it."""

import re


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
