"""Demo: the weekly reports of the past three weeks, submitted, and the notice's draft.

Made through the services, like the office would; loaded once (nothing is added
when a report exists already).
"""

from datetime import timedelta

from sqlalchemy import select

from parkops.auth.models import User
from parkops.extensions import db
from parkops.reports import notice, services
from parkops.reports.models import WeeklyReport
from parkops.timeutil import business_day, week_start

NOTES = (
    "本周各责任部门按整改台账推进,已完成事项持续巩固;土地问题(17、18)与建业集团继续对接,"
    "国有资产清查结果已报市财政局。",
    "本周召开整改工作推进会,督导组对逾期事项逐项督办;新修订制度已印发各部门学习执行。",
    "本周完成整改台账更新,第18项逾期原因已书面说明,下周由分管领导带队对接市自然资源局。",
)


def load() -> None:
    if db.session.scalar(select(WeeklyReport.id).limit(1)) is not None:
        return
    office = db.session.scalar(select(User).where(User.username == "office"))
    if office is None:
        return
    today = business_day()
    this_week = week_start(today)
    for weeks_ago, note in zip((3, 2, 1), NOTES, strict=True):
        services.submit(this_week - timedelta(weeks=weeks_ago), note, office, today)
    notice.make_draft(office)
