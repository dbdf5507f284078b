"""Sign in, sign out, language, one's own password."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from parkops.auth import services
from parkops.auth.access import public, signed_in
from parkops.auth.forms import ChangePasswordForm, LoginForm
from parkops.auth.login import end_session, start_session
from parkops.i18n import LANGUAGES
from parkops.redirects import is_local_path
from parkops.visitor_forms import visitor_form

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let a phishing link reuse our login.
    return target if is_local_path(target) else url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(
            form.username.data, form.password.data, request.remote_addr or ""
        )
        if result.locked:
            flash(_("Too many failed sign-ins. Wait a few minutes and try again."), "error")
        elif result.user is None:
            flash(_("Wrong username or password."), "error")
        else:
            start_session(result.user)
            return redirect(_safe_next(request.args.get("next")), 303)
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        end_session(user)  # raises the session version: copies of the cookie end too
        services.record_logout(user)  # commits
    return redirect(url_for("auth.login"), 303)


@bp.route("/language/<code>", methods=["POST"])
@public
@visitor_form  # posted from visitor pages too, which carry no session token
def language(code: str):
    if code in LANGUAGES:
        session["locale"] = code
        if current_user.is_authenticated:
            services.set_locale(current_user._get_current_object(), code)
    return redirect(_safe_next(request.form.get("next")), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.Refused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            start_session(user)  # the session follows the new password; others end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status
