"""Ticketing tables, one file per concept: catalog, stock, shifts, sales, reversals, days,
corrections, statements (columns: the bounds and the enum column they share).

Money is fen (int), serials are integers, times are aware UTC, business days are
local dates. Every model is re-exported here: ``from modules.ticketing.models import Shift``.
"""

from modules.ticketing.models.catalog import (
    CARD_KINDS,
    Office,
    Product,
    ProductKind,
    ProductPrice,
    ProductVenue,
    Venue,
    Window,
    office_sellers,
)
from modules.ticketing.models.columns import (
    MAX_AMOUNT_FEN,
    MAX_ENTRIES,
    MAX_QUANTITY,
    MAX_SERIAL,
    enum_column,
)
from modules.ticketing.models.corrections import Correction, CorrectionKind, CorrectionStatus
from modules.ticketing.models.days import (
    DayStatus,
    Deposit,
    EntrySource,
    Finding,
    FindingStatus,
    GateCount,
    TicketDay,
)
from modules.ticketing.models.reversals import Reversal
from modules.ticketing.models.sales import (
    DailySales,
    DayGroupSales,
    DaySales,
    MonthGroupSales,
    MonthSellerSales,
    SalesImport,
    SalesLine,
    SaleSource,
    SaleStatus,
    SellerDaySales,
    VenueDaySales,
)
from modules.ticketing.models.shifts import Payment, Shift, ShiftStatus, ShiftTally
from modules.ticketing.models.statements import StatementException, StatementLine
from modules.ticketing.models.stock import SerialVoid, StockIssue, StockRoll, VoidStatus

__all__ = [
    "CARD_KINDS",
    "Correction",
    "CorrectionKind",
    "CorrectionStatus",
    "DailySales",
    "DayGroupSales",
    "DaySales",
    "MonthGroupSales",
    "MonthSellerSales",
    "SellerDaySales",
    "VenueDaySales",
    "DayStatus",
    "Deposit",
    "EntrySource",
    "Finding",
    "FindingStatus",
    "GateCount",
    "MAX_AMOUNT_FEN",
    "MAX_ENTRIES",
    "MAX_QUANTITY",
    "MAX_SERIAL",
    "Office",
    "Payment",
    "Product",
    "ProductKind",
    "ProductPrice",
    "ProductVenue",
    "Reversal",
    "SaleSource",
    "SaleStatus",
    "SalesImport",
    "SalesLine",
    "SerialVoid",
    "Shift",
    "ShiftStatus",
    "ShiftTally",
    "StatementException",
    "StatementLine",
    "StockIssue",
    "StockRoll",
    "TicketDay",
    "Venue",
    "VoidStatus",
    "Window",
    "enum_column",
    "office_sellers",
]
