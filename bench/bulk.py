"""Bulk loading for the bench scenarios: COPY on PostgreSQL, batched INSERTs on SQLite.

An ORM bulk ``insert(Model)`` of a million rows takes over half an hour on PostgreSQL
(statements of a thousand rows, each parsed and planned); ``COPY … FROM STDIN`` streams
the same rows in a minute or two. Both run in the session's transaction: the caller
commits.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Column, Table, insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql import sqltypes

BATCH = 20_000  # rows per INSERT statement on SQLite


def load_rows(session: Session, target: Any, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (dicts keyed by the model's attribute names, or a table's column
    names; every row with the same keys) into ``target`` (a mapped class or a Table).
    Columns a row leaves out get their Python-side default (``created_at`` …), computed
    once per call, or the database's (ids). Returns the number of rows inserted; raises
    ValueError on PostgreSQL for a left-out column whose default is a SQL expression."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    if session.get_bind().dialect.name != "postgresql":
        for start in range(0, len(rows), BATCH):
            session.execute(insert(target), rows[start : start + BATCH])
        return len(rows)
    return _copy(session, target, rows)


def _columns(target: Any, keys: list[str]) -> tuple[Table, list[Column]]:
    """The table and, per key, its column (an attribute key may differ from the name)."""
    if isinstance(target, Table):
        return target, [target.c[key] for key in keys]
    mapper = inspect(target)
    return mapper.local_table, [mapper.columns[key] for key in keys]


def _processor(column: Column, dialect) -> Any:
    """The column's bind processor; JSON as its text (psycopg adapts a dict only as a
    parameter, with the dialect's cast, not in COPY)."""
    if isinstance(column.type, sqltypes.JSON):
        return json.dumps
    return column.type.bind_processor(dialect)


def _copy(session: Session, target: Any, rows: list[Mapping[str, Any]]) -> int:
    keys = list(rows[0])
    table, given = _columns(target, keys)
    # Python-side defaults of the columns left out, computed once: the ORM would call
    # them per row, but the bench's defaults (utcnow, constants) need not differ.
    names = {c.name for c in given}
    defaults = [
        c
        for c in table.columns
        if c.name not in names and c.default is not None and not c.default.is_sequence
    ]
    if unsupported := [c.name for c in defaults if c.default.is_clause_element]:
        raise ValueError(f"give {', '.join(unsupported)} in the rows: a SQL default")
    default_values = [
        c.default.arg(None) if c.default.is_callable else c.default.arg for c in defaults
    ]
    columns = given + defaults
    connection = session.connection()
    dialect = connection.dialect
    # What SQLAlchemy would send for each value (enum names, aware UTC datetimes, JSON text).
    processors = [_processor(c, dialect) for c in columns]
    listed = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({listed}) FROM STDIN"
    raw = connection.connection.driver_connection  # psycopg's, inside the same transaction
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[key] for key in keys] + default_values
            copy.write_row(
                [
                    value if process is None or value is None else process(value)
                    for process, value in zip(processors, values, strict=True)
                ]
            )
    return len(rows)
