"""The facility edit page saves when submitted unchanged, as a browser posts it."""

from tests.browser_forms import submit_unchanged


def test_the_edit_page_saves_what_it_shows(client, as_user, park, make_facility):
    facility = make_facility("sign")
    as_user(park.office)
    response = submit_unchanged(client, f"/facilities/{facility.id}/edit")
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
