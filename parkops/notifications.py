"""The signed-in user's notifications: the list, opening one, marking all read.

A user sees only their own: another user's notification answers 404, as if it
did not exist. The top bar's bell shows the unread count (one COUNT query per
page: read with the account by the user loader, kept on ``g`` for the request;
recounted when the request notifies or marks read).
"""

import re

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from parkops.auth.access import signed_in
from parkops.extensions import db
from parkops.notify import Notification, mark_all_read, mark_read, unread_count
from parkops.paging import paginate_objects
from parkops.redirects import is_local_path
from parkops.registry import ModuleSpec

PER_PAGE = 20

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    if not current_user.is_authenticated:
        return 0
    if "parkops_unread" not in g:
        g.parkops_unread = unread_count(current_user.id)
    return g.parkops_unread


@bp.app_template_filter("notification_body")
def notification_body(body: str) -> Markup:
    """The body as text, with links into this installation clickable and shown as paths.

    Bodies are written for e-mail too, so they carry absolute URLs; on the page
    the path is enough. Other addresses stay plain text: nothing in a
    notification should send a user off-site with one tap.
    """
    base = current_app.config["BASE_URL"]
    pattern = re.compile(re.escape(base) + r"(/[^\s<>\"']*)")
    parts, last = [], 0
    for match in pattern.finditer(body):
        path = match.group(1)
        parts += [escape(body[last : match.start()]), _link(request.script_root + path, path)]
        last = match.end()
    parts.append(escape(body[last:]))
    return Markup("").join(parts)


def _link(href: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


def _destination(link: str) -> str:
    """Where opening a notification leads: a path of this installation, or the list.

    Links are written by ParkOps itself; refusing anything else keeps a bad row
    from turning the page into an open redirect.
    """
    if is_local_path(link):
        return request.script_root + link
    base = current_app.config["BASE_URL"]
    if link.startswith(base + "/"):
        return link
    return url_for("notifications.index")


@bp.route("/")
@signed_in
def index():
    page = paginate_objects(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        PER_PAGE,
    )
    return render_template("notifications/index.html", page=page)


@bp.route("/<int:notification_id>")
@signed_in
def open_one(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    mark_read(notification)
    return redirect(_destination(notification.link), code=303)


@bp.route("/read-all", methods=["POST"])
@signed_in
def read_all():
    mark_all_read(current_user.id)
    return redirect(url_for("notifications.index"), code=303)


spec = ModuleSpec(
    name="notifications", label=_l("Notifications"), blueprint=bp, url_prefix="/notifications"
)
