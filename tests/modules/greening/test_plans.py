"""Site plans and zones drawn on them: upload, outlines checked on the server, the page."""

import io

import pytest
from PIL import Image

from modules.greening import plans
from modules.greening.zones import GreeningError
from parkops.extensions import db
from tests.versions import version_of

SQUARE = "0.1,0.1 0.3,0.1 0.3,0.3 0.1,0.3"


def png_bytes(size=(400, 250)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 230, 190)).save(out, "PNG")
    return out.getvalue()


def _upload(client, site, data=None, name="plan.png"):
    image = (io.BytesIO(data if data is not None else png_bytes()), name)
    return client.post(
        f"/greening/plan/{site.id}", data={"image": image}, content_type="multipart/form-data"
    )


@pytest.fixture
def planned(client, as_user, grove):
    """濮上园 with its plan uploaded by the office, who stays signed in."""
    as_user(grove.office)
    assert _upload(client, grove.psy).status_code == 303
    return plans.plan_of(grove.psy.id)


def test_office_uploads_the_plan_and_everyone_at_the_site_sees_it(client, as_user, grove, planned):
    assert (planned.attachment.width, planned.attachment.height) == (400, 250)
    as_user(grove.gardener)
    page = client.get("/greening/plan").get_data(as_text=True)
    assert f'href="/greening/plan/{grove.psy.id}/image"' in page
    image = client.get(f"/greening/plan/{grove.psy.id}/image")
    assert (image.status_code, image.mimetype) == (200, "image/jpeg")
    as_user(grove.zoo_assessor)
    assert client.get(f"/greening/plan/{grove.psy.id}/image").status_code == 404
    assert client.get(f"/greening/plan?site={grove.psy.id}").status_code == 404


def test_a_plan_that_is_not_an_image_is_refused(client, as_user, grove):
    as_user(grove.office)
    response = _upload(client, grove.psy, data=b"%PDF-1.4 not a picture", name="plan.png")
    assert response.status_code == 422
    assert plans.plan_of(grove.psy.id) is None


def test_only_the_office_uploads_a_plan(client, as_user, grove):
    as_user(grove.gardener)
    assert _upload(client, grove.psy).status_code == 403
    assert plans.plan_of(grove.psy.id) is None


def _draw(client, zone, points, version=None):
    url = f"/greening/zones/{zone.id}/outline"
    if version is None:
        page = client.get(url)
        version = version_of(page.get_data(as_text=True)) if page.status_code == 200 else ""
    return client.post(url, data={"points": points, "version": version})


def test_office_draws_a_zone_and_the_plan_shows_it(client, grove, planned, make_zone):
    zone = make_zone(code="PSY-G01")
    response = _draw(client, zone, SQUARE)
    assert response.status_code == 303
    db.session.refresh(zone)
    assert zone.outline == [[0.1, 0.1], [0.3, 0.1], [0.3, 0.3], [0.1, 0.3]]
    page = client.get("/greening/plan").get_data(as_text=True)
    # Drawn in the image's pixels (400 × 250), linked to the zone's page.
    assert 'points="40.0,25.0 120.0,25.0 120.0,75.0 40.0,75.0"' in page
    assert f'<a href="/greening/zones/{zone.id}">' in page


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("0.1,0.1 0.3,0.1", "at least 3 points"),
        ("0.1,0.1 0.3,0.1 1.2,0.5", "outside the plan"),
        ("0.1,0.1 0.3,0.1 0.3,-0.1", "outside the plan"),
        ("0.1,0.1 0.2,0.2 0.3,0.3", "on one line"),
        ("0.1,0.1 0.3;0.1 0.3,0.3", "is not a point"),
        ("0.1,0.1 nan,0.1 0.3,0.3", "outside the plan"),
    ],
)
def test_bad_outlines_are_refused(client, grove, planned, make_zone, points, message):
    zone = make_zone()
    response = _draw(client, zone, points)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(zone)
    assert zone.outline is None


def test_a_zone_is_drawn_only_once_its_site_has_a_plan(grove, make_zone):
    zone = make_zone()
    with pytest.raises(GreeningError, match="Upload the site's plan first"):
        plans.set_outline(zone, SQUARE, grove.office)


def test_only_the_office_of_the_site_draws(client, as_user, grove, make_user, planned, make_zone):
    zone = make_zone()
    as_user(grove.gardener)
    assert _draw(client, zone, SQUARE).status_code == 403
    as_user(make_user("zoooffice", ["office"], sites=[grove.zylz]))
    assert _draw(client, zone, SQUARE).status_code == 404
    db.session.refresh(zone)
    assert zone.outline is None


def test_without_a_plan_the_zones_are_a_list(client, as_user, grove, make_zone):
    make_zone(name="四季花海东片")
    as_user(grove.gardener)
    page = client.get("/greening/plan").get_data(as_text=True)
    assert "No plan uploaded for this site yet." in page and "四季花海东片" in page
    assert "grn-plan" not in page


def test_plan_page_query_count_does_not_grow(client, grove, planned, make_zone, count_queries):
    plans.set_outline(make_zone(), SQUARE, grove.office)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/greening/plan").status_code == 200
    for _ in range(15):
        plans.set_outline(make_zone(responsible=grove.gardener2), SQUARE, grove.office)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/greening/plan").status_code == 200
    assert many.count == few.count


def test_the_plan_draws_a_page_of_zones_and_the_gardener_keeps_to_theirs(
    client, as_user, grove, planned, make_zone
):
    for n in range(1, 52):  # one more than a page
        theirs = grove.gardener if n % 2 else grove.gardener2
        plans.set_outline(make_zone(code=f"PSY-P{n:02d}", responsible=theirs), SQUARE, grove.office)
    as_user(grove.gardener)
    first = client.get("/greening/plan").get_data(as_text=True)
    assert first.count('class="grn-zone ') == 50 and "PSY-P50" in first and "PSY-P51" not in first
    assert 'id="plan-range"' in first
    second = client.get("/greening/plan?page=2").get_data(as_text=True)
    assert second.count('class="grn-zone ') == 1 and "PSY-P51" in second
    mine = client.get("/greening/plan?mine=1").get_data(as_text=True)
    assert mine.count('class="grn-zone ') == 26  # P01, P03, … P51
    assert "PSY-P51" in mine and "PSY-P02" not in mine


def test_a_stale_outline_page_gets_the_conflict(app, grove, planned, make_zone, login):
    zone = make_zone()
    other = app.test_client()
    login(grove.office, test_client=other)
    stale = version_of(other.get(f"/greening/zones/{zone.id}/outline").get_data(as_text=True))
    client = app.test_client()
    login(grove.office, test_client=client)
    assert _draw(client, zone, SQUARE).status_code == 303
    late = _draw(other, zone, "0.5,0.5 0.7,0.5 0.7,0.7", stale)
    assert late.status_code == 409
    assert 'id="conflict"' in late.get_data(as_text=True)
    db.session.refresh(zone)
    assert zone.outline == [[0.1, 0.1], [0.3, 0.1], [0.3, 0.3], [0.1, 0.3]]
