"""The migration turns the former payout settings into the first version of the band
table, so rounds closed before pay as they did."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from parkops import create_app
from parkops.extensions import db


@pytest.mark.parametrize(
    "stored, expected",
    [
        ({}, [(0, -30000), (80, 0), (90, 20000), (95, 50000)]),
        (
            {
                "greening.reward_top": "60000",
                "greening.penalty": "10001",
                "greening.pass_mark": "85",
            },
            [(0, -10001), (85, 0), (90, 20000), (95, 60000)],
        ),
        # A pass mark at 90 or above: below 90 was always the penalty.
        ({"greening.pass_mark": "92"}, [(0, -30000), (90, 20000), (95, 50000)]),
    ],
)
def test_the_former_settings_become_the_first_bands(tmp_path, stored, expected):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.db'}",
            "SECRET_KEY": "t",
        }
    )
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="e6ee0000a003")
        tables = MetaData()
        tables.reflect(db.engine)
        with db.engine.begin() as connection:
            for key, value in stored.items():
                connection.execute(tables.tables["settings"].insert().values(key=key, value=value))
        upgrade(directory=directory, revision="e6ee0000a004")
        after = MetaData()
        after.reflect(db.engine)
        t = after.tables
        with db.engine.connect() as connection:
            [version] = connection.execute(select(t["grn_band_versions"])).all()
            bands = connection.execute(
                select(t["grn_bands"].c.lower_percent, t["grn_bands"].c.amount_fen).order_by(
                    t["grn_bands"].c.lower_percent
                )
            ).all()
            keys = connection.scalars(select(t["settings"].c.key)).all()
        db.engine.dispose()
    assert str(version.effective_from) == "2000-01-01"
    assert [tuple(b) for b in bands] == expected
    assert not {"greening.reward_top", "greening.reward_good", "greening.penalty"} & set(keys)
