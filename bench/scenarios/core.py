"""The core: the ledger, its export, the home page and the weekly report (generated from
the whole ledger: 2,046 problems, 24,000 progress reports), over a ledger grown large.

On top of the demo data (the notice's 39 problems and 7 self-found ones): 200 more
staff accounts and 2,000 self-found problems, each with 3 measures and 12 weekly
progress reports, and a regulation for every fourth one.
"""

import random
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import func, select

from bench.bulk import load_rows
from bench.scenarios import Page
from parkops import audit_mark
from parkops.audit import AuditEntry, AuditHead, _digest
from parkops.auth.models import ROLES, Department, Site, User, UserRole, user_sites
from parkops.demo import PASSWORD
from parkops.extensions import db
from parkops.rectification.models import (
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.reports.models import WeeklyReport
from parkops.timeutil import business_day, utcnow, week_start

MODULES: tuple[str, ...] = ()

STAFF = 200
PROBLEMS = 2_000
AUDIT_ENTRIES = 200_000  # about two years of a park's sign-ins and sensitive changes
MEASURES_EACH = 3
REPORTS_EACH = 12
BUSY_PERSON = "staff001"  # responsible for the most problems: the fullest home page

# Self-found problems in a living ledger: most done, some being pushed, a few late.
STATUS_WEIGHTS = {
    Status.COMPLETED: 70,
    Status.IN_PROGRESS: 20,
    Status.NOT_STARTED: 5,
    Status.LONG_TERM: 5,
}


def setup(app: Flask, scale: float = 1.0) -> None:
    """``scale``: the share of the volume to add (0.01: the hundredth the bench compares
    the large volume with)."""
    rng = random.Random(2020)  # the same data on every run, so runs compare
    staff = _staff(rng, max(1, round(STAFF * scale)))
    _problems(rng, staff, max(1, round(PROBLEMS * scale)))
    _audit_log(rng, staff, max(1, round(AUDIT_ENTRIES * scale)))
    db.session.commit()


def pages(app: Flask) -> list[Page]:
    this_week = week_start(business_day()).isoformat()
    latest = db.session.scalar(select(func.max(WeeklyReport.id)))  # the demo's last week
    busiest = db.session.scalar(
        select(Problem.id)
        .where(Problem.source == Source.SELF)
        .join(ProgressReport)
        .group_by(Problem.id)
        .order_by(func.count(ProgressReport.id).desc(), Problem.id)
        .limit(1)
    )
    return [
        Page("ledger", "/ledger/", "office"),
        Page("ledger, page 11", "/ledger/?page=11", "office"),
        Page("ledger, in progress", "/ledger/?status=in_progress", "office"),
        Page("problem", f"/ledger/problems/{busiest}", "office"),
        Page("people search (picker)", "/people/search?q=staff0", "office"),
        Page("ledger export (.xlsx)", "/ledger/export.xlsx", "office"),
        Page("home, office", "/", "office"),
        Page("home, responsible person", "/", BUSY_PERSON),
        Page("weekly report, generated", f"/reports/weekly/new?week={this_week}", "office"),
        Page("weekly report, submitted (.docx)", f"/reports/weekly/{latest}.docx", "office"),
        Page("audit log", "/audit/", "admin"),
        Page("audit log, one action", "/audit/?action=ledger.problem_updated", "admin"),
    ]


def _staff(rng: random.Random, count: int) -> list[int]:
    """``count`` accounts across the departments and roles; one password hash for speed."""
    password_hash = db.session.scalar(select(User.password_hash).where(User.username == "office"))
    if password_hash is None or not User(password_hash=password_hash).check_password(PASSWORD):
        raise RuntimeError("the demo accounts are missing: run parkops demo first")
    departments = db.session.scalars(select(Department.id).order_by(Department.id)).all()
    sites = db.session.scalars(select(Site.id).order_by(Site.id)).all()
    roles = [r for r in ROLES if r != "admin"]
    rows = [
        {
            "username": f"staff{n:03d}",
            "display_name": f"员工{n:03d}",
            "password_hash": password_hash,
            "department_id": departments[n % len(departments)],
            "all_sites": n % 5 == 0,
        }
        for n in range(1, count + 1)
    ]
    load_rows(db.session, User, rows)
    ids = db.session.scalars(
        select(User.id).where(User.username.like("staff%")).order_by(User.username)
    ).all()
    load_rows(
        db.session,
        UserRole,
        [{"user_id": uid, "role": roles[i % len(roles)]} for i, uid in enumerate(ids)],
    )
    load_rows(
        db.session,
        user_sites,
        [{"user_id": uid, "site_id": rng.choice(sites)} for n, uid in enumerate(ids, 1) if n % 5],
    )
    return list(ids)


def _problems(rng: random.Random, staff: list[int], count: int) -> None:
    today = date.today()
    departments = db.session.scalars(select(Department.id)).all()
    leader = db.session.scalar(select(User.id).where(User.username == "leader"))
    office = db.session.scalar(select(User.id).where(User.username == "office"))
    first = 1 + (db.session.scalar(select(func.count()).where(Problem.source == Source.SELF)) or 0)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    rows = []
    for n in range(first, first + count):
        status = rng.choices(statuses, weights)[0]
        deadline = today + timedelta(days=rng.randint(-200, 120))
        # staff001 answers for one problem in twenty; the others share the rest
        person = staff[0] if n % 20 == 0 else rng.choice(staff)
        rows.append(
            {
                "code": f"S{n}",
                "sort_key": 1000 + n,
                "source": Source.SELF,
                "category_number": 1 + n % 11,
                "title": f"自查问题{n}:{rng.choice(TOPICS)}",
                "notice_text": "",
                "leader_id": leader,
                "department_id": rng.choice(departments),
                "person_id": person,
                "deadline": deadline,
                "status": status,
                "completed_on": deadline - timedelta(days=rng.randint(0, 30))
                if status == Status.COMPLETED
                else None,
            }
        )
    load_rows(db.session, Problem, rows)
    new = db.session.execute(
        select(Problem.id, Problem.person_id, Problem.deadline, Problem.status).where(
            Problem.sort_key >= 1000 + first
        )
    ).all()
    load_rows(
        db.session,
        Measure,
        [
            {
                "problem_id": pid,
                "text": f"措施{k + 1}:{rng.choice(MEASURES)}",
                "owner_id": person if k == 0 else rng.choice(staff),
                "deadline": deadline - timedelta(days=10 * (MEASURES_EACH - k)),
                "status": status,
            }
            for pid, person, deadline, status in new
            for k in range(MEASURES_EACH)
        ],
    )
    load_rows(
        db.session,
        ProgressReport,
        [
            {
                "problem_id": pid,
                "reported_on": today - timedelta(weeks=week),
                "text": f"第{REPORTS_EACH - week}周:{rng.choice(PROGRESS)}",
                "author_id": office,
            }
            for pid, _person, _deadline, _status in new
            for week in range(REPORTS_EACH)
        ],
    )
    load_rows(
        db.session,
        Regulation,
        [
            {
                "problem_id": pid,
                "title": f"《{rng.choice(REGULATIONS)}》",
                "revised": i % 8 == 0,
                "adopted_on": today - timedelta(days=rng.randint(0, 700)),
            }
            for i, (pid, *_rest) in enumerate(new)
            if i % 4 == 0
        ],
    )


TOPICS = (
    "巡查记录填写不完整",
    "库房物资账实不符",
    "合同归档不及时",
    "安全培训覆盖不全",
    "值班制度执行不严",
    "票款交接手续不清",
)
MEASURES = (
    "修订管理办法并组织学习",
    "开展专项检查,逐项整改",
    "明确责任人,建立销号台账",
    "每周通报进展,纳入考核",
)
PROGRESS = (
    "按整改方案推进,已完成阶段性任务。",
    "组织复查,发现问题已现场整改。",
    "制度已修订,正在征求意见。",
)
REGULATIONS = ("物资管理办法", "值班管理制度", "合同管理办法", "安全检查制度")


def _audit_log(rng: random.Random, staff: list[int], count: int) -> None:
    """``count`` entries chained onto the demo's, as ``audit.record`` would write them
    (same keyed hashes, the tip and the high-water mark moved on): sign-ins and problem
    changes by the staff, newest now, one every few minutes before."""
    head = db.session.get(AuditHead, 1)
    seq, prev, key = head.seq, head.hash, audit_mark.key()
    last_problem = db.session.scalar(select(func.max(Problem.id)))
    start = utcnow() - timedelta(minutes=5 * count)
    rows = []
    for n in range(count):
        seq += 1
        actor = rng.choice(staff)
        if n % 3:
            action, object_type, object_id, details = "auth.login", "user", actor, {}
        else:
            problem = rng.randint(1, last_problem)
            changes = {"changes": {"status": ["not_started", "in_progress"]}}
            action, object_type, object_id, details = (
                "ledger.problem_updated",
                "problem",
                problem,
                changes,
            )
        at = start + timedelta(minutes=5 * n)
        digest = _digest(seq, at, actor, action, object_type, object_id, details, prev, key)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor_id": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "details": details,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    load_rows(db.session, AuditEntry, rows)
    head.seq, head.hash = seq, prev
    audit_mark.remember(db.session(), seq, prev)
