"""The demo's stored indicator figures (and its weekly reports, which keep them) are made
after every module's demo records exist, not before: the first page after `parkops demo`
shows real figures."""

from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification.readings import IndicatorReading
from parkops.registry import registry
from tests.demo_copy import load_demo


def test_figures_stored_by_the_demo_are_those_of_its_data(app):
    assert load_demo()
    declared = {i.name: i for i in registry(app).indicators}
    stored = db.session.scalars(
        select(IndicatorReading).where(IndicatorReading.indicator.startswith("facilities."))
    ).all()
    assert stored  # the weekly reports read them
    for reading in stored:
        text, ok = declared[reading.indicator].compute(None)
        assert (reading.text, reading.ok) == (str(text), ok), reading.indicator
