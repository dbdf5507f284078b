"""The facilities module as the core sees it.

Who may do what (default roles; admin holds everything):

- ``facilities.view``: see facilities, the patrol and repair orders, comment on
  orders (crew, leader, office, inspector);
- ``facilities.inspect``: log inspections and report damage (crew);
- ``facilities.repair``: take, work and finish repair orders (crew);
- ``facilities.verify``: verify repairs and reject reports, and hear the
  evening and overdue notices: the supervisors (inspector, leader);
- ``facilities.manage``: the registry, types, labels, import, squad leads (office).

Besides the supervisors, each site's squad lead (chosen on the squad page among
the site's crew) may verify and reject at that site, and so may the person who
reported the fault, provided they did not mark it repaired themselves.
All of it is limited to the user's sites.
"""

from flask_babel import lazy_gettext as _l

from modules.facilities import demo, indicators, jobs, patrol_findings, subjects, todo
from modules.facilities.cli import cli
from modules.facilities.forms import CATEGORY_LABELS, REJECT_LABELS
from modules.facilities.views import bp
from parkops import signals
from parkops.audit_words import one_of, person
from parkops.module_settings import Setting
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

# The audit log in words (parkops/audit_words.py).
AUDIT_ACTIONS = {
    "facilities.type_created": _l("Facility type created"),
    "facilities.type_changed": _l("Facility type changed"),
    "facilities.squad_lead_set": _l("Squad lead chosen"),
    "facilities.created": _l("Facility added"),
    "facilities.changed": _l("Facility changed"),
    "facilities.token_reissued": _l("Facility label reissued"),
    "facilities.out_of_service": _l("Facility out of service"),
    "facilities.order_verified": _l("Repair verified"),
    "facilities.order_rejected": _l("Damage report rejected"),
    "facilities.imported": _l("Facilities imported"),
    "facilities.report_split": _l("Visitor report split into its own repair order"),
    "facilities.order_from_finding": _l("Repair order opened for a finding"),
}
AUDIT_OBJECTS = {
    "facility": AuditObject(_l("Facility"), "facilities.facility", "facility_id"),
    "facility_type": AuditObject(_l("Facility type"), "facilities.type_form", "type_id"),
    "repair_order": AuditObject(_l("Repair order"), "facilities.order", "id"),
}
AUDIT_DETAILS = {
    "interval_days": AuditDetail(_l("Inspection interval (days)")),
    "safety_critical": AuditDetail(_l("Safety-critical")),
    "facilities.squad_lead_set:user_id": AuditDetail(_l("Squad lead"), person),
    "order_id": AuditDetail(_l("Repair order")),
    "old_token_prefix": AuditDetail(_l("Old label begins with")),
    "facilities.order_rejected:reason": AuditDetail(_l("Reason"), one_of(REJECT_LABELS)),
    "created": AuditDetail(_l("Added")),
    "updated": AuditDetail(_l("Updated")),
    "bad_rows": AuditDetail(_l("Rows refused")),
    "facilities.report_split:order_id": AuditDetail(_l("Split from repair order")),
    "reference": AuditDetail(_l("Report reference")),
    "category": AuditDetail(_l("Fault"), one_of(CATEGORY_LABELS)),
}


def positive_hours(text: str) -> float:
    """Hours as a positive number (``4``, ``4.5``); ValueError otherwise."""
    hours = float(text)
    if not 0 < hours < 10_000:
        raise ValueError(f"{text!r} is not a positive number of hours")
    return hours


def positive_int(text: str) -> int:
    number = int(text)
    if number < 1:
        raise ValueError(f"{text!r} is not a positive whole number")
    return number


DB = "database"  # business rules: changed on /settings/facilities by facilities.manage

spec = ModuleSpec(
    name="facilities",
    label=_l("Facilities"),
    blueprint=bp,
    subjects=(
        SubjectKind(
            subjects.SUBJECT_KIND,
            _l("Facility"),
            subjects.get_facility,
            subjects.search_facilities,
        ),
    ),
    reactions=((signals.finding_recorded, patrol_findings.on_finding),),
    nav=(
        NavEntry(
            _l("Patrol"),
            "facilities.patrol_view",
            "facilities.view",
            "patrol",
            also=("facilities.inspection",),
        ),
        NavEntry(
            _l("Repair orders"),
            "facilities.orders_list",
            "facilities.view",
            "repair",
            also=("facilities.order", "facilities.report", "facilities.order_step"),
        ),
        NavEntry(_l("Facilities"), "facilities.index", "facilities.view", "facility", home=True),
    ),
    permissions=(
        Permission(
            "facilities.view",
            _l("See facilities, the patrol and repair orders"),
            ("crew", "leader", "office", "inspector"),
        ),
        Permission("facilities.inspect", _l("Log inspections and report damage"), ("crew",)),
        Permission("facilities.repair", _l("Work on repair orders"), ("crew",)),
        Permission(
            "facilities.verify",
            _l("Verify repairs and reject reports (supervisors)"),
            ("inspector", "leader"),
        ),
        Permission(
            "facilities.manage", _l("Manage the facility registry and its labels"), ("office",)
        ),
    ),
    evidence_kinds=(
        EvidenceKind(
            "facilities.inspection",
            _l("Patrol inspection"),
            "facilities.inspection",
            ("14",),
            permission="facilities.view",
        ),
        EvidenceKind(
            "facilities.repair_order",
            _l("Repair order"),
            "facilities.order",
            ("14",),
            permission="facilities.view",
        ),
    ),
    indicators=(
        Indicator(
            "facilities.closed_within_deadline",
            _l("Repair orders closed within their deadline (last 30 days)"),
            ("14",),
            indicators.closed_within_deadline,
            permission="facilities.view",
        ),
        Indicator(
            "facilities.median_time_to_repair",
            _l("Median time to repair (last 30 days)"),
            ("14",),
            indicators.median_time_to_repair,
            permission="facilities.view",
        ),
        Indicator(
            "facilities.coverage_today",
            _l("Inspection coverage today"),
            ("14",),
            indicators.today_coverage_indicator,
            permission="facilities.view",
        ),
        Indicator(
            "facilities.coverage_week",
            _l("Inspection coverage this week"),
            ("14",),
            indicators.week_coverage_indicator,
            permission="facilities.view",
        ),
        Indicator(
            "facilities.overdue_orders",
            _l("Open repair orders past their deadline"),
            ("14",),
            indicators.overdue_orders_indicator,
            permission="facilities.view",
        ),
    ),
    jobs=(
        JobSpec("facilities.evening_due_notice", jobs.evening_due_notice, "cron", {"hour": 18}),
        JobSpec("facilities.escalate_overdue", jobs.escalate_overdue, "cron", {"minute": 5}),
    ),
    cli=cli,
    demo=demo.load,
    todo=todo.todo,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
    subnav=(
        SubNavEntry(
            _l("Facilities"),
            "facilities.index",
            "facilities.view",
        ),
        SubNavEntry(_l("Types"), "facilities.types", "facilities.manage"),
        SubNavEntry(_l("Squad leads"), "facilities.squads", "facilities.manage"),
        SubNavEntry(_l("Import"), "facilities.import_", "facilities.manage"),
        SubNavEntry(
            _l("Repair deadlines"),
            "settings.module",
            "facilities.manage",
            args=(("module", "facilities"),),
        ),
    ),
    settings=(
        Setting("deadline_urgent_hours", positive_hours, 4.0, _l("Hours to repair: urgent"), DB),
        Setting("deadline_high_hours", positive_hours, 24.0, _l("Hours to repair: high"), DB),
        Setting("deadline_normal_hours", positive_hours, 72.0, _l("Hours to repair: normal"), DB),
        Setting("deadline_low_hours", positive_hours, 168.0, _l("Hours to repair: low"), DB),
        Setting(
            "visitor_reports_per_hour",
            positive_int,
            5,
            _l("Visitor reports one client address may send in an hour"),
        ),
        Setting(
            "label_font",
            str,
            "",
            _l("A font file with Chinese glyphs for the label PNGs (empty: the first found)"),
        ),
    ),
    settings_permission="facilities.manage",
)
