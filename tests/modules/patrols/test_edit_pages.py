"""Every patrol edit page saves when submitted unchanged, as a browser posts it."""

from modules.patrols import schedules
from tests.browser_forms import submit_unchanged


def test_the_edit_pages_save_what_they_show(park, as_user, client):
    daily = schedules.save_schedule(
        park.water, park.intake, "08:00", "1234567", park.inspector2, 60, park.inspector
    )
    as_user(park.inspector)
    for url in (
        f"/patrols/checklists/{park.water.id}/edit",
        f"/patrols/routes/{park.intake.id}/edit",
        f"/patrols/schedules/{daily.id}/edit",
    ):
        response = submit_unchanged(client, url)
        assert response.status_code == 303, (url, response.get_data(as_text=True)[-3000:])
