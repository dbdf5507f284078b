"""The bench's deployment of several workers (``python -m bench --workers N``): N
``parkops serve`` processes on one installation's database, and one ``parkops scheduler``;
the client threads are spread over them round-robin and every worker answers.

Timings are not asserted: the bench reports them.
"""

import os
from pathlib import Path

from bench.load import hammer, sign_in
from bench.server import serving
from tests.conftest import PASSWORD


def test_two_workers_share_the_load_and_both_answer(app, make_user, database_url):
    make_user("li", ["office"], all_sites=True)
    settings = {
        "PARKOPS_INSTANCE_PATH": app.instance_path,
        "PARKOPS_DATABASE_URL": database_url,
        "PARKOPS_MODULES": ",".join(app.config["MODULES"]),
    }
    log = Path(app.instance_path) / "server.log"
    with serving(settings, threads=2, log=log, workers=2) as workers:
        ports = [worker.port for worker in workers]
        assert len(set(ports)) == 2
        # Each in a session of its own, as separate services: Linux's autogroup then gives
        # each its own share of the CPU instead of one share for the bench and its workers.
        sessions = {os.getsid(worker.pid) for worker in workers}
        assert len(sessions) == 2 and os.getsid(0) not in sessions
        # Signed in on the first worker, the session is valid on the second: one secret key.
        cookie = sign_in(ports[0], "li", PASSWORD)
        for path, user_cookie in (("/healthz", None), ("/", cookie)):
            run = hammer(ports, path, user_cookie, total=8, concurrency=4, seconds=120)
            assert run.errors == 0 and run.requests == 8, (path, run.statuses, _logs(log))
            # Which worker's threads take the shared count first is up to the scheduler:
            # each worker is asked on its own that it answers.
            for port in ports:
                alone = hammer([port], path, user_cookie, total=2, concurrency=1, seconds=120)
                assert alone.errors == 0 and alone.answered[port] == 2, (
                    path,
                    alone.statuses,
                    _logs(log),
                )
    assert (Path(app.instance_path) / "scheduler.log").exists()  # the one scheduler beside them


def _logs(log: Path) -> str:
    """The end of every log of the deployment: what a failed request left there."""
    return "\n".join(
        f"{found.name}: {found.read_text()[-3000:]}" for found in sorted(log.parent.glob("*.log"))
    )
