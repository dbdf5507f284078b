"""Routes and checkpoints: labels that decode to the scan address, the subject kind."""

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from modules.patrols import routes
from modules.patrols.errors import PatrolError
from modules.patrols.models import Route
from parkops import subjects
from parkops.extensions import db
from tests.flashes import confirmation


def test_a_checkpoint_label_decodes_to_its_scan_address(park, as_user, client):
    as_user(park.inspector)
    point = park.intake.checkpoints[1]
    response = client.get(f"/patrols/checkpoints/{point.id}/label.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert code.text == f"http://parkops.test/pc/{point.token}"


def test_labels_of_another_site_are_not_found(park, as_user, client):
    as_user(park.zoo_inspector)
    point = park.intake.checkpoints[0]
    assert client.get(f"/patrols/checkpoints/{point.id}/label.png").status_code == 404
    assert client.get(f"/patrols/routes/{park.intake.id}").status_code == 404
    assert client.get(f"/pc/{point.token}").status_code == 404
    assert client.get(f"/patrols/routes/{park.gate.id}/labels").status_code == 200


def test_the_print_sheet_has_one_qr_code_per_checkpoint(park, as_user, client):
    as_user(park.inspector)
    page = client.get(f"/patrols/routes/{park.intake.id}/labels").get_data(as_text=True)
    assert page.count('<svg class="qr"') == 2 and "泵站进水口" in page


def test_a_route_from_the_form_keeps_its_checkpoints_in_order(park, as_user, client):
    as_user(park.inspector)
    text = "ZY-W1 湖心岛码头\r\nZY-W2 南闸\r\n"
    response = client.post(
        "/patrols/routes/new", data={"site_id": park.zylz.id, "name": "水面", "checkpoints": text}
    )
    assert confirmation(client, response) == (
        "Route added; print its checkpoints' labels from this page."
    )
    made = db.session.scalar(select(Route).where(Route.name == "水面"))
    assert [(c.position, c.code, c.name) for c in made.checkpoints] == [
        (1, "ZY-W1", "湖心岛码头"),
        (2, "ZY-W2", "南闸"),
    ]
    assert made.site_id == park.zylz.id


def test_a_checkpoint_code_already_used_is_refused(park):
    with pytest.raises(PatrolError, match="PSY-W1"):
        routes.create_route(park.psy.id, "重复", [("PSY-W1", "又一个")], park.inspector)


def test_checkpoints_are_subjects_other_modules_can_point_at(app, park):
    point = park.intake.checkpoints[1]
    with app.test_request_context():
        found = subjects.resolve(routes.SUBJECT_KIND, point.id, park.inspector2)
        assert found.label == "PSY-W2 泵站进水口" and found.site_id == park.psy.id
        assert subjects.resolve(routes.SUBJECT_KIND, point.id, park.zoo_inspector) is None
        assert [s.id for s in subjects.search(routes.SUBJECT_KIND, "进水", park.inspector)] == [
            point.id
        ]
        assert subjects.search(routes.SUBJECT_KIND, "进水", park.zoo_inspector) == []
