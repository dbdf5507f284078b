"""Maintenance zones: adding and editing them, who may, and who sees which."""

from sqlalchemy import func, select

from modules.greening.models import RosterEntry, Zone
from parkops.audit import AuditEntry
from parkops.extensions import db
from tests.versions import two_pages, version_of

FORM = {
    "code": "PSY-G01",
    "name": "南门广场绿地",
    "area_m2": "5200",
    "kind": "lawn",
    "grade": "first",
    "notes": "",
    "team": "一班",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_office_adds_a_zone_with_its_responsible_person(client, as_user, grove):
    as_user(grove.office)
    form = dict(FORM, site_id=grove.psy.id, responsible_id=grove.gardener.id)
    response = client.post("/greening/zones/new", data=form)
    assert response.status_code == 303
    zone = db.session.scalar(select(Zone))
    assert (zone.code, zone.area_m2, zone.kind.value, zone.grade.value) == (
        "PSY-G01",
        5200,
        "lawn",
        "first",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sun Li · 一班" in page
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert "greening.zone_created" in actions and "greening.roster_changed" in actions


def test_a_zone_without_a_responsible_person_is_refused(client, as_user, grove):
    as_user(grove.office)
    form = dict(FORM, site_id=grove.psy.id, responsible_id="0")
    response = client.post("/greening/zones/new", data=form)
    assert response.status_code == 422
    assert "may not be left without a responsible person" in response.get_data(as_text=True)
    assert _count(Zone) == 0 and _count(RosterEntry) == 0


def test_only_greening_staff_of_the_site_can_answer_for_a_zone(client, as_user, grove):
    as_user(grove.office)
    for outsider in (grove.cashier, grove.zoo_gardener):
        form = dict(FORM, site_id=grove.psy.id, responsible_id=outsider.id)
        response = client.post("/greening/zones/new", data=form)
        assert response.status_code == 422
        assert "only active greening staff" in response.get_data(as_text=True)
    assert _count(Zone) == 0


def test_zone_codes_are_unique_within_a_site(client, as_user, grove, make_zone):
    make_zone(code="G01")
    as_user(grove.office)
    form = dict(FORM, code="G01", site_id=grove.psy.id, responsible_id=grove.gardener.id)
    response = client.post("/greening/zones/new", data=form)
    assert response.status_code == 422
    assert "already used at this site" in response.get_data(as_text=True)
    form = dict(form, site_id=grove.zylz.id, responsible_id=grove.zoo_gardener.id)
    assert client.post("/greening/zones/new", data=form).status_code == 303
    assert _count(Zone) == 2


def test_a_zone_needs_a_positive_area(client, as_user, grove):
    as_user(grove.office)
    form = dict(FORM, area_m2="0", site_id=grove.psy.id, responsible_id=grove.gardener.id)
    assert client.post("/greening/zones/new", data=form).status_code == 422
    assert _count(Zone) == 0


def test_office_edits_a_zone_but_not_its_site(client, as_user, grove, make_zone):
    zone = make_zone()
    as_user(grove.office)
    url = f"/greening/zones/{zone.id}/edit"
    version = version_of(client.get(url).get_data(as_text=True))
    form = dict(FORM, name="南门花坛", grade="second", site_id=grove.zylz.id, version=version)
    response = client.post(url, data=form)
    assert response.status_code == 303
    db.session.refresh(zone)
    assert (zone.name, zone.grade.value, zone.site_id) == ("南门花坛", "second", grove.psy.id)


def test_gardener_sees_her_zones_and_may_not_add_one(client, as_user, grove, make_zone):
    make_zone(code="G01", name="四季花海东片")
    make_zone(code="G02", name="银杏林", responsible=grove.gardener2)
    as_user(grove.gardener)
    page = client.get("/greening/").get_data(as_text=True)
    mine = page.split('id="mine-head"')[1].split("</section>")[0]
    assert "四季花海东片" in mine and "银杏林" not in mine
    assert client.get("/greening/zones/new").status_code == 403
    form = dict(FORM, site_id=grove.psy.id, responsible_id=grove.gardener.id)
    assert client.post("/greening/zones/new", data=form).status_code == 403


def test_another_sites_assessor_gets_404(client, as_user, grove, make_zone):
    zone = make_zone(code="G01", name="四季花海东片")
    make_zone(site=grove.zylz, code="ZY-G01", name="入口花坛")
    as_user(grove.zoo_assessor)
    assert client.get(f"/greening/zones/{zone.id}").status_code == 404
    page = client.get("/greening/").get_data(as_text=True)
    assert "入口花坛" in page and "四季花海东片" not in page
    assert client.get(f"/greening/?site={grove.psy.id}").status_code == 404


def test_another_sites_office_may_not_add_there(client, as_user, grove, make_user, make_zone):
    zone = make_zone()
    zoo_office = make_user("zoooffice", ["office"], sites=[grove.zylz])
    as_user(zoo_office)
    form = dict(FORM, site_id=grove.psy.id, responsible_id=grove.gardener.id)
    # 濮上园 is not among the sites this form offers: refused as a wrong choice.
    assert client.post("/greening/zones/new", data=form).status_code == 422
    assert client.post(f"/greening/zones/{zone.id}/edit", data=FORM).status_code == 404
    assert _count(Zone) == 1


def test_people_outside_greening_are_refused(client, as_user, grove, make_zone):
    zone = make_zone()
    as_user(grove.cashier)
    assert client.get("/greening/").status_code == 403
    assert client.get(f"/greening/zones/{zone.id}").status_code == 403


def test_zone_list_query_count_does_not_grow(client, as_user, grove, make_zone, count_queries):
    make_zone()
    as_user(grove.office)
    db.session.expire_all()  # the signed-in user reloads in both requests alike
    with count_queries() as few:
        assert client.get("/greening/").status_code == 200
    for _ in range(15):
        make_zone(responsible=grove.gardener2)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/greening/").status_code == 200
    assert many.count == few.count


def test_a_stale_zone_form_gets_the_conflict(app, grove, login, make_zone):
    zone = make_zone()
    url = f"/greening/zones/{zone.id}/edit"
    first, second, version = two_pages(app, login, url, grove.office)
    form = dict(FORM, site_id=grove.psy.id)
    assert first.post(url, data=dict(form, name="南门花坛", version=version)).status_code == 303
    late = second.post(url, data=dict(form, notes="补种", version=version))
    assert late.status_code == 409
    assert "南门花坛" in late.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Zone, zone.id)
    assert (kept.name, kept.notes) == ("南门花坛", "")
