"""The roster: who answered for a zone on any day; changes never rewrite the past."""

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from modules.greening import zones
from modules.greening.models import RosterEntry
from parkops import subjects
from parkops.extensions import db
from parkops.registry import registry
from parkops.timeutil import business_day


def _backdate(zone, days: int) -> None:
    """Move the zone's first entry into the past, as if made ``days`` ago."""
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.zone_id == zone.id))
    entry.starts_on = business_day() - timedelta(days=days)
    db.session.commit()


def test_a_change_from_today_keeps_who_answered_before(client, as_user, grove, make_zone):
    zone = make_zone()
    _backdate(zone, 30)
    as_user(grove.office)
    today = business_day()
    form = {"responsible_id": grove.gardener2.id, "team": "二班", "starts_on": today.isoformat()}
    assert client.post(f"/greening/zones/{zone.id}/roster", data=form).status_code == 303
    assert zones.entry_on(zone.id, today).responsible_id == grove.gardener2.id
    yesterday = today - timedelta(days=1)
    assert zones.entry_on(zone.id, yesterday).responsible_id == grove.gardener.id
    page = client.get(f"/greening/zones/{zone.id}?on={yesterday.isoformat()}")
    assert "Sun Li" in page.get_data(as_text=True).split('class="grn-asked"')[1][:200]


def test_a_change_dated_in_the_past_is_refused(client, as_user, grove, make_zone):
    zone = make_zone()
    _backdate(zone, 30)
    as_user(grove.office)
    past = business_day() - timedelta(days=3)
    form = {"responsible_id": grove.gardener2.id, "team": "二班", "starts_on": past.isoformat()}
    response = client.post(f"/greening/zones/{zone.id}/roster", data=form)
    assert response.status_code == 422
    assert "the past is not rewritten" in response.get_data(as_text=True)
    # The refusal shows the zone's page: the Zones tab is the one marked.
    subnav = response.get_data(as_text=True).split('class="subnav"')[1].split("</nav>")[0]
    assert 'href="/greening/" aria-current="page"' in subnav
    assert [e.responsible_id for e in zones.history(zone.id)] == [grove.gardener.id]


def test_a_zone_cannot_be_left_without_a_responsible_person(client, as_user, grove, make_zone):
    zone = make_zone()
    as_user(grove.office)
    form = {"responsible_id": "0", "team": "", "starts_on": business_day().isoformat()}
    response = client.post(f"/greening/zones/{zone.id}/roster", data=form)
    assert response.status_code == 422
    assert "may not be left without a responsible person" in response.get_data(as_text=True)
    assert zones.entry_on(zone.id, business_day()).responsible_id == grove.gardener.id


def test_a_second_change_on_the_same_day_replaces_the_first(grove, make_zone):
    zone = make_zone()
    tomorrow = business_day() + timedelta(days=1)
    zones.assign(zone, grove.gardener2, "二班", tomorrow, grove.office)
    zones.assign(zone, grove.gardener, "三班", tomorrow, grove.office)
    history = zones.history(zone.id)
    assert [(e.starts_on, e.team) for e in history] == [
        (tomorrow, "三班"),
        (business_day(), "一班"),
    ]


def test_only_the_office_changes_the_roster(client, as_user, grove, make_zone):
    zone = make_zone()
    form = {"responsible_id": grove.gardener2.id, "starts_on": business_day().isoformat()}
    as_user(grove.gardener)
    assert client.post(f"/greening/zones/{zone.id}/roster", data=form).status_code == 403
    assert 'action="/greening/zones/' not in client.get(f"/greening/zones/{zone.id}").get_data(
        as_text=True
    )
    assert len(zones.history(zone.id)) == 1


def test_zones_are_subjects_others_can_point_at(app, grove, make_zone):
    zone = make_zone(code="PSY-G04", name="二月兰林下")
    with app.test_request_context():
        found = subjects.resolve("greening.zone", zone.id, grove.gardener)
        assert (found.label, found.url, found.site_id) == (
            "PSY-G04 二月兰林下",
            f"/greening/zones/{zone.id}",
            grove.psy.id,
        )
        assert subjects.resolve("greening.zone", zone.id, grove.zoo_gardener) is None
        assert [s.id for s in subjects.search("greening.zone", "二月兰", grove.office)] == [zone.id]
        assert subjects.search("greening.zone", "二月兰", grove.zoo_assessor) == []


def test_rostered_share_counts_only_the_readers_sites(app, grove, make_zone):
    make_zone()
    make_zone(site=grove.zylz)
    grove.gardener.active = False  # left the park: her zone has nobody who can answer
    db.session.commit()
    indicator = next(i for i in registry(app).indicators if i.name == "greening.rostered_today")
    with app.test_request_context(), force_locale("en"):
        assert indicator.compute(None) == ("1 of 2 zones", False)
        assert indicator.compute(frozenset({grove.zylz.id})) == ("1 of 1 zones", True)
        assert indicator.compute(frozenset({grove.psy.id})) == ("0 of 1 zones", False)
