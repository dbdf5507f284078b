"""The subject picker's search: ``GET /patrols/subjects?kind=&q=&site=`` → JSON.

``{"results": [{"id": 7, "label": "F-001 喷泉水泵", "kind": "facilities.facility"}, …]}``:
at most ``LIMIT`` subjects of ``kind`` whose label holds ``q``, at sites the user sees
(``parkops.subjects.search``) and, given ``site``, at that site (or of no site) only:
the finding recorded there may name nothing else. Empty ``q``: no results. An unknown
kind answers 400 ``{"error": …}``; a site the user does not work at, 404.
"""

from flask import abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from modules.patrols.views import bp
from parkops import subjects
from parkops.auth.access import check_site, require
from parkops.query_args import int_arg

LIMIT = 10
MAX_TEXT = 100  # characters of ``q`` searched for


@bp.route("/patrols/subjects")
@require("patrols.run")  # who records findings, the one place a subject is chosen
def subject_search():
    kind = request.args.get("kind", "")
    if kind not in current_app.extensions["parkops"].subjects:
        return jsonify(error=_("Unknown kind of place.")), 400
    site_id = int_arg("site")
    if "site" in request.args:
        if site_id is None:
            abort(404)
        check_site(site_id)
    text = request.args.get("q", "").strip()[:MAX_TEXT]
    # Asked for more than shown: some may be at the user's other sites.
    found = subjects.search(kind, text, current_user, LIMIT * 3) if text else []
    here = [s for s in found if site_id is None or s.site_id in (None, site_id)]
    return jsonify(results=[{"id": s.id, "label": s.label, "kind": s.kind} for s in here[:LIMIT]])
