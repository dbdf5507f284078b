"""The merchants module as the core sees it (problem 16: contracts ended by the rules;
serves 12, 17, 31 and 34). Rent falls due as receivables through
``modules/receivables/api.py``, hence ``requires=("receivables",)``.

Who may do what (default roles; admin holds everything), always at the user's sites:

- ``merchants.view``: read merchants, units and contracts (finance, leader, office,
  the merchant manager);
- ``merchants.write``: register merchants and units, draft contracts, put approved
  ones in force, record amendments, renew and end contracts (the merchant manager);
- ``merchants.approve``: approve a draft contract someone else drafted (leader,
  the merchant manager).
"""

from flask_babel import lazy_gettext as _l

from modules.merchants import (
    demo,
    documents,
    indicators,
    inspections,
    jobs,
    links,
    renewals,
    todo,
    violations,
)
from modules.merchants.access import READ
from modules.merchants.texts import CHECKS, EXIT_REASONS
from modules.merchants.views import bp
from parkops import signals
from parkops.audit_words import one_of
from parkops.module_settings import Setting
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
from parkops.subjects import SubjectKind

AUDIT_ACTIONS = {
    "merchants.merchant_added": _l("Merchant added"),
    "merchants.unit_added": _l("Unit added"),
    "merchants.contract_drafted": _l("Lease contract drafted"),
    "merchants.contract_approved": _l("Lease contract approved"),
    "merchants.contract_activated": _l("Lease contract put in force"),
    "merchants.contract_amended": _l("Lease contract amended"),
    "merchants.imported": _l("Merchants and contracts imported"),
    "merchants.contract_renewed": _l("Lease contract renewal drafted"),
    "merchants.exit_opened": _l("Exit from a lease opened"),
    "merchants.exit_closed": _l("Exit from a lease closed"),
    # drafts and scans (drafts.py)
    "merchants.contract_edited": _l("Draft lease contract edited"),
    "merchants.contract_discarded": _l("Draft lease contract discarded"),
    "merchants.contract_scan_added": _l("Signed scan of a lease contract stored"),
    "merchants.contract_expired": _l("Lease contract expired"),
    "merchants.document_added": _l("Merchant document stored"),
    "merchants.exit_approved": _l("Exit from a lease approved"),
    "merchants.turnover_recorded": _l("Turnover of a lease period recorded"),
    "merchants.exit_photos_added": _l("Photos of a unit handed back stored"),
    # inspections
    "merchants.inspection_recorded": _l("Merchant inspected"),
    "merchants.violation_opened": _l("Merchant violation recorded"),
    "merchants.violation_rechecked": _l("Merchant violation re-checked"),
}
AUDIT_OBJECTS = {
    "merchant": AuditObject(_l("Merchant"), "merchants.merchant", "merchant_id"),
    "unit": AuditObject(_l("Unit"), "merchants.units", "unit_id"),
    "contract": AuditObject(_l("Lease contract"), "merchants.contract", "contract_id"),
}
AUDIT_DETAILS = {
    "merchants.merchant_added:name": AuditDetail(_l("Name")),
    "merchants.unit_added:code": AuditDetail(_l("Code")),
    "merchants.contract_drafted:number": AuditDetail(_l("Contract number")),
    "merchants.contract_amended:effective_on": AuditDetail(_l("Takes effect on")),
    "merchants.contract_renewed:number": AuditDetail(_l("New contract number")),
    "merchants.exit_opened:reason": AuditDetail(_l("Reason"), one_of(EXIT_REASONS)),
    "merchants.exit_closed:amount_fen": AuditDetail(
        _l("Deposit refunded"), lambda v: format_fen(int(v))
    ),
    "merchants.contract_edited:number": AuditDetail(_l("Contract number")),
    "merchants.contract_discarded:number": AuditDetail(_l("Contract number")),
    "merchants.contract_scan_added:file": AuditDetail(_l("File")),
    "merchants.contract_expired:number": AuditDetail(_l("Contract number")),
    "merchants.document_added:kind": AuditDetail(_l("Document"), one_of(documents.DOCUMENT_KINDS)),
    "merchants.document_added:number": AuditDetail(_l("Document number")),
    "merchants.exit_photos_added:count": AuditDetail(_l("Photos")),
    "merchants.turnover_recorded:turnover_fen": AuditDetail(
        _l("Turnover"), lambda v: format_fen(int(v))
    ),
    "merchants.turnover_recorded:amount_fen": AuditDetail(
        _l("Top-up"), lambda v: format_fen(int(v))
    ),
    "merchants.imported:added": AuditDetail(_l("Added")),
    "merchants.imported:already": AuditDetail(_l("Imported before")),
    "merchants.contract_amended:amount_fen": AuditDetail(
        _l("Rent per period"), lambda v: format_fen(int(v))
    ),
    # inspections
    "merchants.inspection_recorded:unit": AuditDetail(_l("Leased unit")),
    "merchants.inspection_recorded:failed": AuditDetail(_l("Failed checks")),
    "merchants.violation_opened:check": AuditDetail(_l("Check"), one_of(CHECKS)),
    "merchants.violation_opened:deadline": AuditDetail(_l("Correct by")),
    "merchants.violation_rechecked:check": AuditDetail(_l("Check"), one_of(CHECKS)),
    "merchants.violation_rechecked:corrected": AuditDetail(
        _l("Corrected"), one_of({"yes": _l("Yes"), "no": _l("No")})
    ),
}


def deadline_days(text: str) -> int:
    """Days to correct a violation: a whole number from 1 to 90; ValueError otherwise."""
    days = int(text)
    if not 1 <= days <= 90:
        raise ValueError(_l("A whole number of days from 1 to 90."))
    return days


# Days to correct a failed check, per check (a business rule: /settings/merchants).
INSPECTION_SETTINGS = tuple(
    Setting(f"deadline_days_{check}", deadline_days, days, help_, "database")
    for check, days, help_ in (
        ("hygiene", 3, _l("Days to correct a violation: hygiene")),
        ("prices", 3, _l("Days to correct a violation: prices displayed")),
        ("outside", 1, _l("Days to correct a violation: operating outside the unit")),
        ("fire", 7, _l("Days to correct a violation: fire safety")),
        ("other", 7, _l("Days to correct a violation: other")),
    )
)

spec = ModuleSpec(
    name="merchants",
    label=_l("Merchants"),
    blueprint=bp,
    url_prefix="/merchants",
    requires=("receivables",),
    nav=(NavEntry(_l("Merchants"), "merchants.index", READ[0], "merchants"),),
    permissions=(
        Permission(
            "merchants.view",
            _l("See merchants, units and lease contracts"),
            ("finance", "leader", "office", "merchants"),
        ),
        Permission(
            "merchants.write", _l("Register merchants and units, manage leases"), ("merchants",)
        ),
        Permission(
            "merchants.approve",
            _l("Approve lease contracts drafted by someone else"),
            ("leader", "merchants"),
        ),
    ),
    subnav=(
        SubNavEntry(
            _l("Merchants"),
            "merchants.index",
            READ,
        ),
        SubNavEntry(_l("Units"), "merchants.units", READ),
        SubNavEntry(_l("Import"), "merchants.import_", "merchants.write"),
        SubNavEntry(
            _l("Inspections"),
            "merchants.inspections_list",
            READ,
        ),
        SubNavEntry(_l("Violations"), "merchants.violations_list", READ),
        SubNavEntry(
            _l("Settings"),
            "settings.module",
            "merchants.write",
            args=(("module", "merchants"),),
        ),
    ),
    evidence_kinds=(
        EvidenceKind(
            "merchants.contract",
            _l("Lease contract in force"),
            "merchants.contract_evidence",
            ("16", "34"),
            permission="merchants.view",
        ),
        EvidenceKind(
            "merchants.exit",
            _l("Exit from a lease"),
            "merchants.exit_evidence",
            ("16", "34"),
            permission="merchants.view",
        ),
        EvidenceKind(
            inspections.EVIDENCE,
            _l("Inspection of a merchant"),
            "merchants.inspection_evidence",
            ("31", "34"),
            permission="merchants.view",
        ),
    ),
    indicators=(
        Indicator(
            "merchants.past_end",
            _l("Contracts past their end with no renewal or exit"),
            ("16",),
            indicators.past_end_unresolved,
            permission="merchants.view",
        ),
        Indicator(
            "merchants.exits_unsettled",
            _l("Exits with unsettled arrears"),
            ("16",),
            indicators.exits_unsettled,
            permission="merchants.view",
        ),
        Indicator(
            "merchants.violations_past_deadline",
            _l("Merchant violations open past their deadline"),
            ("31",),
            violations.past_deadline_indicator,
            permission="merchants.view",
        ),
        Indicator(
            "merchants.inspections_this_month",
            _l("Inspections of merchants this month"),
            ("31",),
            inspections.this_month_indicator,
            permission="merchants.view",
        ),
    ),
    jobs=(
        JobSpec("merchants.raise_rent", jobs.raise_rent, "cron", {"hour": 1, "minute": 10}),
        JobSpec("merchants.expire", jobs.expire_contracts, "cron", {"hour": 1, "minute": 20}),
        JobSpec("merchants.renewals", jobs.remind_renewals, "cron", {"hour": 8, "minute": 30}),
        JobSpec("merchants.documents", jobs.remind_documents, "cron", {"hour": 8, "minute": 40}),
    ),
    settings=(
        Setting(
            "renewal_reminder_days",
            renewals.DayList(),
            (90, 60, 30),
            _l("Renewal reminders: days before a contract ends (e.g. 90, 60, 30)"),
            "database",
        ),
        Setting(
            "document_reminder_days",
            documents.reminder_days,
            30,
            _l("Document reminders: days before a licence or permit expires"),
            "database",
        ),
        *INSPECTION_SETTINGS,
    ),
    settings_permission="merchants.write",
    subjects=(
        SubjectKind(links.SUBJECT_KIND, _l("Merchant"), links.get_subject, links.search_subjects),
    ),
    reactions=((signals.finding_recorded, links.on_finding),),
    todo=todo.todo,
    demo=demo.load,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
)
