"""Long lists of zones and tasks come a page at a time, and the gardener's open
tasks are found through the index of open tasks, however many years of done ones."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text

from modules.greening import bands, rounds, scores, tasks, zones
from modules.greening.bands import BandData
from modules.greening.models import Assessment, Round, Task
from modules.greening.views.tasks import TASKS_SHOWN
from modules.greening.views.zones import MINE_SHOWN
from parkops.extensions import db
from parkops.paging import PER_PAGE
from parkops.timeutil import business_day, utcnow
from tests.modules.greening.test_scores import scored_round


def _zone_codes(page: str) -> list[str]:
    return re.findall(r">(PSY-G\d+)</a></td>", page)


def test_the_zone_list_comes_a_page_at_a_time_and_search_reaches_every_zone(
    client, as_user, grove, make_zone
):
    for n in range(1, PER_PAGE + 6):
        make_zone(code=f"PSY-G{n:03d}", responsible=grove.gardener2)
    as_user(grove.office)
    first = client.get("/greening/").get_data(as_text=True)
    assert len(_zone_codes(first)) == PER_PAGE and f"({PER_PAGE + 5})" in first
    assert 'class="pager"' in first
    second = client.get("/greening/?page=2").get_data(as_text=True)
    assert _zone_codes(second) == [f"PSY-G{n:03d}" for n in range(PER_PAGE + 1, PER_PAGE + 6)]
    # A page past the end (a kept link, the list shrank since) shows the last page.
    past = client.get("/greening/?page=9").get_data(as_text=True)
    assert _zone_codes(past) == _zone_codes(second) and "Page 2 of 2" in past
    found = client.get(f"/greening/?q=G{PER_PAGE + 3:03d}").get_data(as_text=True)
    assert _zone_codes(found) == [f"PSY-G{PER_PAGE + 3:03d}"]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in f"G{PER_PAGE + 3:03d}")  # "Ｇ０２３"
    found = client.get(f"/greening/?q={wide}").get_data(as_text=True)
    assert _zone_codes(found) == [f"PSY-G{PER_PAGE + 3:03d}"]  # a Chinese input method's


def test_a_gardener_sees_a_few_of_her_zones_and_a_link_to_all_of_them(
    client, as_user, grove, make_zone
):
    for n in range(1, MINE_SHOWN + 4):
        make_zone(code=f"PSY-G{n:03d}")
    make_zone(code="PSY-G900", responsible=grove.gardener2)
    as_user(grove.gardener)
    page = client.get("/greening/").get_data(as_text=True)
    mine = page.split('id="mine-head"')[1].split("</section>")[0]
    assert mine.count("<li>") == MINE_SHOWN and f"({MINE_SHOWN + 3})" in mine
    assert 'id="zones-mine-all"' in mine
    only_mine = client.get("/greening/?mine=1").get_data(as_text=True)
    assert len(_zone_codes(only_mine)) == MINE_SHOWN + 3 and "PSY-G900" not in only_mine


def test_the_gardeners_tasks_come_a_page_at_a_time_counted_in_full(
    client, as_user, grove, make_zone
):
    today = business_day()
    zone = make_zone()
    late = [
        {"zone_id": zone.id, "title": f"逾期{n:02d}", "due_on": today - timedelta(days=n)}
        for n in range(1, TASKS_SHOWN + 3)
    ]
    due = {"zone_id": zone.id, "title": "今天的", "due_on": today}
    db.session.execute(insert(Task), [*late, due])
    db.session.commit()
    as_user(grove.gardener)
    first = client.get("/greening/tasks").get_data(as_text=True)
    assert first.count('class="card grn-task') == TASKS_SHOWN
    assert f"Overdue ({TASKS_SHOWN + 2})" in first and "Today (1)" in first
    assert "今天的" not in first and 'class="pager"' in first
    second = client.get("/greening/tasks?page=2").get_data(as_text=True)
    assert second.count('class="card grn-task') == 3 and "今天的" in second
    assert "逾期01" in second  # the latest overdue comes last, before today's
    past = client.get("/greening/tasks?page=9").get_data(as_text=True)
    assert past.count('class="card grn-task') == 3 and "Page 2 of 2" in past


def test_open_tasks_are_found_through_the_index_of_open_tasks(grove):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    query = tasks.open_tasks_query(tasks.my_zones(grove.gardener), business_day())
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(
        str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
    )
    # Each zone's open tasks from the partial index: the done ones are never read.
    assert "ix_grn_tasks_open" in plan, plan
    assert "SCAN grn_tasks" not in plan, plan


def test_the_gardeners_zones_are_read_from_her_roster_not_from_every_zone(grove):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    query = tasks.my_zones(grove.gardener, business_day())
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(
        str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
    )
    # Her entries by the index of who answers, then each of her zones by its id: the
    # site's other zones are never read.
    assert "ix_grn_roster_responsible_id" in plan, plan
    assert "SCAN grn_" not in plan and "(site_id=? AND rowid=?)" in plan, plan


def test_the_gardeners_zones_follow_the_roster_day_by_day(grove, make_zone):
    today = business_day()
    handed, kept, later = make_zone(), make_zone(), make_zone(responsible=grove.gardener2)
    handed_on = today + timedelta(days=2)
    zones.assign(handed, grove.gardener2, "二班", handed_on, grove.office)
    zones.assign(later, grove.gardener, "一班", handed_on, grove.office)
    assert set(tasks.my_zone_ids(grove.gardener, today)) == {handed.id, kept.id}
    assert set(tasks.my_zone_ids(grove.gardener, handed_on)) == {kept.id, later.id}
    assert set(tasks.my_zone_ids(grove.gardener2, handed_on)) == {handed.id}
    assert tasks.my_zone_ids(grove.zoo_gardener, handed_on) == []


def test_the_task_cards_cost_the_same_however_many_zones_others_answer_for(
    client, as_user, grove, make_zone, count_queries
):
    mine = make_zone()
    overdue = Task(zone_id=mine.id, title="绿篱修剪", due_on=business_day() - timedelta(days=1))
    db.session.add(overdue)
    db.session.commit()
    as_user(grove.gardener)
    with count_queries() as few:
        first = client.get("/greening/tasks").get_data(as_text=True)
    for _ in range(20):
        theirs = make_zone(responsible=grove.gardener2)
        db.session.add(Task(zone_id=theirs.id, title="他的任务", due_on=business_day()))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        second = client.get("/greening/tasks").get_data(as_text=True)
    assert many.count == few.count
    assert "他的任务" not in second and first.count("grn-task") == second.count("grn-task")
    assert "绿篱修剪" in second and "Overdue (1)" in second and "Today (0)" in second
    # The CSRF field is worked out once for the page, and is in every card's form.
    cards = second[second.index('id="overdue-head"') : second.index('id="today-head"')]
    assert cards.count('name="csrf_token"') == cards.count('class="card grn-task') == 1


def test_a_zones_latest_score_is_found_without_reading_its_years_of_scores(
    grove, make_zone, rules_in_force
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    zone = make_zone()
    for back in (14, 13, 2):
        scored_round(grove, rules_in_force, grove.psy, back, {zone: 60 + back})
    statements = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert scores.latest(grove.psy.id) == {zone.id: 62.0}
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    statement, parameters = next((s, p) for s, p in statements if "month DESC" in s)
    cursor = db.session.connection().connection.driver_connection.cursor()
    plan = " ".join(
        str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
    )
    # The site's rounds newest first from the (site, month) index, each probed for the
    # zone by (round, zone): no sort of every score the zone ever had.
    assert "USING COVERING INDEX sqlite_autoindex_grn_rounds_1 (site_id=?)" in plan, plan
    assert "(round_id=? AND zone_id=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_the_plans_zone_table_comes_a_page_at_a_time(client, as_user, grove, make_zone):
    for n in range(1, PER_PAGE + 3):
        make_zone(code=f"PSY-G{n:03d}")
    as_user(grove.gardener)
    first = client.get("/greening/plan").get_data(as_text=True)
    assert len(_zone_codes(first)) == PER_PAGE and 'class="pager"' in first
    second = client.get(f"/greening/plan?site={grove.psy.id}&page=2").get_data(as_text=True)
    assert _zone_codes(second) == [f"PSY-G{n:03d}" for n in (PER_PAGE + 1, PER_PAGE + 2)]


def test_the_payout_sheet_shows_a_page_of_zones_with_the_totals_of_all(
    client, as_user, grove, make_zone, rules_in_force
):
    bands.add_version(business_day(), [BandData(0, -100), BandData(90, 1000)], grove.office)
    round_ = Round(
        site_id=grove.psy.id,
        month=business_day().replace(day=1),
        rule_version_id=rules_in_force.id,
        opened_by_id=grove.assessor.id,
    )
    db.session.add(round_)
    db.session.flush()
    zone_ids = [make_zone(code=f"PSY-G{n:03d}").id for n in range(1, PER_PAGE + 3)]
    scored = {"round_id": round_.id, "assessed_on": business_day(), "score": 95}
    people = {"responsible_id": grove.gardener.id, "assessor_id": grove.assessor.id}
    db.session.execute(insert(Assessment), [{**scored, **people, "zone_id": z} for z in zone_ids])
    round_.closed_at = utcnow()
    db.session.commit()
    as_user(grove.office)
    first = client.get(f"/greening/rounds/{round_.id}/payouts").get_data(as_text=True)
    lines = first.split('id="payout-zones"')[1].split("</table>")[0]
    assert lines.count("<td data-label") // 8 == PER_PAGE and 'class="pager"' in first
    # The totals and Sun Li's line count every zone, not the page's: ¥10.00 × 52.
    assert f'<th class="num">¥{10 * (PER_PAGE + 2)}.00</th>' in lines
    person = first.split('data-person="Sun Li"')[1].split("</tr>")[0]
    assert f">{PER_PAGE + 2}<" in person
    second = client.get(f"/greening/rounds/{round_.id}/payouts?page=2").get_data(as_text=True)
    assert "PSY-G052" in second and "PSY-G001" not in second
    past = client.get(f"/greening/rounds/{round_.id}/payouts?page=9").get_data(as_text=True)
    assert "PSY-G052" in past and "Page 2 of 2" in past


def test_a_rounds_zones_come_a_page_at_a_time_counted_in_full(
    client, as_user, grove, make_zone, rules_in_force
):
    zones = [make_zone(code=f"PSY-G{n:03d}") for n in range(1, PER_PAGE + 3)]
    round_ = scored_round(grove, rules_in_force, grove.psy, 0, {zones[0]: 80, zones[-1]: 91})
    as_user(grove.assessor)
    first = client.get(f"/greening/rounds/{round_.id}").get_data(as_text=True)
    assert f"2 / {PER_PAGE + 2}" in first and "85.5" in first  # every zone counted
    listed = first.split('<table class="list">')[1].split("</table>")[0]
    assert listed.count("<tr>") == PER_PAGE + 1 and 'class="pager"' in first  # with the head
    second = client.get(f"/greening/rounds/{round_.id}?page=2").get_data(as_text=True)
    assert "PSY-G052" in second and "PSY-G001" not in second


def test_the_completion_per_zone_comes_a_page_at_a_time(client, as_user, grove, make_zone):
    today = business_day()
    zone_ids = [make_zone(code=f"PSY-G{n:03d}").id for n in range(1, PER_PAGE + 3)]
    due = [{"zone_id": z, "title": "草坪修剪", "due_on": today} for z in zone_ids]
    db.session.execute(insert(Task), due)
    db.session.commit()
    as_user(grove.office)
    first = client.get("/greening/completion?period=week").get_data(as_text=True)
    per_zone = first.split('id="per-zone"')[1].split("</table>")[0]
    assert per_zone.count("<tr data-key=") == PER_PAGE and 'class="pager"' in first
    per_person = first.split('id="per-person"')[1].split("</table>")[0]
    assert f'data-state="open">{PER_PAGE + 2}<' in per_person  # the people count every zone
    second = client.get("/greening/completion?period=week&page=2").get_data(as_text=True)
    assert second.split('id="per-zone"')[1].split("</table>")[0].count("<tr data-key=") == 2


def test_each_zone_row_shows_its_site_responsible_person_and_team(
    client, as_user, grove, make_zone
):
    make_zone(code="PSY-G001", responsible=grove.gardener2, team="二班")
    make_zone(code="PSY-G002", team="")
    as_user(grove.office)
    page = client.get("/greening/").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert grove.psy.name in rows[0] and "Li Ming · 二班" in rows[0] and "Lawn" in rows[0]
    assert "Sun Li</td>" in rows[1]  # no team: the name alone


def test_a_rounds_rows_show_who_answered_and_the_score_or_not_yet(
    client, as_user, grove, make_zone, rules_in_force
):
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    scored, waiting = make_zone(code="PSY-G001"), make_zone(code="PSY-G002")
    rounds.mark_checked(round_, scored, grove.assessor, None, "/")
    as_user(grove.assessor)
    page = client.get(f"/greening/rounds/{round_.id}").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "Sun Li" in rows[0] and ">100<" in rows[0] and ">Details<" in rows[0]
    assert "—" in rows[1] and "Not scored yet" in rows[1] and ">Score it<" in rows[1]
    assert f"/zones/{waiting.id}" in rows[1]


def test_the_rounds_list_comes_a_page_at_a_time_in_the_same_statements(
    client, as_user, grove, rules_in_force, count_queries
):
    """A round a month piles up with the years: the list shows the latest 50, the
    rest on later pages, in the same number of statements however many there are."""
    month = business_day().replace(day=1)
    months = []
    for _n in range(PER_PAGE + 3):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    opened = {
        "site_id": grove.psy.id,
        "rule_version_id": rules_in_force.id,
        "opened_by_id": grove.office.id,
    }
    db.session.execute(
        insert(Round), [{**opened, "month": m, "opened_at": utcnow()} for m in months]
    )
    db.session.commit()
    as_user(grove.assessor)
    with count_queries() as q:
        first = client.get("/greening/rounds").get_data(as_text=True)
    shown = re.findall(r'/greening/rounds/\d+">(\d{4}-\d\d)</a>', first)
    assert shown == [f"{m:%Y-%m}" for m in months[:PER_PAGE]] and 'class="pager"' in first
    second = client.get("/greening/rounds?page=2").get_data(as_text=True)
    assert re.findall(r'/greening/rounds/\d+">(\d{4}-\d\d)</a>', second) == [
        f"{m:%Y-%m}" for m in months[PER_PAGE:]
    ]
    assert "濮上园" in second
    db.session.execute(
        insert(Round),
        [{**opened, "month": m.replace(year=m.year - 10), "opened_at": utcnow()} for m in months],
    )
    db.session.commit()
    with count_queries() as more:
        client.get("/greening/rounds")
    assert more.count == q.count


def test_the_completion_pages_count_each_zone_with_tasks_in_the_period_once(
    client, as_user, grove, make_zone
):
    today = business_day()
    busy = [make_zone(code=f"PSY-G{n:03d}").id for n in range(1, PER_PAGE + 2)]
    idle = make_zone(code="PSY-G900").id  # its only task is last year's
    elsewhere = make_zone(code="ZYL-G001", site=grove.zylz).id
    due = [{"zone_id": z, "title": "草坪修剪", "due_on": today} for z in [*busy, elsewhere]]
    again = {"zone_id": busy[0], "title": "浇水", "due_on": today}
    old = {"zone_id": idle, "title": "草坪修剪", "due_on": today - timedelta(days=400)}
    db.session.execute(insert(Task), [*due, again, old])
    db.session.commit()
    as_user(grove.office)
    url = f"/greening/completion?period=week&site={grove.psy.id}"
    first = client.get(url).get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get(url + "&page=2").get_data(as_text=True)
    assert second.split('id="per-zone"')[1].split("</table>")[0].count("<tr data-key=") == 1
    assert "Page 2 of 2" in second and "PSY-G900" not in second and "ZYL-G001" not in second
