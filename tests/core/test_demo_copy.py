"""``tests.demo_copy.load_demo``: every test that loads it gets the database a fresh
``demo.load()`` gives, its files included, whatever an earlier test did to its copy."""

import hashlib

from sqlalchemy import select, update

from parkops import audit, demo
from parkops.attachment_store import store
from parkops.attachments import Attachment
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import load_notice
from tests.conftest import _empty_tables
from tests.demo_copy import load_demo


def _rows() -> dict[str, list]:
    """Each table's primary keys: which rows exist, under which ids."""
    keys = {}
    for table in db.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        keys[table.name] = sorted(db.session.execute(select(*columns)).all())
    return keys


def test_a_copy_holds_the_rows_ids_and_files_of_a_fresh_build(make_app):
    """On the core's demo (no modules): two builds of the whole one come near the timeout."""
    with make_app(MODULES=[]).app_context():
        load_notice()
        assert demo.load()
        fresh = _rows()
        _empty_tables()

        assert load_demo()
        assert _rows() == fresh
        assert demo.load() is False  # the copy reads as loaded
        files = db.session.scalars(select(Attachment)).all()
        assert files
        for attachment in files:  # the files came with the copy
            assert (
                hashlib.sha256(store().read(attachment.stored_name)).hexdigest()
                == attachment.sha256
            )
        assert audit.verify().ok  # the chain and its mark agree

        office = select(User.display_name).where(User.username == "office")
        db.session.execute(update(User).where(User.username == "office").values(display_name="x"))
        db.session.commit()
        _empty_tables()
        assert load_demo()  # another test's copy: the change above is not in it
        assert db.session.scalar(office) == "台账组 李敏"
