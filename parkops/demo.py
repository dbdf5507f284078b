"""Demo data: what `make run` loads so that every screen shows something real.

Loaded once; a second run finds the marker setting and changes nothing.
The ledger reproduces the notice's own figures: 39 problems, 37 completed and
2 still pushed (17 and 18, the land problems), plus 7 self-found, all completed.
"""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from parkops import audit
from parkops.auth.models import Department, Setting, Site, User
from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, ProgressReport, Source, Status
from parkops.registry import registry

PASSWORD = "parkops-demo"  # noqa: S105  documented demo password, demo installs only

SITES = (("PSY", "濮上园"), ("ZYLZ", "中原绿色庄园"))
DEPARTMENTS = ("办公室", "财审科", "绿化环卫科", "工程维修科", "经营管理科", "纪检监察室", "人事科")

# username, role, display name, department
ACCOUNTS = (
    ("admin", "admin", "系统管理员", "办公室"),
    ("leader", "leader", "王局长", "办公室"),
    ("office", "office", "台账组 李敏", "办公室"),
    ("crew", "crew", "维修专班 赵强", "工程维修科"),
    ("gardener", "gardener", "绿化班 孙丽", "绿化环卫科"),
    ("assessor", "assessor", "考评员 周平", "绿化环卫科"),
    ("cashier", "cashier", "售票员 吴芳", "经营管理科"),
    ("auditor", "auditor", "财审科 郑洁", "财审科"),
    ("finance", "finance", "财务 冯涛", "财审科"),
    ("merchants", "merchants", "商户管理 陈刚", "经营管理科"),
    ("inspector", "inspector", "督导组 褚卫", "纪检监察室"),
)
# Who works across both sites; the others belong to one (crew and gardeners to 濮上园,
# the ticket seller to the zoo at 中原绿色庄园), which object-level checks then enforce.
ALL_SITES_ROLES = {"admin", "leader", "office", "auditor", "finance", "inspector", "merchants"}
HOME_SITE = {"crew": "PSY", "gardener": "PSY", "assessor": "PSY", "cashier": "ZYLZ"}

STILL_PUSHED = {"17", "18"}
SELF_FOUND = (
    "售票窗口监控存在盲区,关键时段无人复核。",
    "部分游乐设施安全检查记录不完整。",
    "园区商户消防器材配置不足、过期未换。",
    "水电费代收代缴台账不清。",
    "临时用工考勤管理不严格。",
    "固定资产出租未经评估即签约。",
    "停车场收费公示不规范。",
)
SELF_FOUND_CATEGORY = (10, 9, 4, 11, 7, 5, 9)
# Which department answers for which category of problems (1 to 11).
CATEGORY_DEPARTMENT = {
    1: "办公室",
    2: "办公室",
    3: "绿化环卫科",
    4: "经营管理科",
    5: "经营管理科",
    6: "办公室",
    7: "人事科",
    8: "办公室",
    9: "纪检监察室",
    10: "纪检监察室",
    11: "财审科",
}
DEPARTMENT_PERSON = {
    "办公室": "office",
    "财审科": "finance",
    "绿化环卫科": "assessor",
    "工程维修科": "crew",
    "经营管理科": "merchants",
    "纪检监察室": "inspector",
    "人事科": "office",
}
PROBLEM_PERSON = {"14": "crew", "35": "auditor", "36": "finance", "31": "inspector"}
START = date(2020, 9, 27)  # the day the inspection team gave its findings


def load() -> bool:
    """Load the demo data once; returns False when it was already there."""
    if db.session.get(Setting, "demo") is not None:
        return False
    sites = {code: Site(code=code, name=name) for code, name in SITES}
    departments = {name: Department(name=name) for name in DEPARTMENTS}
    db.session.add_all([*sites.values(), *departments.values()])
    users = _accounts(sites, departments)
    db.session.flush()
    _ledger(users, departments)
    db.session.add(Setting(key="demo", value="1"))
    audit.record("demo.loaded", "installation", None, {})
    db.session.commit()
    for spec in registry(current_app).specs:
        if spec.demo is not None:
            spec.demo()
    return True


def _accounts(sites, departments) -> dict[str, User]:
    users = {}
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    for username, role, name, department in ACCOUNTS:
        user = admin if username == "admin" and admin else User(username=username)
        user.display_name = name
        user.department = departments[department]
        user.set_password(PASSWORD)
        user.set_roles([role])
        user.all_sites = role in ALL_SITES_ROLES
        user.sites = [sites[HOME_SITE[role]]] if role in HOME_SITE else []
        db.session.add(user)
        users[username] = user
    return users


def _ledger(users: dict[str, User], departments: dict[str, Department]) -> None:
    today = date.today()
    problems = db.session.scalars(select(Problem).order_by(Problem.sort_key)).all()
    for index, text in enumerate(SELF_FOUND, start=1):
        problems.append(
            Problem(
                code=f"S{index}",
                sort_key=1000 + index,
                source=Source.SELF,
                category_number=SELF_FOUND_CATEGORY[index - 1],
                title=text,
                notice_text="",
            )
        )
    for p in problems:
        department = CATEGORY_DEPARTMENT[p.category_number]
        p.department = departments[department]
        p.leader = users["leader"]
        p.person = users[PROBLEM_PERSON.get(p.code, DEPARTMENT_PERSON[department])]
        db.session.add(p)
        if p.code in STILL_PUSHED:
            p.status = Status.IN_PROGRESS
            p.deadline = today + timedelta(days=90 if p.code == "17" else -10)
            _reports(p, users["office"], START, today - timedelta(days=3 if p.code == "17" else 12))
        else:
            p.status = Status.COMPLETED
            p.deadline = START + timedelta(days=90)
            p.completed_on = START + timedelta(days=20 + (p.sort_key % 60))
            _reports(p, users["office"], START, p.completed_on)
        for text in _split_measures(p.notice_text) or [p.title]:
            p.measures.append(
                Measure(
                    text=text,
                    owner=p.person,
                    deadline=p.deadline,
                    status=Status.COMPLETED if p.status == Status.COMPLETED else Status.IN_PROGRESS,
                )
            )


def _split_measures(notice_text: str) -> list[str]:
    """The notice lists measures as 一是…二是…三是…; each becomes a measure."""
    text = notice_text.replace("\n", "")
    pieces, rest = [], text
    for ordinal in "二三四五六":
        head, sep, tail = rest.partition(f"{ordinal}是")
        if not sep:
            break
        pieces.append(head)
        rest = tail
    pieces.append(rest)
    cleaned = [p.removeprefix("一是").strip(" ;；。,，") for p in pieces]
    return [p for p in cleaned if p] if len(cleaned) > 1 else []


def _reports(problem: Problem, author: User, first: date, last: date) -> None:
    """Weekly progress reports from the findings until ``last``."""
    day, week = first + timedelta(days=7), 1
    while day <= last and week <= 12:
        problem.reports.append(
            ProgressReport(
                reported_on=day, author=author, text=f"第{week}周:按整改方案推进,已落实阶段性措施。"
            )
        )
        day, week = day + timedelta(days=7), week + 1
    if last > first and (not problem.reports or problem.reports[-1].reported_on != last):
        problem.reports.append(
            ProgressReport(
                reported_on=last, author=author, text="本周进展:措施持续落实,台账已更新。"
            )
        )
