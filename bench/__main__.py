"""``python -m bench``: build, serve, measure, report. ``python -m bench --help`` for options."""

import argparse
import inspect
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from bench import scenarios as registry
from bench.load import first_visit, hammer, page_weight, sign_in
from bench.measure import queries_per_page, time_operation
from bench.scenarios import Page
from bench.server import environment, parkops, resident_kib, serving
from parkops import create_app
from parkops.auth.models import User
from parkops.demo import PASSWORD
from parkops.extensions import db
from parkops.rectification import readings
from parkops.rectification.models import Measure, Problem, ProgressReport

RESULTS = Path(__file__).parent / "results"
BASELINE = "/healthz"
BUILT = "bench-built.json"  # in the instance folder: its data is complete, reuse it


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="per page (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=30, help="time cap per page (default 30)")
    parser.add_argument("--warmup", type=int, default=20, help="requests per page before timing")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=registry.SCENARIOS,
        help="run only these scenarios (repeatable; default: all)",
    )
    parser.add_argument(
        "--instance",
        type=Path,
        help="instance folder to build in and keep; a complete one is reused as is",
    )
    parser.add_argument(
        "--database-url", help="an empty database to fill (default: SQLite in the instance)"
    )
    parser.add_argument(
        "--no-hundredth",
        action="store_true",
        help="skip the second installation at a hundredth of the volume (no p95 growth)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="parkops serve processes sharing the load (and one parkops scheduler); with"
        " more than one, the pages are measured again with one worker for comparison",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


def scalable(scenario) -> bool:
    """Whether the scenario's setup takes ``scale`` (it can build a hundredth)."""
    return "scale" in inspect.signature(scenario.setup).parameters


def _build(app, scenarios, settings: dict[str, str], instance: Path, scale: float = 1.0) -> dict:
    started = time.perf_counter()
    parkops(["demo"], settings)
    timings = {"demo": round(time.perf_counter() - started, 1)}
    print(f"  parkops demo: {timings['demo']} s")
    for scenario in scenarios:
        began = time.perf_counter()
        with app.app_context():
            scenario.setup(app, scale=scale) if scale != 1.0 else scenario.setup(app)
            db.session.remove()
        name = _name(scenario)
        timings[name] = round(time.perf_counter() - began, 1)
        print(f"  data for {name}: {timings[name]} s")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Planner statistics for the loaded volume now, not when autovacuum gets to it.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        db.session.remove()
    (instance / BUILT).write_text(json.dumps({"setup_seconds": timings}))
    return timings


def _name(scenario) -> str:
    return scenario.__name__.rsplit(".", 1)[1]


def _sizes(app) -> dict[str, int]:
    with app.app_context():
        sizes = {
            "users": db.session.scalar(select(func.count()).select_from(User)),
            "problems": db.session.scalar(select(func.count()).select_from(Problem)),
            "measures": db.session.scalar(select(func.count()).select_from(Measure)),
            "progress_reports": db.session.scalar(select(func.count()).select_from(ProgressReport)),
        }
        db.session.remove()
    return sizes


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _measure_pages(
    app, pages, settings, instance, args, workers: int = 1
) -> tuple[list[dict], int | None]:
    """Each page's figures, and the largest resident memory (KiB) of a worker after the run."""
    threads = app.config["THREADS"]
    results = []
    with serving(settings, threads, instance / "server.log", workers) as started:
        ports = [w.port for w in started]
        port = ports[0]  # the session cookie is valid on every worker: one instance, one key
        cookies = {user: sign_in(port, user, PASSWORD) for user in {p.user for p in pages} - {None}}
        refreshed = 0.0
        for page in pages:
            cookie = cookies.get(page.user)
            if page.user is None and page.returning:
                cookie = first_visit(port, page.path)
            refreshed = _keep_readings_fresh(app, refreshed)
            queries, status = queries_per_page(app, page, PASSWORD)
            print(f"  {page.name} ({page.path}) …", flush=True)
            warm = max(2, len(ports))
            hammer(
                ports, page.path, cookie, total=args.warmup, concurrency=warm, seconds=args.seconds
            )
            run = hammer(
                ports,
                page.path,
                cookie,
                total=args.requests,
                concurrency=args.concurrency,
                seconds=args.seconds,
            )
            results.append(
                {
                    "name": page.name,
                    "path": page.path,
                    "user": page.user,
                    "status": status,
                    "requests": run.requests,
                    "errors": run.errors,
                    "seconds": round(run.seconds, 2),
                    "requests_per_second": round(run.per_second, 1),
                    "p50_ms": round(run.percentile_ms(0.50), 1),
                    "p95_ms": round(run.percentile_ms(0.95), 1),
                    "body_bytes": run.body_bytes,
                    "page_weight_bytes": page_weight(port, page.path, cookie),
                    "queries": queries,
                    "answered_by_worker": list(run.answered.values()),
                }
            )
        rss = max((resident_kib(w.pid) or 0 for w in started), default=0) or None
    return results, rss


def _keep_readings_fresh(app, last: float) -> float:
    """Recomputes the stored indicator figures when the last refresh (``time.monotonic``
    seconds; 0: never) is older than the job's period, between pages, as the scheduler
    keeps them fresh in production (the bench serves without it, so that no job runs
    mid-measurement; otherwise pages would compute stale figures on the request)."""
    if last and time.monotonic() - last < readings.REFRESH_MINUTES * 60:
        return last
    with app.app_context():
        readings.refresh()
        db.session.remove()
    return time.monotonic()


def _against_one_worker(app, pages, settings, instance, args, results) -> int | None:
    """Measures the pages again with one worker; adds each page's
    ``requests_per_second_one_worker`` and ``gain_over_one_worker``; returns its memory."""
    print(f"Measuring {len(pages)} pages again with one worker …")
    single, rss = _measure_pages(app, pages, settings, instance, args, workers=1)
    for r, one in zip(results, single, strict=True):
        rate = one["requests_per_second"]
        r["requests_per_second_one_worker"] = rate
        r["gain_over_one_worker"] = round(r["requests_per_second"] / rate, 2) if rate else None
    return rss


def install(instance: Path, chosen, database_url, modules, scale: float = 1.0):
    """(app, settings, setup seconds) of the bench installation in ``instance``: built
    there at ``scale`` of the scenarios' volume, or reused when complete."""
    instance.mkdir(parents=True, exist_ok=True)
    settings = environment(instance, database_url, modules)
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": database_url,
            "MODULES": modules,
            "WTF_CSRF_ENABLED": False,  # only for the in-process client that counts queries
            "PAGE_CACHE": False,  # the statements counted are the page's own, not a kept copy's
        }
    )
    if (instance / BUILT).exists():
        print(f"Reusing the data in {instance}")
        return app, settings, json.loads((instance / BUILT).read_text())["setup_seconds"]
    print(f"Building the bench installation in {instance} (scale {scale}) …")
    return app, settings, _build(app, chosen, settings, instance, scale)


def _hundredth(instance: Path, temporary: bool, chosen, modules, args, results) -> int | None:
    """Measures the scalable scenarios' pages again on an installation with a hundredth
    of their volume and adds each page's ``p95_hundredth_ms`` and ``p95_growth`` (p95
    at the full volume over p95 at the hundredth); returns that server's memory (KiB)."""
    small = [s for s in chosen if scalable(s)]
    folder = Path(tempfile.mkdtemp(prefix="parkops-bench-100th-")) if temporary else None
    folder = folder or instance.with_name(instance.name + "-hundredth")
    try:
        app, settings, _seconds = install(folder, small, None, modules, scale=0.01)
        with app.app_context():
            pages = [Page("bare route", BASELINE), *(p for s in small for p in s.pages(app))]
            db.session.remove()
        print(f"Measuring {len(pages)} pages at a hundredth of the volume …")
        measured, rss = _measure_pages(app, pages, settings, folder, args)
        with app.app_context():
            db.engine.dispose()
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    p95 = {r["name"]: r["p95_ms"] for r in measured}
    for r in results:
        if p95.get(r["name"]):
            r["p95_hundredth_ms"] = p95[r["name"]]
            r["p95_growth"] = round(r["p95_ms"] / p95[r["name"]], 2)
    return rss


def _ratios(results: list[dict]) -> None:
    base = results[0]  # the bare route, measured first
    for r in results:
        rate = base["requests_per_second"]
        r["ratio_to_bare_route"] = round(r["requests_per_second"] / rate, 3) if rate else None


def _mib(kib: int | None) -> str:
    return f"{kib / 1024:.0f} MiB resident" if kib else "-"


def _table(results: list[dict], operations: list[dict]) -> str:
    head = (
        f"{'page':<28} {'user':<10} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'KiB':>9} {'+assets':>8} {'queries':>7} {'errors':>6} {'p95/100th':>9}"
    )
    workers = "gain_over_one_worker" in results[0]
    head += f" {'x1 worker':>9}" if workers else ""
    lines = [head, "-" * len(head)]
    for r in results:
        ratio = f"{r['ratio_to_bare_route']:.3f}" if r["ratio_to_bare_route"] is not None else "-"
        growth = f"{r['p95_growth']:.2f}" if "p95_growth" in r else "-"
        lines.append(
            f"{r['name'][:28]:<28} {r['user'] or '-':<10} {r['requests_per_second']:>8.1f} "
            f"{ratio:>6} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['body_bytes'] / 1024:>9.1f} {r['page_weight_bytes'] / 1024:>8.1f} "
            f"{r['queries']:>7} {r['errors']:>6} {growth:>9}"
            + (f" {r['gain_over_one_worker'] or 0:>9.2f}" if workers else "")
        )
    if operations:
        lines += ["", f"{'operation':<40} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}"]
        for o in operations:
            lines.append(
                f"{o['name'][:40]:<40} {o['runs']:>5} {o['p50_ms']:>9.1f} {o['p95_ms']:>9.1f} "
                f"{o['queries']:>8.1f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:  # python -m bench load --phones 200 …
        from bench import crowd

        return crowd.main(argv[1:])
    args = _arguments(argv)
    chosen = registry.load(tuple(args.scenario) if args.scenario else registry.SCENARIOS)
    modules = registry.modules_needed(chosen)
    temporary = args.instance is None
    instance = Path(tempfile.mkdtemp(prefix="parkops-bench-")) if temporary else args.instance
    app = None
    try:
        app, settings, setup_seconds = install(instance, chosen, args.database_url, modules)
        with app.app_context():
            pages = [Page("bare route", BASELINE), *(p for s in chosen for p in s.pages(app))]
            operations = [o for s in chosen if hasattr(s, "operations") for o in s.operations(app)]
            db.session.remove()
        print(f"Measuring {len(pages)} pages with {args.workers} worker(s) …")
        results, rss = _measure_pages(app, pages, settings, instance, args, args.workers)
        _ratios(results)
        rss_one = None
        if args.workers > 1:
            rss_one = _against_one_worker(app, pages, settings, instance, args, results)
        rss_small = None
        if not args.no_hundredth and not args.database_url:  # one database URL: one volume
            rss_small = _hundredth(instance, temporary, chosen, modules, args, results)
        timed = [{"name": o.name, **vars(time_operation(app, o))} for o in operations]
        report = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "python": platform.python_version(),
            "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0],
            "server": {
                "threads": app.config["THREADS"],
                "workers": args.workers,
                "host": "127.0.0.1",
                "resident_kib_after_run": rss,
                "resident_kib_after_run_one_worker": rss_one,
                "resident_kib_after_run_hundredth": rss_small,
            },
            "client": {
                "concurrency": args.concurrency,
                "requests_per_page": args.requests,
                "seconds_cap_per_page": args.seconds,
                "warmup": args.warmup,
            },
            "scenarios": [_name(s) for s in chosen],
            "modules": modules,
            "data": _sizes(app),
            "setup_seconds": setup_seconds,
            "pages": results,
            "operations": timed,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print()
        print(_table(results, timed))
        print(
            f"\nServer memory after the run (largest worker): {_mib(rss)};"
            f" at a hundredth: {_mib(rss_small)}"
        )
        if args.workers > 1:
            print(f"x1 worker: req/s with {args.workers} workers over req/s with one")
        print(f"Data: {report['data']}  ·  written to {args.out}")
        failed = [r["name"] for r in results if r["errors"] or r["status"] != 200]
        if failed:
            print(f"Pages that did not answer 200: {', '.join(failed)}", file=sys.stderr)
            return 1
        return 0
    finally:
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        if temporary:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
