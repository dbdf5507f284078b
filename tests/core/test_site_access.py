"""Who holds a permission at a site, and site-checked fetching of a record."""

import pytest
from flask_login import login_user
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.exceptions import NotFound

from parkops.auth.access import get_for_site, users_holding
from parkops.extensions import db


class _Base(DeclarativeBase):
    """Apart from the app's metadata, so the schema checks never see the test table."""


class Thing(_Base):
    __tablename__ = "test_site_things"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int]
    name: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def sites(make_site):
    return make_site("PSY", "濮上园"), make_site("ZY", "中原绿色庄园")


@pytest.fixture
def people(sites, make_user):
    psy, zy = sites
    return {
        "crew_psy": make_user("crew_psy", ["crew"], sites=[psy]),
        "crew_zy": make_user("crew_zy", ["crew"], sites=[zy]),
        "crew_both": make_user("crew_both", ["crew", "office"], sites=[psy, zy]),
        "office_all": make_user("office_all", ["office"], all_sites=True),
        "admin": make_user("admin", ["admin"], all_sites=True),
        "gone": make_user("gone", ["crew"], sites=[psy], active=False),
        "leader": make_user("leader", ["leader"], sites=[psy]),
    }


def names(users) -> list[str]:
    return [u.username for u in users]


def test_users_holding_a_permission_at_a_site(app, sites, people, count_queries):
    psy, zy = sites
    crew_perm = "facilities.repair"
    granted = app.extensions["parkops_role_permissions"]
    assert crew_perm in granted["crew"] and crew_perm not in granted["office"]
    psy_id = psy.id
    with count_queries() as q:
        at_psy = users_holding(crew_perm, psy_id)
    assert q.count == 1, q.statements
    # through a role; admin holds everything; all-sites users count; inactive ones do not
    assert names(at_psy) == ["crew_psy", "crew_both", "admin"]
    assert names(users_holding(crew_perm, zy.id)) == ["crew_zy", "crew_both", "admin"]
    assert names(users_holding("ledger.export", zy.id)) == ["crew_both", "office_all", "admin"]


def test_a_permission_only_admin_holds(app, sites, people):
    assert names(users_holding("admin.users", sites[0].id)) == ["admin"]


@pytest.fixture
def things(app, sites):
    Thing.__table__.create(db.engine)
    psy, zy = sites
    rows = Thing(site_id=psy.id, name="psy"), Thing(site_id=zy.id, name="zy")
    db.session.add_all(rows)
    db.session.commit()
    yield rows
    db.session.rollback()
    Thing.__table__.drop(db.engine)


def test_get_for_site_gives_what_the_user_may_see(app, people, things):
    psy_thing, zy_thing = things
    with app.test_request_context():
        login_user(people["crew_psy"])
        assert get_for_site(Thing, psy_thing.id) is psy_thing
        # another site's record and a missing one look alike: 404
        with pytest.raises(NotFound):
            get_for_site(Thing, zy_thing.id)
        with pytest.raises(NotFound):
            get_for_site(Thing, 9999)
    with app.test_request_context():
        login_user(people["office_all"])
        assert get_for_site(Thing, zy_thing.id) is zy_thing
