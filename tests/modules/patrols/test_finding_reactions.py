"""A finding about another module's subject reaches that module through the core's
signal, and what it did shows on the finding (the example modules stand in for
facilities, greening and merchants)."""

import pytest

from modules.patrols import findings
from modules.patrols.findings import FindingData
from modules.patrols.models import Severity
from parkops import subjects
from tests.example_module import dependent

EXAMPLE = "tests.example_module.module"
DEPENDENT = "tests.example_module.dependent"


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=["patrols", EXAMPLE, DEPENDENT])
    with app.app_context():
        yield app


def test_a_finding_at_another_modules_subject_shows_its_reaction(app, park, as_user, client):
    as_user(park.inspector)
    heard = len(dependent.heard)
    response = client.post(
        f"/patrols/findings/new?site={park.psy.id}",
        data={
            "summary": "灯不亮",
            "severity": "high",
            "subject_kind": "example.spot",
            "subject_text": "West lawn lamp",
            "person_id": "0",
            "owner_id": "0",
            "idempotency_key": "f-1",
        },
    )
    assert response.status_code == 303
    assert dependent.heard[heard:] == [("patrols", "example.spot", 2, "high")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'href="/example/records/2">Noted: 灯不亮</a>' in page
    assert 'href="/example/spots/2">West lawn lamp</a>' in page


def test_a_subject_at_another_site_is_refused(app, park):
    with app.test_request_context():
        lamp = subjects.resolve("example.spot", 2)  # at 濮上园
        data = FindingData("灯不亮", Severity.HIGH, subject=lamp)
        with pytest.raises(findings.PatrolError, match="another site"):
            findings.record_finding(park.zylz.id, data, park.inspector, None, lambda f: "")
