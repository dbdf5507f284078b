"""The demo ledger: the notice's own figures, worked as the office would have kept them.

39 problems, 37 completed and 2 still pushed (17 and 18, the land problems);
7 self-found problems, all completed. Measures come from the notice's
一是…二是… lists, regulations from the 《…》 it says were adopted or revised,
progress reports weekly from the findings to completion.
"""

import re
from datetime import date, timedelta
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from parkops.attachments import store_document
from parkops.auth.models import Department, User
from parkops.extensions import db
from parkops.rectification.edits import REGULATION_OWNER
from parkops.rectification.models import (
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.rectification.services import SELF_FOUND_OFFSET
from parkops.timeutil import week_start

START = date(2020, 9, 27)  # the day the inspection team gave its findings
STILL_PUSHED = {"17", "18"}
# (category, problem, what was done)
SELF_FOUND = (
    (
        10,
        "售票窗口监控存在盲区,关键时段无人复核。",
        "增设监控点位,售票窗口全覆盖;建立关键时段双人复核制度。",
    ),
    (
        9,
        "部分游乐设施安全检查记录不完整。",
        "统一游乐设施日检、周检记录表,由维修专班每日签字归档。",
    ),
    (
        4,
        "园区商户消防器材配置不足、过期未换。",
        "逐户排查消防器材,督促更换过期灭火器,纳入商户月度检查。",
    ),
    (11, "水电费代收代缴台账不清。", "建立水电费代收代缴台账,按月与商户核对并签字确认。"),
    (7, "临时用工考勤管理不严格。", "临时用工实行指纹考勤,考勤结果与劳务费结算挂钩。"),
    (5, "固定资产出租未经评估即签约。", "资产出租前委托评估,出租方案经局长办公会研究后公开招租。"),
    (9, "停车场收费公示不规范。", "停车场入口统一设置收费公示牌,公布收费标准和监督电话。"),
)
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
# Measures that describe a standing routine rather than a one-off task.
ROUTINE = re.compile("每天|每日|每周|每月|定期|常态|长效")
ADOPTION = re.compile(r"(制定|制订|修订|出台|印发|完善)[^《。;；]{0,10}((?:《[^》]+》[、和及]?)+)")
REGULATION_WORDS = re.compile("制度|办法|规则|方案|计划|意见|细则|规定|清单")
WITH_FILE = {"35", "36", "37"}  # a few regulations carry a (demo) PDF
# The notice counts 57 measures for its 39 problems: one each, and two for the
# first problems whose text lists several (一是…二是…; the rest of the list joins
# the second). Self-found problems have one measure each, counted apart.
NOTICE_MEASURES = 57
# The notice counts 52 regulations adopted or revised, but names only some of them;
# these are the rest (problem, title, revised), as the office's 台账 would list them.
UNNAMED_REGULATIONS = (
    ("1", "濮上生态园区管理局党委“第一议题”学习制度", False),
    ("3", "濮上生态园区管理局意识形态工作责任制实施办法", False),
    ("3", "濮上生态园区管理局微信工作群管理办法", False),
    ("5", "濮上生态园区管理局园区生态治理工作方案", False),
    ("7", "濮上生态园区管理局绿化养护考核细则", False),
    ("8", "濮上生态园区管理局景区经营项目管理办法", False),
    ("10", "濮上生态园区管理局营销宣传工作制度", False),
    ("12", "濮上生态园区管理局游乐设施安全管理制度", True),
    ("14", "濮上生态园区管理局设施设备维修管理办法", False),
    ("15", "濮上生态园区管理局环境卫生管理考核办法", True),
    ("16", "濮上生态园区管理局招商项目退出管理办法", False),
    ("18", "濮上生态园区管理局国有资产管理办法", True),
    ("19", "濮上生态园区管理局重要会议决定事项工作督导制度", False),
    ("19", "濮上生态园区管理局党委会、局长办公会议题会前申报制度", False),
    ("20", "濮上生态园区管理局中层干部选拔任用办法", True),
    ("21", "濮上生态园区管理局干部考核评价办法", False),
    ("23", "濮上生态园区管理局党支部“三会一课”制度", True),
    ("24", "濮上生态园区管理局党员组织关系管理办法", False),
    ("25", "濮上生态园区管理局谈心谈话制度", False),
    ("26", "濮上生态园区管理局主题党日活动制度", False),
    ("27", "濮上生态园区管理局党风廉政建设责任制考核办法", True),
    ("29", "濮上生态园区管理局售检票管理制度", True),
    ("30", "濮上生态园区管理局廉政风险防控管理办法", False),
    ("32", "濮上生态园区管理局信访举报处理办法", False),
    ("33", "濮上生态园区管理局执纪审查工作规程", False),
    ("36", "濮上生态园区管理局合同管理办法", True),
    ("37", "濮上生态园区管理局公务用车管理制度", True),
    ("39", "濮上生态园区管理局工程建设项目管理办法", False),
)


def load(users: dict[str, User], departments: dict[str, Department], today: date) -> None:
    """Fill the loaded notice's ledger; the caller commits."""
    problems = db.session.scalars(select(Problem).order_by(Problem.sort_key)).all()
    listing = [p.code for p in problems if len(split_measures(p.notice_text)) > 1]
    two = set(listing[: NOTICE_MEASURES - len(problems)])
    for n, (category, title, done) in enumerate(SELF_FOUND, start=1):
        problems.append(
            Problem(
                code=f"S{n}",
                sort_key=SELF_FOUND_OFFSET + n,
                source=Source.SELF,
                category_number=category,
                title=title,
                notice_text=done,
            )
        )
    for p in problems:
        department = CATEGORY_DEPARTMENT[p.category_number]
        p.department = departments[department]
        p.leader = users["leader"]
        p.person = users[PROBLEM_PERSON.get(p.code, DEPARTMENT_PERSON[department])]
        db.session.add(p)
        if p.code in STILL_PUSHED:
            _still_pushed(p, users["office"], today, 2 if p.code in two else 1)
        else:
            p.status = Status.COMPLETED
            p.deadline = START + timedelta(days=90)
            p.completed_on = START + timedelta(days=20 + (p.sort_key % 60))
            _reports(p, users["office"], START, p.completed_on)
            _measures(p, Status.COMPLETED, p.deadline, 2 if p.code in two else 1)
    db.session.flush()
    for p in problems:
        _regulations(p, users["office"])
    by_code = {p.code: p for p in problems}
    for code, title, revised in UNNAMED_REGULATIONS:
        problem = by_code[code]
        adopted_on = problem.completed_on or START + timedelta(days=30)
        problem.regulations.append(Regulation(title=title, revised=revised, adopted_on=adopted_on))


def _still_pushed(problem: Problem, office: User, today: date, measures: int) -> None:
    """17 runs to plan; 18 is past its deadline and its last report is 12 days old."""
    problem.status = Status.IN_PROGRESS
    if problem.code == "17":
        problem.deadline = today + timedelta(days=90)
        _reports(problem, office, START, today - timedelta(days=3))
    else:
        problem.deadline = today - timedelta(days=10)
        _reports(problem, office, START, today - timedelta(days=12))
    _measures(problem, Status.IN_PROGRESS, problem.deadline, measures)
    # One measure falls due this week, so the office's home page has something to chase.
    problem.measures[0].deadline = week_start(today) + timedelta(days=6)


def _measures(problem: Problem, status: Status, deadline: date | None, count: int) -> None:
    """``count`` measures (1 or 2) from the notice's list of what was done."""
    pieces = split_measures(problem.notice_text) or [problem.notice_text or problem.title]
    if count == 1 or len(pieces) == 1:
        texts = [";".join(pieces)]
    else:
        texts = [pieces[0], ";".join(pieces[1:])]
    for text in texts:
        routine = status == Status.COMPLETED and ROUTINE.search(text)
        problem.measures.append(
            Measure(
                text=text.strip(),
                owner=problem.person,
                deadline=None if routine else deadline,
                status=Status.LONG_TERM if routine else status,
            )
        )


def split_measures(notice_text: str) -> list[str]:
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


def adopted_regulations(notice_text: str) -> list[tuple[str, bool]]:
    """(title, revised) for each 《regulation》 the notice says was adopted or revised."""
    found = []
    for match in ADOPTION.finditer(notice_text):
        for title in re.findall(r"《([^》]+)》", match.group(2)):
            if REGULATION_WORDS.search(title) and title not in {t for t, _r in found}:
                found.append((title, match.group(1) == "修订"))
    return found


def _regulations(problem: Problem, office: User) -> None:
    adopted_on = problem.completed_on or START + timedelta(days=30)
    for title, revised in adopted_regulations(problem.notice_text):
        regulation = Regulation(title=title, revised=revised, adopted_on=adopted_on)
        problem.regulations.append(regulation)
        if problem.code in WITH_FILE:
            db.session.flush()
            upload = FileStorage(BytesIO(demo_pdf(f"ParkOps demo - regulation {regulation.id}")))
            upload.filename = f"regulation-{problem.code}.pdf"
            regulation.attachment = store_document(
                upload, REGULATION_OWNER, regulation.id, office.id
            )


def demo_pdf(line: str) -> bytes:
    """A one-page PDF showing ``line`` (ASCII): small, but a real, valid document."""
    safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 760 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _reports(problem: Problem, author: User, first: date, last: date) -> None:
    """Weekly progress reports: the first weeks after the findings and the weeks up to ``last``."""
    weeks = []
    day = first + timedelta(days=7)
    while day < last:
        weeks.append(day)
        day += timedelta(days=7)
    first_weeks, last_weeks = weeks[:12], weeks[12:][-6:]
    for week, day in enumerate(first_weeks, start=1):
        text = f"第{week}周:按整改方案推进,已落实阶段性措施。"
        problem.reports.append(ProgressReport(reported_on=day, author=author, text=text))
    for day in last_weeks:
        text = "持续推进:与相关部门对接,项目前期工作按计划进行。"
        problem.reports.append(ProgressReport(reported_on=day, author=author, text=text))
    if last > first:
        text = "本周进展:措施持续落实,台账已更新。"
        problem.reports.append(ProgressReport(reported_on=last, author=author, text=text))
