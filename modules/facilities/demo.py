"""Demo data: a few hundred facilities at both sites, two weeks of patrols, and
repair orders in every state, some past their deadline. Deterministic (seeded)."""

import random
from datetime import timedelta

from sqlalchemy import select

from modules.facilities.models import (
    Facility,
    FacilityType,
    FaultCategory,
    Inspection,
    InspectionResult,
    OrderState,
    Part,
    Priority,
    RejectReason,
    RepairOrder,
    SquadLead,
    Transition,
    VisitorReport,
)
from modules.facilities.registry import ensure_standard_types, new_token, refresh_status
from modules.facilities.reports import evidence_summary, new_reference, repair_time
from parkops.auth.models import Department, Site, User
from parkops.demo import PASSWORD
from parkops.extensions import db
from parkops.rectification.services import link_evidence, problems_for_kind
from parkops.timeutil import business_day, local_midnight_utc, utcnow

AREAS = {
    "PSY": ("北门广场", "湖心岛", "儿童乐园", "樱花大道", "南门停车场"),
    "ZYLZ": ("动物园", "游乐区", "生态农场", "西门广场"),
}
PER_SITE = {"PSY": 160, "ZYLZ": 140}
NAMES = {
    "ride": ("旋转木马", "摩天轮", "碰碰车", "小火车", "海盗船"),
    "playground": ("滑梯", "秋千", "攀爬架", "沙池"),
    "pump": ("一号泵站", "喷泉泵房", "灌溉泵站"),
    "toilet": ("公厕", "第三卫生间"),
    "lamp": ("庭院灯", "路灯"),
    "bench": ("木座椅", "石凳"),
    "sign": ("导览牌", "警示牌", "安全须知牌"),
    "fence": ("湖边护栏", "围栏"),
    "pavilion": ("观景亭", "长廊"),
}
FAULTS = (
    ("座椅靠背木条断裂,有钉子外露", FaultCategory.SEATING),
    ("灯不亮,灯罩破损", FaultCategory.LIGHTING),
    ("护栏松动,一段立柱倾斜", FaultCategory.FENCE),
    ("水龙头漏水,地面湿滑", FaultCategory.WATER_ELECTRIC),
    ("标识牌字迹褪色看不清", FaultCategory.SIGNAGE),
    ("安全带卡扣损坏,无法锁紧", FaultCategory.OTHER),
    ("地面防滑垫破损翘起", FaultCategory.OTHER),
    ("水泵异响,压力不足", FaultCategory.WATER_ELECTRIC),
)
HISTORY_DAYS = 14


def load() -> None:
    if db.session.scalar(select(Facility.id).limit(1)) is not None:
        return
    ensure_standard_types()
    rng = random.Random(14)  # noqa: S311  demo data only
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    crew2 = _second_crew(sites, users)
    types = list(db.session.scalars(select(FacilityType).order_by(FacilityType.id)))
    facilities = _facilities(rng, sites, types)
    db.session.flush()
    _patrols(rng, facilities, {"PSY": users["crew"], "ZYLZ": crew2})
    _orders(rng, facilities, users, crew2)
    db.session.add(SquadLead(site_id=sites["PSY"].id, user_id=users["crew"].id))
    db.session.add(SquadLead(site_id=sites["ZYLZ"].id, user_id=crew2.id))
    db.session.flush()
    for facility in facilities:
        refresh_status(facility)
    db.session.commit()


def _second_crew(sites, users) -> User:
    """The zoo's repair squad: the demo's own `crew` works at 濮上园."""
    user = User(username="crew2", display_name="维修专班 钱进", all_sites=False)
    user.set_password(PASSWORD)
    user.set_roles(["crew"])
    user.sites = [sites["ZYLZ"]]
    user.department = db.session.scalar(select(Department).where(Department.name == "工程维修科"))
    db.session.add(user)
    return user


def _facilities(rng, sites, types) -> list[Facility]:
    today = business_day()
    out = []
    for code, count in PER_SITE.items():
        site = sites[code]
        for n in range(1, count + 1):
            ftype = types[(n - 1) % len(types)]
            area = AREAS[code][n % len(AREAS[code])]
            base = rng.choice(NAMES.get(ftype.code, (ftype.name,)))
            out.append(
                Facility(
                    site_id=site.id,
                    code=f"{code}-{n:04d}",
                    name=f"{area}{base}{n % 7 + 1}号",
                    type_id=ftype.id,
                    type=ftype,
                    area=area,
                    location=f"{area}{rng.choice('东西南北')}侧",
                    installed_on=today - timedelta(days=rng.randint(200, 3000)),
                    team="维修专班",
                    token=new_token(),
                    due_on=today,
                )
            )
    db.session.add_all(out)
    return out


def _patrols(rng, facilities, inspector_by_site) -> None:
    today = business_day()
    inspections = []
    for facility in facilities:
        interval = facility.type.interval_days
        inspector = inspector_by_site[facility.code.split("-")[0]]
        due = today - timedelta(days=HISTORY_DAYS)
        for back in range(HISTORY_DAYS, -1, -1):
            day = today - timedelta(days=back)
            if day < due or rng.random() > (0.6 if back == 0 else 0.9):
                continue
            at = local_midnight_utc(day) + timedelta(hours=8, minutes=rng.randint(0, 480))
            if at > utcnow():
                continue
            inspections.append(
                Inspection(
                    facility_id=facility.id,
                    site_id=facility.site_id,
                    inspector_id=inspector.id,
                    at=at,
                    day=day,
                    due_on=due,
                    result=InspectionResult.FINE,
                )
            )
            facility.last_inspected_at = at
            due = day + timedelta(days=interval)
        facility.due_on = due
    db.session.add_all(inspections)
    db.session.flush()
    # The problems once, not once per inspection: looked up for each of ~1,700 inspections,
    # they were 200 of the demo's 240 s (profiled, tests/core/test_tabs.py on a loaded machine).
    problems = problems_for_kind("facilities.inspection")
    for i in inspections:
        link_evidence(
            "facilities.inspection",
            i.id,
            f"巡查 {i.day.isoformat()} 正常",
            problems,
            site_id=i.site_id,
        )


# state, how many, hours ago reported, past deadline?
PLAN = (
    (OrderState.REPORTED, 5, 2, False),
    (OrderState.REPORTED, 2, 200, True),
    (OrderState.ASSIGNED, 4, 10, False),
    (OrderState.ASSIGNED, 2, 120, True),
    (OrderState.IN_PROGRESS, 4, 20, False),
    (OrderState.IN_PROGRESS, 2, 150, True),
    (OrderState.REPAIRED, 4, 30, False),
    (OrderState.VERIFIED, 14, 300, False),
    (OrderState.VERIFIED, 3, 400, True),
    (OrderState.REJECTED, 3, 100, False),
)
FLOW = (
    OrderState.REPORTED,
    OrderState.ASSIGNED,
    OrderState.IN_PROGRESS,
    OrderState.REPAIRED,
    OrderState.VERIFIED,
)


def _orders(rng, facilities, users, crew2) -> None:
    now = utcnow()
    deadlines = {p: repair_time(p) for p in Priority}
    chosen = rng.sample(facilities, sum(p[1] for p in PLAN))
    supervisor = users["inspector"]
    for state, count, hours_ago, late in PLAN:
        for _ in range(count):
            facility = chosen.pop()
            crew = users["crew"] if facility.code.startswith("PSY") else crew2
            priority = rng.choice(list(Priority))
            reported = now - timedelta(hours=hours_ago + rng.randint(0, 12))
            visitor = state == OrderState.REPORTED and rng.random() < 0.4
            description, category = rng.choice(FAULTS)
            order = RepairOrder(
                facility_id=facility.id,
                facility=facility,
                site_id=facility.site_id,
                state=state,
                priority=priority,
                description=description,
                category=category,
                from_visitor=visitor,
                reported_by_id=None if visitor else crew.id,
                reporter_phone="13800138000" if visitor else "",
                reported_at=reported,
                deadline_at=reported + deadlines[priority],
            )
            if state != OrderState.VERIFIED and not late and order.deadline_at < now:
                order.deadline_at = now + timedelta(hours=rng.randint(2, 48))
            if late and state not in (OrderState.VERIFIED, OrderState.REJECTED):
                order.deadline_at = min(order.deadline_at, now - timedelta(hours=3))
            db.session.add(order)
            db.session.flush()
            _history(order, state, crew, supervisor, reported, late, now)
            link_evidence(
                "facilities.repair_order",
                order.id,
                evidence_summary(order.id, facility.code, order.description),
                site_id=order.site_id,
            )


def _history(order, state, crew, supervisor, reported, late, now) -> None:
    db.session.add(
        Transition(
            order_id=order.id,
            from_state=None,
            to_state=OrderState.REPORTED,
            by_id=order.reported_by_id,
            at=reported,
        )
    )
    if state == OrderState.REJECTED:
        order.reject_reason = RejectReason.DUPLICATE
        order.closed_at = reported + timedelta(hours=3)
        db.session.add(
            Transition(
                order_id=order.id,
                from_state=OrderState.REPORTED,
                to_state=OrderState.REJECTED,
                by_id=supervisor.id,
                at=order.closed_at,
                note="与已有维修单重复",
            )
        )
        return
    steps = FLOW[1 : FLOW.index(state) + 1]
    span = (order.deadline_at - reported) * (1.6 if late else 0.7)
    at, previous = reported, OrderState.REPORTED
    for i, step in enumerate(steps, start=1):
        at = min(reported + span * i / len(FLOW), now - timedelta(minutes=5 * (len(FLOW) - i)))
        by = supervisor if step == OrderState.VERIFIED else crew
        db.session.add(
            Transition(order_id=order.id, from_state=previous, to_state=step, by_id=by.id, at=at)
        )
        previous = step
    if FLOW.index(state) >= 1:
        order.assignees = [crew]
    if FLOW.index(state) >= 3:
        order.labour_minutes = 45
        order.completion_note = "已更换损坏部件,现场清理完毕"
        order.repaired_at = at if state == OrderState.REPAIRED else at - timedelta(minutes=30)
        order.repaired_by_id = crew.id
        db.session.add(
            Part(
                order_id=order.id,
                description="不锈钢螺栓",
                quantity="8",
                cost_fen=3200,
                added_by_id=crew.id,
                added_at=order.repaired_at,
            )
        )
    if state == OrderState.VERIFIED:
        order.verified_by_id = supervisor.id
        order.closed_at = at
    if order.from_visitor:
        _visitor_reports(order, now)


def _visitor_reports(order, now) -> None:
    """The visitor's report that opened the order, and a second visitor's about another
    fault that joined it (as all did before categories): the crew splits it off."""
    common = {"ip": "10.0.0.8", "facility_id": order.facility_id, "order_id": order.id}
    db.session.add_all(
        [
            VisitorReport(
                **common,
                at=order.reported_at,
                reference=new_reference(),
                category=order.category,
                description=order.description,
                phone=order.reporter_phone,
                opened_order=True,
            ),
            VisitorReport(
                **common,
                at=now - timedelta(minutes=40),
                reference=new_reference(),
                category=FaultCategory.FENCE,
                description="旁边的栏杆也松了,小孩容易靠上去",
                opened_order=False,
            ),
        ]
    )
