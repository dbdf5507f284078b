"""The audit chain is keyed and checked against a high-water mark outside the database
(issue 15): a cut tail with the tip moved back, a wiped log, and an edit with the
chain recomputed are all found; an installation's unkeyed chain verifies as legacy."""

import json

import pytest
from sqlalchemy import select, text

from parkops import audit, audit_mark
from parkops.audit import AuditEntry, AuditHead
from parkops.extensions import db


@pytest.fixture
def five(app, make_user):
    actor = make_user("office1", ["office"])
    for n in range(1, 6):
        audit.record("ledger.problem_edited", "problem", n, {"n": n}, actor)
        db.session.commit()
    return actor


def _verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def _rechain(key: bytes | None) -> None:
    """What an attacker with SQL access does: recompute every hash and the tip."""
    prev = audit.GENESIS
    for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        fields = (e.seq, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.details)
        e.prev_hash = prev
        e.hash = prev = audit._digest(*fields, prev, key)
    head = db.session.get(AuditHead, 1)
    last = db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    head.seq, head.hash = last or 0, prev
    db.session.commit()


def test_the_mark_follows_committed_entries_only(app, five):
    mark = audit_mark.read(audit_mark.mark_path())
    assert (mark.seq, mark.keyed_from) == (5, 1)
    audit.record("ledger.problem_edited", "problem", 6, {})
    db.session.rollback()
    assert audit_mark.read(audit_mark.mark_path()).seq == 5


def test_a_cut_tail_with_the_tip_moved_back_is_found(app, five):
    db.session.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
    db.session.commit()
    _rechain(None)  # the tip now agrees with entry 3
    code, output = _verify(app)
    assert code == 1
    assert "entries 4 to 5 are missing (deleted at the end of the log)" in output


def test_a_wiped_log_is_found(app, five):
    db.session.execute(text("DELETE FROM audit_entries"))
    db.session.execute(text("DELETE FROM audit_head"))
    db.session.commit()
    code, output = _verify(app)
    assert code == 1
    assert "entries 1 to 5 are missing (deleted at the end of the log)" in output


@pytest.mark.parametrize("key", [None, b"a guessed key"])
def test_an_edit_with_the_chain_recomputed_is_found(app, five, key):
    db.session.execute(text("UPDATE audit_entries SET object_id = 99 WHERE seq = 2"))
    db.session.commit()
    _rechain(key)
    code, output = _verify(app)
    assert code == 1
    assert "entry 2: content changed after it was written" in output


def test_an_unkeyed_chain_from_before_the_upgrade_verifies_as_legacy(app, five):
    """An older installation: its entries carry plain SHA-256 and it has no mark yet."""
    path = audit_mark.mark_path()
    path.unlink()
    _rechain(None)
    assert _verify(app)[0] == 1  # no mark: the end cannot be checked
    audit.start_mark()  # what `parkops init` does after the upgrade
    assert audit_mark.read(path).keyed_from == 6
    audit.record("ledger.problem_edited", "problem", 6, {})
    db.session.commit()
    assert _verify(app) == (0, "OK: 6 entries\n")
    e = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 6))
    fields = (e.seq, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.details)
    assert e.hash == audit._digest(*fields, e.prev_hash, audit_mark.key())  # keyed from here


def test_backup_copies_the_mark(app, five, tmp_path):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PostgreSQL is backed up with pg_dump")
    target = tmp_path / "copy.db"
    assert app.test_cli_runner().invoke(args=["backup", str(target)]).exit_code == 0
    copied = json.loads((tmp_path / "copy.db.audit_mark.json").read_text())
    assert copied["seq"] == 5
