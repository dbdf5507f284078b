"""Fixtures for the patrols module: two sites, inspectors and leaders, a checklist and
routes at 濮上园 (the pump-station intake) and one at 中原绿色庄园 (the gate)."""

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from modules.patrols import checklists, routes
from modules.patrols.checklists import ItemData
from modules.patrols.models import AnswerType, ChecklistPurpose

WATER_ITEMS = [
    ItemData("浮萍覆盖", AnswerType.PASS_FAIL, weight=2),
    ItemData("进水口漂浮垃圾 (kg)", AnswerType.NUMBER, unit="kg", fail_is_finding=False),
    ItemData("非法垂钓", AnswerType.CHOICE, choices="无\n有,已劝离\n有,已报警"),
    ItemData("清理后照片", AnswerType.PHOTO),
]


@pytest.fixture(autouse=True)
def in_english(app):
    """These tests read messages in English: the installation's default language for
    pages, services and jobs alike (the catalogs translate them to Chinese)."""
    app.config["DEFAULT_LOCALE"] = "en"


@pytest.fixture
def park(app, make_site, make_user):
    psy = make_site("PSY", "濮上园")
    zylz = make_site("ZYLZ", "中原绿色庄园")
    ns = SimpleNamespace(
        psy=psy,
        zylz=zylz,
        inspector=make_user("inspector", ["inspector"], all_sites=True, display_name="Du Dao"),
        inspector2=make_user("inspector2", ["inspector"], sites=[psy], display_name="Ji Jian"),
        zoo_inspector=make_user("zooinspector", ["inspector"], sites=[zylz]),
        leader=make_user("leader", ["leader"], all_sites=True),
        crew=make_user("crew", ["crew"], sites=[psy]),
    )
    ns.water = checklists.save_checklist(
        None, psy.id, "水面巡查", False, WATER_ITEMS, ns.inspector, ChecklistPurpose.WATER
    )
    ns.intake = routes.create_route(
        psy.id,
        "泵站进水口",
        [("PSY-W1", "北岸码头"), ("PSY-W2", "泵站进水口")],
        ns.inspector,
    )
    ns.gate = routes.create_route(zylz.id, "停车场门口", [("ZY-G1", "大门")], ns.inspector)
    ns.other_psy = routes.create_route(psy.id, "卫生死角", [("PSY-S1", "东门厕所后")], ns.inspector)
    return ns


def jpeg_bytes(size=(64, 48), color=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def photo(name="photo.jpg"):
    return (io.BytesIO(jpeg_bytes()), name)


@pytest.fixture
def as_user(client, login):
    """Sign in as ``user`` (signing out whoever was signed in on that client)."""

    def switch(user):
        client.post("/logout")
        login(user)
        return client

    return switch
