"""Fixtures for the greening module: two sites, their gardeners and assessors, the
office, a leader and a cashier (all reading English), and a zone factory."""

from types import SimpleNamespace

import pytest

from modules.greening import zones
from modules.greening.models import Grade, ZoneKind


@pytest.fixture(autouse=True)
def in_english(app):
    """These tests read messages in English: the installation's default language for
    pages, services and jobs alike (the catalogs translate them to Chinese)."""
    app.config["DEFAULT_LOCALE"] = "en"


@pytest.fixture
def grove(app, make_site, make_user):
    psy = make_site("PSY", "濮上园")
    zylz = make_site("ZYLZ", "中原绿色庄园")

    def person(username, roles, **kw):
        return make_user(username, roles, locale="en", **kw)

    return SimpleNamespace(
        psy=psy,
        zylz=zylz,
        gardener=person("gardener", ["gardener"], sites=[psy], display_name="Sun Li"),
        gardener2=person("gardener2", ["gardener"], sites=[psy], display_name="Li Ming"),
        zoo_gardener=person("zoogardener", ["gardener"], sites=[zylz], display_name="Zhao Fang"),
        assessor=person("assessor", ["assessor"], sites=[psy]),
        zoo_assessor=person("zooassessor", ["assessor"], sites=[zylz]),
        office=person("office", ["office"], all_sites=True),
        leader=person("leader", ["leader"], all_sites=True),
        cashier=person("cashier", ["cashier"], sites=[psy]),
    )


@pytest.fixture
def make_zone(grove):
    counter = iter(range(1, 100000))

    def create(site=None, responsible=None, team="一班", **fields):
        site = site or grove.psy
        data = zones.ZoneData(
            site_id=site.id,
            code=fields.pop("code", f"{site.code}-G{next(counter):02d}"),
            name=fields.pop("name", "南门广场绿地"),
            area_m2=fields.pop("area_m2", 5200),
            kind=fields.pop("kind", ZoneKind.LAWN),
            grade=fields.pop("grade", Grade.FIRST),
            notes=fields.pop("notes", ""),
        )
        if responsible is None:
            responsible = grove.gardener if site.id == grove.psy.id else grove.zoo_gardener
        return zones.create_zone(data, responsible, team, grove.office)

    return create


@pytest.fixture
def as_user(client, login):
    """Sign in as ``user`` (signing out whoever was signed in)."""

    def switch(user):
        client.post("/logout")
        return login(user)

    return switch


# The regulation's items: (name, points, deduction per defect, photo required).
REGULATION = [
    ("杂草", 20, 2, True),
    ("修剪", 20, 5, True),
    ("垃圾死角", 20, 4, True),
    ("浇水", 15, 5, False),
    ("植物长势", 15, 3, True),
    ("时令花卉", 10, 5, True),
]


@pytest.fixture
def rules_in_force(grove):
    """The scoring rules in force since today: six items, 100 points."""
    from modules.greening import rules
    from parkops.timeutil import business_day

    items = [rules.ItemData(n, "", p, d, photo) for n, p, d, photo in REGULATION]
    return rules.add_version(business_day(), items, "养护考评细则", grove.office)
