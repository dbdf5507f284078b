"""Who sees which evidence and indicators on the ledger (issue 15: ticketing money leaked).

Walks every evidence kind and indicator of every loaded module as every role: a
reader sees a kind's links only with the kind's permission and only at their
own sites, and an indicator with its permission (its figure over the reader's
sites: each module's test_each_indicator_counts_only_the_readers_sites). What
a reader may not see is absent, not shown as zero.
"""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from parkops.auth.models import ROLES
from parkops.extensions import db
from parkops.rectification.models import Problem
from parkops.rectification.services import link_evidence
from parkops.registry import registry


@pytest.fixture
def walk(app, ledger, make_site, make_user):
    """Two sites; one link per evidence kind, site and default problem."""
    home, zoo = make_site("PSY", "濮上园"), make_site("ZY", "中原绿色庄园")
    reg = registry(app)
    assert reg.evidence_kinds and reg.indicators, "the walk needs the real modules loaded"
    for kind in reg.evidence_kinds.values():
        for site in (home, zoo):
            problems = list(
                db.session.scalars(select(Problem).where(Problem.code.in_(kind.default_problems)))
            )
            link_evidence(
                kind.name, site.id, f"EV-{kind.name}-{site.code}", problems, site_id=site.id
            )
    db.session.commit()
    return home, zoo


def _page(client, code: str) -> str:
    problem_id = db.session.scalar(select(Problem.id).where(Problem.code == code))
    return client.get(f"/ledger/problems/{problem_id}").get_data(as_text=True), problem_id


def _check_reader(app, client, user, all_sites: bool) -> None:
    """What ``user`` (signed in on ``client``, at the zoo, or at every site) sees of every
    kind and indicator. Each problem's page is fetched once: a kind or indicator that
    shares a default problem with another is checked on the same page."""
    if not user.can("ledger.view"):
        assert client.get("/ledger/").status_code == 403
        return
    reg = registry(app)
    pages: dict[str, tuple[str, int]] = {}

    def page(code: str) -> tuple[str, int]:
        if code not in pages:
            pages[code] = _page(client, code)
        return pages[code]

    for kind in reg.evidence_kinds.values():
        allowed = user.can(kind.permission)
        for code in kind.default_problems:
            html, problem_id = page(code)
            listing = client.get(f"/ledger/problems/{problem_id}/evidence/{kind.name}")
            assert (f"EV-{kind.name}-ZY" in html) is allowed, (kind.name, code)
            assert (f"EV-{kind.name}-PSY" in html) is (allowed and all_sites), (kind.name, code)
            if not allowed:
                assert listing.status_code == 404
                assert f'id="evidence-{kind.name.replace(".", "-")}"' not in html
                continue
            body = listing.get_data(as_text=True)
            assert f"EV-{kind.name}-ZY" in body
            assert (f"EV-{kind.name}-PSY" in body) is all_sites
            assert f"({2 if all_sites else 1})" in body  # the count counts what is shown
    with force_locale("en"):  # the page is in English: the user chose it
        labels = {indicator.name: str(indicator.label) for indicator in reg.indicators}
    for indicator in reg.indicators:
        for code in indicator.problems:
            html, _ = page(code)
            shown = user.can(indicator.permission)
            assert (labels[indicator.name] in html) is shown, (indicator.name, code)


@pytest.mark.parametrize("all_sites", [False, True])
def test_every_kind_and_indicator_as_every_role(app, walk, make_user, login, all_sites):
    """One set of links for every role: each role reads it through a client of its own
    (the links were built once per test, not once per role: 14 loads of the ledger → 2)."""
    for role in ROLES:
        user = make_user(f"u-{role}", [role], sites=[walk[1]], all_sites=all_sites)
        client = app.test_client()
        login(user, test_client=client)
        client.post("/language/en")
        try:
            _check_reader(app, client, user, all_sites)
        except AssertionError as failed:
            raise AssertionError(f"as {role}: {failed}") from failed


def test_gardener_and_zoo_crew_do_not_read_ticket_money_or_other_sites_orders(
    app, walk, make_user, login, client
):
    """The issue's cases, by name."""
    home, zoo = walk
    login(make_user("crew2", ["crew"], sites=[zoo]))
    html, p14 = _page(client, "14")
    assert "EV-facilities.repair_order-ZY" in html
    assert "EV-facilities.repair_order-PSY" not in html
    html, p35 = _page(client, "35")
    assert "EV-ticketing" not in html
    for kind in ("ticketing.shift", "ticketing.finding", "ticketing.day"):
        assert client.get(f"/ledger/problems/{p35}/evidence/{kind}").status_code == 404
    client.post("/logout")
    login(make_user("gardener", ["gardener"], sites=[home]))
    html, _ = _page(client, "12")
    assert "EV-ticketing" not in html
    assert client.get(f"/ledger/problems/{p35}/evidence/ticketing.shift").status_code == 404
