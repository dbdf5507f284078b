"""``python -m bench load --phones 200``: that many phones at once against the bench's
deployment (N ``parkops serve`` workers and one scheduler on loopback, SQLite or
PostgreSQL), then the rows counted: no error, nothing lost, nothing twice, p95 reported.

Half the phones are visitors (scan page, a fault report with a photo, the confirmation),
half the demo crew (scan page signed in, "inspected, fine"); see bench/phones.py.
The installation is `parkops demo` with the facilities module (its few hundred labels).
"""

import argparse
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench.__main__ import RESULTS, install
from bench.load import percentile_ms, sign_in
from bench.phones import Phone, photo_jpeg, run_phones, summary
from bench.server import serving
from modules.facilities.models import Facility, Inspection, VisitorReport
from parkops.attachments import Attachment
from parkops.auth.models import User
from parkops.demo import PASSWORD
from parkops.extensions import db

CREW = "crew"  # the demo's repair squad at 濮上园


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__)
    parser.add_argument("--phones", type=int, default=200, help="phones at once (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="parkops serve processes")
    parser.add_argument("--seconds", type=float, default=300, help="the run's time bound")
    parser.add_argument("--photo-side", type=int, default=1600, help="photo's long side, px")
    parser.add_argument("--instance", type=Path, help="build there and keep (reused)")
    parser.add_argument("--database-url", help="an empty database (default: SQLite)")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    return parser.parse_args(argv)


def labels(app) -> tuple[list[str], list[str]]:
    """(every label's token, the tokens of the labels the demo crew may inspect)."""
    with app.app_context():
        crew = db.session.scalar(select(User).where(User.username == CREW))
        rows = db.session.execute(select(Facility.token, Facility.site_id).order_by(Facility.id))
        every, crews = [], []
        for token, site_id in rows:
            every.append(token)
            if crew.can_see_site(site_id):
                crews.append(token)
        db.session.remove()
    return every, crews


def counts(app) -> dict[str, int]:
    """The rows the phones add: visitor reports, inspections, attachments."""
    with app.app_context():
        found = {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (
                ("visitor_reports", VisitorReport),
                ("inspections", Inspection),
                ("attachments", Attachment),
            )
        }
        db.session.remove()
    return found


def phones(ports: list[int], count: int, every: list[str], crews: list[str], cookie: str):
    """Even numbers are visitors, odd ones crew; phone i talks to worker i mod N."""
    return [
        Phone(
            number=i,
            port=ports[i % len(ports)],
            token=every[i % len(every)] if i % 2 == 0 else crews[i % len(crews)],
            cookie=None if i % 2 == 0 else cookie,
        )
        for i in range(count)
    ]


def check(before: dict, after: dict, outcome, sent: list[Phone]) -> list[str]:
    """What is lost or doubled: each phone's record exactly once, nothing else."""
    visitors = sum(p.cookie is None for p in sent)
    crew = len(sent) - visitors
    added = {name: after[name] - before[name] for name in after}
    problems = []
    if len(set(outcome.references)) != len(outcome.references):
        problems.append("two visitors got the same reference")
    expected = {"visitor_reports": visitors, "inspections": crew, "attachments": visitors}
    for name, count in expected.items():
        if added[name] != count:
            problems.append(f"{name}: {added[name]} rows added for {count} phones")
    if outcome.inspected != crew or len(outcome.references) != visitors:
        problems.append("not every phone's post was taken")
    return problems


def run(app, settings: dict, instance: Path, args) -> dict:
    """Serves, sends the phones, counts: the report (a dict, as written to --out)."""
    every, crews = labels(app)
    settings = {**settings, "PARKOPS_PROXY_COUNT": "1"}  # each phone's own address
    with serving(settings, app.config["THREADS"], instance / "server.log", args.workers) as up:
        ports = [worker.port for worker in up]
        cookie = sign_in(ports[0], CREW, PASSWORD)
        sent = phones(ports, args.phones, every, crews, cookie)
        before = counts(app)
        outcome = run_phones(sent, args.seconds, photo_jpeg(args.photo_side))
        after = counts(app)
    problems = check(before, after, outcome, sent)
    every_latency = outcome.all_latencies()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "phones": args.phones,
        "workers": args.workers,
        "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0],
        "seconds": round(outcome.seconds, 1),
        "requests": len(every_latency),
        "p50_ms": round(percentile_ms(every_latency, 0.50), 1),
        "p95_ms": round(percentile_ms(every_latency, 0.95), 1),
        "steps": {
            step: {"requests": len(v), "p95_ms": round(percentile_ms(v, 0.95), 1)}
            for step, v in outcome.latencies.items()
        },
        "rows_added": {name: after[name] - before[name] for name in after},
        "errors": outcome.errors,
        "problems": problems,
        "summary": summary(outcome),
    }


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    temporary = args.instance is None
    instance = Path(tempfile.mkdtemp(prefix="parkops-load-")) if temporary else args.instance
    app = None
    try:
        app, settings, _seconds = install(instance, [], args.database_url, ["facilities"])
        print(f"{args.phones} phones against {args.workers} worker(s) …", flush=True)
        report = run(app, settings, instance, args)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print(report["summary"])
        print(f"\n{report['requests']} requests in {report['seconds']} s; rows added:")
        print(f"  {report['rows_added']}")
        for line in report["errors"][:20] + report["problems"]:
            print(f"  ! {line}")
        return 1 if report["errors"] or report["problems"] else 0
    finally:
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        if temporary:
            shutil.rmtree(instance, ignore_errors=True)
