"""Done tasks (problems 5, 6, 15) and closed rounds (problem 4) as evidence in the
ledger, seen by greening readers at their sites; the indicators still right."""

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from modules.greening import appeals, rounds, tasks
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink, Problem
from parkops.timeutil import business_day


def photo() -> FileStorage:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 60)).save(out, "JPEG")
    out.seek(0)
    return FileStorage(out, "done.jpg", content_type="image/jpeg")


def links(kind: str) -> list[tuple[str, int]]:
    found = select(Problem.code, EvidenceLink.record_id).join(
        Problem, Problem.id == EvidenceLink.problem_id
    )
    return sorted(db.session.execute(found.where(EvidenceLink.kind == kind)).all())


def problem_page(client, code: str) -> str:
    problem_id = db.session.scalar(select(Problem.id).where(Problem.code == code))
    return client.get(f"/ledger/problems/{problem_id}").get_data(as_text=True)


def test_a_done_task_is_evidence_for_5_6_and_15(client, as_user, ledger, grove, make_zone):
    zone = make_zone()
    task = tasks.add_one_off(zone, "清理死角杂草", business_day(), grove.office)
    assert links("greening.task") == []
    tasks.mark_done(task, photo(), grove.gardener, None, "/")
    assert links("greening.task") == [("15", task.id), ("5", task.id), ("6", task.id)]
    summary = db.session.scalar(select(EvidenceLink.summary).limit(1))
    assert zone.code in summary and "清理死角杂草" in summary
    as_user(grove.leader)
    assert "清理死角杂草" in problem_page(client, "6")
    page = client.get(f"/greening/evidence/tasks/{task.id}")
    assert page.status_code == 200 and "/greening/tasks/photos/" in page.get_data(as_text=True)
    as_user(grove.zoo_gardener)  # another site's reader
    assert client.get(f"/greening/evidence/tasks/{task.id}").status_code == 404
    as_user(grove.cashier)  # no greening permission
    assert client.get(f"/greening/evidence/tasks/{task.id}").status_code == 403


def test_a_closed_round_is_evidence_for_4_and_the_indicators_hold(
    client, as_user, ledger, grove, make_zone, rules_in_force
):
    month = (business_day().replace(day=1) - timedelta(days=1)).replace(day=1)
    round_ = rounds.open_round(grove.psy.id, month, grove.assessor)
    for _n in range(2):
        rounds.mark_checked(round_, make_zone(), grove.assessor, None, "/")
    assert links("greening.round") == []
    appeals.close_round(round_, grove.assessor)
    assert links("greening.round") == [("4", round_.id)]
    summary = db.session.scalar(
        select(EvidenceLink.summary).where(EvidenceLink.kind == "greening.round")
    )
    assert summary == f"濮上园, round {round_.label}: 2 zones scored, mean 100.0"
    as_user(grove.leader)
    html = problem_page(client, "4")
    assert summary in html
    assert f"100.0 in {round_.label}" in html  # the mean score indicator
    answer = client.get(f"/greening/evidence/rounds/{round_.id}")
    assert answer.status_code == 303 and answer.location == f"/greening/rounds/{round_.id}"
    as_user(grove.zoo_assessor)
    assert client.get(f"/greening/evidence/rounds/{round_.id}").status_code == 404
