"""Template globals and filters: navigation, money, local time, the DEMO marker."""

from datetime import UTC, date, datetime

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_login import current_user
from markupsafe import Markup

from parkops import idempotency, labels
from parkops.auth.services import is_demo
from parkops.forms import preselect_only_choice
from parkops.i18n import LANGUAGES
from parkops.money import format_fen
from parkops.registry import holds_any, registry
from parkops.timeutil import business_day, to_local


def _nav():
    """The main navigation's entries the signed-in user may open (the registry's order);
    worked out once per set of roles, which is all that decides them."""
    if not current_user.is_authenticated:
        return []
    roles = frozenset(current_user.roles)
    kept = current_app.extensions.setdefault("parkops_nav", {})
    if roles not in kept:
        entries = registry(current_app).nav
        kept[roles] = [e for e in entries if holds_any(current_user, e.permission)]
    return kept[roles]


def _main_nav() -> Markup:
    """The top bar's links, the current page's marked: HTML built once per (roles,
    language, URL root, current entry) and kept for the process, not per page."""
    entries = _nav()
    current = current_nav_entry(registry(current_app).nav, request.endpoint)
    if current not in entries:  # the page's entry is not this user's to see
        current = None
    key = (
        frozenset(current_user.roles) if entries else None,
        str(get_locale()),
        request.script_root,
        current.endpoint if current else None,
    )
    kept = current_app.extensions.setdefault("parkops_nav_html", {})
    if key not in kept:
        marked = Markup(' aria-current="page"')
        kept[key] = Markup("\n").join(
            Markup('<a href="{}"{}>{}</a>').format(
                url_for(e.endpoint), marked if e is current else "", e.label
            )
            for e in entries
        )
    return kept[key]


def current_nav_entry(entries, endpoint: str | None):
    """The one main-menu entry of ``entries`` (all of them, not only the shown) the page
    at ``endpoint`` belongs to, or None, as ``NavEntry`` states it: the entry naming the
    page (its endpoint or one of ``also``); else, among the entries of the page's
    blueprint, the only one or the one marked ``home``."""
    if not endpoint:
        return None
    exact = [e for e in entries if endpoint == e.endpoint or endpoint in e.also]
    if exact:
        return exact[0]
    blueprint = endpoint.split(".")[0] + "."
    same = [e for e in entries if e.endpoint.startswith(blueprint)]
    if len(same) == 1:
        return same[0]
    return next((e for e in same if e.home), None)


def _subnav(module: str, tab: str) -> list[tuple[object, bool]]:
    """``[(SubNavEntry, current), …]`` of ``module`` the signed-in user may open; current
    is the one whose endpoint is ``tab``, the section the page states it belongs to
    (never guessed from the request's endpoint: a refused form posted to another
    endpoint shows its page under the same tab). A ``tab`` the module has not (the
    settings page of a module with no settings tab) marks none."""
    spec = registry(current_app).spec(module)
    if spec is None or not current_user.is_authenticated:
        return []
    shown = [e for e in spec.subnav if holds_any(current_user, e.permission)]
    return [(e, e.endpoint == tab) for e in shown]


def _demo() -> bool:
    if "parkops_demo" not in g:
        g.parkops_demo = is_demo()
    return g.parkops_demo


def local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value and fmt == "yyyy-MM-dd HH:mm":
        # The same text as Babel's (a naive value is UTC, as Babel reads it, shown in
        # the installation's zone), at a tenth of the cost: a list of 50 rows paid 2 ms.
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return to_local(moment).strftime("%Y-%m-%d %H:%M")
    return format_datetime(value, fmt) if value else ""


def _local_date(value: date | None, fmt: str = "yyyy-MM-dd") -> str:
    if type(value) is date and fmt == "yyyy-MM-dd":
        return value.isoformat()  # the same text, without Babel's pattern machinery
    return format_date(value, fmt) if value else ""


_HOLE = 2_147_483_646  # an id no row has (the largest 32-bit one but one): marks the open value


class UrlPattern:
    """The URL of one endpoint for many rows that differ only in one integer value,
    e.g. ``zone_id``: ``pattern(7)`` is ``url_for(endpoint, zone_id=7, **fixed)``, by
    string concatenation. url_for costs about 15 µs (werkzeug's routing build); a list
    of 50 rows with one link each paid it 50 times."""

    __slots__ = ("_head", "_tail")

    def __init__(self, head: str, tail: str) -> None:
        self._head, self._tail = head, tail

    def __call__(self, value: int) -> str:
        # int(): only an integer may go into the URL, never text a row carries.
        return f"{self._head}{int(value)}{self._tail}"


def url_pattern(endpoint: str, key: str, **fixed) -> UrlPattern:
    """A template global: the URLs of ``endpoint`` with ``key`` (an ``int`` route
    variable or query argument) left open and the other values ``fixed`` (route
    variables or query arguments), worked out once per page instead of once per row."""
    head, _hole, tail = url_for(endpoint, **{key: _HOLE}, **fixed).partition(str(_HOLE))
    return UrlPattern(head, tail)


def _translations():
    """The request's catalog, looked up once per request and locale: Flask-Babel finds
    it anew for every _() (domain, locale, its identifier string), a tenth of a page
    that says a few hundred words. A ``force_locale`` block gets its own.

    Reads the request's ``g`` once: each proxy lookup (and ``get_locale`` makes three)
    costs about as much as the translation itself."""
    kept = g._get_current_object().__dict__
    # Flask-Babel keeps the request's locale there once chosen (force_locale swaps it).
    locale = getattr(kept.get("_flask_babel"), "babel_locale", None) or get_locale()
    cached = kept.get("_parkops_translations")
    if cached is None or cached[0] is not locale:
        cached = kept["_parkops_translations"] = (locale, get_translations())
    return cached[1]


def init_templating(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters["fen"] = format_fen
    app.jinja_env.filters["dt"] = local_datetime
    app.jinja_env.filters["d"] = _local_date
    app.jinja_env.filters["label"] = labels.label
    app.jinja_env.globals.update(
        nav_entries=_nav,
        main_nav=_main_nav,
        subnav_entries=_subnav,
        module_assets=lambda: registry(current_app).assets,
        is_demo=_demo,
        languages=LANGUAGES,
        get_locale=get_locale,
        idempotency_field=idempotency.field,
        preselect_only_choice=preselect_only_choice,
        today=business_day,
        url_pattern=url_pattern,
    )
