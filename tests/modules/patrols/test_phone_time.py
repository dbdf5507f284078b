"""Scans, answers and the submission queued on a phone keep the time they were made
there (modules/patrols/phone_time.py): bounded by the server's clock and the run's
start, and shown beside the time received when the two differ."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from modules.patrols import phone_time
from modules.patrols.errors import PatrolError
from modules.patrols.models import Answer, Run, Scan
from parkops.extensions import db
from parkops.timeutil import utcnow
from tests.modules.patrols.test_offline_start import _ms
from tests.modules.patrols.test_runs import _answers, _scan, _start


@pytest.fixture
def run(park, as_user, client):
    """The inspector's run, started an hour ago."""
    as_user(park.inspector)
    started = _start(client, park)
    started.started_at = started.start_received_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return started


def _scanned(run) -> Scan:
    db.session.expire_all()
    return db.session.scalar(select(Scan).where(Scan.run_id == run.id))


def test_a_scan_made_offline_keeps_the_phones_time(park, run, client):
    made = (utcnow() - timedelta(minutes=30)).replace(microsecond=0)
    point = park.intake.checkpoints[0]
    assert _scan(client, run, point, "s-1", made_at=_ms(made)).status_code == 303
    scan = _scanned(run)
    assert scan.scanned_at == made
    assert scan.received_at - made >= timedelta(minutes=30)


def test_answers_and_the_submission_keep_the_phones_time(park, run, client):
    for n, point in enumerate(park.intake.checkpoints):
        made = utcnow() - timedelta(minutes=40 - n)
        assert _scan(client, run, point, f"s-{n}", made_at=_ms(made)).status_code == 303
    made = (utcnow() - timedelta(minutes=20)).replace(microsecond=0)
    posted = _answers(park, idempotency_key="a-1", submit="1", made_at=_ms(made))
    assert client.post(f"/patrols/runs/{run.id}/answers", data=posted).status_code == 303
    db.session.expire_all()
    answers = db.session.scalars(select(Answer).where(Answer.run_id == run.id)).all()
    assert {a.answered_at for a in answers} == {made}
    done = db.session.get(Run, run.id)
    assert done.submitted_at == made and done.submit_received_at - made >= timedelta(minutes=20)


def test_without_a_phone_time_the_time_received_is_kept(park, run, client):
    assert _scan(client, run, park.intake.checkpoints[0], "s-1").status_code == 303
    scan = _scanned(run)
    assert scan.scanned_at == scan.received_at


def test_a_clock_a_little_ahead_is_taken_as_the_time_received(park, run, client):
    ahead = utcnow() + timedelta(minutes=3)
    point = park.intake.checkpoints[0]
    assert _scan(client, run, point, "s-1", made_at=_ms(ahead)).status_code == 303
    scan = _scanned(run)
    assert scan.scanned_at == scan.received_at < ahead


def test_a_clock_far_ahead_is_refused_with_its_reason(park, run, client):
    ahead = utcnow() + timedelta(minutes=10)
    refused = _scan(client, run, park.intake.checkpoints[0], "s-1", made_at=_ms(ahead))
    assert refused.status_code == 422
    assert "The phone&#39;s clock is ahead of the server&#39;s" in refused.get_data(as_text=True)
    assert _scanned(run) is None


def test_a_time_more_than_a_day_old_is_refused(park, run, client):
    run.started_at = utcnow() - timedelta(hours=30)
    db.session.commit()
    old = utcnow() - timedelta(hours=25)
    posted = _answers(park, idempotency_key="a-1", made_at=_ms(old))
    refused = client.post(f"/patrols/runs/{run.id}/answers", data=posted)
    assert refused.status_code == 422
    assert "more than 24 hours ago" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Answer.id).where(Answer.run_id == run.id)) is None


def test_nothing_in_a_run_is_made_before_its_start(park, run, client):
    behind = run.started_at - timedelta(minutes=4)  # the phone's clock runs behind
    assert (
        _scan(client, run, park.intake.checkpoints[0], "s-1", made_at=_ms(behind)).status_code
        == 303
    )
    assert _scanned(run).scanned_at == db.session.get(Run, run.id).started_at


def test_the_run_page_shows_the_time_received_only_when_it_differs(park, run, client):
    w1, w2 = park.intake.checkpoints
    made = utcnow() - timedelta(minutes=30)
    _scan(client, run, w1, "s-1", made_at=_ms(made))
    _scan(client, run, w2, "s-2")
    page = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    assert page.count("(received ") == 1
    w1_line = page.split("PSY-W1", 1)[1].split("</li>", 1)[0]
    assert "(received " in w1_line


@pytest.mark.parametrize(
    ("shift", "taken"),
    [
        (None, "now"),
        (timedelta(minutes=4), "now"),
        (timedelta(minutes=-90), "made"),
        (timedelta(hours=-23), "made"),
    ],
)
def test_the_rule(shift, taken, app):
    now = utcnow()
    made = None if shift is None else now + shift
    assert phone_time.bounded(made, now) == (now if taken == "now" else made)


@pytest.mark.parametrize("shift", [timedelta(minutes=6), timedelta(hours=-25)])
def test_the_rule_refuses(shift, app):
    now = utcnow()
    with app.test_request_context(), pytest.raises(PatrolError):
        phone_time.bounded(now + shift, now)
