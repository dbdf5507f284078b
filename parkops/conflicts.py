"""Two people editing one shared record: the second is told, never silently overwrites.

An edit form carries the version of the record it was loaded from (a hidden
``version`` field; the model counts versions with SQLAlchemy's
``version_id_col``). When the version sent is not the record's version now, or
the record changes between the check and the commit (``StaleDataError``), the
view answers 409 with the conflict: each field whose saved value differs from
what this person sent, both shown, and the form again with what they typed and
the current version, so saving once more is a decision, not an accident.

Records whose rows change for other reasons too (an account's sign-ins and
language) count their edits in a column of their own, ``edit_version``, which
``claim`` checks and advances in one UPDATE before the edit is written.

Records with no version column carry a fingerprint instead (``Fingerprinted``
forms, ``fingerprint``): a hash of the record's editable values as saved, checked
by ``is_stale`` with the row locked, so no schema change is needed. SQLite ignores
FOR UPDATE, and its driver reads outside any transaction until the first write: two
saves both read the old values, both passed, and the later silently overwrote the
earlier (a lost update). There ``lock`` takes the database's write lock instead.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select, update
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from parkops.extensions import db
from parkops.forms import YuanField
from parkops.money import format_fen

CONFLICT = 409


class Versioned:
    """Mixin for an edit form: the version of the record the page showed."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(_l("This page is out of date: reload it."))],
    )


class Fingerprinted:
    """Mixin for the edit form of a record with no version column: the fingerprint
    (``fingerprint``) of the record's values the page showed."""

    version = HiddenField(validators=[InputRequired(_l("This page is out of date: reload it."))])


def fingerprint(values: dict) -> str:
    """The version token of a record with no version column: 16 hex digits hashing
    ``values`` (field name → value as saved; dates, enums and decimals by ``str``).
    Equal values give equal tokens, so only a change someone can see is a conflict."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_stale(record, sent: str | None, values: Callable[[object], dict]) -> bool:
    """Whether the fingerprint ``sent`` with a form is not ``record``'s now.

    Reloads the record with its row locked (``lock``), so of two saves of one page the
    second waits for the first to commit and then sees its values, on PostgreSQL and
    on SQLite alike. ``values(record)`` gives what ``fingerprint`` hashes.
    """
    lock(record)
    db.session.refresh(record)
    return sent != fingerprint(values(record))


def lock(record) -> None:
    """Lock ``record``'s row until the transaction ends, so a second edit waits here.

    PostgreSQL: FOR UPDATE of that row alone (not of the rows its eager relationships
    join). SQLite ignores FOR UPDATE; there an UPDATE that matches no row begins the
    transaction as a writer (the driver opens one before a write) and takes the
    database's one write lock, which a second writer waits for (the busy timeout).
    Reads after it see every commit before it. It changes no row; the data version
    moves once more at the commit (the page cache misses once)."""
    model = type(record)
    if db.session.get_bind().dialect.name == "sqlite":
        table = model.__table__
        db.session.execute(
            update(table).where(table.c.id == record.id, false()).values(id=table.c.id)
        )
        return
    db.session.execute(select(model.id).where(model.id == record.id).with_for_update())


def saved_values(form, record) -> dict:
    """Field name → ``record``'s value as saved, for each field of ``form`` the record
    has an attribute of (the fields ``obj=record`` fills); files and the version left
    out. A form with fields the record does not hold as such gives its own values."""
    return {
        f.name: getattr(record, f.name)
        for f in form
        if f.name not in ("version", "csrf_token")
        and "File" not in f.type
        and hasattr(record, f.name)
    }


def fields(*names: str):
    """A ``values`` function for ``stamp``/``changed_since``: the record's attributes
    ``names`` only (a form with fields the record has but this edit does not change)."""
    return lambda form, record: {name: getattr(record, name) for name in names}


def stamp(form, record, values=saved_values) -> None:
    """Put the fingerprint of ``record`` as saved in the page's ``form.version``."""
    form.version.data = fingerprint(values(form, record))


def changed_since(form, record, values=saved_values) -> list | None:
    """None when ``form`` (a ``Fingerprinted`` form, validated) was loaded from
    ``record`` as it is now, row locked (``is_stale``). Else the ``Difference`` list
    (possibly empty), ``form`` keeping what was typed at the record's fingerprint now:
    the view answers ``CONFLICT`` with it and saves nothing.
    ``values(form, record)`` gives field name → saved value; a name that is no field
    (a counter of saves) counts in the fingerprint only."""
    if not is_stale(record, form.version.data, lambda r: values(form, r)):
        return None
    saved = values(form, record)
    keep_typed(form, fingerprint(saved))
    return differences(form, {name: value for name, value in saved.items() if name in form})


@dataclass
class Difference:
    label: str  # the field's label
    saved: str  # what the record holds now (someone else's change), as shown on the page
    sent: str  # what this person sent


def _shown(field, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple | set):  # several choices (checkboxes)
        return ", ".join(_shown(field, v) for v in value)
    if hasattr(field, "shown"):  # a field that names its own values (a person picker)
        return field.shown(value)
    if isinstance(field, YuanField) and isinstance(value, int):  # fen, shown as ¥1,234.50
        return format_fen(value)
    for choice in getattr(field, "choices", None) or ():  # wtforms SelectChoice
        if str(choice.value) == str(value):
            return str(choice.label)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def differences(form, saved: dict) -> list[Difference]:
    """Fields whose saved value (``saved``: field name → value as the form holds it)
    differs from what was sent in ``form``."""
    return [
        Difference(
            str(form[name].label.text), _shown(form[name], now), _shown(form[name], form[name].data)
        )
        for name, now in saved.items()
        if str(form[name].data or "") != str(now or "")
    ]


def keep_typed(form, version: int | str) -> None:
    """Keep what was typed, but at the record's current version: the next save is deliberate."""
    form.version.data = version
    form.version.raw_data = [str(version)]


def claim(record, version: int) -> None:
    """Advance ``record.edit_version`` from ``version``, first thing in the edit's
    transaction; StaleDataError when the record is at another version now.

    One conditional UPDATE: of two saves of one page, the second waits for the first
    to commit (row lock on PostgreSQL, write lock on SQLite), then matches no row.
    """
    model = type(record)
    done = db.session.execute(
        update(model)
        .where(model.id == record.id, model.edit_version == version)
        .values(edit_version=model.edit_version + 1)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise StaleDataError(f"{model.__name__} {record.id} is no longer at version {version}")
    db.session.refresh(record, ["edit_version"])
