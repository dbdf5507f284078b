"""``python -m bench load``: phones at once against two workers, each phone's record
exactly once afterwards (a repeated post included), no error.

Timings are not asserted: the run reports p95.
"""

from argparse import Namespace
from pathlib import Path

from sqlalchemy import select

from bench import crowd
from modules.facilities.models import VisitorReport
from parkops import demo
from parkops.extensions import db
from parkops.rectification.services import load_notice


def test_ten_phones_leave_each_record_once_and_no_error(make_app, database_url):
    app = make_app(MODULES=["facilities"])
    with app.app_context():
        load_notice()
        demo.load()
        known = set(db.session.scalars(select(VisitorReport.id)))
    settings = {
        "PARKOPS_INSTANCE_PATH": app.instance_path,
        "PARKOPS_DATABASE_URL": database_url,
        "PARKOPS_MODULES": "facilities",
    }
    args = Namespace(phones=10, workers=2, seconds=240, photo_side=800)

    report = crowd.run(app, settings, Path(app.instance_path), args)

    assert report["errors"] == [] and report["problems"] == []
    # 5 visitors (a report and its photo each), 5 crew (an inspection each); phones 0
    # and 1 posted twice and added nothing the second time.
    assert report["rows_added"] == {"visitor_reports": 5, "inspections": 5, "attachments": 5}
    assert report["steps"]["report with a photo (retry)"]["requests"] == 1
    assert report["steps"]["inspection (retry)"]["requests"] == 1
    assert report["requests"] == 5 * 3 + 5 * 2 + 2
    # Behind the proxy (PARKOPS_PROXY_COUNT=1) each report carries its phone's address,
    # so the per-address limit counts each visitor on their own.
    with app.app_context():
        addresses = [r.ip for r in db.session.scalars(select(VisitorReport)) if r.id not in known]
    assert sorted(addresses) == [f"10.0.0.{n}" for n in (0, 2, 4, 6, 8)]
