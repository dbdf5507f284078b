"""A photo of a facility or a repair order, for those who may see its owner's site."""

from flask import abort, request

from modules.facilities.models import Facility, RepairOrder
from modules.facilities.photos import PHOTO_AFTER, PHOTO_BEFORE, PHOTO_FACILITY
from modules.facilities.views import bp
from parkops import attachments
from parkops.attachments import Attachment
from parkops.auth.access import check_site, require
from parkops.extensions import db


@bp.route("/facilities/photos/<int:attachment_id>")
@require("facilities.view")
def photo(attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    if attachment.owner_kind in (PHOTO_BEFORE, PHOTO_AFTER):
        owner = db.session.get(RepairOrder, attachment.owner_id)
    elif attachment.owner_kind == PHOTO_FACILITY:
        owner = db.session.get(Facility, attachment.owner_id)
    else:
        abort(404)
    if owner is None:
        abort(404)
    check_site(owner.site_id)
    return attachments.send(attachment, thumbnail=request.args.get("thumb") == "1")
