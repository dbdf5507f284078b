"""Administration routes: users, sites, departments. All need ``admin.users``."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from parkops import conflicts
from parkops.auth import admin_services as services
from parkops.auth.access import require
from parkops.auth.admin_forms import (
    DepartmentEditForm,
    DepartmentForm,
    NewUserForm,
    SiteEditForm,
    SiteForm,
    UserEditForm,
    UserForm,
)
from parkops.auth.models import ROLE_LABELS, ROLES, Department, Site, User, UserRole
from parkops.auth.services import Refused
from parkops.extensions import db
from parkops.paging import paginate_objects
from parkops.query_args import int_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 25
# The session key under which a reset password waits to be shown, once.
ONE_TIME_KEY = "admin_one_time_password"


def _refuse(form, refused: Refused) -> None:
    if refused.field and hasattr(form, refused.field):
        getattr(form, refused.field).errors.append(refused.message)
    else:
        flash(refused.message, "error")


def _form_page(template: str, **context):
    """A form shown again after a POST was refused (422), or for the first time."""
    status = 422 if request.method == "POST" else 200
    return render_template(template, **context), status


def _conflict_page(template: str, form, record, saved: dict, **context):
    """Someone saved ``record`` since this form was loaded: 409 with what differs, the
    typed values kept at the record's current version (``saved``: field → value now)."""
    db.session.rollback()
    db.session.refresh(record)
    conflict = conflicts.differences(form, saved(record))
    conflicts.keep_typed(form, record.edit_version)
    page = render_template(template, form=form, conflict=conflict, **context)
    return page, conflicts.CONFLICT


def _choices_for(user: User | None, form: UserForm) -> None:
    held_sites = {s.id for s in user.sites} if user else set()
    held_department = user.department_id if user else None
    sites = db.session.scalars(
        select(Site).where(or_(Site.active, Site.id.in_(held_sites))).order_by(Site.code)
    ).all()
    departments = db.session.scalars(
        select(Department)
        .where(or_(Department.active, Department.id == held_department))
        .order_by(Department.name)
    ).all()
    form.offer(sites, departments)


def _account(form: UserForm) -> services.Account:
    return services.Account(
        display_name=form.display_name.data,
        email=form.email.data or "",
        roles=form.roles.data or [],
        all_sites=form.all_sites.data,
        site_ids=form.sites.data or [],
        department_id=form.department_id.data,
    )


@bp.route("/users")
@require("admin.users")
def users():
    role = request.args.get("role", "")
    site_id = int_arg("site")
    state = request.args.get("state", "")
    q = request.args.get("q", "").strip()
    query = select(User).order_by(User.username)
    if role in ROLES:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if site_id is not None:
        query = query.where(or_(User.all_sites, User.sites.any(Site.id == site_id)))
    if state in ("active", "inactive"):
        query = query.where(User.active == (state == "active"))
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(
            or_(
                User.username.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    page = paginate_objects(query, PER_PAGE)
    filters = {"role": role, "site": site_id or "", "state": state, "q": q}
    return render_template(
        "admin/users.html",
        page=page,
        filters=filters,
        roles=ROLES,
        role_labels=ROLE_LABELS,
        sites=db.session.scalars(select(Site).order_by(Site.code)).all(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@require("admin.users")
def new_user():
    form = NewUserForm()
    _choices_for(None, form)
    if form.validate_on_submit():
        try:
            user = services.create_user(form.username.data, form.password.data, _account(form))
        except Refused as refused:
            _refuse(form, refused)
        else:
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    return _form_page("admin/user_form.html", form=form, user=None)


def _user_values(user: User) -> dict:
    """The account form's fields as the account holds them now."""
    return {
        "display_name": user.display_name,
        "email": user.email,
        "roles": sorted(user.roles),
        "all_sites": user.all_sites,
        "sites": sorted(s.id for s in user.sites),
        "department_id": user.department_id,
    }


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("admin.users")
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserEditForm(data={**_user_values(user), "version": user.edit_version})
    _choices_for(user, form)
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                _account(form),
                current_user._get_current_object(),
                version=form.version.data,
            )
        except StaleDataError:
            return _conflict_page("admin/user_form.html", form, user, _user_values, user=user)
        except Refused as refused:
            db.session.rollback()
            _refuse(form, refused)
        else:
            flash(_("Changes to %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    one_time = session.pop(ONE_TIME_KEY, None)
    password = one_time["password"] if one_time and one_time["user_id"] == user.id else None
    return _form_page("admin/user_form.html", form=form, user=user, one_time_password=password)


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):change>", methods=["POST"])
@require("admin.users")
def set_user_active(user_id: int, change: str):
    user = _user_or_404(user_id)
    try:
        services.set_user_active(user, change == "reactivate", current_user._get_current_object())
    except Refused as refused:
        flash(refused.message, "error")
    else:
        if user.active:
            flash(_("%(name)s can sign in again.", name=user.username), "success")
        else:
            flash(_("%(name)s is deactivated and signed out.", name=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@require("admin.users")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    session[ONE_TIME_KEY] = {"user_id": user.id, "password": services.reset_password(user)}
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/sites")
@require("admin.users")
def sites():
    rows = db.session.scalars(select(Site).order_by(Site.active.desc(), Site.code)).all()
    return render_template("admin/sites.html", sites=rows)


def _site_values(site: Site) -> dict:
    return {"code": site.code, "name": site.name}


@bp.route("/sites/new", methods=["GET", "POST"], defaults={"site_id": None})
@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
@require("admin.users")
def edit_site(site_id: int | None):
    site = None if site_id is None else (db.session.get(Site, site_id) or abort(404))
    form = SiteForm() if site is None else SiteEditForm(obj=site, version=site.edit_version)
    if form.validate_on_submit():
        version = None if site is None else form.version.data
        try:
            site = services.save_site(site, form.code.data, form.name.data, version=version)
        except StaleDataError:
            return _conflict_page("admin/site_form.html", form, site, _site_values, site=site)
        except Refused as refused:
            db.session.rollback()
            _refuse(form, refused)
        else:
            flash(_("Site %(code)s saved.", code=site.code), "success")
            return redirect(url_for("admin.sites"), 303)
    return _form_page("admin/site_form.html", form=form, site=site)


@bp.route("/sites/<int:site_id>/<any(deactivate, reactivate):change>", methods=["POST"])
@require("admin.users")
def set_site_active(site_id: int, change: str):
    site = db.session.get(Site, site_id) or abort(404)
    services.set_site_active(site, change == "reactivate")
    flash(_("Site %(code)s saved.", code=site.code), "success")
    return redirect(url_for("admin.sites"), 303)


@bp.route("/departments")
@require("admin.users")
def departments():
    rows = db.session.scalars(
        select(Department).order_by(Department.active.desc(), Department.name)
    ).all()
    return render_template("admin/departments.html", departments=rows)


@bp.route("/departments/new", methods=["GET", "POST"], defaults={"department_id": None})
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@require("admin.users")
def edit_department(department_id: int | None):
    department = (
        None if department_id is None else (db.session.get(Department, department_id) or abort(404))
    )
    form = (
        DepartmentForm()
        if department is None
        else DepartmentEditForm(obj=department, version=department.edit_version)
    )
    if form.validate_on_submit():
        version = None if department is None else form.version.data
        try:
            department = services.save_department(department, form.name.data, version=version)
        except StaleDataError:
            return _conflict_page(
                "admin/department_form.html",
                form,
                department,
                lambda d: {"name": d.name},
                department=department,
            )
        except Refused as refused:
            db.session.rollback()
            _refuse(form, refused)
        else:
            flash(_("Department %(name)s saved.", name=department.name), "success")
            return redirect(url_for("admin.departments"), 303)
    return _form_page("admin/department_form.html", form=form, department=department)


@bp.route("/departments/<int:department_id>/<any(deactivate, reactivate):change>", methods=["POST"])
@require("admin.users")
def set_department_active(department_id: int, change: str):
    department = db.session.get(Department, department_id) or abort(404)
    services.set_department_active(department, change == "reactivate")
    flash(_("Department %(name)s saved.", name=department.name), "success")
    return redirect(url_for("admin.departments"), 303)
