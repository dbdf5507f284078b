"""A real installation upgrades: a database made at the base revision, with data in it,
reaches every branch's head with its data intact; a module's branch made with the
README's commands is applied by ``upgrade heads``.

The data is written with SQL against the tables as the base revision made them (not
through today's models, which later revisions change).
"""

import shutil
from datetime import UTC, date, datetime

from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask_migrate import revision, upgrade
from sqlalchemy import MetaData, inspect, select

from parkops import create_app
from parkops.cli import initialise
from parkops.console import cli
from parkops.extensions import db

BASE = "d400e98fe039"
NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _app(tmp_path, **config):
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.db'}",
            "SECRET_KEY": "t",
            **config,
        }
    )


def _insert(tables, table: str, **values) -> int:
    with db.engine.begin() as connection:
        return connection.execute(
            tables.tables[table].insert().values(**values)
        ).inserted_primary_key[0]


def _fill_base(tables) -> None:
    """A site, a user at it, two problems, a facility and an open ticket shift."""
    site = _insert(tables, "sites", code="PSY", name="濮上园", active=True)
    user = _insert(
        tables,
        "users",
        username="wang",
        display_name="王",
        email="",
        password_hash="scrypt:old",
        active=True,
        all_sites=False,
        must_change_password=False,
        session_version=3,
        created_at=NOW,
    )
    _insert(tables, "user_sites", user_id=user, site_id=site)
    _insert(tables, "user_roles", user_id=user, role="seller")
    _insert(tables, "rect_sections", number=1, title="一、管理")
    _insert(tables, "rect_categories", number=1, section_number=1, title="制度")
    for code in ("14", "35"):
        _insert(
            tables,
            "rect_problems",
            code=code,
            sort_key=int(code),
            source="notice",
            category_number=1,
            title=f"问题{code}",
            notice_text="…",
            status="in_progress",
            created_at=NOW,
            updated_at=NOW,
        )
    kind = _insert(
        tables, "fac_types", code="bench", name="座椅", interval_days=30, safety_critical=False
    )
    _insert(
        tables,
        "fac_facilities",
        site_id=site,
        code="PSY-001",
        name="东门座椅",
        type_id=kind,
        area="东区",
        location="东门",
        status="in_service",
        team="",
        notes="",
        token="t0k3n",
        token_issued_at=NOW,
        due_on=date(2026, 12, 1),
        created_at=NOW,
    )
    office = _insert(tables, "tkt_offices", site_id=site, code="E", name="东门售票处", active=True)
    window = _insert(tables, "tkt_windows", office_id=office, name="1号窗", active=True)
    _insert(
        tables,
        "tkt_shifts",
        site_id=site,
        office_id=office,
        window_id=window,
        seller_id=user,
        business_day=date(2026, 11, 1),
        opened_at=NOW,
        opening_float_fen=50000,
        status="open",
        explanation="",
    )


def test_a_database_at_the_base_revision_upgrades_with_its_data(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision=BASE)
        tables = MetaData()
        tables.reflect(db.engine)
        _fill_base(tables)

        assert initialise() is None  # `parkops init`: upgrades; no new admin beside wang

        heads = set(ScriptDirectory.from_config(_alembic_config(app)).get_heads())
        with db.engine.connect() as connection:
            applied = set(connection.exec_driver_sql("SELECT version_num FROM alembic_version"))
            upgraded = MetaData()
            upgraded.reflect(connection)
            t = upgraded.tables
            user = connection.execute(select(t["users"])).one()
            site_codes = connection.scalars(select(t["sites"].c.code)).all()
            memberships = connection.execute(select(t["user_sites"])).all()
            problems = connection.execute(
                select(t["rect_problems"].c.code, t["rect_problems"].c.status).where(
                    t["rect_problems"].c.code.in_(["14", "35"])
                )
            ).all()
            facility = connection.execute(select(t["fac_facilities"])).one()
            shift = connection.execute(select(t["tkt_shifts"])).one()
        db.engine.dispose()
    assert {row[0] for row in applied} == heads
    assert (user.username, user.password_hash, user.session_version) == ("wang", "scrypt:old", 3)
    assert site_codes == ["PSY"]
    assert memberships == [(user.id, 1)]
    assert sorted(problems) == [("14", "in_progress"), ("35", "in_progress")]
    assert (facility.name, facility.token) == ("东门座椅", "t0k3n")
    assert (shift.opening_float_fen, shift.status, shift.seller_id) == (50000, "open", user.id)


def _alembic_config(app):
    return app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)


def test_a_module_branch_made_as_the_readme_says_is_applied(tmp_path):
    """`parkops db revision --head d400e98fe039 --splice --branch-label example`, the
    table and ``depends_on`` (the core's head) written in, then `parkops db upgrade`:
    both branches reach their head."""
    app = _app(tmp_path)
    migrations = tmp_path / "migrations"
    shutil.copytree(app.extensions["migrate"].directory, migrations)
    with app.app_context():
        revision(
            directory=str(migrations),
            message="example tables",
            head=BASE,
            splice=True,
            branch_label="example",
        )
        (written,) = (migrations / "versions").glob("*example_tables.py")
        source = written.read_text()
        assert "down_revision = 'd400e98fe039'" in source.replace('"', "'")
        assert "branch_labels = ('example',)" in source.replace('"', "'")
        core_head = ScriptDirectory.from_config(_alembic_config(app)).get_revision("core@head")
        source = source.replace("depends_on = None", f"depends_on = {core_head.revision!r}")
        source = source.replace(
            "def upgrade():\n    pass",
            "def upgrade():\n    op.create_table('example_records',"
            " sa.Column('id', sa.Integer(), primary_key=True))",
            1,
        )
        written.write_text(source)
        db.engine.dispose()
    # `parkops db upgrade` (no revision: every head; Alembic's "head" refuses two).
    url = app.config["DATABASE_URL"]
    env = {"PARKOPS_INSTANCE_PATH": str(tmp_path), "PARKOPS_DATABASE_URL": url}
    result = CliRunner().invoke(cli(), ["db", "upgrade", "-d", str(migrations)], env=env)
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            applied = {
                row[0] for row in connection.exec_driver_sql("SELECT * FROM alembic_version")
            }
        db.engine.dispose()
    assert {"example_records", "users", "fac_facilities"} <= tables
    # The core's head is applied too: Alembic records only the dependent revision (other
    # modules' branches, facilities', record their own heads beside it).
    assert written.name.split("_")[0] in applied and core_head.revision not in applied
