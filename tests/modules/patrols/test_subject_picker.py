"""The finding form's subject picker: its search endpoint (who may ask, which sites'
places it answers, its bounds) and the place picked being the one recorded."""

from sqlalchemy import select

from modules.patrols import routes
from modules.patrols.models import Finding
from parkops.extensions import db


def _labels(client, **args):
    response = client.get("/patrols/subjects", query_string=args)
    assert response.status_code == 200
    return [r["label"] for r in response.get_json()["results"]]


def test_it_finds_only_places_at_the_users_sites(app, park, as_user, client):
    as_user(park.inspector2)  # works at 濮上园 only
    assert _labels(client, kind="patrols.checkpoint", q="1") == [
        "PSY-S1 东门厕所后",
        "PSY-W1 北岸码头",
    ]
    assert _labels(client, kind="patrols.checkpoint", q="ZY-G1") == []  # at 中原绿色庄园


def test_given_a_site_it_finds_only_that_sites_places(app, park, as_user, client):
    as_user(park.inspector)  # all sites
    assert _labels(client, kind="patrols.checkpoint", q="1") == [
        "PSY-S1 东门厕所后",
        "PSY-W1 北岸码头",
        "ZY-G1 大门",
    ]
    found = _labels(client, kind="patrols.checkpoint", q="1", site=park.zylz.id)
    assert found == ["ZY-G1 大门"]


def test_a_site_the_user_does_not_work_at_is_not_found(app, park, as_user, client):
    as_user(park.inspector2)
    response = client.get(
        "/patrols/subjects",
        query_string={"kind": "patrols.checkpoint", "q": "G", "site": park.zylz.id},
    )
    assert response.status_code == 404


def test_only_those_who_record_findings_may_search(app, park, as_user, client):
    for user in (park.crew, park.leader):  # patrols.patrol / patrols.view only
        as_user(user)
        response = client.get(
            "/patrols/subjects", query_string={"kind": "patrols.checkpoint", "q": "PSY"}
        )
        assert response.status_code == 403
    client.post("/logout")
    response = client.get(
        "/patrols/subjects", query_string={"kind": "patrols.checkpoint", "q": "PSY"}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_kind_is_refused_with_its_reason(app, park, as_user, client):
    as_user(park.inspector)
    response = client.get("/patrols/subjects", query_string={"kind": "nothing.here", "q": "PSY"})
    assert response.status_code == 400
    assert response.get_json() == {"error": "Unknown kind of place."}


def test_empty_text_finds_nothing(app, park, as_user, client):
    as_user(park.inspector)
    assert _labels(client, kind="patrols.checkpoint", q="   ") == []
    assert _labels(client, kind="patrols.checkpoint") == []


def test_at_most_ten_places_are_answered(app, park, as_user, client):
    lines = [(f"PSY-L{n:02d}", f"岸线{n}") for n in range(15)]
    routes.create_route(park.psy.id, "长岸线", lines, park.inspector)
    as_user(park.inspector)
    found = _labels(client, kind="patrols.checkpoint", q="PSY-L")
    assert found == [f"PSY-L{n:02d} 岸线{n}" for n in range(10)]


def _record(client, park, **subject):
    return client.post(
        f"/patrols/findings/new?site={park.psy.id}",
        data={
            "summary": "护栏松动",
            "severity": "normal",
            "person_id": "0",
            "owner_id": "0",
            **subject,
        },
    )


def test_the_place_picked_is_the_one_recorded(app, park, as_user, client):
    w1 = park.intake.checkpoints[0]
    as_user(park.inspector)
    picked = {"subject_kind": "patrols.checkpoint", "subject_text": "PSY-W1 北岸码头"}
    response = _record(client, park, subject_id=str(w1.id), **picked)
    assert response.status_code == 303
    finding = db.session.scalar(select(Finding))
    assert (finding.subject_id, finding.subject_label) == (w1.id, "PSY-W1 北岸码头")


def test_text_typed_after_picking_is_resolved_as_typed(app, park, as_user, client):
    w1, w2 = park.intake.checkpoints
    as_user(park.inspector)
    typed = {"subject_kind": "patrols.checkpoint", "subject_text": "PSY-W2"}
    assert _record(client, park, subject_id=str(w1.id), **typed).status_code == 303
    assert db.session.scalar(select(Finding.subject_id)) == w2.id
