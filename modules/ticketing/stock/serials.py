"""Where one serial is (in the store, returned but not yet counted by the stock keeper, with a
seller, sold, voided, missing, never received), now or at a past moment, computed from the
rolls, ranges, voids and sales lines.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from modules.ticketing.models import (
    Product,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    StockIssue,
    StockRoll,
    VoidStatus,
)
from parkops.db import utcnow
from parkops.extensions import db


class SerialState(enum.StrEnum):
    NOT_RECEIVED = "not_received"
    STORE = "store"
    RETURNED_UNCONFIRMED = "returned_unconfirmed"
    WITH_SELLER = "with_seller"
    SOLD = "sold"
    VOIDED = "voided"
    MISSING = "missing"


@dataclass
class SerialInfo:
    state: SerialState
    roll: StockRoll | None = None
    issue: StockIssue | None = None
    line: SalesLine | None = None
    void: SerialVoid | None = None


def serial_status(product: Product, serial: int, at: datetime | None = None) -> SerialInfo:
    """Where ``serial`` of ``product`` was at ``at`` (now by default), from the recorded times."""
    at = at or utcnow()
    roll = db.session.scalar(
        select(StockRoll).where(
            StockRoll.product_id == product.id,
            StockRoll.first_serial <= serial,
            StockRoll.last_serial >= serial,
            StockRoll.created_at <= at,
        )
    )
    line = db.session.scalar(
        select(SalesLine).where(
            SalesLine.product_id == product.id,
            SalesLine.serial == serial,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.sold_at <= at,
        )
    )
    issue = db.session.scalar(
        select(StockIssue)
        .where(
            StockIssue.product_id == product.id,
            StockIssue.first_serial <= serial,
            StockIssue.last_serial >= serial,
            StockIssue.issued_at <= at,
        )
        .order_by(StockIssue.issued_at.desc(), StockIssue.id.desc())
        .limit(1)
    )
    if line is not None:
        return SerialInfo(SerialState.SOLD, roll, issue, line=line)
    if issue is None:
        return SerialInfo(SerialState.STORE if roll else SerialState.NOT_RECEIVED, roll)
    returned = issue.returned_at is not None and issue.returned_at <= at
    if issue.confirmed_at is not None and issue.confirmed_at <= at:
        # Only what the keeper saw is back in the store, whatever the seller declared.
        if issue.confirmed_from <= serial <= (issue.confirmed_last or 0):
            return SerialInfo(SerialState.STORE, roll, issue)
    elif returned and serial >= issue.returned_from:
        return SerialInfo(SerialState.RETURNED_UNCONFIRMED, roll, issue)
    void = db.session.scalar(
        select(SerialVoid).where(
            SerialVoid.issue_id == issue.id,
            SerialVoid.serial == serial,
            SerialVoid.status == VoidStatus.APPROVED,
            SerialVoid.decided_at <= at,
        )
    )
    if void is not None:
        return SerialInfo(SerialState.VOIDED, roll, issue, void=void)
    counted_at = issue.shift.counted_at
    if not returned or counted_at is None or counted_at > at:
        return SerialInfo(SerialState.WITH_SELLER, roll, issue)
    range_line = db.session.scalar(
        select(SalesLine).where(
            SalesLine.issue_id == issue.id, SalesLine.source == SaleSource.RANGE
        )
    )
    if range_line is not None:
        return SerialInfo(SerialState.SOLD, roll, issue, line=range_line)
    return SerialInfo(SerialState.MISSING, roll, issue)
