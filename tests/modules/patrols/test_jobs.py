"""Overdue follow-ups escalate to the owner and the site's leaders once a local day."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from modules.patrols import findings, jobs
from modules.patrols.findings import FindingData
from modules.patrols.models import FindingState
from parkops.extensions import db
from parkops.notify import Notification


def _finding(app, park, summary, deadline, owner):
    with app.test_request_context():
        made = findings.record_finding(
            park.psy.id, FindingData(summary, owner=owner), park.inspector, None, lambda f: ""
        )
    made.deadline = deadline
    db.session.commit()
    return made


def _told() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Notification).order_by(Notification.id))
    return [(n.user_id, n.body) for n in rows]


def test_overdue_follow_ups_reach_owner_and_leader_once_a_local_day(app, park):
    _finding(app, park, "进水口堵塞", date(2026, 3, 4), park.inspector2)
    _finding(app, park, "明天到期", date(2026, 3, 5), park.inspector2)
    done = _finding(app, park, "已验收", date(2026, 3, 1), park.inspector2)
    done.state = FindingState.VERIFIED
    db.session.commit()
    # 2026-03-04 16:30 UTC is 00:30 on 3-05 in Shanghai: the first is past its deadline.
    assert jobs.escalate_overdue_followups(datetime(2026, 3, 4, 16, 30, tzinfo=UTC)) == 1
    told = _told()
    assert sorted(u for u, _b in told) == sorted([park.inspector2.id, park.leader.id])
    assert all(body == "2026-03-04 进水口堵塞" for _u, body in told)
    # Later the same local day: nothing again.
    assert jobs.escalate_overdue_followups(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)) == 0
    # 3-05 15:59 UTC is still 3-05 23:59 locally; 16:00 UTC is the next local day.
    assert jobs.escalate_overdue_followups(datetime(2026, 3, 5, 15, 59, tzinfo=UTC)) == 0
    assert jobs.escalate_overdue_followups(datetime(2026, 3, 5, 16, 0, tzinfo=UTC)) == 1
    assert len(_told()) == 4
    assert "明天到期" in _told()[-1][1]


def test_a_leader_of_another_site_is_not_told(app, park, make_user):
    make_user("zooleader", ["leader"], sites=[park.zylz])
    _finding(app, park, "进水口堵塞", date(2026, 3, 4), park.inspector2)
    jobs.escalate_overdue_followups(datetime(2026, 3, 6, 1, 0, tzinfo=UTC))
    assert sorted(u for u, _b in _told()) == sorted([park.inspector2.id, park.leader.id])
