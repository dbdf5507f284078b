"""People pickers that search instead of listing every user.

``PersonField`` is a text input: a person is typed as the page shows them, "王芳
(wangf)", or by username alone, or by a display name no one else has (the way
without a script). ``static/js/people.js`` fills the input's <datalist> from
``/people/search?q=`` as one types (a JSON list of at most ``LIMIT`` people). Both
see the same people: active users the viewer may see (an all-site viewer: everyone;
else themselves and those sharing one of their sites or working at all sites), and the field
also whoever holds it now, even when since deactivated.

The search reads an index of the pieces of active accounts' names (``user_grams``, see
``parkops/grams.py``) kept in its order, so it stops after a page of matches: the same
cost with 200 accounts or 20,000. Mapper listeners keep the index through every ORM
change of an account; a bulk insert adds ``index_rows`` itself (the bench's sellers).
"""

import re

from flask import Blueprint, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Row, and_, delete, event, insert, inspect, or_, select, true
from wtforms import StringField, ValidationError

from parkops.auth.access import require
from parkops.auth.models import Site, User, UserGram
from parkops.extensions import db
from parkops.grams import grams, lowered, probes
from parkops.query_args import parse_number
from parkops.registry import ModuleSpec

LIMIT = 20
# Who picks a person: the ledger's readers (its person filter), editors, and the
# meeting decisions' keepers; and the audit log's readers (its actor filter). The ledger
# already names its people to all its readers, the audit log every account to its own.
PICKER_PERMISSIONS = ("ledger.view", "ledger.edit", "decisions.write", "audit.view")
_NAMED = re.compile(r"(?P<name>.*)\((?P<username>[^()]+)\)\s*")


def label(user: User | Row) -> str:
    """A person (a User, or a row with its ``display_name`` and ``username``) as the
    picker shows them and reads them back: "王芳 (wangf)"."""
    return f"{user.display_name} ({user.username})"


def seeing(site_ids):
    """A WHERE clause on User: those who can see one of ``site_ids`` (ids; None: every
    user), i.e. work at all sites or at one of them. The rule for whom a record at a
    site may be assigned to (handler, owner, assignee…)."""
    if site_ids is None:
        return true()
    return or_(User.all_sites, User.sites.any(Site.id.in_(site_ids)))


def _visible(viewer: User):
    """A WHERE clause: the users ``viewer`` may see."""
    site_ids = viewer.site_ids
    return true() if site_ids is None else or_(User.id == viewer.id, seeing(site_ids))


def index_rows(user_id: int, display_name: str, username: str) -> list[dict]:
    """The ``user_grams`` rows of one active account (for a bulk insert)."""
    place = {"user_id": user_id, "display_name": display_name, "username": username}
    return [{"gram": g, **place} for g in grams(display_name, username, folding=lowered)]


@event.listens_for(User, "after_insert")
def _indexed(mapper, connection, user: User) -> None:
    if user.active is not False:  # None: the column's default, active
        connection.execute(insert(UserGram), index_rows(user.id, user.display_name, user.username))


@event.listens_for(User, "after_update")
def _reindexed(mapper, connection, user: User) -> None:
    state = inspect(user)
    if any(
        state.attrs[key].history.has_changes() for key in ("display_name", "username", "active")
    ):
        connection.execute(delete(UserGram).where(UserGram.user_id == user.id))
        _indexed(mapper, connection, user)


def search(text: str, viewer: User, limit: int = LIMIT) -> list[Row]:
    """Active users ``viewer`` may see whose name or username holds ``text`` (any case),
    by name, then username; at most ``limit``; none for empty text. Rows of ``id``,
    ``display_name``, ``username`` (what ``label`` needs): loading User objects would also
    load each one's roles and sites, a cost that grew with the matches (1 → 20). Read
    along the index of one of the text's pieces in that order, the substring tested on
    the index's copies of the names (PostgreSQL then walks it too, instead of hashing
    every account), and stopped after ``limit``: the viewer's sites decide the rest."""
    text = text.strip()
    if not text:
        return []
    first = probes(text, folding=lowered)[0]
    found = or_(
        UserGram.display_name.icontains(text, autoescape=True),
        UserGram.username.icontains(text, autoescape=True),
    )
    return list(
        db.session.execute(
            select(User.id, User.display_name, User.username)
            .join(UserGram, and_(UserGram.user_id == User.id, UserGram.gram == first))
            .where(User.active, _visible(viewer), found)
            .order_by(UserGram.display_name, UserGram.username)
            .limit(limit)
        )
    )


def find(text: str, viewer: User, current_id: int | None = None, anyone: bool = False) -> User:
    """The one person ``text`` names (see the module's docstring); ValidationError,
    in the user's language, when nobody or several people fit. ``anyone``: every
    account, deactivated or of another site (the audit log names them all)."""
    named = _NAMED.fullmatch(text)
    wanted = User.username == named["username"].strip() if named else None
    if wanted is None:
        wanted = or_(User.username == text, User.display_name == text)
    allowed = User.id == current_id if current_id else None
    open_to = true() if anyone else User.active & _visible(viewer)
    found = db.session.scalars(
        select(User).where(wanted, open_to if allowed is None else or_(open_to, allowed)).limit(2)
    ).all()
    if not found:
        raise ValidationError(_l("Nobody of that name: type a name or username, then choose."))
    if len(found) > 1:
        raise ValidationError(
            _l("Several people have that name: add the username in brackets, e.g. 王芳 (wangf).")
        )
    return found[0]


class PersonField(StringField):
    """A person picker; ``data`` is a user id, or None when left empty. Set
    ``current_id`` to the person the record holds now (kept even when deactivated)."""

    current_id: int | None = None

    def process_formdata(self, valuelist):
        self.typed = valuelist[0].strip() if valuelist else ""
        self.data = None  # resolved in pre_validate, once current_id is known

    def pre_validate(self, form):
        if getattr(self, "typed", ""):
            self.data = find(self.typed, current_user, self.current_id).id

    def shown(self, value) -> str:
        """A user id as the page names them (the conflict page uses it)."""
        user = db.session.get(User, int(value)) if value else None
        return label(user) if user else "—"

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.shown(self.data) if self.data else ""

    def __call__(self, **kwargs):
        options = f"{self.id}-people"
        kwargs.setdefault("list", options)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("data-people-search", url_for("people.search_people"))
        return super().__call__(**kwargs) + Markup('<datalist id="{}"></datalist>').format(options)


class PersonFilterField(PersonField):
    """A list's person filter (GET): the user id as links carry it (``?person=7``), or a
    person typed as in PersonField; ``data`` is the user id, or None when empty or
    unknown (the field then shows ``unknown``, by default "Unknown person; filter
    ignored."). ``anyone``: any account may be named, deactivated or of another site."""

    def __init__(self, *args, anyone: bool = False, unknown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.anyone = anyone
        self.unknown = unknown or _l("Unknown person; filter ignored.")

    def pre_validate(self, form):
        typed = getattr(self, "typed", "")
        try:
            if (number := parse_number(typed)) is not None:  # e-mails and home link by id
                if db.session.get(User, number) is None:
                    raise ValidationError("unknown id")
                self.data = number
            elif typed:
                self.data = find(typed, current_user, anyone=self.anyone).id
        except ValidationError:
            raise ValidationError(self.unknown) from None

    def _value(self):
        return self.shown(self.data) if self.data else (self.raw_data or [""])[0]


bp = Blueprint("people", __name__)


@bp.route("/people/search")
@require(*PICKER_PERMISSIONS)
def search_people():
    """``?q=text`` → ``[{"id": 7, "label": "王芳 (wangf)"}, …]``."""
    found = search(request.args.get("q", ""), current_user)
    return jsonify([{"id": u.id, "label": label(u)} for u in found])


spec = ModuleSpec(name="people", label=_l("People"), blueprint=bp)
