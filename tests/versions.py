"""The version token an edit page carries (parkops.conflicts), for tests that post it."""

import re


def version_of(html: str) -> str:
    """The value of the page's first hidden ``version`` input."""
    tag = re.search(r'<input[^>]*name="version"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)
