"""The scheduler: which jobs it holds, that a failing job is logged and the rest go on,
and the processes that run it (``parkops scheduler``, ``parkops serve``)."""

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from sqlalchemy import func, select

from parkops.extensions import db
from parkops.registry import JobSpec, ModuleSpec
from parkops.scheduler import JobClaim, build_scheduler, housekeeping, once
from parkops.timeutil import utcnow
from tests.core.local_servers import closed_port

HERE = "tests.core.test_scheduler"  # this file is also a module: its `spec` declares jobs below


def _claims(job):
    return db.session.scalar(select(func.count()).select_from(JobClaim).where(JobClaim.job == job))


def _fails():
    raise RuntimeError("the mail server is on fire")


def _writes():
    # Needs an app context and the database, as real jobs do.
    n = _claims("scheduled.writes")
    once("scheduled.writes", f"run-{n + 1}")
    return n + 1


spec = ModuleSpec(
    name="scheduled",
    label="Scheduled",
    jobs=(
        JobSpec("scheduled.fails", _fails, "interval", {"hours": 1}),
        JobSpec("scheduled.writes", _writes, "cron", {"hour": 6}),
    ),
)


@pytest.fixture
def sched_app(make_app):
    app = make_app(MODULES=[HERE])
    with app.app_context():
        yield app


def test_holds_every_declared_job_and_the_core_ones(sched_app):
    scheduler = build_scheduler(sched_app, blocking=False)
    assert {j.id for j in scheduler.get_jobs()} == {
        "core.housekeeping",
        "rectification.weekly_reminder",
        "rectification.indicator_readings",
        "reports.weekly_due",
        "decisions.overdue_reminder",
        "scheduled.fails",
        "scheduled.writes",
    }
    assert scheduler.timezone == ZoneInfo("Asia/Shanghai")
    scheduler.start(paused=True)  # job defaults apply when the jobs are scheduled
    try:
        job = scheduler.get_job("scheduled.writes")
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    finally:
        scheduler.shutdown()


def test_time_zone_is_a_setting(make_app):
    app = make_app(TIMEZONE="Europe/Berlin")
    assert build_scheduler(app, blocking=False).timezone == ZoneInfo("Europe/Berlin")


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(sched_app, caplog):
    scheduler = build_scheduler(sched_app, blocking=False)
    executed = []
    done = threading.Condition()

    def listen(event):
        with done:
            executed.append(event.job_id)
            done.notify_all()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        for expected in (2, 4):
            for name in ("scheduled.fails", "scheduled.writes"):
                scheduler.modify_job(name, next_run_time=datetime.now(scheduler.timezone))
            with done:
                assert done.wait_for(lambda n=expected: len(executed) == n, timeout=20)
    finally:
        scheduler.shutdown()
    assert caplog.text.count("scheduled job scheduled.fails failed") == 2
    assert "the mail server is on fire" in caplog.text
    db.session.rollback()
    assert _claims("scheduled.writes") == 2  # ran twice, each time in its own app context


def test_list_prints_jobs_and_next_runs(sched_app):
    result = sched_app.test_cli_runner().invoke(args=["scheduler", "--list"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.output.splitlines())
    assert set(lines) == {
        "core.housekeeping",
        "rectification.weekly_reminder",
        "rectification.indicator_readings",
        "reports.weekly_due",
        "decisions.overdue_reminder",
        "scheduled.fails",
        "scheduled.writes",
    }
    assert lines["rectification.weekly_reminder"].endswith("08:00 CST")
    monday = datetime.strptime(lines["rectification.weekly_reminder"][:10], "%Y-%m-%d")
    assert monday.weekday() == 0
    assert lines["scheduled.writes"].endswith("06:00 CST")


def test_run_once_runs_one_job_now(sched_app):
    runner = sched_app.test_cli_runner()
    result = runner.invoke(args=["scheduler", "--run-once", "scheduled.writes"])
    assert (result.exit_code, result.output) == (0, "scheduled.writes done: 1\n")
    result = runner.invoke(args=["scheduler", "--run-once", "scheduled.writes"])
    assert result.output == "scheduled.writes done: 2\n"
    assert _claims("scheduled.writes") == 2


def test_run_once_of_a_failing_job_exits_non_zero(sched_app, caplog):
    with caplog.at_level(logging.ERROR):
        result = sched_app.test_cli_runner().invoke(
            args=["scheduler", "--run-once", "scheduled.fails"]
        )
    assert result.exit_code == 1
    assert "scheduled.fails failed" in result.output
    assert "the mail server is on fire" in caplog.text


def test_run_once_of_an_unknown_job_names_the_known_ones(sched_app):
    result = sched_app.test_cli_runner().invoke(args=["scheduler", "--run-once", "nope"])
    assert result.exit_code == 2
    assert "no job 'nope'" in result.output
    assert "scheduled.writes" in result.output


def test_housekeeping_deletes_only_what_has_expired(app, make_user):
    old = utcnow() - timedelta(days=401)
    db.session.add_all(
        [
            JobClaim(job="j", period="2025-W01", claimed_at=old),
            JobClaim(job="j", period="2026-W48"),
        ]
    )
    db.session.commit()
    assert housekeeping()["job claims"] == 1
    assert db.session.scalars(select(JobClaim.period)).all() == ["2026-W48"]


# The processes: started for real, as an operator or a service manager does.


def _start(args, tmp_path, **env):
    environ = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PARKOPS_INSTANCE_PATH": str(tmp_path),
        "PARKOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'parkops.db'}",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from parkops.console import main; main()", *args],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _read_until(process, marker, timeout=30):
    # A reader thread, so that a silent process cannot block the test past its deadline.
    lines: queue.Queue = queue.Queue()
    process.reader = threading.Thread(
        target=lambda: [lines.put(x) for x in process.stdout], daemon=True
    )
    process.reader.start()
    process.lines = lines
    seen = []
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    process.kill()
    pytest.fail(f"{marker!r} never came; output:\n{''.join(seen)}")


def _stop(process):
    """Interrupt the process; what it printed after ``_read_until`` returned."""
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    process.reader.join(timeout=5)
    return "".join(process.lines.queue)


def _listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("in_serve", [True, False])
def test_serve_starts_the_scheduler_unless_told_not_to(tmp_path, in_serve):
    port = closed_port()
    process = _start(
        ["serve", "--port", str(port)],
        tmp_path,
        PARKOPS_SCHEDULER_IN_SERVE="true" if in_serve else "false",
    )
    output = _read_until(process, "ParkOps at")
    try:
        deadline = time.monotonic() + 20
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _listening(port)
    finally:
        output += _stop(process)
    if in_serve:
        assert "Scheduler started:" in output
        assert 'Added job "rectification.weekly_reminder"' in output  # APScheduler's own log
    else:
        assert "Scheduler not started here" in output
        assert "Scheduler started" not in output
        assert "Added job" not in output


def test_scheduler_command_runs_until_interrupted(tmp_path):
    process = _start(["scheduler"], tmp_path)
    output = _read_until(process, "Scheduler running")
    output += _stop(process)
    assert process.returncode == 0, output
    assert "Scheduler stopped." in output
