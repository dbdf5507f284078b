"""A weekly report's files: the .docx (official format) and the .xlsx 台账 as of that week.

Both are built from the report's data (a frozen snapshot, or a live preview), so
they say what the report said that week.
"""

from datetime import date

from parkops.documents import Document
from parkops.reports import wording
from parkops.spreadsheet import Book, Column


def weekly_docx(data: dict, unit: str, year: int, number: int, note: str, on: date) -> bytes:
    doc = Document(wording.WEEKLY_TITLE)
    doc.title(wording.WEEKLY_TITLE, red=True)
    doc.centered(wording.issue_line(year, number))
    doc.masthead_line(f"报送单位:{unit}", wording.cn_date(on))
    week = data["week"]
    doc.paragraph(f"(报告周期:{wording.cn_date(week['start'])}至{wording.cn_date(week['end'])})")
    if note:
        doc.paragraph(note)
    doc.heading("一、总体进展", 1)
    for line in wording.overview(data["totals"]):
        doc.paragraph(line)
    doc.heading("二、分类完成情况", 1)
    doc.table(
        ("类别", "问题数", "已完成", "推进中", "完成率"),
        [
            (
                c["title"],
                str(c["total"]),
                str(c["completed"]),
                str(c["in_progress"]),
                f"{c['percent']}%",
            )
            for c in data["totals"]["categories"]
        ],
        (48, 13, 13, 13, 13),
        centered=(1, 2, 3, 4),
    )
    doc.heading("三、各问题整改进展(逾期事项在前)", 1)
    doc.table(
        wording.WEEKLY_HEADERS,
        [wording.problem_row(n, p) for n, p in enumerate(data["problems"], start=1)],
        wording.WEEKLY_WIDTHS,
        centered=(0, 3, 4),
    )
    return doc.to_bytes()


LEDGER_COLUMNS = (
    Column("编号", 8),
    Column("问题类别", 22),
    Column("问题", 40),
    Column("责任领导", 12),
    Column("责任部门", 14),
    Column("责任人", 12),
    Column("完成时限", 12, "date"),
    Column("整改状态", 10),
    Column("是否逾期", 8),
    Column("完成日期", 12, "date"),
    Column("措施落实", 10),
    Column("待办措施", 40),
    Column("本周进展", 40),
    Column("制度", 40),
    Column("监测指标", 30),
)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def weekly_xlsx(data: dict, year: int, number: int) -> bytes:
    """The 台账 as of the report's week: one row per problem, and the totals."""
    book = Book(f"{wording.WEEKLY_TITLE} {wording.issue_line(year, number)}")
    sheet = book.sheet("台账", LEDGER_COLUMNS)
    for p in data["problems"]:
        m = p["measures"]
        sheet.append(
            [
                p["code"],
                p["category"],
                p["title"],
                p["leader"],
                p["department"],
                p["person"],
                _day(p["deadline"]),
                wording.STATUS[p["status"]],
                "是" if p["overdue"] else "",
                _day(p["completed_on"]),
                f"{m['done']}/{m['total']}",
                "\n".join(f"{d['text']}({d['deadline'] or '未定'})" for d in m["due"]),
                "\n".join(f"{r['on']} {r['text']}" for r in p["reports"]),
                "\n".join(f"《{r['title']}》" for r in p["regulations"]),
                "\n".join(f"{i['label']}:{i['text']}" for i in p["indicators"]),
            ]
        )
    sheet.filter()
    totals = book.sheet(
        "汇总",
        (
            Column("项目", 48),
            Column("问题数", 10, "number"),
            Column("已完成", 10, "number"),
            Column("推进中", 10, "number"),
            Column("完成率", 10, "percent"),
        ),
    )
    t = data["totals"]
    for label, rate in [("巡察反馈问题", t["inspection"]), ("自查问题", t["self"])] + [
        (f"{c['number']}. {c['title']}", c) for c in t["categories"]
    ]:
        share = rate["completed"] / rate["total"] if rate["total"] else 0
        totals.append([label, rate["total"], rate["completed"], rate["in_progress"], share])
    totals.append([])
    totals.append(["整改措施(已落实/总数)", t["measures"]["total"], t["measures"]["done"]])
    totals.append(["新建和修订制度", t["regulations"]["total"]])
    return book.to_bytes()
