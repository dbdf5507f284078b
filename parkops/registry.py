"""The contract between the core and the operational modules.

A module is a package under ``modules/`` whose ``module.py`` defines
``spec = ModuleSpec(...)``. The core never imports a module by name: it loads
the ones listed in ``PARKOPS_MODULES`` and learns about them only through
their specs (nav entries, permissions, evidence kinds, indicators, jobs, CLI,
what waits for a user on the home page, the modules it requires, the subjects it
offers, the signals it reacts to, its stylesheets and scripts, its settings, its
sub-navigation, and the words for its audit actions, object types and detail keys).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

import click
from flask import Blueprint, Flask
from flask_babel import LazyString

from parkops import signals
from parkops.auth.models import User
from parkops.module_settings import Setting
from parkops.subjects import SubjectKind


@dataclass(frozen=True)
class Permission:
    name: str  # "facilities.view"
    label: str | LazyString
    default_roles: tuple[str, ...] = ()


def holds_any(user, permission: str | tuple[str, ...]) -> bool:
    """Whether ``user`` holds ``permission``, or any of them when it is a tuple."""
    return any(user.can(p) for p in ((permission,) if isinstance(permission, str) else permission))


@dataclass(frozen=True)
class NavEntry:
    """An entry of the main navigation, shown to users holding ``permission`` (any of
    them when it is a tuple: a page several roles open, each by its own permission).

    Current on its own page and the pages ``also`` names; on the other pages of its
    blueprint when it is that blueprint's only entry, or, of several, the one marked
    ``home`` (facilities: the register, not the patrol). Never guessed from names."""

    label: str | LazyString
    endpoint: str
    permission: str | tuple[str, ...]
    icon: str = ""
    also: tuple[str, ...] = ()  # other endpoints that mark this entry current
    home: bool = False  # current on its blueprint's pages no entry names


@dataclass(frozen=True)
class EvidenceKind:
    """A kind of operational record that can prove a problem's rectification.

    ``default_problems`` are the problem numbers a new record links to unless the
    office changes the mapping; ``endpoint`` shows one record, given ``id``.
    ``permission`` is the one a reader needs to see these records in the ledger
    (their lists, counts and summaries); required, so a new kind cannot leak by
    omission. Each link also carries its record's site (see ``link_evidence``).
    """

    name: str  # "facilities.work_order"
    label: str | LazyString
    endpoint: str
    default_problems: tuple[str, ...] = ()
    permission: str = field(kw_only=True)  # "facilities.view"


@dataclass(frozen=True)
class Indicator:
    """A live figure for a problem, computed from operational records.

    ``compute(site_ids)`` runs inside an app context and returns (value text, ok
    flag) over the records of the sites ``site_ids`` (a frozenset of site ids;
    None: every site), filtered in SQL: ok is True when the figure supports the
    problem being rectified, False when it contradicts it, None when there is
    nothing to judge yet.

    A reader holding ``permission`` is shown the figure over their own sites;
    anyone else does not see it at all.
    """

    name: str
    label: str | LazyString
    problems: tuple[str, ...]
    compute: Callable[[frozenset[int] | None], tuple[str, bool | None]]
    permission: str = field(kw_only=True)  # "ticketing.view"


@dataclass(frozen=True)
class AuditObject:
    """An audited object type: its name, and the page showing one
    (``url_for(endpoint, **{arg: object_id})``; None: no page)."""

    label: str | LazyString
    endpoint: str | None = None
    arg: str = "id"


@dataclass(frozen=True)
class AuditDetail:
    """An audit detail key's name, and how a stored value of it is shown (None: as it is;
    ``parkops.audit_words`` has ``person``, ``one_of(labels)``, ``count``)."""

    label: str | LazyString
    show: Callable[[object], str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting for the signed-in user, listed on the home page by its module.

    ``overdue`` items are listed first and marked; ``url`` is where it is done.
    """

    text: str
    url: str
    overdue: bool = False


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: APScheduler trigger name and arguments, and the callable.

    The callable runs inside an app context and must be idempotent per period
    (use ``parkops.scheduler.once``).
    """

    name: str
    func: Callable[[], object]
    trigger: str  # "cron" or "interval"
    trigger_args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SubNavEntry:
    """One tab of a module's own navigation, rendered by ``macros.subnav(module)``.

    Shown to users holding ``permission`` (any of them when it is a tuple); current on
    the pages that name it: each page of a section states its tab where it draws the
    bar, ``{{ subnav("<module>", "<this entry's endpoint>") }}``. ``args`` are the
    endpoint's URL values (``(("module", "example"),)`` for its settings page).
    """

    label: str | LazyString
    endpoint: str
    permission: str | tuple[str, ...]
    args: tuple[tuple[str, str], ...] = ()


class ModuleError(ValueError):
    """A module list or spec the core cannot start with; the message says which and why."""


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    label: str | LazyString
    blueprint: Blueprint | None = None
    url_prefix: str | None = None
    # Modules that must be loaded, and listed, before this one ("merchants" needs
    # "receivables").
    requires: tuple[str, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    subnav: tuple[SubNavEntry, ...] = ()
    permissions: tuple[Permission, ...] = ()
    evidence_kinds: tuple[EvidenceKind, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    jobs: tuple[JobSpec, ...] = ()
    cli: click.Group | None = None
    demo: Callable[[], None] | None = None  # adds the module's demo data
    # What waits for this user (a few counting queries; runs on every home page).
    todo: Callable[[User], list[TodoItem]] | None = None
    # Things records elsewhere may point at, stored there as (kind name, id).
    subjects: tuple[SubjectKind, ...] = ()
    # (signal from parkops.signals, handler): the handler runs, in the sender's
    # transaction, when this app sends the signal. See parkops/signals.py.
    reactions: tuple[tuple[object, Callable[..., object]], ...] = ()
    # Files in the blueprint's static folder, included by base.html on every page.
    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = ()
    # Who may change the module's database settings on /settings/<module>.
    settings_permission: str | None = None
    # The rules between the database settings, run when /settings/<module> is saved:
    # ({name: typed value} of all of them, the new over the stored) -> [message in the
    # user's language]; any message refuses the save (422, nothing stored).
    settings_check: Callable[[dict[str, object]], list] | None = None
    # The audit log in words (parkops/audit_words.py): every action the module records
    # ("ticketing.deposit" → label), its object types and its detail keys ("kind", or
    # "<action>:kind" when the key means something else in another action).
    audit_actions: dict[str, str | LazyString] = field(default_factory=dict, hash=False)
    audit_objects: dict[str, AuditObject] = field(default_factory=dict, hash=False)
    audit_details: dict[str, AuditDetail] = field(default_factory=dict, hash=False)


@dataclass
class Registry:
    """Everything the loaded specs declared, collected once at start-up."""

    specs: list[ModuleSpec] = field(default_factory=list)

    def add(self, spec: ModuleSpec) -> None:
        if any(s.name == spec.name for s in self.specs):
            raise ModuleError(f"module {spec.name!r} is registered twice")
        loaded = {s.name for s in self.specs}
        for needed in spec.requires:
            if needed not in loaded:
                raise ModuleError(
                    f"module {spec.name!r} requires module {needed!r}: list {needed!r} "
                    f"before {spec.name!r} in PARKOPS_MODULES"
                )
        self.specs.append(spec)

    def spec(self, name: str) -> ModuleSpec | None:
        return next((s for s in self.specs if s.name == name), None)

    @property
    def nav(self) -> list[NavEntry]:
        return [entry for spec in self.specs for entry in spec.nav]

    @property
    def permissions(self) -> dict[str, Permission]:
        return {p.name: p for spec in self.specs for p in spec.permissions}

    @property
    def evidence_kinds(self) -> dict[str, EvidenceKind]:
        return {k.name: k for spec in self.specs for k in spec.evidence_kinds}

    @property
    def indicators(self) -> list[Indicator]:
        return [i for spec in self.specs for i in spec.indicators]

    @property
    def jobs(self) -> list[JobSpec]:
        return [j for spec in self.specs for j in spec.jobs]

    @property
    def subjects(self) -> dict[str, SubjectKind]:
        return {k.name: k for spec in self.specs for k in spec.subjects}

    def reactions(self, signal) -> list[Callable[..., object]]:
        return [h for spec in self.specs for s, h in spec.reactions if s is signal]

    @property
    def assets(self) -> list[tuple[str, str, str]]:
        """``(kind, static endpoint, filename)``, kind "css" or "js", in loading order."""
        found = []
        for spec in self.specs:
            if spec.blueprint is None:
                continue
            static = f"{spec.blueprint.name}.static"
            found += [("css", static, f) for f in spec.stylesheets]
            found += [("js", static, f) for f in spec.scripts]
        return found

    def todo(self, user: User) -> list[TodoItem]:
        """Every module's items for ``user``, the overdue ones first."""
        items = [item for spec in self.specs if spec.todo for item in spec.todo(user)]
        return sorted(items, key=lambda item: not item.overdue)


def load_spec(dotted: str) -> ModuleSpec:
    """``facilities`` → ``modules.facilities.module.spec``; a dotted path is taken as is."""
    path = dotted if "." in dotted else f"modules.{dotted}.module"
    return import_module(path).spec


def register(app: Flask, spec: ModuleSpec) -> None:
    """Add ``spec`` to ``app``; ModuleError when a required module is missing or later,
    or when one of its settings has a wrong value."""
    registry: Registry = app.extensions["parkops"]
    registry.add(spec)
    app.extensions["parkops_settings"].declare(
        spec.name, spec.settings, app.config, spec.settings_check
    )
    for signal, _handler in spec.reactions:
        signals.connect_dispatcher(signal)
    if spec.blueprint is not None:
        app.register_blueprint(spec.blueprint, url_prefix=spec.url_prefix)
    if spec.cli is not None:
        app.cli.add_command(spec.cli)


def registry(app: Flask) -> Registry:
    return app.extensions["parkops"]
