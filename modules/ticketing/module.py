"""Ticketing: ticket stock, shifts, daily reconciliation and audit (problems 35, 12, 29, 11)."""

from flask_babel import lazy_gettext as _l

from modules.ticketing import demo, indicators, jobs, todo, tolerances
from modules.ticketing.cli import cli
from modules.ticketing.labels import LABELS
from modules.ticketing.models import CorrectionKind, Payment, ProductKind
from modules.ticketing.permissions import ANY, APPROVE, AUDIT, MANAGE, SELL, VIEW
from modules.ticketing.views import bp
from parkops.audit_words import count, one_of
from parkops.registry import (
    AuditDetail,
    AuditObject,
    EvidenceKind,
    Indicator,
    JobSpec,
    ModuleSpec,
    NavEntry,
    Permission,
    SubNavEntry,
)

PROBLEMS = ("35", "12")

# The audit log in words (parkops/audit_words.py).
AUDIT_ACTIONS = {
    "ticketing.thresholds_set": _l("Cash tolerances set"),  # entries from before /settings
    "ticketing.shift_opened": _l("Shift opened"),
    "ticketing.shift_counted": _l("Shift counted blind"),
    "ticketing.shift_explained": _l("Shift difference explained"),
    "ticketing.shift_second_count": _l("Shift counted a second time"),
    "ticketing.correction_requested": _l("Correction requested"),
    "ticketing.correction_approved": _l("Correction approved"),
    "ticketing.correction_rejected": _l("Correction rejected"),
    "ticketing.venue_created": _l("Venue added"),
    "ticketing.product_created": _l("Product added"),
    "ticketing.product_updated": _l("Product changed"),
    "ticketing.price_added": _l("Price added"),
    "ticketing.office_created": _l("Ticket office added"),
    "ticketing.window_added": _l("Window added"),
    "ticketing.office_active": _l("Ticket office opened or closed"),
    "ticketing.window_active": _l("Window opened or closed"),
    "ticketing.sellers_set": _l("Office sellers chosen"),
    "ticketing.gate_count": _l("Gate count entered"),
    "ticketing.deposit": _l("Bank deposit entered"),
    "ticketing.finding_added": _l("Discrepancy recorded"),
    "ticketing.finding_resolved": _l("Discrepancy resolved"),
    "ticketing.day_signed": _l("Ticket day signed off"),
    "ticketing.sales_imported": _l("Sales imported"),
    "ticketing.gate_counts_imported": _l("Gate counts imported"),
    "ticketing.roll_received": _l("Ticket roll received"),
    "ticketing.void_requested": _l("Void requested"),
    "ticketing.void_approved": _l("Void approved"),
    "ticketing.void_rejected": _l("Void rejected"),
    "ticketing.reversal_approved": _l("Void or refund of a sale approved"),
    "ticketing.reversal_rejected": _l("Void or refund of a sale rejected"),
    "ticketing.range_issued": _l("Ticket range issued"),
    "ticketing.range_returned": _l("Ticket range returned"),
    "ticketing.return_confirmed": _l("Returned tickets counted by the stock keeper"),
    "ticketing.statement_imported": _l("Payment statement imported"),
    "ticketing.statement_exception": _l("Day without a payment statement explained"),
    "ticketing.terminals_set": _l("Window's payment terminals set"),
}
AUDIT_OBJECTS = {
    "setting": AuditObject(_l("Ticketing settings")),  # entries from before /settings
    "shift": AuditObject(_l("Shift"), "ticketing.shift"),
    "correction": AuditObject(_l("Correction")),
    "venue": AuditObject(_l("Venue")),
    "product": AuditObject(_l("Product"), "ticketing.product"),
    "office": AuditObject(_l("Ticket office"), "ticketing.office"),
    "window": AuditObject(_l("Window")),
    "ticket_day": AuditObject(_l("Ticket day"), "ticketing.day"),
    "finding": AuditObject(_l("Discrepancy"), "ticketing.finding"),
    "sales_import": AuditObject(_l("Import")),
    "stock_roll": AuditObject(_l("Ticket roll")),
    "serial_void": AuditObject(_l("Void")),
    "reversal": AuditObject(_l("Void or refund of a sale")),
    "stock_issue": AuditObject(_l("Ticket range")),
}
_PAID = one_of(LABELS[Payment])
_CORRECTION = AuditDetail(_l("Kind"), one_of(LABELS[CorrectionKind]))
AUDIT_DETAILS = {
    "before": AuditDetail(_l("Value before")),
    "after": AuditDetail(_l("Value after")),
    "window": AuditDetail(_l("Window")),
    "float": AuditDetail(_l("Opening float")),
    "counted": AuditDetail(_l("Counted"), _PAID),
    "expected": AuditDetail(_l("Expected"), _PAID),
    "day": AuditDetail(_l("Business day")),
    "ticketing.correction_requested:kind": _CORRECTION,
    "ticketing.correction_approved:kind": _CORRECTION,
    "ticketing.correction_rejected:kind": _CORRECTION,
    "ticketing.product_created:kind": AuditDetail(_l("Kind"), one_of(LABELS[ProductKind])),
    "reason": AuditDetail(_l("Reason")),
    "price": AuditDetail(_l("Price")),
    "from": AuditDetail(_l("Valid from")),
    "venue": AuditDetail(_l("Venue")),
    "entries": AuditDetail(_l("Entries")),
    "amount": AuditDetail(_l("Amount")),
    "slip": AuditDetail(_l("Deposit slip")),
    "resolution": AuditDetail(_l("Resolution")),
    "flags": AuditDetail(_l("Flags reviewed"), count),
    "lines": AuditDetail(_l("Lines")),
    "skipped": AuditDetail(_l("Already imported")),
    "counts": AuditDetail(_l("Counts")),
    "product": AuditDetail(_l("Product")),
    "first": AuditDetail(_l("First serial")),
    "last": AuditDetail(_l("Last serial")),
    "serial": AuditDetail(_l("Serial")),
    "shift": AuditDetail(_l("Shift")),
    "first_unsold": AuditDetail(_l("First unsold serial")),
    "first_seen": AuditDetail(_l("First serial seen")),
    "last_seen": AuditDetail(_l("Last serial seen")),
    "declared": AuditDetail(_l("First unsold serial declared")),
    "expected_cash_change": AuditDetail(_l("Change of the expected cash")),
    "sellers": AuditDetail(_l("Sellers")),
    "method": AuditDetail(_l("Payment method"), _PAID),
    "terminals": AuditDetail(_l("Payment terminals")),
}

spec = ModuleSpec(
    name="ticketing",
    label=_l("Ticketing"),
    blueprint=bp,
    url_prefix="/ticketing",
    nav=(
        NavEntry(_l("Ticket office"), "ticketing.index", "ticketing.sell", "ticket", home=True),
        NavEntry(
            _l("Ticket audit"),
            "ticketing.days",
            "ticketing.view",
            "audit",
            also=(
                "ticketing.day",
                "ticketing.seller_report",
                "ticketing.sales_report",
                "ticketing.pattern_report",
                "ticketing.import_gate",
                "ticketing.import_statements",
            ),
        ),
    ),
    permissions=(
        Permission(
            "ticketing.sell", _l("Sell tickets: own shifts, ranges, imports, counts"), ("cashier",)
        ),
        Permission(
            "ticketing.view",
            _l("Read ticketing: products, stock, shifts, days, reports"),
            ("leader", "auditor", "finance"),
        ),
        Permission("ticketing.audit", _l("Reconcile and sign off ticket days"), ("auditor",)),
        Permission(
            "ticketing.manage",
            _l("Manage products, prices, offices, sellers and ticket stock"),
            ("finance",),
        ),
        Permission(
            "ticketing.approve",
            _l("Approve voids and corrections, make second counts"),
            ("auditor", "leader"),
        ),
    ),
    evidence_kinds=(
        EvidenceKind(
            "ticketing.shift",
            _l("Ticket seller's shift"),
            "ticketing.shift",
            PROBLEMS,
            permission="ticketing.view",
        ),
        EvidenceKind(
            "ticketing.day",
            _l("Reconciled ticket day"),
            "ticketing.day",
            PROBLEMS,
            permission="ticketing.view",
        ),
        EvidenceKind(
            "ticketing.finding",
            _l("Ticket audit finding"),
            "ticketing.finding",
            PROBLEMS,
            permission="ticketing.view",
        ),
    ),
    indicators=(
        Indicator(
            "ticketing.unsigned_days",
            _l("Ticket days not signed off"),
            PROBLEMS,
            indicators.unsigned_days,
            permission="ticketing.view",
        ),
        Indicator(
            "ticketing.open_discrepancies",
            _l("Open ticket discrepancies"),
            PROBLEMS,
            indicators.open_discrepancies,
            permission="ticketing.view",
        ),
        Indicator(
            "ticketing.unexplained_difference",
            _l("Unexplained cash differences this month"),
            PROBLEMS,
            indicators.unexplained_difference,
            permission="ticketing.view",
        ),
        Indicator(
            "ticketing.gate_match",
            _l("Gate entries matched by tickets sold (30 days)"),
            ("35", "29"),
            indicators.gate_match_share,
            permission="ticketing.view",
        ),
        Indicator(
            "ticketing.income_trend",
            _l("Ticket income, last 30 days, against a year earlier"),
            ("11",),
            indicators.income_trend,
            permission="ticketing.view",
        ),
        Indicator(
            "ticketing.promotions",
            _l("Cards, passes and combined tickets sold, last 30 days"),
            ("11",),
            indicators.promotion_share,
            permission="ticketing.view",
        ),
    ),
    jobs=(
        JobSpec(
            jobs.ESCALATE_JOB,
            jobs.escalate_unsigned_days,
            "cron",
            {"hour": 9, "minute": 30},
        ),
        JobSpec(
            jobs.PATTERN_JOB,
            jobs.notify_shortfall_patterns,
            "cron",
            {"hour": 9, "minute": 40},
        ),
    ),
    subnav=(
        SubNavEntry(_l("Ticket office"), "ticketing.index", ANY),
        SubNavEntry(
            _l("Shifts"),
            "ticketing.shift_list",
            ANY,
        ),
        SubNavEntry(_l("Import sales"), "ticketing.import_sales", (SELL, MANAGE, AUDIT)),
        SubNavEntry(_l("Days"), "ticketing.days", (VIEW, AUDIT, APPROVE, MANAGE)),
        SubNavEntry(_l("Approvals"), "ticketing.approvals", APPROVE),
        SubNavEntry(
            _l("Reports"),
            "ticketing.seller_report",
            (VIEW, AUDIT),
        ),
        SubNavEntry(_l("Gate counts"), "ticketing.import_gate", (AUDIT, MANAGE)),
        SubNavEntry(_l("Payment statements"), "ticketing.import_statements", (AUDIT, MANAGE)),
        SubNavEntry(
            _l("Products & offices"),
            "ticketing.catalog",
            (VIEW, MANAGE),
        ),
        SubNavEntry(_l("Ticket stock"), "ticketing.stock_page", (VIEW, MANAGE, AUDIT, APPROVE)),
        SubNavEntry(_l("Thresholds"), "settings.module", AUDIT, args=(("module", "ticketing"),)),
    ),
    settings=tolerances.SETTINGS,  # changed by the auditor on /settings/ticketing
    settings_permission=AUDIT,
    settings_check=tolerances.check,
    cli=cli,
    demo=demo.load,
    todo=todo.todo,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
)
