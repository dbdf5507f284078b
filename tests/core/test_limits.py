"""Limits hold under concurrency (issue 15): real threads, each its own client and session.

Thirty wrong passwords for one account sent at once from thirty addresses: exactly
``LOGIN_MAX_FAILURES`` passwords are checked, the rest are refused as locked.
"""

import threading

from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.extensions import db
from tests.conftest import PASSWORD


def run_at_once(count: int, send) -> list[int]:
    """``send(n)`` in ``count`` threads released together; their status codes."""
    barrier = threading.Barrier(count)
    codes: list[int] = [0] * count

    def worker(n: int) -> None:
        barrier.wait()
        codes[n] = send(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def actions(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_concurrent_wrong_passwords_check_exactly_the_limit(app, make_user):
    make_user("seller", ["cashier"])
    limit = app.config["LOGIN_MAX_FAILURES"]
    db.session.commit()

    def send(n: int) -> int:
        client = app.test_client()
        return client.post(
            "/login",
            data={"username": "seller", "password": f"wrong {n}"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        ).status_code

    codes = run_at_once(30, send)
    assert codes == [401] * 30
    db.session.expire_all()
    assert actions("auth.login_failed") == limit  # passwords checked
    assert actions("auth.login_locked") == 30 - limit
    # The right password is refused too while the account is locked.
    locked = app.test_client().post("/login", data={"username": "seller", "password": PASSWORD})
    assert locked.status_code == 401
