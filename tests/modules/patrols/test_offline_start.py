"""A run started on a phone with no network: its start arrives later with the phone's time
and a key, and the scans and answers queued after it name the run by that key."""

from datetime import timedelta

from sqlalchemy import func, select

from modules.patrols import schedules
from modules.patrols.models import Run, Scan
from parkops.extensions import db
from parkops.timeutil import to_local, utcnow
from tests.modules.patrols.test_runs import _answers


def _ms(moment) -> str:
    return str(int(moment.timestamp() * 1000))


def _start(client, park, key, started_at):
    data = {
        "checklist_id": park.water.id,
        "route_id": park.intake.id,
        "idempotency_key": key,
        "started_at": _ms(started_at),
    }
    return client.post("/patrols/runs", data=data)


def test_a_run_started_offline_keeps_its_start_time_and_its_slot(park, as_user, client):
    now = utcnow()
    started = (now - timedelta(hours=3)).replace(microsecond=0)
    due = started.replace(second=0) - timedelta(minutes=10)
    daily = schedules.save_schedule(
        park.water,
        park.intake,
        to_local(due).strftime("%H:%M"),  # a slot ten minutes before the phone's start
        "1234567",
        park.inspector,
        60,
        park.inspector,
    )
    daily.created_at = due - timedelta(days=2)
    db.session.commit()
    as_user(park.inspector)
    first = _start(client, park, "phone-run-1", started)
    assert first.status_code == 303
    again = _start(client, park, "phone-run-1", started)  # the phone sends it twice
    assert again.headers["Location"] == first.headers["Location"]
    (run,) = db.session.scalars(select(Run)).all()
    assert run.started_at == started and run.start_key == "phone-run-1"
    assert run.start_received_at - started >= timedelta(hours=3)  # heard when it synced
    assert (run.schedule_id, run.due_at) == (daily.id, due)  # fulfilled at the phone's time
    # What the phone queued after the start names the run by the key.
    point = park.intake.checkpoints[0]
    data = {"scanned": point.token, "idempotency_key": "scan-1"}
    assert client.post("/patrols/runs/started/phone-run-1/scan", data=data).status_code == 303
    answers = _answers(park, idempotency_key="answers-1")
    posted = client.post("/patrols/runs/started/phone-run-1/answers", data=answers)
    assert posted.status_code == 303 and posted.headers["Location"].endswith(f"/runs/{run.id}")
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1
    typed = {"scanned": "psy-w2", "idempotency_key": "scan-2"}  # the camera failed offline
    assert client.post("/patrols/runs/started/phone-run-1/scan", data=typed).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 2


def test_an_implausible_phone_time_is_refused(park, as_user, client):
    as_user(park.inspector)
    for key, when, reason in (
        ("ahead", utcnow() + timedelta(hours=1), "clock is ahead of the server"),
        ("old", utcnow() - timedelta(days=2), "more than 24 hours ago"),
    ):
        refused = _start(client, park, key, when)
        assert refused.status_code == 422
        assert reason in refused.get_data(as_text=True).replace("&#39;", "'")
    assert db.session.scalar(select(Run.id)) is None


def test_another_users_key_names_no_run(park, as_user, client):
    as_user(park.inspector)
    assert _start(client, park, "mine", utcnow() - timedelta(minutes=5)).status_code == 303
    as_user(park.inspector2)
    data = {"scanned": park.intake.checkpoints[0].token, "idempotency_key": "x"}
    assert client.post("/patrols/runs/started/mine/scan", data=data).status_code == 404
    assert client.post("/patrols/runs/started/nope/answers", data={}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_the_kept_sheet(park, as_user, client, count_queries):
    as_user(park.inspector)
    picked = client.post(
        "/patrols/sheet", data={"checklist_id": park.water.id, "route_id": park.intake.id}
    )
    sheet = f"/patrols/sheets/{park.water.id}/{park.intake.id}"
    assert picked.status_code == 303 and picked.headers["Location"].endswith(sheet)
    page = client.get(sheet).get_data(as_text=True)
    assert "PSY-W2 泵站进水口" in page and "/patrols/runs/started/KEY/scan" in page
    assert client.get(f"/patrols/sheets/{park.water.id}/{park.gate.id}").status_code == 404
    as_user(park.zoo_inspector)
    assert client.get(sheet).status_code == 404
    as_user(park.crew)  # a crew keeps only the sheets of its own schedules
    assert client.get(sheet).status_code == 404
    as_user(park.leader)
    assert client.get(sheet).status_code == 403
    # As many queries for a route of one checkpoint as for one of two.
    as_user(park.inspector)
    client.get(f"/patrols/sheets/{park.water.id}/{park.other_psy.id}")
    client.get(sheet)  # both loaded once, as a phone would have them
    with count_queries() as one:
        client.get(f"/patrols/sheets/{park.water.id}/{park.other_psy.id}")
    with count_queries() as two:
        client.get(sheet)
    assert one.count == two.count
