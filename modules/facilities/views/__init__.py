"""The facilities blueprint: one views module per concept, each thin.

Parse the request, call a service, render or redirect (303 after POST). The
request helpers here are shared by every concept's views. The scan address
``/q/<token>`` sits outside ``/facilities`` so QR codes stay short.
"""

from flask import Blueprint, redirect, request

from modules.facilities import texts  # noqa: F401  (registers the enum labels)
from parkops import idempotency

bp = Blueprint("facilities", __name__)


def uploads(name: str) -> list:
    """The files posted under ``name``, leaving out empty file inputs."""
    return [f for f in request.files.getlist(name) if f and f.filename]


def repeat():
    """A phone's retry of a form already taken: go where the first post went (else None)."""
    url = idempotency.previous_result(request.form.get(idempotency.FIELD))
    return redirect(url, 303) if url else None


# The concept modules add their routes to bp.
from modules.facilities.views import (  # noqa: E402, F401
    imports,
    inspections,
    labels,
    orders,
    photos,
    registry,
    reports,
)
