"""The demo's stored indicator figures (and its weekly reports, which keep them) are made
after every module's demo records exist, not before: the first page after `parkops demo`
shows real figures."""

from sqlalchemy import select

from parkops import demo
from parkops.extensions import db
from parkops.rectification.readings import IndicatorReading
from parkops.rectification.services import load_notice
from parkops.registry import registry


def test_figures_stored_by_the_demo_are_those_of_its_data(app):
    load_notice()
    assert demo.load()
    declared = {i.name: i for i in registry(app).indicators}
    stored = db.session.scalars(
        select(IndicatorReading).where(IndicatorReading.indicator.startswith("facilities."))
    ).all()
    assert stored  # the weekly reports read them
    for reading in stored:
        text, ok = declared[reading.indicator].compute(None)
        assert (reading.text, reading.ok) == (str(text), ok), reading.indicator
