"""Products & offices: venues, products and prices, ticket offices, windows and sellers."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.ticketing import catalog
from modules.ticketing.errors import TicketingError
from modules.ticketing.forms import (
    OfficeForm,
    PriceForm,
    ProductEditForm,
    ProductForm,
    SellersForm,
    TerminalsForm,
    VenueForm,
    WindowForm,
)
from modules.ticketing.labels import label
from modules.ticketing.models import Office, Product, ProductKind, Venue, Window
from modules.ticketing.permissions import MANAGE, VIEW
from modules.ticketing.views.base import (
    actor,
    bp,
    form_problem,
    invalid_form,
    refuse,
    visible_sites,
)
from parkops import conflicts
from parkops.auth.access import check_site, require, site_filter
from parkops.auth.models import User, UserRole
from parkops.extensions import db
from parkops.timeutil import business_day

CATALOG_READERS = (VIEW, MANAGE)


def _site_choices() -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in visible_sites()]


def _product_form() -> ProductForm:
    form = ProductForm()
    form.site_id.choices = _site_choices()
    form.kind.choices = [(k.value, label(k)) for k in ProductKind]
    if request.method == "GET":
        form.valid_from.data = business_day()
    return form


def _venue_form() -> VenueForm:
    form = VenueForm()
    form.site_id.choices = _site_choices()
    return form


def _office_form() -> OfficeForm:
    form = OfficeForm()
    form.site_id.choices = _site_choices()
    return form


def _to_catalog(anchor: str = ""):
    return redirect(url_for("ticketing.catalog") + anchor, 303)


@bp.route("/catalog", endpoint="catalog")
@require(*CATALOG_READERS)
def catalog_page():
    products = db.session.scalars(
        select(Product).where(site_filter(Product.site_id)).order_by(Product.site_id, Product.code)
    ).all()
    today = business_day()
    return render_template(
        "ticketing/catalog/catalog.html",
        venues=db.session.scalars(
            select(Venue).where(site_filter(Venue.site_id)).order_by(Venue.site_id, Venue.code)
        ).all(),
        products=products,
        prices=catalog.prices_on([p.id for p in products], today),
        offices=db.session.scalars(
            select(Office).where(site_filter(Office.site_id)).order_by(Office.code)
        ).all(),
        venue_form=_venue_form(),
        product_form=_product_form(),
        office_form=_office_form(),
    )


@bp.route("/venues", methods=["POST"])
@require(MANAGE)
def create_venue():
    form = _venue_form()
    if form.validate_on_submit():
        site = next(s for s in visible_sites() if s.id == form.site_id.data)
        try:
            catalog.create_venue(site, form.code.data, form.name.data, actor())
            flash(_("Venue added."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.catalog")
    return _to_catalog("#venues")


@bp.route("/products", methods=["POST"])
@require(MANAGE)
def create_product():
    form = _product_form()
    weights = form.venue_weights() if form.validate_on_submit() else None
    if weights is None:
        return invalid_form(form, "ticketing.catalog")
    site = next(s for s in visible_sites() if s.id == form.site_id.data)
    venues = {v.code: v for v in db.session.scalars(select(Venue).where(Venue.site_id == site.id))}
    unknown = [code for code, _w in weights if code not in venues]
    if unknown:
        flash(_("Unknown venue codes at this site: %(codes)s", codes=", ".join(unknown)), "error")
        return _to_catalog("#products")
    try:
        catalog.create_product(
            site,
            form.code.data,
            form.name.data,
            ProductKind(form.kind.data),
            serialised=form.serialised.data,
            id_check=form.id_check.data or "",
            venue_weights=[(venues[code], w) for code, w in weights],
            price_fen=form.price.data,
            valid_from=form.valid_from.data,
            actor=actor(),
        )
        flash(_("Product added."), "success")
    except TicketingError as error:
        refuse(error)
    return _to_catalog("#products")


def product_or_404(product_id: int) -> Product:
    product = db.session.get(Product, product_id) or abort(404)
    check_site(product.site_id)
    return product


@bp.route("/products/<int:id>", methods=["GET", "POST"])
@require(*CATALOG_READERS)
def product(id: int):
    p = product_or_404(id)
    form = ProductEditForm(obj=p)
    conflict, status = None, 200
    if request.method == "GET":
        conflicts.stamp(form, p)
    else:
        if not current_user.can(MANAGE):
            abort(403)
        status = 422
        if form.validate_on_submit():
            if (conflict := conflicts.changed_since(form, p)) is not None:
                status = conflicts.CONFLICT
            else:
                try:
                    catalog.update_product(
                        p, form.name.data, form.id_check.data or "", form.active.data, actor()
                    )
                    flash(_("Product saved."), "success")
                    return redirect(url_for("ticketing.product", id=p.id), 303)
                except TicketingError as error:
                    refuse(error)
    price_form = PriceForm(formdata=None)
    price_form.valid_from.data = business_day()
    page = render_template(
        "ticketing/catalog/product.html",
        product=p,
        form=form,
        price_form=price_form,
        conflict=conflict,
    )
    return page, status


@bp.route("/products/<int:id>/prices", methods=["POST"])
@require(MANAGE)
def add_price(id: int):
    p = product_or_404(id)
    form = PriceForm()
    if form.validate_on_submit():
        try:
            catalog.add_price(p, form.valid_from.data, form.price.data, actor())
            flash(_("Price added."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        form_problem(form)
        edit = ProductEditForm(obj=p, formdata=None)
        conflicts.stamp(edit, p)
        page = render_template(
            "ticketing/catalog/product.html", product=p, form=edit, price_form=form
        )
        return page, 422
    return redirect(url_for("ticketing.product", id=p.id), 303)


@bp.route("/offices", methods=["POST"])
@require(MANAGE)
def create_office():
    form = _office_form()
    if form.validate_on_submit():
        site = next(s for s in visible_sites() if s.id == form.site_id.data)
        try:
            office = catalog.create_office(site, form.code.data, form.name.data, actor())
            flash(_("Office added: now add its windows and sellers."), "success")
            return redirect(url_for("ticketing.office", id=office.id), 303)
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.catalog")
    return _to_catalog("#offices")


def office_or_404(office_id: int) -> Office:
    office = db.session.get(Office, office_id) or abort(404)
    check_site(office.site_id)
    return office


def _candidate_sellers(office: Office) -> list[User]:
    """Ticket sellers who work at the office's site."""
    cashiers = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == catalog.SELLER_ROLE, User.active)
        .order_by(User.username)
    )
    return [u for u in cashiers if u.can_see_site(office.site_id)]


@bp.route("/offices/<int:id>")
@require(*CATALOG_READERS)
def office(id: int):
    o = office_or_404(id)
    sellers_form = SellersForm()
    sellers_form.sellers.choices = [(u.id, u.display_name) for u in _candidate_sellers(o)]
    sellers_form.sellers.data = [u.id for u in o.sellers]
    return render_template(
        "ticketing/catalog/office.html",
        office=o,
        window_form=WindowForm(),
        sellers_form=sellers_form,
    )


@bp.route("/offices/<int:id>/windows", methods=["POST"])
@require(MANAGE)
def add_window(id: int):
    o = office_or_404(id)
    form = WindowForm()
    if form.validate_on_submit():
        try:
            catalog.add_window(o, form.name.data, actor())
            flash(_("Window added."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.office", id=o.id)
    return redirect(url_for("ticketing.office", id=o.id), 303)


@bp.route("/offices/<int:id>/active", methods=["POST"])
@require(MANAGE)
def office_active(id: int):
    o = office_or_404(id)
    catalog.set_active(o, request.form.get("active") == "1", actor())
    return redirect(url_for("ticketing.office", id=o.id), 303)


@bp.route("/windows/<int:id>/active", methods=["POST"])
@require(MANAGE)
def window_active(id: int):
    w = db.session.get(Window, id) or abort(404)
    check_site(w.office.site_id)
    catalog.set_active(w, request.form.get("active") == "1", actor())
    return redirect(url_for("ticketing.office", id=w.office_id), 303)


@bp.route("/windows/<int:id>/terminals", methods=["POST"])
@require(MANAGE)
def window_terminals(id: int):
    w = db.session.get(Window, id) or abort(404)
    check_site(w.office.site_id)
    form = TerminalsForm()
    if form.validate_on_submit():
        try:
            catalog.set_terminals(w, form.terminals.data or "", actor())
            flash(_("Payment terminals saved."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.office", id=w.office_id)
    return redirect(url_for("ticketing.office", id=w.office_id), 303)


@bp.route("/offices/<int:id>/sellers", methods=["POST"])
@require(MANAGE)
def office_sellers(id: int):
    o = office_or_404(id)
    form = SellersForm()
    candidates = {u.id: u for u in _candidate_sellers(o)}
    form.sellers.choices = [(u.id, u.display_name) for u in candidates.values()]
    if form.validate_on_submit():
        try:
            catalog.set_sellers(o, [candidates[i] for i in form.sellers.data], actor())
            flash(_("Sellers saved."), "success")
        except TicketingError as error:
            refuse(error)
    else:
        return invalid_form(form, "ticketing.office", id=o.id)
    return redirect(url_for("ticketing.office", id=o.id), 303)
