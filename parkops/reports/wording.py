"""The fixed wording of the documents themselves (周报, 通报), in Chinese.

These are official documents sent to the inspection team or published: they are
written in Chinese whatever language the clerk's screen is in, so their wording
is kept here as document text, not as interface messages.
"""

from datetime import date

STATUS = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "completed": "已完成",
    "long_term": "长期坚持",
}
NUMERALS = "零一二三四五六七八九十"
WEEKLY_TITLE = "巡察整改工作进展情况周报"
WEEKLY_HEADERS = (
    "序号",
    "问题",
    "责任领导/部门/责任人",
    "完成时限",
    "整改状态",
    "本周进展、措施和制度",
)
WEEKLY_WIDTHS = (6, 22, 13, 14, 10, 35)


def cn_date(day: date | str | None) -> str:
    """2026年11月30日."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


def dotted_date(day: str | None) -> str:
    """2026.11.30: a date in a table cell."""
    return date.fromisoformat(day).strftime("%Y.%m.%d") if day else ""


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (up to 99), for 一、 and （一）."""
    if n <= 10:
        return NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens] if tens > 1 else "") + "十" + (NUMERALS[ones] if ones else "")


def issue_line(year: int, number: int) -> str:
    return f"{year}年第{number}期"


def overview(totals: dict) -> list[str]:
    """The totals as the report's opening paragraphs."""
    i, s, m, r = totals["inspection"], totals["self"], totals["measures"], totals["regulations"]
    lines = [
        f"巡察反馈问题{i['total']}个,已整改完成{i['completed']}个,完成率{i['percent']}%;"
        f"正在推进{i['in_progress']}个。举一反三自查问题{s['total']}个,已完成{s['completed']}个。",
        f"整改措施{m['total']}条,已落实{m['done']}条;新建和修订制度{r['total']}项"
        f"(新建{r['new']}项、修订{r['revised']}项),本周新增{r['this_week']}项。",
    ]
    if totals["overdue"]:
        lines.append(f"逾期未完成问题{totals['overdue']}个,列于表首。")
    if totals["at_risk"]:
        lines.append(f"已完成但监测指标出现反弹风险的问题{totals['at_risk']}个,已标注。")
    return lines


def problem_progress(p: dict) -> str:
    """The last column of the weekly table: the week's reports, measures, regulations."""
    lines = [f"{cn_date(r['on'])}:{r['text']}" for r in p["reports"]] or ["本周无进展报告。"]
    m = p["measures"]
    lines.append(f"措施:已落实{m['done']}/{m['total']}条。")
    for due in m["due"]:
        late = "(已逾期)" if due["overdue"] else ""
        lines.append(f"待办:{due['text']}(时限{cn_date(due['deadline']) or '未定'}){late}")
    if p["regulations"]:
        lines.append("制度:" + "、".join(f"《{r['title']}》" for r in p["regulations"]))
    for risk in p["at_risk"]:
        lines.append(f"反弹风险:{risk['label']} {risk['text']}")
    return "\n".join(lines)


def problem_row(n: int, p: dict) -> tuple[str, ...]:
    owners = "\n".join(x for x in (p["leader"], p["department"], p["person"]) if x)
    status = STATUS[p["status"]] + ("\n(逾期)" if p["overdue"] else "")
    label = f"{p['code']}. {p['title']}" if p["code"].isdigit() else f"{p['code']} {p['title']}"
    return (str(n), label, owners, dotted_date(p["deadline"]) or "—", status, problem_progress(p))
