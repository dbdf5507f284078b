"""The ledger's order (the notice's by section, category and number, then the self-found
ones) is the sort key's, so a page of the list is read from the sort key's index: its
cost does not grow with the ledger's length or the page's distance from the first."""

import json

import pytest
from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification import ledger_list, services
from parkops.rectification.models import Category, Problem, Source
from parkops.rectification.services import LedgerFilter, ledger_order_holds
from parkops.timeutil import business_day

from .test_ledger_pages import add_self_found

INSPECTION, SELF = Source.INSPECTION, Source.SELF


def test_the_sort_key_gives_the_ledgers_order_for_the_notice_and_self_found(ledger):
    add_self_found(1, 30)
    keys = db.session.execute(
        select(
            Problem.source, Category.section_number, Problem.category_number, Problem.sort_key
        ).join(Problem.category)
    ).all()
    assert len(keys) == 69 and ledger_order_holds([tuple(k) for k in keys])
    # Self-found problems follow their number whatever their category …
    assert ledger_order_holds([(INSPECTION, 1, 1, 1), (SELF, 4, 11, 1001), (SELF, 1, 1, 1002)])
    # … but a notice numbered against its sections would not be in the ledger's order.
    assert not ledger_order_holds([(INSPECTION, 1, 2, 1), (INSPECTION, 1, 1, 2)])


def test_a_notice_numbered_out_of_order_is_refused(app, tmp_path, monkeypatch):
    notice = json.loads(services.NOTICE_FILE.read_text(encoding="utf-8"))
    first = notice["problems"][0]
    first["category"] = notice["categories"][-1]["number"]  # problem 1 under the last heading
    bad = tmp_path / "notice.json"
    bad.write_text(json.dumps(notice, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(services, "NOTICE_FILE", bad)
    with app.app_context(), pytest.raises(ValueError, match="numbered section by section"):
        services.load_notice()


def test_a_far_page_is_read_from_the_index_without_sorting_the_ledger(ledger):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan's words are SQLite's")
    add_self_found(1, 600)
    page = ledger_list.ledger_rows(LedgerFilter(), business_day()).limit(50).offset(500)
    sql = str(page.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " / ".join(row[-1] for row in db.session.execute(db.text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "ix_rect_problems_sort_key" in plan and "TEMP B-TREE" not in plan, plan
    codes = [row.code for row in db.session.execute(page)]
    assert codes == [f"S{n}" for n in range(462, 512)]  # after the notice's 39
