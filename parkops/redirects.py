"""Where a redirect taken from a request may lead: a path of this site, never another host."""

import re
from urllib.parse import urlsplit

# Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
# "/\evil.example" and "/\t/evil.example" lead to another host, like "//evil.example".
_IGNORED_BY_BROWSERS = re.compile(r"[\t\r\n]")


def is_local_path(target: str | None) -> bool:
    """True for a path of this site ("/ledger/…"); False for anything naming a host."""
    if not target:
        return False
    seen = _IGNORED_BY_BROWSERS.sub("", target).replace("\\", "/")
    return seen.startswith("/") and not seen.startswith("//") and urlsplit(seen).netloc == ""
