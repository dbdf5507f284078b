"""Every GET page and export answers an edge value in any query argument it reads
without a 500: a date at the ends of the calendar, a huge or negative number, text,
nothing. Out-of-range dates and numbers get the 400 page saying so
(``parkops.query_args``)."""

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from tests.core.url_walk import rules, sample_path

EDGES = [
    "0001-01-01",
    "9999-12-31",
    "99999999999",
    "-1",
    "abc",
    "",
    "²",
    "9999-12",
    "9" * 5000,  # int() refuses 4,300 digits or more
]
SKIPPED = {"auth.logout"}  # would sign the walker out

read_names: set[str] = set()  # the query arguments the last request's view looked at


class _RecordingArgs(ImmutableMultiDict):
    """Query arguments that note every name a view asks for, present or not."""

    def get(self, key, *args, **kwargs):
        read_names.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        read_names.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        read_names.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        read_names.add(key)
        return super().__contains__(key)


class _RecordingRequest(Request):
    parameter_storage_class = _RecordingArgs


def _reads(client, path: str) -> set[str]:
    """The query arguments the page at ``path`` reads (asked with none)."""
    read_names.clear()
    client.get(path)
    return set(read_names)


def test_no_page_fails_on_an_edge_value(make_app, make_site, make_user, login):
    """Each page's query arguments are found once (asked with none), then each is sent
    every edge value: one walk, not one per value."""
    app = make_app()
    app.request_class = _RecordingRequest
    with app.app_context():
        make_site()
        make_site("ZYLZ", "中原绿色庄园")
        client = app.test_client()
        login(make_user("boss", ["admin"], all_sites=True), test_client=client)
        failed = []
        for rule in rules(app, methods={"GET"}):
            if rule.endpoint in SKIPPED:
                continue
            path = sample_path(rule)
            for name in sorted(_reads(client, path)):
                for value in EDGES:
                    response = client.get(path, query_string={name: value})
                    if response.status_code >= 500:
                        failed.append(f"{path}?{name}={value[:20]}")
        assert failed == []


@pytest.mark.parametrize(
    "url",
    [
        "/audit/?date_to=9999-12-31",
        "/audit/?date_from=0001-01-01",
        "/greening/completion?on=9999-12-31",
        "/receivables/aging?as_of=0001-01-01",
        "/receivables/aging.xlsx?as_of=0001-01-01",
        "/facilities/orders?age=99999999999",
        "/facilities/orders?age=99999999",
    ],
)
def test_an_out_of_range_filter_is_refused_with_a_reason(make_app, make_user, login, url):
    app = make_app()
    with app.app_context():
        client = app.test_client()
        login(make_user("boss", ["admin"], all_sites=True, locale="en"), test_client=client)
        response = client.get(url)
        page = response.get_data(as_text=True)
        if url.startswith("/audit/"):  # a filter form: its field says so
            assert response.status_code == 200
            assert "Enter a date between 2000 and 2100." in page
        else:
            assert response.status_code == 400
            assert "out of range" in page
