"""The greening module as the core sees it (problem 4: maintenance zones with a
responsible person; serves 5, 6 and 15).

Who may do what (default roles; admin holds everything), always at the user's sites:

- ``greening.view``: see zones, their roster and history (gardener, assessor,
  leader, office);
- ``greening.work``: answer for a zone as its responsible person (gardener);
- ``greening.manage``: add and edit zones, change the roster, upload a site's plan
  and draw zones on it, edit the scoring rules and the payout bands, open rounds,
  withdraw deductions (office);
- ``greening.assess``: open rounds, score zones in them and withdraw the deductions
  one recorded (assessor).

Patrol findings about a zone deduct in its open round (``findings.py``, a reaction to
``signals.finding_recorded``).
"""

from flask_babel import lazy_gettext as _l

from modules.greening import demo, evidence, findings, indicators, reminders, tasks, todo, zones
from modules.greening.texts import DECISION_LABELS
from modules.greening.views import bp
from parkops import signals
from parkops.audit_words import one_of, person
from parkops.module_settings import Setting
from parkops.registry import (
    AuditDetail,
    AuditObject,
    Indicator,
    JobSpec,
    ModuleSpec,
    NavEntry,
    Permission,
    SubNavEntry,
)
from parkops.subjects import SubjectKind

AUDIT_ACTIONS = {
    "greening.zone_created": _l("Maintenance zone added"),
    "greening.zone_changed": _l("Maintenance zone changed"),
    "greening.roster_changed": _l("Zone's responsible person set"),
    "greening.plan_uploaded": _l("Site plan uploaded"),
    "greening.outline_drawn": _l("Zone drawn on the site plan"),
    "greening.task_type_added": _l("Task type added"),
    "greening.task_added": _l("One-off task added"),
    "greening.task_done": _l("Task done"),
    "greening.rules_changed": _l("Scoring rules: new version"),
    "greening.round_opened": _l("Assessment round opened"),
    "greening.zone_assessed": _l("Zone assessed"),
    "greening.deduction_recorded": _l("Deduction recorded"),
    "greening.appeal_filed": _l("Deduction appealed"),
    "greening.appeal_decided": _l("Appeal decided"),
    "greening.round_closed": _l("Assessment round closed"),
    "greening.correction_proposed": _l("Score correction proposed"),
    "greening.correction_decided": _l("Score correction decided"),
    # the assessment side, second part: findings, withdrawals, payout bands
    "greening.finding_deducted": _l("Deduction for a patrol finding"),
    "greening.deduction_withdrawn": _l("Deduction withdrawn"),
    "greening.bands_changed": _l("Payout bands: new version"),
    # zones and tasks, the rest (imports.py, task types, reminders)
    "greening.zones_imported": _l("Maintenance zones imported"),
    "greening.task_type_changed": _l("Task type changed"),
}
AUDIT_OBJECTS = {
    "zone": AuditObject(_l("Maintenance zone"), "greening.zone", "zone_id"),
    "task_type": AuditObject(_l("Task type")),
    "rule_version": AuditObject(_l("Scoring rules")),
    "round": AuditObject(_l("Assessment round")),
    "band_version": AuditObject(_l("Payout bands")),
}
AUDIT_DETAILS = {
    "greening.zone_created:code": AuditDetail(_l("Code")),
    "greening.zone_changed:code": AuditDetail(_l("Code")),
    "responsible_id": AuditDetail(_l("Responsible person"), person),
    "team": AuditDetail(_l("Team")),
    "starts_on": AuditDetail(_l("From")),
    "points": AuditDetail(_l("Corners")),
    "greening.task_type_added:name": AuditDetail(_l("Name")),
    "greening.task_added:title": AuditDetail(_l("Task")),
    "greening.task_done:title": AuditDetail(_l("Task")),
    "greening.rules_changed:items": AuditDetail(_l("Items")),
    "greening.round_opened:month": AuditDetail(_l("Month")),
    "greening.zone_assessed:score": AuditDetail(_l("Score")),
    "greening.deduction_recorded:score": AuditDetail(_l("Score")),
    "greening.deduction_recorded:item": AuditDetail(_l("Item")),
    "greening.deduction_recorded:points": AuditDetail(_l("Points deducted")),
    "greening.round_closed:month": AuditDetail(_l("Month")),
    "greening.appeal_filed:points": AuditDetail(_l("Points deducted")),
    "greening.appeal_decided:decision": AuditDetail(_l("Decision"), one_of(DECISION_LABELS)),
    "greening.appeal_decided:score": AuditDetail(_l("Score")),
    "greening.appeal_decided:was": AuditDetail(_l("Score before")),
    "greening.correction_proposed:score": AuditDetail(_l("New score")),
    "greening.correction_proposed:was": AuditDetail(_l("Score before")),
    "greening.correction_decided:approved": AuditDetail(_l("Approved")),
    "greening.correction_decided:score": AuditDetail(_l("Score")),
    "greening.finding_deducted:item": AuditDetail(_l("Item")),
    "greening.finding_deducted:points": AuditDetail(_l("Points deducted")),
    "greening.finding_deducted:score": AuditDetail(_l("Score")),
    "greening.deduction_withdrawn:points": AuditDetail(_l("Points restored")),
    "greening.deduction_withdrawn:score": AuditDetail(_l("Score")),
    "greening.deduction_withdrawn:was": AuditDetail(_l("Score before")),
    "greening.bands_changed:bands": AuditDetail(_l("Bands")),
    # zones and tasks, the rest
    "greening.zones_imported:file": AuditDetail(_l("File")),
    "greening.zones_imported:created": AuditDetail(_l("Zones added")),
    "greening.zones_imported:updated": AuditDetail(_l("Zones changed")),
    "greening.zones_imported:reassigned": AuditDetail(_l("Roster changes")),
    "greening.task_type_changed:name": AuditDetail(_l("Name")),
    "greening.task_type_changed:season": AuditDetail(_l("Season")),
    "greening.task_type_changed:frequency_days": AuditDetail(_l("Every (days)")),
}


def positive_days(text: str) -> int:
    """A whole number of days, 1..90; ValueError otherwise."""
    days = int(text)
    if not 1 <= days <= 90:
        raise ValueError(_l("A whole number of days from 1 to 90."))
    return days


DB = "database"  # business rules: changed on /settings/greening by greening.manage


def share(text: str) -> int:
    """A whole percent, 0..100; ValueError otherwise."""
    value = int(text)
    if not 0 <= value <= 100:
        raise ValueError(_l("A whole number from 0 to 100."))
    return value


def percent(text: str) -> int:
    """A whole percent, 1..100; ValueError otherwise."""
    value = int(text)
    if not 1 <= value <= 100:
        raise ValueError(_l("A whole number from 1 to 100."))
    return value


def item_name(text: str) -> str:
    """A rule item's name as the rules spell it, at most 100 characters."""
    name = text.strip()
    if len(name) > 100:
        raise ValueError(_l("At most 100 characters."))
    return name


spec = ModuleSpec(
    name="greening",
    label=_l("Greening"),
    blueprint=bp,
    url_prefix="/greening",
    nav=(NavEntry(_l("Greening"), "greening.index", "greening.view"),),
    permissions=(
        Permission(
            "greening.view",
            _l("See maintenance zones and who answers for them"),
            ("gardener", "assessor", "leader", "office"),
        ),
        Permission("greening.work", _l("Answer for a maintenance zone"), ("gardener",)),
        Permission(
            "greening.manage", _l("Add and edit maintenance zones and their roster"), ("office",)
        ),
        Permission("greening.assess", _l("Score maintenance zones in a round"), ("assessor",)),
    ),
    indicators=(
        Indicator(
            "greening.rostered_today",
            _l("Maintenance zones with a responsible person today"),
            ("4",),
            indicators.rostered_today,
            permission="greening.view",
        ),
        Indicator(
            "greening.mean_score",
            _l("Mean score of maintenance zones, latest closed round"),
            ("4",),
            indicators.mean_score,
            permission="greening.view",
        ),
        Indicator(
            "greening.below_pass_mark",
            _l("Maintenance zones below the pass mark, latest closed round"),
            ("4",),
            indicators.below_pass_mark,
            permission="greening.view",
        ),
        Indicator(
            "greening.tasks_on_time",
            _l("Maintenance tasks done on time, last 30 days"),
            ("6", "15"),
            indicators.tasks_on_time,
            permission="greening.view",
        ),
    ),
    evidence_kinds=evidence.KINDS,
    reactions=((signals.finding_recorded, findings.on_finding_recorded),),
    subjects=(
        SubjectKind(
            "greening.zone", _l("Maintenance zone"), zones.get_subject, zones.search_subjects
        ),
    ),
    jobs=(
        JobSpec("greening.generate_tasks", tasks.generate_daily, "cron", {"hour": 5}),
        # reminders.py: each once per period
        JobSpec(
            "greening.overdue_tasks", reminders.overdue_tasks, "cron", {"hour": 7, "minute": 30}
        ),
        JobSpec("greening.rounds_opened", reminders.rounds_opened, "cron", {"minute": "*/15"}),
        JobSpec(
            "greening.appeals_possible", reminders.appeals_possible, "cron", {"minute": "*/15"}
        ),
    ),
    demo=demo.load,
    todo=todo.todo,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
    settings=(
        Setting(
            "appeal_days",
            positive_days,
            7,
            _l("Days a deduction may be appealed after it was recorded"),
            DB,
        ),
        Setting(
            "pass_mark",
            percent,
            80,
            _l("Pass mark: the lowest passing score, in percent of the rules' points"),
            DB,
        ),
        Setting(
            "responsible_share",
            share,
            60,
            _l("Responsible person's share of a reward or penalty, percent (the rest: team)"),
            DB,
        ),
        Setting(
            "finding_item",
            item_name,
            "",
            _l("Rule item a patrol finding deducts against (empty: the rules' first item)"),
            DB,
        ),
    ),
    settings_permission="greening.manage",
    subnav=(
        SubNavEntry(
            _l("Zones"),
            "greening.index",
            ("greening.view", "greening.manage"),
        ),
        SubNavEntry(
            _l("Site plan"),
            "greening.plan",
            ("greening.view", "greening.manage"),
        ),
        SubNavEntry(_l("My tasks"), "greening.my_tasks", ("greening.work",)),
        SubNavEntry(
            _l("Task types"),
            "greening.task_types_page",
            ("greening.view", "greening.manage"),
        ),
        SubNavEntry(_l("Task completion"), "greening.completion", ("greening.manage",)),
        SubNavEntry(
            _l("Assessment"),
            "greening.rounds_page",
            ("greening.view", "greening.manage"),
        ),
        SubNavEntry(
            _l("Scoring rules"),
            "greening.rules_page",
            ("greening.view", "greening.manage"),
        ),
        SubNavEntry(_l("Appeals"), "greening.appeals_page", ("greening.manage",)),
        SubNavEntry(_l("Payout bands"), "greening.bands_page", ("greening.manage",)),
        SubNavEntry(
            _l("Settings"),
            "settings.module",
            "greening.manage",
            args=(("module", "greening"),),
        ),
    ),
)
