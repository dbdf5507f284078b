"""The registry: adding and editing facilities, types, squad leads, labels."""

import io
import re

import pytest
import zxingcpp
from flask_login import login_user
from PIL import Image
from sqlalchemy import func, select, text

from modules.facilities import labels, queries, registry
from modules.facilities.models import Facility, FacilityType, SquadLead
from parkops import paging
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.versions import version_of


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_office_adds_a_facility_with_a_photo(client, as_user, park):
    as_user(park.office)
    response = client.post(
        "/facilities/new",
        data={
            "site_id": park.psy.id,
            "code": "psy-0123",
            "name": "湖心岛旋转木马",
            "type_id": park.types["ride"].id,
            "area": "湖心岛",
            "latitude": "35.76",
            "longitude": "115.03",
            "installed_on": "2019-05-01",
            "photo": (io.BytesIO(_jpeg()), "ride.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    facility = db.session.scalar(select(Facility))
    assert facility.code == "PSY-0123" and facility.photo_id is not None
    assert len(facility.token) >= 22
    assert facility.due_on == business_day()  # never inspected: due at once
    assert client.get(f"/facilities/photos/{facility.photo_id}").status_code == 200


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(out, "JPEG")
    return out.getvalue()


def test_a_taken_code_is_refused(client, as_user, park, make_facility):
    make_facility(code="PSY-0001")
    as_user(park.office)
    client.post("/language/en")
    response = client.post(
        "/facilities/new",
        data={
            "site_id": park.psy.id,
            "code": "PSY-0001",
            "name": "x",
            "type_id": park.types["bench"].id,
        },
    )
    assert response.status_code == 422
    assert "taken by another facility" in response.get_data(as_text=True)
    assert count(Facility) == 1


def test_crew_may_not_add_facilities_and_office_only_in_its_sites(client, as_user, park, make_user):
    as_user(park.crew)
    assert client.get("/facilities/new").status_code == 403
    local_office = make_user("office_z", ["office"], sites=[park.zylz])
    as_user(local_office)
    response = client.post(
        "/facilities/new",
        data={
            "site_id": park.psy.id,
            "code": "X-1",
            "name": "x",
            "type_id": park.types["bench"].id,
        },
    )
    assert response.status_code == 422  # PSY is not among the choices of a ZYLZ office
    assert count(Facility) == 0


def test_editing_the_type_reschedules_the_next_inspection(client, as_user, park, make_facility):
    facility = make_facility("sign")
    as_user(park.crew)
    client.post(f"/facilities/{facility.id}/inspect")
    db.session.refresh(facility)
    day = business_day()
    assert (facility.due_on - day).days == 30
    as_user(park.office)
    page = client.get(f"/facilities/{facility.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/facilities/{facility.id}/edit",
        data={
            "version": version_of(page),
            "site_id": park.psy.id,
            "code": facility.code,
            "name": facility.name,
            "type_id": park.types["toilet"].id,
        },
    )
    assert response.status_code == 303
    db.session.refresh(facility)
    assert (facility.due_on - day).days == 1


def test_types_are_managed_with_their_interval(client, as_user, park):
    as_user(park.office)
    response = client.post(
        "/facilities/types/new",
        data={"code": "boat", "name": "游船", "interval_days": "3", "safety_critical": "y"},
    )
    assert response.status_code == 303
    boat = db.session.scalar(select(FacilityType).where(FacilityType.code == "boat"))
    assert boat.interval_days == 3 and boat.safety_critical
    bad = client.post(
        "/facilities/types/new", data={"code": "boat2", "name": "x", "interval_days": "0"}
    )
    assert bad.status_code == 422
    clash = client.post(
        "/facilities/types/new", data={"code": "boat", "name": "y", "interval_days": "2"}
    )
    assert clash.status_code == 422
    assert "游船" in client.get("/facilities/types").get_data(as_text=True)


def test_squad_lead_must_be_of_the_sites_crew(client, as_user, park):
    as_user(park.office)
    ok = client.post("/facilities/squads", data={"site_id": park.psy.id, "user_id": park.crew.id})
    assert ok.status_code == 303
    assert db.session.get(SquadLead, park.psy.id).user_id == park.crew.id
    bad = client.post(
        "/facilities/squads", data={"site_id": park.psy.id, "user_id": park.zoo_crew.id}
    )
    assert bad.status_code == 422  # shown again with the error
    assert db.session.get(SquadLead, park.psy.id).user_id == park.crew.id


def test_the_label_png_carries_the_scan_url_and_the_name(client, as_user, park, make_facility):
    facility = make_facility(name="樱花大道座椅")
    as_user(park.crew)
    response = client.get(f"/facilities/{facility.id}/label.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == f'inline; filename="{facility.code}.png"'
    assert decode(response.data) == f"http://parkops.test/q/{facility.token}"
    # The scan URL is short: the QR code stays small and easy to read.
    assert len(registry.scan_url(facility)) < 60


def test_the_label_draws_the_name_only_with_a_cjk_font(app, park, make_facility, monkeypatch):
    facility = make_facility(name="樱花大道座椅")
    assert labels.cjk_font_path() is not None  # this machine has one
    with app.test_request_context():
        with_name = Image.open(io.BytesIO(labels.label_png(facility)))
        monkeypatch.setattr(labels, "cjk_font_path", lambda: None)
        code_only = labels.label_png(facility)
    assert decode(code_only).endswith(facility.token)
    # Without a CJK font fewer dark pixels are drawn: the code, but no tofu boxes for the name.
    dark = lambda im: sum(1 for p in im.getdata() if p < 128)  # noqa: E731
    assert dark(Image.open(io.BytesIO(code_only))) < dark(with_name)


def test_the_print_sheet_holds_a_label_per_filtered_facility(client, as_user, park, make_facility):
    make_facility("bench", name="座椅甲")
    make_facility("bench", name="座椅乙")
    make_facility("lamp", name="路灯丙")
    make_facility("bench", name="动物园座椅", site=park.zylz)
    as_user(park.office)
    page = client.get(
        f"/facilities/labels?type={park.types['bench'].id}&site={park.psy.id}"
    ).get_data(as_text=True)
    assert page.count('class="qr"') == 2
    assert "座椅甲" in page and "座椅乙" in page and "路灯丙" not in page
    assert "@page" not in page and "<script" not in page  # print CSS lives in the stylesheet
    css = client.get("/static/css/facilities.css").get_data(as_text=True)
    assert "size: A4" in css


def test_the_sheets_qr_codes_are_readable(client, as_user, park, make_facility):
    """Render one sheet SVG to pixels with Pillow and decode it."""
    facility = make_facility()
    with client.application.test_request_context():
        svg = str(labels.qr_svg(facility))
    size = int(svg.split('viewBox="0 0 ')[1].split(" ")[0])
    image = Image.new("L", (size, size), 255)
    for run in svg.split('d="')[1].split('"')[0].split("z")[:-1]:
        x, y = (int(v) for v in run[1:].split("h")[0].split(" "))
        width = int(run.split("h")[1].split("v")[0])
        for dx in range(width):
            image.putpixel((x + dx, y), 0)
    image = image.resize((size * 8, size * 8), Image.Resampling.NEAREST)
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [registry.scan_url(facility)]


@pytest.mark.parametrize("user", ["crew", "leader", "inspector"])
def test_registry_list_is_limited_to_the_users_sites(client, as_user, park, make_facility, user):
    make_facility(name="濮上园座椅")
    make_facility(name="动物园座椅", site=park.zylz)
    as_user(getattr(park, user))
    page = client.get("/facilities/").get_data(as_text=True)
    assert "濮上园座椅" in page
    assert ("动物园座椅" in page) == (user != "crew")


def test_registry_list_query_count_does_not_grow(
    client, as_user, park, make_facility, count_queries
):
    for _ in range(3):
        make_facility()
    as_user(park.office)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/facilities/")
    for _ in range(30):
        make_facility("lamp", site=park.zylz)
    db.session.expire_all()
    with count_queries() as many:
        client.get("/facilities/")
    assert many.count == few.count, "\n".join(many.statements)


def test_the_sub_navigation_comes_from_the_spec_with_one_current_tab(client, as_user, park):
    as_user(park.office)
    client.post("/language/en")
    page = client.get("/facilities/types").get_data(as_text=True)
    tabs = page.split('<nav class="subnav"', 1)[1].split("</nav>", 1)[0]
    for label in ("Facilities", "Types", "Squad leads", "Import", "Repair deadlines"):
        assert f">{label}</a>" in tabs
    assert tabs.count('aria-current="page"') == 1
    assert 'aria-current="page">Types</a>' in tabs
    as_user(park.crew)
    crew_tabs = client.get("/facilities/").get_data(as_text=True).split('<nav class="subnav"')[1]
    assert ">Types</a>" not in crew_tabs.split("</nav>")[0]


def test_a_registry_page_past_the_end_shows_the_last_page(client, as_user, park, make_facility):
    for _ in range(52):
        make_facility()
    as_user(park.office)
    client.post("/language/en")
    past = client.get("/facilities/?page=9").get_data(as_text=True)
    assert len(re.findall(r'href="/facilities/\d+"', past)) == 2 and "Page 2 of 2" in past


@pytest.mark.parametrize("site", [None, "psy"])
def test_the_register_walks_an_index_in_page_order(app, park, site):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    site_id = getattr(park, site).id if site else None
    with app.test_request_context("/facilities/"):
        login_user(db.session.get(User, park.office.id))
        query = queries.facility_query(queries.FacilityFilter(site_id=site_id)).limit(50)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(
        str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
    )
    # No sort of the whole register: a page is read in order and the walk stops.
    assert "TEMP B-TREE" not in plan, plan


def test_a_search_counts_only_ten_pages_ahead(client, as_user, park, make_facility, monkeypatch):
    monkeypatch.setattr(paging, "LOOKAHEAD_PAGES", 0)
    for n in range(52):
        make_facility(name=f"座椅{n}")
    make_facility(name="告示牌")
    as_user(park.office)
    client.post("/language/en")
    page = client.get("/facilities/?q=座椅").get_data(as_text=True)
    # 52 matches, counted up to this page of 50 and one more: a lower bound, Next shown.
    assert "(more than 50)" in page and "告示牌" not in page
    assert 'href="/facilities/?page=2&amp;q=' in page
    assert "(1)" in client.get("/facilities/?q=告示牌").get_data(as_text=True)
    assert "(53)" in client.get("/facilities/").get_data(as_text=True)  # counted in full
