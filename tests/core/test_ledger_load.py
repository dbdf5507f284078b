"""`parkops init` loads the notice's 39 problems exactly as worded."""

from sqlalchemy import func, select

from parkops.extensions import db
from parkops.rectification.models import Category, Problem, Section
from parkops.rectification.services import load_notice


def test_notice_loads_39_problems_in_4_sections_and_11_categories(app):
    assert load_notice() == 39
    assert db.session.scalar(select(func.count()).select_from(Problem)) == 39
    assert db.session.scalar(select(func.count()).select_from(Category)) == 11
    assert db.session.scalar(select(func.count()).select_from(Section)) == 4


def test_loading_twice_adds_nothing(app):
    load_notice()
    assert load_notice() == 0
    assert db.session.scalar(select(func.count()).select_from(Problem)) == 39


def test_titles_with_lost_punctuation_are_transcribed(app):
    load_notice()
    titles = dict(db.session.execute(select(Problem.code, Problem.title)).all())
    assert titles["11"].startswith("2017年以来园区经营收入")
    assert titles["12"].startswith("2017年以来园区工程建设资金缺口较大")
    assert titles["33"] == "“三转”不到位。"
    assert titles["35"].startswith("2019年出现动物园售票员私分票款")
    assert titles["14"] == "设施维护不及时。"


def test_problems_sit_in_their_categories(app):
    load_notice()
    problem = db.session.scalar(select(Problem).where(Problem.code == "36"))
    assert problem.category.number == 11
    assert problem.category.section.number == 4
    assert "催办提醒函" in problem.notice_text
