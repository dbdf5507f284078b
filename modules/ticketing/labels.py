"""What each stored value is called in the interface, in the user's language: ticketing's
enums registered with the core's ``parkops.labels`` (templates write ``{{ x|label }}``),
and the names of the seller report's figures."""

from flask_babel import lazy_gettext as _l

from modules.ticketing.models import (
    CorrectionKind,
    CorrectionStatus,
    DayStatus,
    EntrySource,
    FindingStatus,
    Payment,
    ProductKind,
    SaleSource,
    SaleStatus,
    ShiftStatus,
    VoidStatus,
)
from modules.ticketing.stock import SerialState
from parkops import labels

# Keyed by enum class first: StrEnum members of different classes compare equal
# when their values do ("open" is a shift's and a day's status).
LABELS = {
    ProductKind: {
        ProductKind.TICKET: _l("Ticket"),
        ProductKind.COMBINED: _l("Combined ticket"),
        ProductKind.DISCOUNT_CARD: _l("Discount card"),
        ProductKind.PASS: _l("Pass"),
        ProductKind.CARD_ENTRY: _l("Entry with a card or pass"),
        ProductKind.CONCESSION: _l("Free or concession entry"),
    },
    Payment: {
        Payment.CASH: _l("Cash"),
        Payment.CARD: _l("Bank card (POS)"),
        Payment.WECHAT: _l("WeChat Pay"),
        Payment.ALIPAY: _l("Alipay"),
        Payment.OTHER: _l("Other"),
    },
    SaleStatus: {
        SaleStatus.SOLD: _l("Sold"),
        SaleStatus.VOID: _l("Void"),
        SaleStatus.REFUND: _l("Refund"),
    },
    SaleSource: {
        SaleSource.IMPORT: _l("Imported"),
        SaleSource.RANGE: _l("From the serial range"),
        SaleSource.CORRECTION: _l("Correction"),
    },
    ShiftStatus: {
        ShiftStatus.OPEN: _l("Selling"),
        ShiftStatus.EXPLAINING: _l("Explanation needed"),
        ShiftStatus.SECOND_COUNT: _l("Second count needed"),
        ShiftStatus.CLOSED: _l("Closed"),
    },
    VoidStatus: {
        VoidStatus.PENDING: _l("Waiting for approval"),
        VoidStatus.APPROVED: _l("Approved"),
        VoidStatus.REJECTED: _l("Rejected"),
    },
    DayStatus: {DayStatus.OPEN: _l("Not signed off"), DayStatus.SIGNED: _l("Signed off")},
    FindingStatus: {FindingStatus.OPEN: _l("Unresolved"), FindingStatus.RESOLVED: _l("Resolved")},
    CorrectionKind: {
        CorrectionKind.SALE: _l("Sale adjustment"),
        CorrectionKind.GATE_COUNT: _l("Gate count"),
        CorrectionKind.DEPOSIT: _l("Bank deposit"),
    },
    CorrectionStatus: {
        CorrectionStatus.PENDING: _l("Waiting for approval"),
        CorrectionStatus.APPROVED: _l("Approved"),
        CorrectionStatus.REJECTED: _l("Rejected"),
    },
    EntrySource: {
        EntrySource.ENTERED: _l("Entered"),
        EntrySource.IMPORTED: _l("Imported"),
        EntrySource.CORRECTION: _l("Correction"),
    },
    SerialState: {
        SerialState.NOT_RECEIVED: _l("Not received"),
        SerialState.STORE: _l("In the store"),
        SerialState.RETURNED_UNCONFIRMED: _l("Returned, unconfirmed"),
        SerialState.WITH_SELLER: _l("With the seller"),
        SerialState.SOLD: _l("Sold"),
        SerialState.VOIDED: _l("Voided"),
        SerialState.MISSING: _l("Missing"),
    },
}


for _enum, _names in LABELS.items():
    labels.register(_enum, _names)

label = labels.label

# The seller report's figures that may stand out (keys of reports.sellers.FLOORS).
FIGURES = {
    "void_share": _l("voids"),
    "refund_share": _l("refunds"),
    "card_share": _l("card entries"),
    "free_share": _l("free entries"),
    "gap_share": _l("entries without a ticket"),
    "shortfall_per_shift": _l("shortfall per shift"),
}


def figure_names(keys) -> str:
    """The seller report's figures named in the reader's language, comma-separated."""
    return ", ".join(str(FIGURES[k]) for k in sorted(keys))


# The kinds of reports.share_patterns, in words.
PATTERN_KINDS = {
    "void": _l("Voids"),
    "refund": _l("Refunds"),
    "free": _l("Free entries"),
}


def payment_name(value: str) -> str:
    """A payment method stored as plain text (in a signed day's figures)."""
    return label(Payment(value))
