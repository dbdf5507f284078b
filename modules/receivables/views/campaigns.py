"""The special clean-up: campaigns (finance opens one), a campaign's progress and its
items, verifying one, the .xlsx for the leading group (领导小组). Read by holders of
``receivables.view`` or ``receivables.write`` at the campaign's site."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.receivables import access, campaigns, writeoffs
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Campaign, CampaignItem, Verification
from modules.receivables.views import bp, repeat, visible_sites
from parkops import conflicts, deciding, idempotency
from parkops.auth.access import require, site_filter
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.labels import label
from parkops.paging import page_arg, paginate
from parkops.query_args import DateOutOfRange, form_date
from parkops.spreadsheet import Book, Column
from parkops.timeutil import business_day

READ = ("receivables.view", "receivables.write")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not current_user.can_see_site(campaign.site_id):
        abort(404)
    return campaign


def _verified(item: CampaignItem) -> dict:
    """What a verifier edits, as saved: the item's version token hashes it."""
    return {"state": item.state.value, "note": item.note}


def _conflict(item: CampaignItem, state: Verification, note: str) -> list:
    """What someone saved since the page loaded against what this person sent."""
    rows = [
        (_("Verification"), str(label(item.state)), str(label(state))),
        (_("Note"), item.note or "—", note.strip() or "—"),
    ]
    return [conflicts.Difference(*row) for row in rows if row[1] != row[2]]


def _state_arg() -> Verification | None:
    try:
        return Verification(request.args.get("state", ""))
    except ValueError:
        return None


@bp.route("/campaigns/", methods=["GET", "POST"])
@require(*READ)
def campaign_list():
    errors, status = [], 200
    form = {
        "name": request.form.get("name", ""),
        "site_id": request.form.get("site_id", ""),
        "due_before": request.form.get("due_before", ""),
    }
    if request.method == "POST":
        if not access.may_write(current_user):
            abort(403)
        if done := repeat():
            return done
        try:
            due_before = form_date(form["due_before"])
            if due_before is None:
                raise ReceivablesError(_("Give a date."))
            campaign = campaigns.start(
                form["name"],
                int(form["site_id"]) if form["site_id"].isdigit() else 0,
                due_before,
                current_user,
                business_day(),
                request.form.get(idempotency.FIELD),
            )
            flash(_("Clean-up campaign started."), "success")
            return redirect(url_for("receivables.campaign", campaign_id=campaign.id), 303)
        except (ReceivablesError, DateOutOfRange) as refused:
            errors, status = [str(refused)], 422
    rows = db.session.scalars(
        select(Campaign).where(site_filter(Campaign.site_id)).order_by(Campaign.id.desc())
    ).all()
    return render_template(
        "receivables/campaigns/index.html",
        rows=rows,
        sites=visible_sites(),
        form=form,
        errors=errors,
        may_write=access.may_write(current_user),
    ), status


@bp.route("/campaigns/<int:campaign_id>")
@require(*READ)
def campaign(campaign_id: int):
    found = _campaign_or_404(campaign_id)
    state = _state_arg()
    page = paginate(
        campaigns.items(found, state),
        page=page_arg(),
        count=campaigns.item_count(found, state),
    )
    return render_template(
        "receivables/campaigns/campaign.html",
        campaign=found,
        progress=campaigns.progress(found),
        page=page,
        state=state,
        may_write=access.may_write(current_user, found.site_id),
    )


@bp.route("/campaigns/<int:campaign_id>/items/<int:item_id>", methods=["GET", "POST"])
@require(*READ)
def campaign_item(campaign_id: int, item_id: int):
    found = _campaign_or_404(campaign_id)
    item = db.session.get(CampaignItem, item_id)
    if item is None or item.campaign_id != found.id:
        abort(404)
    errors, status, conflict, typed = [], 200, None, None
    if request.method == "POST":
        if not access.may_write(current_user, found.site_id):
            abort(403)
        try:
            state = Verification(request.form.get("state", ""))
        except ValueError:
            state = Verification.TO_VERIFY
        note = request.form.get("note", "")
        try:
            campaigns.take(item)
            if conflicts.is_stale(item, request.form.get("version"), _verified):
                conflict, typed = _conflict(item, state, note), {"state": state, "note": note}
                status = conflicts.CONFLICT
                who = deciding.who_when(item.verified_by_id, item.verified_at)
                errors = [_("This item was verified meanwhile, by %(name)s at %(time)s.", **who)]
                db.session.rollback()
            else:
                campaigns.verify(item, state, note, current_user)
                flash(_("Verification recorded."), "success")
                return redirect(url_for("receivables.campaign", campaign_id=found.id), 303)
        except ReceivablesError as refused:
            db.session.rollback()
            errors, status = [str(refused)], 422
    return render_template(
        "receivables/campaigns/item.html",
        campaign=found,
        item=item,
        # A write-off is proposed on its own page, with its reason and scans.
        states=[
            s for s in Verification if s not in (Verification.TO_VERIFY, Verification.WRITE_OFF)
        ],
        write_offs=writeoffs.of_receivable(item.receivable_id),
        errors=errors,
        may_write=access.may_write(current_user, found.site_id),
        version=conflicts.fingerprint(_verified(item)),
        conflict=conflict,
        typed=typed or {"state": item.state, "note": item.note},
    ), status


@bp.route("/campaigns/<int:campaign_id>.xlsx")
@require(*READ)
def campaign_xlsx(campaign_id: int):
    found = _campaign_or_404(campaign_id)
    progress = campaigns.progress(found)
    book = Book(found.name)
    summary = book.sheet(
        _("Progress"),
        [
            Column(_("Verification"), 24),
            Column(_("Count"), 10, "number"),
            Column(_("Balance at the start"), 18, "fen"),
        ],
    )
    for line in progress.lines:
        summary.append([str(label(line.state)), line.count, line.start_fen])
    summary.append([_("Total"), progress.count, progress.start_fen], bold=True)
    summary.append([_("Collected since the start"), progress.collected, progress.collected_fen])
    summary.append([_("Written off"), progress.written_off, progress.written_off_fen])
    detail = book.sheet(
        _("Receivables"),
        [
            Column("#", 8, "number"),
            Column(_("Debtor"), 28),
            Column(_("Kind"), 14),
            Column(_("Due on"), 12, "date"),
            Column(_("Balance at the start"), 16, "fen"),
            Column(_("Balance"), 16, "fen"),
            Column(_("Verification"), 18),
            Column(_("Note"), 40),
        ],
    )
    for item, balance in db.session.execute(campaigns.items(found)):
        r = item.receivable
        detail.append(
            [
                r.id,
                r.debtor.name,
                str(label(r.kind)),
                r.due_on,
                item.start_fen,
                balance,
                str(label(item.state)),
                item.note,
            ]
        )
    detail.filter()
    return send_download(
        book.to_bytes(), f"{found.name}.xlsx", XLSX, fallback=f"campaign-{found.id}.xlsx"
    )


@bp.route("/evidence/campaign-items/<int:id>")
@require(*READ)
def campaign_item_evidence(id: int):  # noqa: A002  (the ledger links to evidence by ``id``)
    item = db.session.get(CampaignItem, id) or abort(404)
    return redirect(
        url_for("receivables.campaign_item", campaign_id=item.campaign_id, item_id=item.id)
    )
