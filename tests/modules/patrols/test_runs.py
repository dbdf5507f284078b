"""A run on the phone: start, proof of presence, answers and photos, submit and lock;
every post carries an idempotency key, so a repeat changes nothing."""

import html
import re

from sqlalchemy import func, select

from modules.patrols import checklists, routes
from modules.patrols.checklists import ItemData
from modules.patrols.models import Answer, AnswerType, ChecklistPurpose, Run, Scan
from modules.patrols.runs import PHOTO_ANSWER
from parkops.attachments import Attachment
from parkops.extensions import db
from tests.flashes import confirmation
from tests.modules.patrols.conftest import photo


def _start(client, park, key="start-1", route=None):
    response = client.post(
        "/patrols/runs",
        data={
            "checklist_id": park.water.id,
            "route_id": (route or park.intake).id,
            "idempotency_key": key,
        },
    )
    assert response.status_code == 303
    return db.session.get(Run, int(response.headers["Location"].rsplit("/", 1)[-1]))


def _scan(client, run, point, key, **extra):
    data = {"scanned": f"http://parkops.test/pc/{point.token}", "idempotency_key": key}
    return client.post(f"/patrols/runs/{run.id}/scan", data=data | extra)


def _answers(park, **extra):
    items = {i.text: i.id for i in park.water.current_version.items}
    return {
        f"a{items['浮萍覆盖']}": "fail",
        f"n{items['浮萍覆盖']}": "北岸浮萍成片",
        f"a{items['进水口漂浮垃圾 (kg)']}": "12.5",
        f"a{items['非法垂钓']}": "有,已劝离",
        f"p{items['清理后照片']}": photo(),
    } | extra


def test_a_full_run_is_recorded_once_and_locked(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    assert _start(client, park).id == run.id  # the same key: the same run
    for n, point in enumerate(park.intake.checkpoints):
        location = {"latitude": "35.76", "longitude": "115.03", "accuracy": "8"}
        assert _scan(client, run, point, f"scan-{n}", **location).status_code == 303
    data = _answers(park, note="顺利", submit="1", idempotency_key="submit-1")
    response = client.post(f"/patrols/runs/{run.id}/answers", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    assert run.submitted and run.note == "顺利"
    scans = db.session.scalars(select(Scan).where(Scan.run_id == run.id)).all()
    assert [(s.latitude, s.longitude, s.accuracy_m) for s in scans] == [(35.76, 115.03, 8.0)] * 2
    answers = {a.item_id: a for a in db.session.scalars(select(Answer))}
    items = {i.text: i.id for i in park.water.current_version.items}
    assert answers[items["浮萍覆盖"]].passed is False
    assert answers[items["进水口漂浮垃圾 (kg)"]].value == "12.5"
    # The phone sends it again (weak signal): nothing new, nothing refused.
    again = client.post(
        f"/patrols/runs/{run.id}/answers",
        data=_answers(park, submit="1", idempotency_key="submit-1"),
    )
    assert again.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    # Locked: a new post is refused and changes nothing.
    late = client.post(
        f"/patrols/runs/{run.id}/answers",
        data={f"a{items['浮萍覆盖']}": "pass", "idempotency_key": "late"},
    )
    assert late.status_code == 422
    assert "This run is submitted and locked." in late.get_data(as_text=True)
    db.session.expire_all()
    assert answers[items["浮萍覆盖"]].passed is False
    assert _scan(client, run, park.intake.checkpoints[0], "late-scan").status_code == 422


def test_a_checkpoint_of_another_route_is_refused(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    response = _scan(client, run, park.other_psy.checkpoints[0], "scan-x")
    assert response.status_code == 422
    assert "is on another route" in response.get_data(as_text=True)
    assert _scan(client, run, park.gate.checkpoints[0], "scan-y").status_code == 422
    bogus = client.post(
        f"/patrols/runs/{run.id}/scan",
        data={"scanned": "http://x/pc/nonsense", "idempotency_key": "z"},
    )
    assert "This is not a checkpoint label." in bogus.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_the_code_printed_on_the_label_can_be_typed_when_the_camera_fails(park, as_user, client):
    """The label shows the code (PSY-W2) beside the QR, not the token: typing it counts,
    any case and spaces; only on the run's route; the hint says what to type."""
    as_user(park.inspector)
    run = _start(client, park)
    page = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    assert "type the code printed beside the QR code, e.g. PSY-W2" in page
    for scanned, key in (("ZY-G1", "x1"), ("PSY-S1", "x2"), ("PSY-W9", "x3"), ("", "x4")):
        response = client.post(
            f"/patrols/runs/{run.id}/scan", data={"scanned": scanned, "idempotency_key": key}
        )
        assert response.status_code == 422, scanned
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0
    for scanned, key in ((" psy-w2 ", "t1"), ("PSY - W1", "t2")):
        response = client.post(
            f"/patrols/runs/{run.id}/scan", data={"scanned": scanned, "idempotency_key": key}
        )
        assert response.status_code == 303, scanned
    codes = db.session.scalars(select(Scan.code).where(Scan.run_id == run.id)).all()
    assert sorted(codes) == ["PSY-W1", "PSY-W2"]


def test_a_removed_checkpoints_code_says_so(park, as_user, client):
    routes.change_route(park.intake, park.intake.name, [("PSY-W1", "北岸码头")], park.inspector)
    db.session.commit()
    as_user(park.inspector)
    run = _start(client, park)
    response = client.post(
        f"/patrols/runs/{run.id}/scan", data={"scanned": "PSY-W2", "idempotency_key": "r"}
    )
    assert response.status_code == 422
    assert "was removed from its route" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_a_negative_quantity_is_refused_and_nothing_is_saved(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    items = {i.text: i.id for i in park.water.current_version.items}
    kg = f"a{items['进水口漂浮垃圾 (kg)']}"
    page = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    assert re.search(rf'name="{kg}"[^>]*pattern=', page)  # the phone refuses "-5" too
    for value, key in (("-5", "n1"), ("-0.5", "n2")):
        data = {f"a{items['浮萍覆盖']}": "pass", kg: value, "idempotency_key": key}
        response = client.post(f"/patrols/runs/{run.id}/answers", data=data)
        assert response.status_code == 422
        assert "a quantity cannot be below 0" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    ok = client.post(f"/patrols/runs/{run.id}/answers", data={kg: "0", "idempotency_key": "z"})
    assert ok.status_code == 303
    assert db.session.scalar(select(Answer.value)) == "0"


def test_a_temperature_may_be_below_zero(park, as_user, client):
    cold = checklists.save_checklist(
        None,
        park.psy.id,
        "冬季巡查",
        False,
        [ItemData("水温", AnswerType.NUMBER, unit="℃"), ItemData("冰层厚度", AnswerType.NUMBER)],
        park.inspector,
        ChecklistPurpose.WATER,
    )
    items = {i.text: i for i in cold.current_version.items}
    assert items["水温"].allows_negative and not items["冰层厚度"].allows_negative
    as_user(park.inspector)
    start = {"checklist_id": cold.id, "route_id": park.intake.id, "idempotency_key": "c"}
    response = client.post("/patrols/runs", data=start)
    run_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert confirmation(client, response) == "Patrol run started."
    data = {f"a{items['水温'].id}": "-3.5", "idempotency_key": "t"}
    assert client.post(f"/patrols/runs/{run_id}/answers", data=data).status_code == 303
    assert db.session.scalar(select(Answer.value)) == "-3.5"


def test_a_scan_without_location_is_still_proof_of_time(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    _scan(client, run, park.intake.checkpoints[0], "s1", latitude="", longitude="nope")
    _scan(client, run, park.intake.checkpoints[0], "s2")  # scanned again: the first one stays
    (scan,) = db.session.scalars(select(Scan)).all()
    assert scan.latitude is None and scan.scanned_at is not None


def test_a_partial_run_is_kept_and_cannot_be_submitted_incomplete(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    _scan(client, run, park.intake.checkpoints[0], "s1")
    items = {i.text: i.id for i in park.water.current_version.items}
    saved = client.post(
        f"/patrols/runs/{run.id}/answers",
        data={f"a{items['浮萍覆盖']}": "pass", "idempotency_key": "save-1"},
    )
    assert saved.status_code == 303
    refused = client.post(
        f"/patrols/runs/{run.id}/answers",
        data={
            f"a{items['非法垂钓']}": "无",
            f"n{items['非法垂钓']}": "东岸无人",
            "note": "进水口未到",
            "submit": "1",
            "idempotency_key": "submit-1",
        },
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "checkpoint 泵站进水口 not reached" in text and "needs" not in text
    assert "“清理后照片” not answered" in text
    # The sub-nav marks the runs tab, not the routes tab.
    assert 'href="/patrols/" aria-current="page"' in text
    assert 'href="/patrols/routes" aria-current' not in text
    db.session.expire_all()
    assert not run.submitted and run.note == "进水口未到"
    # The refused submit kept what it carried, as the save button does.
    kept = {a.item_id: a for a in db.session.scalars(select(Answer))}
    assert sorted(kept) == sorted([items["浮萍覆盖"], items["非法垂钓"]])
    assert kept[items["非法垂钓"]].note == "东岸无人"


def test_an_answer_that_does_not_fit_its_item_is_refused(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    items = {i.text: i.id for i in park.water.current_version.items}
    kg = "进水口漂浮垃圾 (kg)"
    for n, (value, item, message) in enumerate(
        (
            ("十二", kg, "write a number"),
            ("1e400", kg, "below a trillion, with at most 6 decimals"),
            ("1000000000000", kg, "below a trillion"),
            ("0.0000001", kg, "at most 6 decimals"),
            ("nan", kg, "write a number"),
            ("-inf", kg, "write a number"),
            ("也许", "非法垂钓", "pick one of the choices"),
            ("maybe", "浮萍覆盖", "answer pass or fail"),
        )
    ):
        response = client.post(
            f"/patrols/runs/{run.id}/answers",
            data={f"a{items[item]}": value, "idempotency_key": f"k-{n}"},
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_only_the_inspector_who_started_a_run_works_on_it(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    as_user(park.inspector2)  # same site, another inspector: may read, not write
    assert client.get(f"/patrols/runs/{run.id}").status_code == 200
    assert _scan(client, run, park.intake.checkpoints[0], "other").status_code == 422
    as_user(park.zoo_inspector)  # another site: the run does not exist for them
    assert client.get(f"/patrols/runs/{run.id}").status_code == 404
    assert _scan(client, run, park.intake.checkpoints[0], "zoo").status_code == 404
    as_user(park.leader)  # leaders read, never run
    assert client.get(f"/patrols/runs/{run.id}").status_code == 200
    assert _scan(client, run, park.intake.checkpoints[0], "leader").status_code == 403
    as_user(park.crew)  # runs the crew's own patrols: another's run does not exist for it
    assert client.get(f"/patrols/runs/{run.id}").status_code == 404
    assert _scan(client, run, park.intake.checkpoints[0], "crew").status_code == 404


def test_a_run_cannot_pair_a_checklist_with_another_sites_route(park, as_user, client):
    as_user(park.inspector)
    response = client.post(
        "/patrols/runs",
        data={"checklist_id": park.water.id, "route_id": park.gate.id, "idempotency_key": "k"},
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Run)) == 0


def test_the_label_address_offers_the_open_run_and_records_presence(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    point = park.intake.checkpoints[1]
    page = client.get(f"/pc/{point.token}").get_data(as_text=True)
    assert f"/patrols/runs/{run.id}/scan" in page
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0  # a GET records nothing
    assert client.get("/pc/not-a-token-at-all").status_code == 404


def test_answer_photos_are_served_only_to_who_may_see_the_run(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    client.post(f"/patrols/runs/{run.id}/answers", data=_answers(park, idempotency_key="p"))
    (stored,) = db.session.scalars(select(Attachment).where(Attachment.owner_kind == PHOTO_ANSWER))
    assert client.get(f"/patrols/photos/{stored.id}").mimetype == "image/jpeg"
    as_user(park.zoo_inspector)
    assert client.get(f"/patrols/photos/{stored.id}").status_code == 404


def test_the_service_worker_is_served_under_patrols_for_its_scope(park, as_user, client):
    response = client.get("/patrols/sw.js")  # no sign-in: a static file, no data
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    as_user(park.inspector)
    run = _start(client, park)
    page = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    assert 'data-worker="/patrols/sw.js" data-scope="/patrols/"' in page
    assert "patrols-offline.js" in page
    as_user(park.leader)  # reads the run, never works on it: no outbox
    assert "patrols-offline.js" not in client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)


def test_the_phones_number_check_lets_through_the_full_width_digits_the_server_reads(
    park, as_user, client
):
    as_user(park.inspector)
    run = _start(client, park)
    items = {i.text: i.id for i in park.water.current_version.items}
    kg = f"a{items['进水口漂浮垃圾 (kg)']}"
    page = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    pattern = html.unescape(re.search(rf'name="{kg}"[^>]*pattern="([^"]*)"', page).group(1))
    for typed in ("１２", "12", "1,200.5", "１２.５"):  # a Chinese IME types full-width digits
        assert re.fullmatch(pattern, typed), typed
    assert not re.fullmatch(pattern, "-5")
    data = {kg: "１２", "idempotency_key": "fw"}
    assert client.post(f"/patrols/runs/{run.id}/answers", data=data).status_code == 303
    assert db.session.scalar(select(Answer.value)) == "12"
