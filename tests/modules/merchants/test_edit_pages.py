"""The draft contract's edit page saves when submitted unchanged, as a browser posts it."""

from tests.browser_forms import submit_unchanged


def test_the_edit_page_saves_what_it_shows(
    client, login, park, make_merchant, make_unit, make_contract
):
    draft = make_contract(make_merchant(), [make_unit("P-001")], steps={2: 1_100_00})
    login(park.manager)
    response = submit_unchanged(client, f"/merchants/contracts/{draft.id}/edit")
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
