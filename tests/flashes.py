"""The confirmation a user sees after a form that creates or records something."""

import html
import re

_SUCCESS = re.compile(r'<div class="flash flash-success[^"]*"[^>]*>(.*?)</div>', re.S)


def confirmation(client, response) -> str:
    """The success message(s) on the page ``response`` (a 303) leads to, as the user's
    browser shows them after the redirect; "" when there is none."""
    assert response.status_code == 303, response.status_code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return " ".join(html.unescape(m.strip()) for m in _SUCCESS.findall(page))
