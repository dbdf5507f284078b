"""The patrols module as the core sees it.

Who may do what (default roles; admin holds everything), always at the user's sites:

- ``patrols.view``: see checklists, routes and every run (inspector, leader);
- ``patrols.run``: start runs, scan checkpoints, answer and submit (inspector);
- ``patrols.patrol``: run the slots scheduled for oneself or one's team (crews), see
  today's slots of those schedules; never an unannounced inspection;
- ``patrols.oversee``: hear, once a day, of follow-ups past their deadline at the
  site (leader): the owners' leaders;
- ``patrols.manage``: write checklists (a new version each time) and routes, print
  checkpoint labels (inspector).

A run is worked on only by the inspector who started it, until it is submitted.
"""

from flask_babel import lazy_gettext as _l

from modules.patrols import demo, indicators, jobs, routes, todo
from modules.patrols.texts import PURPOSE_LABELS
from modules.patrols.views import bp
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
    "patrols.checklist_saved": _l("Checklist saved (new version)"),
    "patrols.route_created": _l("Patrol route added"),
    "patrols.route_changed": _l("Patrol route changed"),
    "patrols.label_reissued": _l("Checkpoint label re-issued"),
    "patrols.run_submitted": _l("Patrol run submitted"),
    "patrols.schedule_created": _l("Patrol scheduled"),
    "patrols.schedule_ended": _l("Patrol schedule ended"),
    "patrols.finding_recorded": _l("Finding recorded"),
    "patrols.followup_assigned": _l("Follow-up assigned"),
    "patrols.finding_fixed": _l("Finding fixed"),
    "patrols.finding_verified": _l("Finding's fix verified"),
    "patrols.finding_sent_back": _l("Finding's fix sent back"),
}
AUDIT_OBJECTS = {
    "patrol_checklist": AuditObject(_l("Checklist"), "patrols.checklist", "checklist_id"),
    "patrol_route": AuditObject(_l("Patrol route"), "patrols.route", "route_id"),
    "patrol_run": AuditObject(_l("Patrol run"), "patrols.run", "run_id"),
    "patrol_schedule": AuditObject(_l("Patrol schedule"), "patrols.schedule_list", "schedule_id"),
    "patrol_finding": AuditObject(_l("Patrol finding"), "patrols.finding", "finding_id"),
}
AUDIT_DETAILS = {
    "version": AuditDetail(_l("Version")),
    "items": AuditDetail(_l("Items")),
    "purpose": AuditDetail(_l("Purpose"), one_of(PURPOSE_LABELS)),
    "checkpoints": AuditDetail(_l("Checkpoints")),
    "findings": AuditDetail(_l("Patrol findings")),
    "owner_id": AuditDetail(_l("Owner"), person),
    "deadline": AuditDetail(_l("Fix by")),
}

# Runs and findings are evidence for the water patrol (5), sanitation (15), unannounced
# inspections (31), gate duty (32) and first-line supervision (34); the office remaps.
PROBLEMS = ("5", "15", "31", "32", "34")

spec = ModuleSpec(
    name="patrols",
    label=_l("Patrols"),
    blueprint=bp,
    # Crews reach their own patrols from the main navigation too.
    nav=(
        NavEntry(
            _l("Supervision"), "patrols.index", ("patrols.view", "patrols.run", "patrols.patrol")
        ),
    ),
    permissions=(
        Permission(
            "patrols.view", _l("See checklists, routes and patrol runs"), ("inspector", "leader")
        ),
        Permission("patrols.run", _l("Run patrols on a phone"), ("inspector",)),
        Permission(
            "patrols.patrol",
            _l("Run the patrols scheduled for you or your team (crews)"),
            ("crew", "gardener"),
        ),
        Permission(
            "patrols.oversee",
            _l("Hear of follow-ups past their deadline (the owners' leaders)"),
            ("leader",),
        ),
        Permission(
            "patrols.manage",
            _l("Write checklists and routes, print checkpoint labels"),
            ("inspector",),
        ),
    ),
    evidence_kinds=(
        EvidenceKind(
            "patrols.run",
            _l("Patrol run"),
            "patrols.run_evidence",
            PROBLEMS,
            permission="patrols.view",
        ),
        EvidenceKind(
            "patrols.finding",
            _l("Patrol finding"),
            "patrols.finding_evidence",
            PROBLEMS,
            permission="patrols.view",
        ),
    ),
    indicators=(
        Indicator(
            "patrols.unannounced_this_month",
            _l("Unannounced inspections this month and their findings"),
            ("31",),
            indicators.unannounced_this_month,
            permission="patrols.view",
        ),
        Indicator(
            "patrols.gate_duty_last_30_days",
            _l("Gate-duty runs done against scheduled (30 days) and touts seen per run"),
            ("32",),
            indicators.gate_duty_last_30_days,
            permission="patrols.view",
        ),
        Indicator(
            "patrols.scheduled_done_this_week",
            _l("Intake clearances done at their fixed times this week"),
            ("5",),
            indicators.scheduled_done_this_week,
            permission="patrols.view",
        ),
        Indicator(
            "patrols.overdue_followups",
            _l("Findings past their follow-up deadline"),
            ("34",),
            indicators.overdue_followups,
            permission="patrols.view",
        ),
    ),
    subjects=(
        SubjectKind(
            routes.SUBJECT_KIND,
            _l("Checkpoint"),
            routes.get_checkpoint,
            routes.search_checkpoints,
        ),
    ),
    demo=demo.load,
    todo=todo.todo,
    jobs=(
        JobSpec(
            "patrols.escalate_overdue_followups",
            jobs.escalate_overdue_followups,
            "cron",
            {"hour": 8, "minute": 30},
        ),
        JobSpec("patrols.missed_runs", jobs.notify_missed_runs, "cron", {"minute": "*/15"}),
    ),
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
    subnav=(
        SubNavEntry(
            _l("Runs"),
            "patrols.index",
            ("patrols.view", "patrols.run", "patrols.patrol"),
        ),
        SubNavEntry(
            _l("Patrol findings"),
            "patrols.finding_list",
            ("patrols.view", "patrols.run"),
        ),
        SubNavEntry(
            _l("Checklists"),
            "patrols.checklist_list",
            "patrols.view",
        ),
        SubNavEntry(
            _l("Schedules"),
            "patrols.schedule_list",
            "patrols.view",
        ),
        SubNavEntry(_l("Today"), "patrols.today", ("patrols.view", "patrols.patrol")),
        SubNavEntry(
            _l("Routes"),
            "patrols.route_list",
            "patrols.view",
        ),
    ),
    settings=(
        Setting(
            "label_font",
            str,
            "",
            _l("A font file with Chinese glyphs for checkpoint labels (empty: the first found)"),
        ),
    ),
)
