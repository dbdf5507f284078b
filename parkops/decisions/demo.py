"""Demo: a dozen decisions of the party committee and director's meetings since the
findings, most done with their evidence, a few open, one overdue. Made through the
services; loaded once (nothing is added when a decision exists already)."""

from datetime import timedelta
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from parkops.auth.models import Department, User
from parkops.decisions import services
from parkops.decisions.models import Decision, MeetingKind
from parkops.extensions import db
from parkops.rectification.demo import demo_pdf
from parkops.rectification.models import Problem
from parkops.timeutil import business_day

P, D = MeetingKind.PARTY_COMMITTEE, MeetingKind.DIRECTORS
# (meeting, days ago, decision, department, person, days to the deadline, done, problems)
DECISIONS = (
    (
        P,
        420,
        "修订党委议事规则和局长办公会议事规则,厘清议事范围。",
        "办公室",
        "office",
        30,
        True,
        ("19",),
    ),
    (
        P,
        410,
        "建立重要会议决定事项工作督导制度,会议决定事项一律建立台账。",
        "纪检监察室",
        "inspector",
        20,
        True,
        ("19",),
    ),
    (
        D,
        400,
        "对园区游乐设施开展安全大检查,建立日检周检记录。",
        "工程维修科",
        "crew",
        30,
        True,
        ("14",),
    ),
    (D, 380, "票务管理制度印发执行,售票窗口监控全覆盖。", "财审科", "auditor", 45, True, ("35",)),
    (P, 360, "成立专项清理应收款工作小组,逐户核对欠款。", "财审科", "finance", 90, True, ("36",)),
    (D, 330, "制定公务接待管理办法,严控接待标准。", "办公室", "office", 30, True, ("37",)),
    (P, 300, "开展干部队伍建设调研,制定干部培育计划。", "人事科", "office", 60, True, ("20",)),
    (
        D,
        200,
        "绿化养护实行考评,考评结果与养护经费挂钩。",
        "绿化环卫科",
        "assessor",
        60,
        True,
        ("4",),
    ),
    (
        P,
        90,
        "成立建业杂技之窗项目工作领导小组,争取解决园区土地问题。",
        "经营管理科",
        "merchants",
        180,
        False,
        ("17", "18"),
    ),
    (
        D,
        60,
        "完成园区国有资产清查,林木确权资料报市财政局。",
        "经营管理科",
        "merchants",
        40,
        False,
        ("18",),
    ),
    (D, 20, "组织停车场收费公示牌统一更换。", "经营管理科", "merchants", 30, False, ()),
    (
        P,
        10,
        "下半年党风廉政建设专题会议,部署廉政风险防控。",
        "纪检监察室",
        "inspector",
        60,
        False,
        ("30",),
    ),
)


def load() -> None:
    if db.session.scalar(select(Decision.id).limit(1)) is not None:
        return
    users = {u.username: u for u in db.session.scalars(select(User))}
    if "office" not in users:
        return
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    problems = {p.code: p.id for p in db.session.scalars(select(Problem))}
    office, leader = users["office"], users["leader"]
    today = business_day()
    for kind, ago, text, department, person, days, done, codes in DECISIONS:
        meeting_on = today - timedelta(days=ago)
        decision = services.add(
            services.Values(
                meeting_kind=kind,
                meeting_on=meeting_on,
                text=text,
                deadline=meeting_on + timedelta(days=days),
                leader_id=leader.id,
                department_id=departments[department].id,
                person_id=users[person].id,
                problem_ids=[problems[c] for c in codes],
            ),
            office,
        )
        services.add_note(
            decision, "已部署落实,责任部门按计划推进。", leader, meeting_on + timedelta(days=7)
        )
        if done:
            upload = FileStorage(BytesIO(demo_pdf(f"ParkOps demo - decision {decision.id}")))
            upload.filename = f"decision-{decision.id}.pdf"
            finished = meeting_on + timedelta(days=days - 5)
            services.complete(
                decision, decision.version, "已按期完成,材料归档。", upload, office, finished
            )
