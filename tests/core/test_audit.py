"""The audit chain: appended in order even by concurrent writers, and ``parkops audit
verify`` finds rows changed or deleted with raw SQL behind the application's back."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from parkops import audit
from parkops.audit import AuditEntry
from parkops.extensions import db


@pytest.fixture
def five(app, make_user):
    actor = make_user("office1", ["office"])
    for n in range(1, 6):
        audit.record("ledger.problem_edited", "problem", n, {"field": "status", "n": n}, actor)
        db.session.commit()
    return actor


def _verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_intact_chain_verifies(app, five):
    assert _verify(app) == (0, "OK: 5 entries\n")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert entries[0].actor_id == five.id


def test_empty_log_verifies(app):
    assert _verify(app) == (0, "OK: 0 entries\n")


def test_details_are_stored_as_json_reads_them_back(app):
    # Dates, decimals and Chinese text go through JSON first, so the hash covers what
    # the database returns on both SQLite and PostgreSQL.
    audit.record(
        "x", "y", None, {"day": date(2026, 11, 30), "sum": Decimal("1.50"), "名": "濮上园"}
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(AuditEntry.details)) == {
        "day": "2026-11-30",
        "sum": "1.50",
        "名": "濮上园",
    }
    assert audit.verify().ok


def test_changed_details_are_found(app, five):
    db.session.execute(
        text("UPDATE audit_entries SET details = :d WHERE seq = 3"),
        {"d": '{"field": "status", "n": 99}'},
    )
    db.session.commit()
    code, output = _verify(app)
    assert code == 1
    assert (
        output
        == "entry 3: content changed after it was written\nFAILED: 1 problem(s) in 5 entries\n"
    )


def test_changed_actor_or_time_is_found(app, five):
    db.session.execute(text("UPDATE audit_entries SET actor_id = NULL WHERE seq = 2"))
    db.session.execute(
        text("UPDATE audit_entries SET at = :at WHERE seq = 4"), {"at": "2020-01-01 00:00:00"}
    )
    db.session.commit()
    assert audit.verify().problems == [
        "entry 2: content changed after it was written",
        "entry 4: content changed after it was written",
    ]


def test_deleted_middle_row_is_found(app, five):
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    db.session.commit()
    code, output = _verify(app)
    assert code == 1
    assert (
        output == "entry 3 is missing (deleted before entry 4)\nFAILED: 1 problem(s) in 4 entries\n"
    )


def test_deleted_last_rows_are_found(app, five):
    db.session.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
    db.session.commit()
    code, output = _verify(app)
    assert code == 1
    assert output == (
        "entries 4 to 5 are missing (deleted at the end of the log)\n"
        "FAILED: 1 problem(s) in 3 entries\n"
    )


def test_everything_deleted_is_found(app, five):
    db.session.execute(text("DELETE FROM audit_entries"))
    db.session.commit()
    assert audit.verify().problems == ["entries 1 to 5 are missing (deleted at the end of the log)"]


def test_a_rewritten_link_is_found(app, five):
    # Someone deletes entry 3 and renumbers 4 to follow 2: the hashes give it away.
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    db.session.execute(
        text(
            "UPDATE audit_entries SET prev_hash = "
            "(SELECT hash FROM audit_entries WHERE seq = 2) WHERE seq = 4"
        )
    )
    db.session.commit()
    problems = audit.verify().problems
    assert "entry 3 is missing (deleted before entry 4)" in problems
    assert "entry 4: content changed after it was written" in problems


def test_deleted_tip_is_found(app, five):
    db.session.execute(text("DELETE FROM audit_head"))
    db.session.commit()
    assert audit.verify().problems == [
        "the chain's tip is missing (the audit_head row was deleted)"
    ]


def test_a_rolled_back_entry_leaves_no_gap(app, five):
    audit.record("ledger.problem_edited", "problem", 9, {})
    db.session.rollback()
    audit.record("ledger.problem_edited", "problem", 10, {})
    db.session.commit()
    assert audit.verify().ok
    assert db.session.scalar(select(func.max(AuditEntry.seq))) == 6


def test_concurrent_writers_make_one_chain(make_app):
    # Two app objects stand for two worker processes writing at the same time,
    # from an empty log (both may try to create the chain's tip).
    apps = [make_app(), make_app()]
    errors = []
    start = threading.Barrier(len(apps))

    def write(app, name):
        with app.app_context():
            try:
                start.wait()
                for n in range(15):
                    audit.record("test.write", name, n, {"n": n})
                    db.session.commit()
            except Exception as error:  # noqa: BLE001  reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(a, f"w{i}")) for i, a in enumerate(apps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with apps[0].app_context():
        result = audit.verify()
        assert (result.checked, result.problems) == (30, [])
        assert db.session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all() == list(
            range(1, 31)
        )
