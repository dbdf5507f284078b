"""Two managers editing one product: the second, on a stale page, gets the conflict."""

from modules.ticketing.models import Product
from parkops.extensions import db
from tests.versions import two_pages, version_of


def test_a_stale_product_form_gets_the_conflict_and_changes_nothing(world, app, login):
    url = f"/ticketing/products/{world.combo.id}"
    first, second, version = two_pages(app, login, url, world.manager)
    form = {"name": world.combo.name, "active": "y"}
    saved = first.post(url, data={**form, "id_check": "身份证", "version": version})
    assert saved.status_code == 303
    late = second.post(url, data={**form, "name": "联票（新）", "version": version})
    assert late.status_code == 409
    assert "身份证" in late.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Product, world.combo.id)
    assert (kept.name, kept.id_check) == (form["name"], "身份证")
    again = second.post(
        url, data={**form, "name": "联票（新）", "version": version_of(late.get_data(as_text=True))}
    )
    assert again.status_code == 303
