"""Demo data: what `make run` loads so that every screen shows something real.

Loaded once; a second run finds the marker setting and changes nothing.
The ledger (parkops.rectification.demo) reproduces the notice's own figures:
39 problems, 37 completed and 2 still pushed, plus 7 self-found, all completed.
"""

from flask import current_app
from sqlalchemy import select

from parkops import audit
from parkops.auth.models import Department, Setting, Site, User
from parkops.auth.services import DEMO_KEY, mark_demo
from parkops.extensions import db
from parkops.rectification import demo as ledger_demo
from parkops.registry import registry
from parkops.timeutil import business_day

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


def load() -> bool:
    """Load the demo data once; returns False when it was already there."""
    if db.session.get(Setting, DEMO_KEY) is not None:  # the database's word, not a kept one
        return False
    sites = {code: Site(code=code, name=name) for code, name in SITES}
    departments = {name: Department(name=name) for name in DEPARTMENTS}
    db.session.add_all([*sites.values(), *departments.values()])
    users = _accounts(sites, departments)
    db.session.flush()
    ledger_demo.load(users, departments, business_day())
    mark_demo()
    audit.record("demo.loaded", "installation", None, {})
    db.session.commit()
    demos = [spec for spec in registry(current_app).specs if spec.demo is not None]
    # The weekly reports keep the indicator figures of their day: made last, once every
    # module's records are there.
    for spec in sorted(demos, key=lambda spec: spec.name == "reports"):
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
        user.must_change_password = False  # demo accounts share a documented password
        user.set_roles([role])
        user.all_sites = role in ALL_SITES_ROLES
        user.sites = [sites[HOME_SITE[role]]] if role in HOME_SITE else []
        db.session.add(user)
        users[username] = user
    return users
