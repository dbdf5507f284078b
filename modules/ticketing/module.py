"""Ticketing: ticket stock, shifts, daily reconciliation and audit (problems 35, 12, 29, 11)."""

from flask_babel import lazy_gettext as _l

from modules.ticketing import demo, indicators, jobs, todo
from modules.ticketing.cli import cli
from modules.ticketing.views import bp
from parkops.registry import EvidenceKind, Indicator, JobSpec, ModuleSpec, NavEntry, Permission

PROBLEMS = ("35", "12")

spec = ModuleSpec(
    name="ticketing",
    label=_l("Ticketing"),
    blueprint=bp,
    url_prefix="/ticketing",
    nav=(
        NavEntry(_l("Ticket office"), "ticketing.index", "ticketing.sell", "ticket"),
        NavEntry(_l("Ticket audit"), "ticketing.days", "ticketing.view", "audit"),
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
    ),
    cli=cli,
    demo=demo.load,
    todo=todo.todo,
)
