"""User text with no spaces wraps on a phone (390 px) instead of widening the page."""

import pytest
from sqlalchemy import select

from parkops.extensions import db

pytestmark = pytest.mark.e2e

RUN = "x" * 1000  # a visitor's 补充说明 of 1,000 "x", as the tester typed it


def _long_texts(app) -> tuple[int, int]:
    """Put RUN into a repair order's description and a problem's progress report;
    returns (order id, problem id)."""
    from modules.facilities.models import RepairOrder
    from parkops.auth.models import User
    from parkops.rectification.models import Problem, ProgressReport
    from parkops.timeutil import business_day

    with app.app_context():
        order = db.session.scalars(select(RepairOrder).order_by(RepairOrder.id.desc())).first()
        order.description = RUN
        problem = db.session.scalar(select(Problem).where(Problem.code == "14"))
        office = db.session.scalar(select(User).where(User.username == "office"))
        db.session.add(
            ProgressReport(
                problem_id=problem.id, reported_on=business_day(), text=RUN, author_id=office.id
            )
        )
        db.session.commit()
        return order.id, problem.id


def test_a_long_unbroken_text_wraps_at_390px(live_server, phone, sign_in, screenshot):
    order_id, problem_id = _long_texts(live_server.app)
    sign_in(phone, "admin")
    for path in (f"/facilities/orders/{order_id}", f"/ledger/problems/{problem_id}"):
        phone.goto(path)
        assert RUN in phone.content()
        screenshot(phone, path.strip("/").replace("/", "-"))
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.evaluate("innerWidth"), f"{path} is {width} px wide"
