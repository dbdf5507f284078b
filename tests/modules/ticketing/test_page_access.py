"""Who may open which ticketing page: signed in only, by role, her own shifts, her own
sites, and a CSRF token on every form."""

import re

import pytest
from sqlalchemy import func, select

from modules.ticketing.models import Shift, TicketDay
from parkops.extensions import db
from tests.conftest import PASSWORD


def test_every_ticketing_route_needs_a_signed_in_user(app, client):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("ticketing."):
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize(
    ("who", "url", "method", "status"),
    [
        ("seller", "/ticketing/days", "GET", 403),
        ("seller", "/ticketing/catalog", "GET", 403),
        ("seller", "/ticketing/stock", "GET", 403),
        ("seller", "/ticketing/reports/sellers", "GET", 403),
        ("seller", "/ticketing/approvals", "GET", 403),
        ("seller", "/settings/ticketing", "GET", 403),
        ("seller", "/ticketing/imports/gate", "GET", 403),
        ("seller", "/ticketing/imports/sales", "GET", 200),
        ("auditor", "/ticketing/shifts/open", "POST", 403),
        ("auditor", "/ticketing/imports/sales", "GET", 200),  # a ticketing system's export
        ("auditor", "/ticketing/days", "GET", 200),
        ("auditor", "/ticketing/catalog", "GET", 200),
        ("auditor", "/ticketing/stock/rolls", "POST", 403),
        ("leader", "/ticketing/catalog", "GET", 200),
        ("leader", "/ticketing/products", "POST", 403),
        ("leader", "/ticketing/reports/sales", "GET", 200),
        ("manager", "/ticketing/catalog", "GET", 200),
        ("manager", "/settings/ticketing", "GET", 403),
        ("manager", "/settings/ticketing", "POST", 403),
        ("auditor", "/settings/ticketing", "GET", 200),
        ("manager", "/ticketing/approvals", "GET", 403),
    ],
)
def test_permissions_by_role(world, as_user, who, url, method, status):
    client = as_user(getattr(world, who))
    assert client.open(url, method=method).status_code == status


def test_a_seller_sees_only_her_own_shifts(world, as_user):
    mine = world.open()
    theirs = world.open(world.seller2, world.window2)
    client = as_user(world.seller)
    assert client.get(f"/ticketing/shifts/{mine.id}").status_code == 200
    for url, method in [
        (f"/ticketing/shifts/{theirs.id}", "GET"),
        (f"/ticketing/shifts/{theirs.id}/close", "GET"),
        (f"/ticketing/shifts/{theirs.id}/ranges", "POST"),
        (f"/ticketing/shifts/{theirs.id}/voids", "POST"),
        (f"/ticketing/shifts/{theirs.id}/explain", "POST"),
    ]:
        assert client.open(url, method=method).status_code == 404, url
    listing = client.get("/ticketing/shifts").get_data(as_text=True)
    assert "Seller One" in listing and "Seller Two" not in listing


def test_another_sites_staff_see_nothing_of_this_site(world, as_user, make_user):
    shift = world.open()
    day = db.session.scalar(select(TicketDay))
    stranger = make_user("auditor9", ["auditor"], sites=[world.other_site])
    client = as_user(stranger)
    assert client.get(f"/ticketing/shifts/{shift.id}").status_code == 404
    assert client.get(f"/ticketing/days/{day.id}").status_code == 404
    assert "中原绿色庄园" not in client.get("/ticketing/days").get_data(as_text=True)


def token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def test_forms_carry_csrf_protection(make_app, world):
    """Signed in for real (with the login form's token): the seller's post without a token
    is refused (400) and opens nothing; the same post with the page's token opens the shift."""
    app = make_app(WTF_CSRF_ENABLED=True, DEFAULT_LOCALE="en")
    data = {"window_id": world.window.id, "opening_float": "500"}
    with app.app_context(), app.test_client() as client:
        login = {
            "username": "seller1",
            "password": PASSWORD,
            "csrf_token": token(client.get("/login")),
        }
        assert client.post("/login", data=login).status_code == 303
        assert client.post("/ticketing/shifts/open", data=data).status_code == 400
        assert db.session.scalar(select(func.count()).select_from(Shift)) == 0
        data["csrf_token"] = token(client.get("/ticketing/"))
        opened = client.post("/ticketing/shifts/open", data=data)
        assert opened.status_code == 303 and "/ticketing/shifts/" in opened.headers["Location"]
        assert db.session.scalar(select(func.count()).select_from(Shift)) == 1
