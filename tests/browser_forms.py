"""Submit a page's form as a browser would: only the fields the HTML draws, with the
values it shows. A form that requires a field its template omits fails this way even
when a test posting its own dictionary passes."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            posted = (attrs.get("method") or "get").lower() == "post"
            self.inside = posted and attrs.get("action", self.action) in ("", self.action)
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in attrs:
                self._select[1] = value
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, chosen, first = self._select
            value = chosen if chosen is not None else first
            if value is not None:
                self.fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea:
            name, text = self._textarea
            self.fields.append((name, text.removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts from the POST form(s) of ``html`` whose
    action is ``action`` (or empty: the page itself)."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields


def submit_unchanged(client, url: str):
    """GET ``url`` and post its form back unchanged; returns the POST's response."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    fields = form_fields(page.get_data(as_text=True), url)
    assert fields, f"no form posting to {url}"
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return client.post(url, data=data)
