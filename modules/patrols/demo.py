"""Demo data: the notice's checklists (each with its purpose), three routes with
checkpoints, the intake's schedule and a week of its clearances at 08:00, 12:00 and
17:00 (one missed), a month of gate duty at 中原绿色庄园 (scheduled daily at 09:30) and
the 15 unannounced inspections since September, findings (one at a facility, which opens
a repair order there, and one at a greening zone when those modules are loaded).
Deterministic (seeded)."""

import random
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from modules.patrols import checklists, routes
from modules.patrols.checklists import ItemData
from modules.patrols.findings import FindingData, add_finding
from modules.patrols.models import (
    Answer,
    AnswerType,
    Checklist,
    ChecklistPurpose,
    FindingState,
    Route,
    Run,
    Scan,
    Schedule,
    Severity,
)
from parkops import subjects
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, local_zone

PF, NUM, CHOICE, TEXT, PHOTO = (
    AnswerType.PASS_FAIL,
    AnswerType.NUMBER,
    AnswerType.CHOICE,
    AnswerType.TEXT,
    AnswerType.PHOTO,
)
CHECKLISTS = (
    # site, name, unannounced, purpose, items
    (
        "PSY",
        "明察暗访：员工作风",
        True,
        ChecklistPurpose.CONDUCT,
        [
            ItemData("在岗在位", PF, weight=3),
            ItemData("着装规范、佩戴工牌", PF),
            ItemData("上班时间不玩手机", PF, weight=2),
            ItemData("服务态度", CHOICE, choices="热情\n一般\n生硬", fail_is_finding=False),
            ItemData("情况说明", TEXT, fail_is_finding=False),
        ],
    ),
    (
        "PSY",
        "水面巡查：泵站进水口",
        False,
        ChecklistPurpose.WATER,
        [
            ItemData("水草覆盖已清理", PF),
            ItemData("进水口漂浮垃圾已打捞", PF, weight=2),
            ItemData("打捞量", NUM, unit="kg", fail_is_finding=False),
            ItemData("非法垂钓", CHOICE, choices="未发现\n发现，已劝离\n发现，已报警"),
            ItemData("清理后照片", PHOTO, fail_is_finding=False),
        ],
    ),
    (
        "ZYLZ",
        "门口停车值守：中原绿色庄园",
        False,
        ChecklistPurpose.GATE_DUTY,
        [
            ItemData("无拉客、非法收费人员", PF, weight=2),
            ItemData("发现拉客人数", NUM, unit="人", fail_is_finding=False, counts_touts=True),
            ItemData("已劝离", CHOICE, choices="无需劝离\n已劝离\n劝离无效"),
            ItemData("已报公安联合处置", CHOICE, choices="无需报警\n已报警", fail_is_finding=False),
        ],
    ),
    (
        "PSY",
        "环卫死角排查",
        False,
        ChecklistPurpose.SANITATION,
        [
            ItemData("垃圾当日清运", PF),
            ItemData("无积存死角", PF, weight=2),
            ItemData("现场照片", PHOTO, fail_is_finding=False),
        ],
    ),
    (
        "PSY",
        "商户抽查",
        False,
        ChecklistPurpose.MERCHANT,
        [
            ItemData("证照公示", PF),
            ItemData("明码标价", PF),
            ItemData("无占道经营", PF),
        ],
    ),
)
ROUTES = (
    (
        "PSY",
        "泵站进水口水面巡线",
        (("PSY-W1", "北岸码头"), ("PSY-W2", "泵站进水口"), ("PSY-W3", "南湾")),
    ),
    ("ZYLZ", "庄园大门停车值守", (("ZY-G1", "大门东侧"), ("ZY-G2", "停车场入口"))),
    (
        "PSY",
        "岗位抽查线",
        (("PSY-P1", "北门售票处"), ("PSY-P2", "游客中心"), ("PSY-P3", "东门岗亭")),
    ),
)
INTAKE_TIMES = (time(8), time(12), time(17))  # the pump-station intake's fixed clearances


def _utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def _run(
    checklist: Checklist, route: Route, user: User, start: datetime, rng, fail_rate, slot=None
):
    """A submitted run with every checkpoint scanned and every item answered; ``slot`` is
    the (schedule, due_at) it fulfils."""
    version = checklist.current_version
    run = Run(
        site_id=route.site_id,
        version_id=version.id,
        route_id=route.id,
        inspector_id=user.id,
        started_at=start,
        submitted_at=start + timedelta(minutes=25),
        schedule_id=slot[0].id if slot else None,
        due_at=slot[1] if slot else None,
    )
    db.session.add(run)
    db.session.flush()
    for n, point in enumerate(route.checkpoints):
        at = start + timedelta(minutes=3 + 6 * n)
        db.session.add(
            Scan(
                run_id=run.id,
                checkpoint_id=point.id,
                scanned_at=at,
                position=point.position,
                code=point.code,
                name=point.name,
            )
        )
    for item in version.items:
        answer = Answer(run_id=run.id, item_id=item.id, answered_at=start + timedelta(minutes=20))
        if item.answer_type == PF:
            answer.passed = rng.random() >= fail_rate
        elif item.answer_type == NUM:
            answer.value = str(rng.randint(0, 30))
        elif item.answer_type == CHOICE:
            answer.value = item.choice_list[0 if rng.random() >= fail_rate else 1]
        elif item.answer_type == TEXT:
            answer.value = ""
        db.session.add(answer)
    summary = f"{checklist.name} · {route.name}"
    link_evidence("patrols.run", run.id, summary, site_id=run.site_id, created_at=start)
    return run


def load() -> None:
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    inspector = db.session.scalar(select(User).where(User.username == "inspector"))
    if inspector is None or not {"PSY", "ZYLZ"} <= set(sites):
        return
    made = {
        name: checklists.save_checklist(
            None, sites[code].id, name, unannounced, items, inspector, purpose
        )
        for code, name, unannounced, purpose, items in CHECKLISTS
    }
    paths = {
        name: routes.create_route(sites[code].id, name, list(points), inspector)
        for code, name, points in ROUTES
    }
    rng = random.Random(12)
    today = business_day()
    water, intake = made["水面巡查：泵站进水口"], paths["泵站进水口水面巡线"]
    clearances = Schedule(
        site_id=intake.site_id,
        checklist_id=water.id,
        route_id=intake.id,
        times=" ".join(t.strftime("%H:%M") for t in INTAKE_TIMES),
        weekdays="1234567",
        assignee_id=inspector.id,
        window_minutes=60,
        created_at=_utc(today - timedelta(days=7), time(0)),
    )
    db.session.add(clearances)
    db.session.flush()
    for days_ago in range(7, 0, -1):
        for at in INTAKE_TIMES:
            if (days_ago, at) == (3, time(12)):
                continue  # the missed clearance of the week
            due = _utc(today - timedelta(days_ago), at)
            start = due + timedelta(minutes=rng.randint(0, 20))
            _run(water, intake, inspector, start, rng, 0.1, (clearances, due))
    gate, duty = made["门口停车值守：中原绿色庄园"], paths["庄园大门停车值守"]
    gate_duty = Schedule(
        site_id=duty.site_id,
        checklist_id=gate.id,
        route_id=duty.id,
        times="09:30",
        weekdays="1234567",
        assignee_id=inspector.id,
        window_minutes=60,
        created_at=_utc(today - timedelta(days=30), time(0)),
    )
    db.session.add(gate_duty)
    db.session.flush()
    for days_ago in range(30, 0, -1):
        due = _utc(today - timedelta(days_ago), time(9, 30))
        _run(gate, duty, inspector, due, rng, 0.25, (gate_duty, due))
    # 明察暗访: 15 unannounced inspections since September, at irregular hours.
    conduct, posts = made["明察暗访：员工作风"], paths["岗位抽查线"]
    september = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    span = max((today - september).days, 15)
    for n in range(15):
        day = september + timedelta(days=n * span // 15)
        _run(conduct, posts, inspector, _utc(day, time(rng.randint(8, 17), 10)), rng, 0.2)
    _findings(sites, inspector, today)
    # Subjects and reactions link to their pages (url_for): the demo runs outside a request.
    with current_app.test_request_context("/"):
        _findings_at_places(sites["PSY"].id, inspector, today)
    db.session.commit()


def _findings(sites, inspector: User, today: date) -> None:
    """Findings open (one past its deadline), fixed and waiting, and verified."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    leader, gardener = users.get("leader"), users.get("gardener")
    psy, zylz = sites["PSY"].id, sites["ZYLZ"].id
    rows = (
        (psy, "北门售票处工作人员上班时间玩手机", gardener, gardener, -3, FindingState.OPEN),
        (psy, "泵站进水口漂浮垃圾未按时打捞", None, inspector, 2, FindingState.OPEN),
        (zylz, "大门东侧发现拉客收费人员两名", None, leader, 1, FindingState.FIXED),
        (psy, "东门厕所后环卫死角积存垃圾", None, inspector, -10, FindingState.VERIFIED),
        (psy, "商户占道经营", None, inspector, -5, FindingState.VERIFIED),
    )
    for site_id, summary, person, owner, days, state in rows:
        data = FindingData(summary, Severity.NORMAL, person=person, owner=owner)
        finding = add_finding(site_id, data, inspector)
        finding.deadline = today + timedelta(days=days)
        finding.state = state
        if state != FindingState.OPEN:
            finding.fixed_by_id, finding.fix_note = owner.id, "已整改"
            finding.fixed_at = _utc(today - timedelta(days=1), time(15))
        if state == FindingState.VERIFIED:
            finding.verified_by_id = (leader or inspector).id
            finding.verified_at = _utc(today, time(9))


# (subject kind, text its search matches, summary); a kind whose module is not loaded
# finds nothing and is skipped.
PLACES = (
    ("facilities.facility", "泵", "水泵异响，出水压力不足"),
    ("greening.zone", "银杏林", "林下杂草丛生，落叶未清理"),
)


def _findings_at_places(site_id: int, inspector: User, today: date) -> None:
    """Open findings naming a place, so the reacting modules answer (facilities opens a
    repair order and the finding shows its link)."""
    for kind, text, summary in PLACES:
        found = [s for s in subjects.search(kind, text, inspector, 50) if s.site_id == site_id]
        if not found:
            continue
        data = FindingData(f"{found[0].label}：{summary}", subject=found[0], owner=inspector)
        finding = add_finding(site_id, data, inspector)
        finding.deadline = today + timedelta(days=5)
