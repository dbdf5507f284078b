"""Checklists are versioned: saving one writes a new version, and a run keeps its own."""

import re

import pytest
from sqlalchemy import select

from modules.patrols import checklists, runs
from modules.patrols.checklists import ItemData
from modules.patrols.errors import PatrolError
from modules.patrols.models import AnswerType, Checklist, ChecklistPurpose, ChecklistVersion
from parkops.extensions import db
from tests.flashes import confirmation
from tests.versions import two_pages, version_of


def _form(name, items):
    data = {"name": name}
    for n, (text, kind) in enumerate(items):
        data[f"items-{n}-text"] = text
        data[f"items-{n}-answer_type"] = kind
        data[f"items-{n}-weight"] = "1"
        data[f"items-{n}-fail_is_finding"] = "y"
    return data


def test_editing_a_checklist_never_changes_a_submitted_run(park, as_user, client):
    run = runs.start_run(park.water, park.intake, park.inspector)
    old_items = [i.text for i in run.version.items]
    as_user(park.inspector)
    editor = client.get(f"/patrols/checklists/{park.water.id}/edit").get_data(as_text=True)
    assert 'value="进水口漂浮垃圾 (kg)"' in editor and 'value="kg"' in editor
    assert 'name="items-6-text"' in editor and 'name="items-7-text"' not in editor  # 4 + 3 blank
    response = client.post(
        f"/patrols/checklists/{park.water.id}/edit",
        data=_form("水面巡查", [("浮萍覆盖率", "pass_fail"), ("水质异味", "pass_fail")])
        | {"version": version_of(editor)},
    )
    assert response.status_code == 303
    versions = db.session.scalars(
        select(ChecklistVersion).where(ChecklistVersion.checklist_id == park.water.id)
    ).all()
    assert sorted(v.number for v in versions) == [1, 2]
    db.session.expire_all()
    assert [i.text for i in run.version.items] == old_items  # the run keeps version 1
    page = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    assert "进水口漂浮垃圾" in page and "水质异味" not in page
    new_run = runs.start_run(park.water, park.intake, park.inspector)
    assert [i.text for i in new_run.version.items] == ["浮萍覆盖率", "水质异味"]


def test_a_checklist_without_items_or_with_one_choice_is_refused(park):
    with pytest.raises(PatrolError):
        checklists.save_checklist(None, park.psy.id, "空表", False, [], park.inspector)
    one_choice = [ItemData("着装", AnswerType.CHOICE, choices="整齐")]
    with pytest.raises(PatrolError):
        checklists.save_checklist(None, park.psy.id, "着装", False, one_choice, park.inspector)


def test_the_editor_answers_422_on_an_empty_checklist_and_stores_nothing(park, as_user, client):
    as_user(park.inspector)
    response = client.post("/patrols/checklists/new", data={"site_id": park.psy.id, "name": "空表"})
    assert response.status_code == 422
    assert "A checklist needs at least one item." in response.get_data(as_text=True)
    assert db.session.scalars(select(ChecklistVersion)).all() == [park.water.current_version]


def test_only_managers_write_checklists_and_only_at_their_sites(park, as_user, client):
    as_user(park.leader)
    assert client.get("/patrols/checklists/new").status_code == 403
    assert client.get(f"/patrols/checklists/{park.water.id}").status_code == 200
    as_user(park.zoo_inspector)  # works at 中原绿色庄园 only
    assert client.get(f"/patrols/checklists/{park.water.id}").status_code == 404
    assert client.get(f"/patrols/checklists/{park.water.id}/edit").status_code == 404
    as_user(park.crew)
    assert client.get("/patrols/checklists").status_code == 403


def test_the_editor_sets_and_shows_the_checklist_purpose(park, as_user, client):
    as_user(park.inspector)
    editor = client.get(f"/patrols/checklists/{park.water.id}/edit").get_data(as_text=True)
    assert '<option selected value="water">' in editor
    data = _form("门口值守", [("拉客人数", "number")]) | {
        "site_id": park.zylz.id,
        "purpose": "gate_duty",
    }
    response = client.post("/patrols/checklists/new", data=data)
    assert confirmation(client, response) == "Checklist saved."
    gate = db.session.scalar(select(Checklist).where(Checklist.name == "门口值守"))
    assert gate.purpose == ChecklistPurpose.GATE_DUTY
    page = client.get(f"/patrols/checklists/{gate.id}").get_data(as_text=True)
    assert "Gate duty" in page
    refused = client.post("/patrols/checklists/new", data=data | {"purpose": "fishing"})
    assert refused.status_code == 422


def test_one_number_item_of_a_gate_duty_checklist_counts_the_touts(park, as_user, client):
    as_user(park.inspector)
    data = {
        "site_id": park.zylz.id,
        "name": "门口停车值守",
        "purpose": "gate_duty",
        "items-0-text": "拉客人数",
        "items-0-answer_type": "number",
        "items-0-weight": "1",
        "items-0-counts_touts": "y",
        "items-1-text": "停放车辆",
        "items-1-answer_type": "number",
        "items-1-weight": "1",
    }
    assert client.post("/patrols/checklists/new", data=data).status_code == 303
    gate = db.session.scalar(select(Checklist).where(Checklist.name == "门口停车值守"))
    assert [i.counts_touts for i in gate.current_version.items] == [True, False]
    refusals = (
        ({"items-1-counts_touts": "y"}, "Mark one item only as the count of touts."),
        ({"items-0-answer_type": "text"}, "the count of touts is a number item."),
        ({"purpose": "water"}, "Only a gate-duty checklist has an item that counts the touts."),
    )
    url = f"/patrols/checklists/{gate.id}/edit"
    data["version"] = version_of(client.get(url).get_data(as_text=True))
    for change, message in refusals:
        refused = client.post(url, data=data | change)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    page = client.get(f"/patrols/checklists/{gate.id}/edit").get_data(as_text=True)
    (marked,) = re.findall(r'<input[^>]*name="items-0-counts_touts"[^>]*>', page)
    assert "checked" in marked


def test_a_stale_checklist_editor_gets_the_conflict(park, app, login):
    url = f"/patrols/checklists/{park.water.id}/edit"
    first, second, version = two_pages(app, login, url, park.inspector)
    items = [("浮萍覆盖率", "pass_fail")]
    assert first.post(url, data=_form("水面巡查", items) | {"version": version}).status_code == 303
    late = second.post(url, data=_form("水面日查", items) | {"version": version})
    assert late.status_code == 409
    assert "水面巡查" in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Checklist, park.water.id).name == "水面巡查"
