"""The roster's whole history in the export: the .xlsx's "Roster" sheet and
/greening/roster/export.csv; in order, with until dates, only the office's sites,
a constant number of queries, and a two-sheet workbook still imports unchanged."""

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from modules.greening import zones
from modules.greening.models import RosterEntry, Zone
from parkops.extensions import db
from parkops.timeutil import business_day


def _past_entry(zone, person, team, days_ago, office):
    """An entry whose first day has passed (the service only adds today or later)."""
    db.session.add(
        RosterEntry(
            zone_id=zone.id,
            starts_on=business_day() - timedelta(days=days_ago),
            responsible_id=person.id,
            team=team,
            recorded_by_id=office.id,
        )
    )
    db.session.commit()


def _history(grove, make_zone):
    """Zone PSY-G01: gardener 30 days ago, gardener2 10 days ago, gardener today (the
    zone's creation), gardener2 from in 5 days. ZY-01 at the other site."""
    zone = make_zone(code="PSY-G01", name="南门广场绿地")
    _past_entry(zone, grove.gardener, "一班", 30, grove.office)
    _past_entry(zone, grove.gardener2, "二班", 10, grove.office)
    zones.assign(zone, grove.gardener2, "三班", business_day() + timedelta(days=5), grove.office)
    make_zone(site=grove.zylz, code="ZY-01")
    return zone


def _expected(today):
    day = timedelta(days=1)
    return [
        ("PSY", "PSY-G01", "南门广场绿地", "Sun Li", "gardener", "一班", today - 30 * day),
        ("PSY", "PSY-G01", "南门广场绿地", "Li Ming", "gardener2", "二班", today - 10 * day),
        ("PSY", "PSY-G01", "南门广场绿地", "Sun Li", "gardener", "一班", today),
        ("PSY", "PSY-G01", "南门广场绿地", "Li Ming", "gardener2", "三班", today + 5 * day),
    ], [today - 11 * day, today - day, today + 4 * day, None]


def _sheet_rows(data: bytes, name: str):
    book = load_workbook(io.BytesIO(data))
    return list(book[name].iter_rows(values_only=True))


def test_xlsx_roster_sheet_lists_the_history_in_order_with_until(
    client, as_user, grove, make_zone, make_user
):
    _history(grove, make_zone)
    psy_office = make_user("psyoffice", ["office"], sites=[grove.psy], locale="en")
    as_user(psy_office)
    response = client.get("/greening/zones/export.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["Maintenance zones", "Roster"]
    rows = _sheet_rows(response.data, "Roster")
    assert rows[0] == ("site", "code", "name", "responsible", "account", "team", "from", "until")
    entries, untils = _expected(business_day())
    assert [r[:6] + (r[6].date(),) for r in rows[1:]] == entries  # ZY-01 absent
    assert [r[7].date() if r[7] else None for r in rows[1:]] == untils


def test_roster_csv_has_the_same_rows(client, as_user, grove, make_zone, make_user):
    _history(grove, make_zone)
    as_user(make_user("psyoffice", ["office"], sites=[grove.psy], locale="en"))
    response = client.get("/greening/roster/export.csv")
    assert response.status_code == 200
    assert 'filename="roster-' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["site", "code", "name", "responsible", "account", "team", "from", "until"]
    entries, untils = _expected(business_day())
    expected = [
        [*(str(v) for v in entry), until.isoformat() if until else ""]
        for entry, until in zip(entries, untils, strict=True)
    ]
    assert rows[1:] == expected


def test_office_of_every_site_sees_both_sites(client, as_user, grove, make_zone):
    _history(grove, make_zone)
    as_user(grove.office)
    text = client.get("/greening/roster/export.csv").get_data(as_text=True)
    assert "ZY-01" in text and "PSY-G01" in text


def test_only_the_office_exports_the_roster(client, as_user, grove, make_zone):
    make_zone()
    for user in (grove.gardener, grove.assessor, grove.leader, grove.cashier):
        as_user(user)
        assert client.get("/greening/roster/export.csv").status_code == 403
        assert client.get("/greening/zones/export.xlsx").status_code == 403


def test_export_query_count_does_not_grow(client, as_user, grove, make_zone, count_queries):
    def counted(url):
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    urls = ("/greening/zones/export.xlsx", "/greening/roster/export.csv")
    as_user(grove.office)
    for _n in range(3):
        zone = make_zone()
        _past_entry(zone, grove.gardener2, "二班", 7, grove.office)
    few = [counted(url) for url in urls]
    for _n in range(27):
        zone = make_zone()
        _past_entry(zone, grove.gardener2, "二班", 7, grove.office)
    assert [counted(url) for url in urls] == few


def test_two_sheet_workbook_imports_unchanged(client, as_user, grove, make_zone):
    _history(grove, make_zone)
    as_user(grove.office)
    exported = client.get("/greening/zones/export.xlsx").data
    assert len(load_workbook(io.BytesIO(exported)).sheetnames) == 2

    def counts():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m)) for m in (Zone, RosterEntry)
        )

    before = counts()
    response = client.post(
        "/greening/zones/import",
        data={"file": (io.BytesIO(exported), "zones.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "0 zones added, 0 changed, 0 roster changes" in response.get_data(as_text=True)
    assert counts() == before
