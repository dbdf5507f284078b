"""Every greening edit page saves when submitted unchanged, as a browser posts it."""

from sqlalchemy import select

from modules.greening.models import TaskType
from parkops.extensions import db
from tests.browser_forms import submit_unchanged
from tests.modules.greening.test_calendar import TYPE_FORM


def test_the_edit_pages_save_what_they_show(client, as_user, grove, make_zone):
    zone = make_zone()
    as_user(grove.office)
    assert client.post("/greening/task-types/new", data=TYPE_FORM).status_code == 303
    kind = db.session.scalar(select(TaskType))
    for url in (f"/greening/zones/{zone.id}/edit", f"/greening/task-types/{kind.id}/edit"):
        response = submit_unchanged(client, url)
        assert response.status_code == 303, (url, response.get_data(as_text=True)[-3000:])
