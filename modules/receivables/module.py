"""The receivables module as the core sees it.

Who may do what (default roles; admin holds everything), limited to one's sites:

- ``receivables.view``: every receivable, debtor and payment (finance, leader, office);
- ``receivables.own``: the receivables one handles (经手人) and their debtors (other
  staff roles);
- ``receivables.write``: debtors, receivables, payments, reversal requests (finance);
- ``receivables.approve``: decide on reversals (leaders); finance may decide too,
  but never on a reversal they proposed (``access.payment_steps``); decide on
  write-offs (leaders only, never the proposer: ``writeoffs.decide``).
"""

from flask_babel import lazy_gettext as _l

from modules.receivables import demo, indicators, jobs, letters, levels, month_sums, texts, todo
from modules.receivables.views import bp
from parkops.audit_words import one_of
from parkops.money import format_fen
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

READ = ("receivables.view", "receivables.own", "receivables.write")
# Staff who may handle a receivable (经手人) without reading every one.
HANDLER_ROLES = ("crew", "gardener", "assessor", "cashier", "auditor", "merchants", "inspector")


def _fen(value) -> str:
    return format_fen(int(value))


def _debtor(value) -> str:
    return f"#{value}"


def _number(value) -> str:
    return f"#{value}"


AUDIT_ACTIONS = {
    "receivables.debtor_added": _l("Debtor added"),
    "receivables.raised": _l("Receivable raised"),
    "receivables.payment": _l("Payment recorded"),
    "receivables.reversal_proposed": _l("Payment reversal asked for"),
    "receivables.reversal_approved": _l("Payment reversal approved"),
    "receivables.reversal_refused": _l("Payment reversal refused"),
    "receivables.imported": _l("Receivables imported"),
    "receivables.letter_issued": _l("Chasing letter issued"),
    "receivables.follow_up": _l("Follow-up logged"),
    "receivables.campaign_started": _l("Clean-up campaign started"),
    "receivables.verified": _l("Receivable verified (clean-up)"),
    "receivables.write_off_proposed": _l("Write-off proposed"),
    "receivables.write_off_approved": _l("Write-off approved"),
    "receivables.write_off_refused": _l("Write-off refused"),
}
AUDIT_OBJECTS = {
    "debtor": AuditObject(_l("Debtor"), "receivables.debtor", "debtor_id"),
    "receivable": AuditObject(_l("Receivable"), "receivables.receivable", "receivable_id"),
    "payment": AuditObject(_l("Payment"), "receivables.payment", "payment_id"),
    "letter": AuditObject(_l("Letter"), "receivables.letter", "letter_id"),
    "campaign": AuditObject(_l("Clean-up campaign"), "receivables.campaign", "campaign_id"),
}
AUDIT_DETAILS = {
    "receivables.debtor_added:name": AuditDetail(_l("Name")),
    "amount_fen": AuditDetail(_l("Amount"), _fen),
    "debtor_id": AuditDetail(_l("Debtor"), _debtor),
    "receivables.reversal_proposed:reason": AuditDetail(_l("Reason")),
    "receivables.reversal_approved:reason": AuditDetail(_l("Reason")),
    "receivables.reversal_refused:reason": AuditDetail(_l("Reason")),
    "receivables.imported:added": AuditDetail(_l("Added")),
    "receivables.imported:already": AuditDetail(_l("Imported before")),
    "receivables.letter_issued:reference": AuditDetail(_l("Reference")),
    "receivables.follow_up:kind": AuditDetail(_l("Kind"), one_of(texts.FOLLOW_UP_KINDS)),
    "receivables.follow_up:receivable_id": AuditDetail(_l("Receivable"), _number),
    "receivables.follow_up:promised_on": AuditDetail(_l("Promised for")),
    "receivables.campaign_started:name": AuditDetail(_l("Name")),
    "receivables.campaign_started:items": AuditDetail(_l("Receivables")),
    "receivables.verified:campaign_id": AuditDetail(_l("Campaign"), _number),
    "receivables.verified:state": AuditDetail(_l("Verification"), one_of(texts.VERIFICATIONS)),
    "receivables.verified:note": AuditDetail(_l("Note")),
    "write_off_id": AuditDetail(_l("Write-off"), _number),
    "receivables.write_off_proposed:reason": AuditDetail(_l("Reason")),
    "receivables.write_off_approved:reason": AuditDetail(_l("Reason")),
    "receivables.write_off_refused:reason": AuditDetail(_l("Reason")),
}

spec = ModuleSpec(
    name="receivables",
    label=_l("Receivables"),
    blueprint=bp,
    url_prefix="/receivables",
    nav=(NavEntry(_l("Receivables"), "receivables.index", READ[0], "receivables"),),
    permissions=(
        Permission(
            "receivables.view",
            _l("See receivables, debtors and payments"),
            ("finance", "leader", "office"),
        ),
        Permission("receivables.own", _l("See the receivables one handles"), HANDLER_ROLES),
        Permission(
            "receivables.write", _l("Record debtors, receivables and payments"), ("finance",)
        ),
        Permission(
            "receivables.approve", _l("Approve payment reversals and write-offs"), ("leader",)
        ),
    ),
    subnav=(
        SubNavEntry(
            _l("Receivables"),
            "receivables.index",
            READ,
        ),
        SubNavEntry(_l("Aging"), "receivables.aging", READ),
        SubNavEntry(
            _l("Clean-up"),
            "receivables.campaign_list",
            ("receivables.view", "receivables.write"),
        ),
        SubNavEntry(
            _l("Write-offs"),
            "receivables.write_offs",
            ("receivables.view", "receivables.approve"),
        ),
        SubNavEntry(_l("Import"), "receivables.import_", "receivables.write"),
        SubNavEntry(
            _l("Debtors"),
            "receivables.debtors",
            READ,
        ),
    ),
    evidence_kinds=(
        EvidenceKind(
            "receivables.payment",
            _l("Payment received"),
            "receivables.payment_evidence",
            ("36",),
            permission="receivables.view",
        ),
        EvidenceKind(
            "receivables.verified",
            _l("Old receivable verified (clean-up)"),
            "receivables.campaign_item_evidence",
            ("36",),
            permission="receivables.view",
        ),
        EvidenceKind(
            "receivables.write_off",
            _l("Old receivable written off (approved)"),
            "receivables.write_off_evidence",
            ("36",),
            permission="receivables.view",
        ),
        EvidenceKind(
            "receivables.rent_payment",
            _l("Rent received"),
            "receivables.payment_evidence",
            ("12",),
            permission="receivables.view",
        ),
    ),
    indicators=(
        Indicator(
            "receivables.over_one_year",
            _l("Owed for over a year (against the start of the clean-up, else 1 January)"),
            ("36",),
            indicators.over_one_year_indicator,
            permission="receivables.view",
        ),
        Indicator(
            "receivables.campaign_verified",
            _l("Clean-up campaign: receivables verified"),
            ("36",),
            indicators.campaign_verified,
            permission="receivables.view",
        ),
        Indicator(
            "receivables.rent_collected",
            _l("Rent due this month collected"),
            ("12",),
            indicators.rent_collected_this_month,
            permission="receivables.view",
        ),
    ),
    settings=(*levels.SETTINGS, *jobs.SETTINGS, *letters.SETTINGS),
    settings_check=levels.check,
    settings_permission="receivables.write",
    jobs=(
        JobSpec(jobs.JOB, jobs.morning, "cron", {"hour": 8, "minute": 30}),
        # At night, when few write: the month just closed and any a backdated write dropped.
        JobSpec(month_sums.JOB, month_sums.fill, "cron", {"hour": 1, "minute": 10}),
    ),
    demo=demo.load,
    todo=todo.todo,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
)
