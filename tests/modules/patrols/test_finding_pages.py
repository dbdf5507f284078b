"""The findings list pages by keyset (``?before=`` / ``?after=`` a finding's id): every
finding reached once, in order, however many share a recorded time; "Newer" walks back;
every page runs as many statements as the first."""

import re
from datetime import UTC, datetime, timedelta

from modules.patrols.models import Finding
from modules.patrols.views.findings import PER_PAGE
from parkops.extensions import db


def _findings(park, count: int) -> list[int]:
    """``count`` findings at PSY, seven a recorded time (ties on the sort key), inserted
    out of time order; their ids newest first, as the list shows them."""
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    made = [
        Finding(
            site_id=park.psy.id,
            summary=f"finding {n}",
            recorded_by_id=park.inspector.id,
            recorded_at=start + timedelta(minutes=(n * 3) % count // 7),
            owner_id=park.inspector.id if n % 2 else None,
        )
        for n in range(count)
    ]
    db.session.add_all(made)
    db.session.commit()
    return [f.id for f in sorted(made, key=lambda f: (f.recorded_at, f.id), reverse=True)]


def _shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/patrols/findings/(\d+)"', html)]


def _link(html: str, label: str) -> str | None:
    found = re.search(r'href="([^"]+)">(?:‹ )?' + label, html)
    return found and found.group(1).replace("&amp;", "&")


def test_older_links_reach_every_finding_once_in_order_and_newer_walks_back(client, as_user, park):
    expected = _findings(park, 2 * PER_PAGE + 17)
    as_user(park.inspector)
    url, seen, pages = "/patrols/findings?state=all", [], []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(_shown(html))
        seen += pages[-1]
        url = _link(html, "Older")
    assert seen == expected
    assert [len(p) for p in pages] == [PER_PAGE, PER_PAGE, 17]
    assert _link(client.get("/patrols/findings?state=all").get_data(as_text=True), "Newer") is None

    last = client.get(f"/patrols/findings?state=all&before={pages[1][-1]}").get_data(as_text=True)
    back = client.get(_link(last, "Newer")).get_data(as_text=True)
    assert _shown(back) == pages[1]
    first = client.get(_link(back, "Newer")).get_data(as_text=True)
    assert _shown(first) == pages[0] and _link(first, "Newer") is None


def test_a_cursor_naming_no_finding_shows_the_newest(client, as_user, park):
    expected = _findings(park, 10)
    as_user(park.inspector)
    for cursor in ("before=999999", "after=999999", "before=abc", f"before={expected[-1]}"):
        html = client.get(f"/patrols/findings?state=all&{cursor}").get_data(as_text=True)
        assert _shown(html) == expected, cursor
        assert _link(html, "Newer") is None and _link(html, "Older") is None, cursor


def test_a_deep_page_runs_the_first_pages_statements(client, as_user, park, count_queries):
    expected = _findings(park, 3 * PER_PAGE)
    as_user(park.inspector)
    client.get("/patrols/findings?state=all")  # the session's first request reads more
    counts = []
    for query in ("", f"&before={expected[2 * PER_PAGE - 1]}", f"&after={expected[PER_PAGE]}"):
        with count_queries() as q:
            html = client.get("/patrols/findings?state=all" + query).get_data(as_text=True)
        assert len(_shown(html)) == PER_PAGE
        counts.append(q.count)
    assert counts == [counts[0]] * 3, counts


def test_a_cursor_naming_a_finding_the_user_may_not_see_shows_the_newest(client, as_user, park):
    """Another site's finding as the cursor tells nothing of when it was recorded: the
    list starts from the newest, as for a cursor naming no finding (it used to show the
    findings recorded before it, which bounds its time by the rows either side)."""
    expected = _findings(park, 10)
    hidden = Finding(
        site_id=park.zylz.id,
        summary="another site's",
        recorded_by_id=park.zoo_inspector.id,
        recorded_at=datetime(2026, 11, 1, 8, 0, 30, tzinfo=UTC),  # between PSY's times
    )
    db.session.add(hidden)
    db.session.commit()
    as_user(park.inspector2)  # at PSY only
    for cursor in (f"before={hidden.id}", f"after={hidden.id}"):
        html = client.get(f"/patrols/findings?state=all&{cursor}").get_data(as_text=True)
        assert _shown(html) == expected, cursor
        assert _link(html, "Newer") is None and _link(html, "Older") is None, cursor
