"""Inspections of merchants (phone first), their violations and re-checks, the
inspections list and its export, the photos. Writing takes ``merchants.write`` at
the record's site; reading any merchants permission; another site's record is 404."""

from datetime import UTC

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from modules.merchants import access, inspections, violations
from modules.merchants.errors import MerchantsError
from modules.merchants.inspection_forms import InspectionForm, RecheckForm
from modules.merchants.inspection_models import (
    Check,
    Inspection,
    Recheck,
    Violation,
    ViolationState,
)
from modules.merchants.models import Merchant
from modules.merchants.texts import CHECKS
from modules.merchants.views import bp, repeat
from parkops import attachments, labels
from parkops.attachments import Attachment
from parkops.auth.access import check_site, get_for_site, require
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.paging import page_arg, paginate, paginate_capped, paginate_capped_rows
from parkops.query_args import int_arg
from parkops.spreadsheet import Book, Column
from parkops.timeutil import business_day, local_zone, to_local, utcnow

PER_PAGE = 50
OPEN_SHOWN = 10  # open violations on a merchant's page; the rest on the list
EXPORT_ROWS = 20_000  # an export is bounded: a year of a busy park's inspections
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWS = ("open", "overdue", "due_today", "corrected", "all")


def _photos(kind: str, owner_ids: list[int]) -> dict[int, list[Attachment]]:
    """{owner id: its photos} for one owner kind (one query)."""
    found: dict[int, list[Attachment]] = {i: [] for i in owner_ids}
    if owner_ids:
        query = select(Attachment).where(
            Attachment.owner_kind == kind, Attachment.owner_id.in_(owner_ids)
        )
        for photo in db.session.scalars(query.order_by(Attachment.id)):
            found[photo.owner_id].append(photo)
    return found


def merchant_panel(merchant: Merchant) -> dict:
    """What the merchant's page shows of inspections: repeated violations (12 months),
    the count of open violations and the OPEN_SHOWN due first, the ten latest
    inspections."""
    mine = violations.open_query(None, Violation.merchant_id == merchant.id)
    open_ = db.session.scalars(
        mine.order_by(Violation.deadline, Violation.id).limit(OPEN_SHOWN)
    ).all()
    open_count = db.session.scalar(select(func.count()).select_from(mine.subquery()))
    latest = db.session.scalars(
        select(Inspection)
        .where(Inspection.merchant_id == merchant.id)
        .order_by(Inspection.at.desc(), Inspection.id.desc())
        .limit(10)
    ).all()
    repeats = violations.repeat_counts([merchant.id]).get(merchant.id, 0)
    return {
        "repeats": repeats,
        "open": open_,
        "open_count": open_count,
        "latest": latest,
        "today": business_day(),
    }


@bp.route("/merchants/<int:merchant_id>/inspect", methods=["GET", "POST"])
@require("merchants.write")
def inspect(merchant_id: int):
    merchant = get_for_site(Merchant, merchant_id)
    if not access.may_write(current_user, merchant.site_id):
        abort(404)
    form = InspectionForm()
    form.unit_id.choices = [SelectChoice(u.id, u.code) for u in inspections.leased_units(merchant)]
    status = 200
    if request.method == "GET":
        form.at.data = to_local(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
    elif done := repeat():
        return done
    else:
        if form.validate():
            data = inspections.InspectionData(
                unit_id=form.unit_id.data,
                at=form.at.data.replace(tzinfo=local_zone()).astimezone(UTC),
                answers={
                    check: inspections.Answer(result.data == "pass", note.data or "", deadline.data)
                    for check, result, note, deadline in form.check_fields()
                    if result.data in ("pass", "fail")
                },
                note=form.note.data or "",
                photos=[f for f in request.files.getlist("photos") if f.filename],
            )
            try:
                found = inspections.record(
                    merchant, data, current_user, request.form.get("idempotency_key")
                )
                flash(_("Inspection recorded."), "success")
                return redirect(url_for("merchants.inspection", inspection_id=found.id), 303)
            except MerchantsError as refused:
                form.form_errors.append(str(refused))
        status = 422
    return render_template("merchants/inspections/form.html", form=form, merchant=merchant), status


@bp.route("/inspections/")
@require(*access.READ)
def inspections_list():
    merchant_id = int_arg("merchant")
    query = inspections.inspection_list(current_user, merchant_id)
    page = paginate_capped(query, page_arg(), PER_PAGE)
    return render_template("merchants/inspections/index.html", page=page, merchant_id=merchant_id)


@bp.route("/inspections/export.xlsx")
@require(*access.READ)
def inspections_export():
    query = inspections.inspection_list(current_user, int_arg("merchant")).limit(EXPORT_ROWS)
    book = Book(_("Inspections of merchants"))
    sheet = book.sheet(
        _("Inspections"),
        [
            Column(_("When"), 18, "datetime"),
            Column(_("Site"), 16),
            Column(_("Merchant"), 24),
            Column(_("Leased unit"), 10),
            Column(_("Failed checks"), 10, "number"),
            Column(_("Recorded by"), 14),
            Column(_("Note"), 40),
        ],
    )
    for row in db.session.scalars(query):
        sheet.append(
            [
                row.at,
                row.merchant.site.name,
                row.merchant.name,
                row.unit.code,
                row.failed,
                row.recorded_by.display_name,
                row.note,
            ]
        )
    day = business_day().isoformat()
    return send_download(
        book.to_bytes(),
        _("inspections-%(day)s.xlsx", day=day),
        XLSX,
        fallback=f"inspections-{day}.xlsx",
    )


@bp.route("/inspections/<int:inspection_id>")
@require(*access.READ)
def inspection(inspection_id: int):
    found = get_for_site(Inspection, inspection_id)
    found_violations = db.session.scalars(
        select(Violation).where(Violation.inspection_id == found.id).order_by(Violation.id)
    ).all()
    return render_template(
        "merchants/inspections/inspection.html",
        inspection=found,
        violations=found_violations,
        photos=_photos(inspections.PHOTO_INSPECTION, [found.id])[found.id],
    )


@bp.route("/inspections/evidence/<int:id>")
@require("merchants.view")
def inspection_evidence(id: int):  # noqa: A002  (the ledger links evidence by ``id``)
    """The ledger's link to an inspection offered as evidence."""
    found = get_for_site(Inspection, id)
    return redirect(url_for("merchants.inspection", inspection_id=found.id))


@bp.route("/violations/")
@require(*access.READ)
def violations_list():
    show = request.args.get("show", "open")
    show = show if show in SHOWS else "open"
    today = business_day()
    where = {
        "open": (Violation.state == ViolationState.OPEN,),
        "overdue": (Violation.state == ViolationState.OPEN, Violation.deadline < today),
        "due_today": (Violation.state == ViolationState.OPEN, Violation.deadline == today),
        "corrected": (Violation.state == ViolationState.CORRECTED,),
        "all": (),
    }[show]
    merchant_id = int_arg("merchant")
    if merchant_id is not None:
        where = (*where, Violation.merchant_id == merchant_id)
    # The columns shown, not objects: a page of 50 rows cost 2x a page of 12. Open ones
    # are counted in full (the work outstanding); corrected ones pile up year after
    # year, so their count stops ten pages ahead ("more than N").
    matching = (access.site_clause(current_user, Violation.site_id), *where)
    query = (
        select(
            Violation.id,
            Violation.merchant_id,
            Merchant.name.label("merchant_name"),
            Violation.check,
            Violation.found_at,
            Violation.deadline,
            Violation.state,
            Violation.repeat,
            Violation.failed_rechecks,
        )
        .join(Merchant, Merchant.id == Violation.merchant_id)
        .where(*matching)
        .order_by(Violation.deadline.desc() if show == "corrected" else Violation.deadline)
        .order_by(Violation.id)
    )
    number = page_arg()
    if show in ("corrected", "all"):
        page = paginate_capped_rows(query, number, PER_PAGE)
    else:
        # Counted from the violations' index alone: the merchant's name is for the rows.
        count = select(func.count()).select_from(Violation).where(*matching)
        page = paginate(query, PER_PAGE, number, count=count)
    return render_template(
        "merchants/inspections/violations.html",
        page=page,
        # Labels translated once for the page's rows (each |label translates anew).
        check_names={c: labels.label(c) for c in Check},
        state_names={s: labels.label(s) for s in ViolationState},
        show=show,
        shows=SHOWS,
        today=today,
        merchant_id=merchant_id,
    )


@bp.route("/violations/<int:violation_id>", methods=["GET", "POST"])
@require(*access.READ)
def violation(violation_id: int):
    found = get_for_site(Violation, violation_id)
    may_recheck = found.state == ViolationState.OPEN and access.may_write(
        current_user, found.site_id
    )
    form = RecheckForm()
    status = 200
    if request.method == "POST":
        if not may_recheck:
            abort(403 if found.state == ViolationState.OPEN else 409)
        if done := repeat():
            return done
        if form.validate():
            data = violations.RecheckData(
                corrected=form.corrected.data == "yes",
                note=form.note.data or "",
                new_deadline=form.new_deadline.data,
                photos=[f for f in request.files.getlist("photos") if f.filename],
                seen=request.form.get("seen", type=int),
            )
            try:
                violations.recheck(found, data, current_user, request.form.get("idempotency_key"))
                flash(_("Re-check recorded."), "success")
                return redirect(url_for("merchants.violation", violation_id=found.id), 303)
            except MerchantsError as refused:
                form.form_errors.append(str(refused))
        status = 422
    rechecks = found.rechecks
    return render_template(
        "merchants/inspections/violation.html",
        violation=found,
        inspection=db.session.get(Inspection, found.inspection_id) if found.inspection_id else None,
        rechecks=rechecks,
        photos=_photos(violations.PHOTO_RECHECK, [r.id for r in rechecks]),
        form=form,
        may_recheck=may_recheck,
        today=business_day(),
        check_label=CHECKS[found.check],
    ), status


@bp.route("/inspections/photos/<int:attachment_id>")
@require(*access.READ)
def inspection_photo(attachment_id: int):
    photo = db.session.get(Attachment, attachment_id) or abort(404)
    if photo.owner_kind == inspections.PHOTO_INSPECTION:
        owner = db.session.get(Inspection, photo.owner_id)
    elif photo.owner_kind == violations.PHOTO_RECHECK:
        recheck = db.session.get(Recheck, photo.owner_id)
        owner = db.session.get(Violation, recheck.violation_id) if recheck else None
    else:
        abort(404)
    if owner is None:
        abort(404)
    check_site(owner.site_id)
    return attachments.send(photo, thumbnail=request.args.get("thumb") == "1")
