"""``/healthz``: a bare route for load balancers, and the baseline of ``make bench``.

It touches neither the database nor a template, so its throughput measures the
server and the framework alone; every other page is compared against it.
"""

from flask import Blueprint, Response
from flask_babel import lazy_gettext as _l

from parkops.auth.access import public
from parkops.registry import ModuleSpec

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    return Response("ok", mimetype="text/plain")


spec = ModuleSpec(name="health", label=_l("Health check"), blueprint=bp)
