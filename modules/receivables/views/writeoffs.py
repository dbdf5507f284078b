"""Write-offs: finance proposes one (a receivable's page, or a clean-up item's), the list
leaders decide from, one write-off with its scans and the decision, the evidence link.
Another site's write-off or receivable is a 404; proposing needs ``receivables.write``
at the site, deciding ``receivables.approve`` (never the proposer)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.receivables import access, ledger, writeoffs
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Campaign, CampaignItem, WriteOff, WriteOffState
from modules.receivables.views import bp, receivable_or_404
from parkops import attachments, labels
from parkops.attachments import Attachment, AttachmentError
from parkops.auth.access import require
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.paging import page_arg
from parkops.query_args import int_arg

READ = ("receivables.view", "receivables.own", "receivables.write", "receivables.approve")


def _write_off_or_404(write_off_id: int) -> WriteOff:
    found = db.session.get(WriteOff, write_off_id)
    if found is None or not access.may_see_receivable(current_user, found.receivable):
        abort(404)
    return found


def _item_or_404(item_id: int | None, receivable_id: int) -> CampaignItem | None:
    """The clean-up item the proposal comes from (None: from the receivable's page)."""
    if item_id is None:
        return None
    item = db.session.get(CampaignItem, item_id)
    if item is None or item.receivable_id != receivable_id:
        abort(404)
    return item


@bp.route("/<int:receivable_id>/write-off", methods=["GET", "POST"])
@require("receivables.write")
def propose_write_off(receivable_id: int):
    found = receivable_or_404(receivable_id, current_user)
    if not access.may_write(current_user, found.site_id):
        abort(404)
    item = _item_or_404(int_arg("item"), found.id)
    errors, status = [], 200
    reason = request.form.get("reason", "")
    if request.method == "POST":
        files = [f for f in request.files.getlist("files") if f and f.filename]
        try:
            write_off = writeoffs.propose(found, reason, files, current_user, item)
            flash(_("The write-off awaits a leader's approval."))
            return redirect(url_for("receivables.write_off", write_off_id=write_off.id), 303)
        except (ReceivablesError, AttachmentError) as refused:
            errors, status = [str(refused)], 422
    return render_template(
        "receivables/writeoffs/propose.html",
        receivable=found,
        item=item,
        balance=ledger.balance_of(found),
        waiting=writeoffs.open_proposal(found.id),
        reason=reason,
        errors=errors,
    ), status


@bp.route("/write-offs/")
@require(*READ)
def write_offs():
    waiting = request.args.get("all") != "1"
    page = writeoffs.page_of(current_user, page_arg(), waiting_only=waiting)
    return render_template(
        "receivables/writeoffs/index.html",
        page=page,
        waiting=waiting,
        # Labels translated once for the page's rows (each |label translates anew).
        state_names={s: labels.label(s) for s in WriteOffState},
    )


def _page(found: WriteOff, errors: list[str], status: int = 200):
    files = db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_kind == writeoffs.OWNER, Attachment.owner_id == found.id)
        .order_by(Attachment.id)
    ).all()
    item = db.session.get(CampaignItem, found.item_id) if found.item_id else None
    campaign = db.session.get(Campaign, item.campaign_id) if item else None
    return render_template(
        "receivables/writeoffs/write_off.html",
        write_off=found,
        files=files,
        item=item,
        campaign=campaign,
        balance=ledger.balance_of(found.receivable),
        may_decide=writeoffs.may_decide(current_user, found),
        errors=errors,
    ), status


@bp.route("/write-offs/<int:write_off_id>")
@require(*READ)
def write_off(write_off_id: int):
    return _page(_write_off_or_404(write_off_id), [])


@bp.route("/write-offs/<int:write_off_id>/decide", methods=["POST"])
@require("receivables.approve")
def decide_write_off(write_off_id: int):
    found = _write_off_or_404(write_off_id)
    decision = request.form.get("decision")
    if decision not in ("approve", "refuse"):
        abort(400)
    try:
        writeoffs.decide(found, decision == "approve", current_user)
    except (ReceivablesError, AlreadyDecided) as refused:
        db.session.expire_all()  # show the write-off as it now stands
        return _page(db.session.get(WriteOff, write_off_id), [str(refused)], 409)
    flash(_("Write-off approved.") if decision == "approve" else _("Write-off refused."), "success")
    return redirect(url_for("receivables.write_off", write_off_id=found.id), 303)


@bp.route("/write-offs/<int:write_off_id>/files/<int:attachment_id>")
@require(*READ)
def write_off_file(write_off_id: int, attachment_id: int):
    found = _write_off_or_404(write_off_id)
    attachment = db.session.get(Attachment, attachment_id)
    owner = (writeoffs.OWNER, found.id)
    if attachment is None or (attachment.owner_kind, attachment.owner_id) != owner:
        abort(404)
    return attachments.send(attachment)


@bp.route("/evidence/write-offs/<int:id>")
@require(*READ)
def write_off_evidence(id: int):  # noqa: A002  (the ledger links to evidence by ``id``)
    return redirect(url_for("receivables.write_off", write_off_id=id))
