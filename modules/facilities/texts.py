"""How states, statuses and priorities are called in the interface: registered with
``parkops.labels`` at import (templates write ``{{ order.state|label }}``)."""

from collections.abc import Callable
from functools import wraps

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from modules.facilities.forms import CATEGORY_LABELS, PRIORITY_LABELS, REJECT_LABELS
from modules.facilities.models import (
    FacilityStatus,
    FaultCategory,
    OrderState,
    Priority,
    RejectReason,
)
from parkops import labels

FACILITY_STATUS = {
    FacilityStatus.IN_SERVICE: _l("In service"),
    FacilityStatus.DAMAGED: _l("Damaged"),
    FacilityStatus.UNDER_REPAIR: _l("Under repair"),
    FacilityStatus.OUT_OF_SERVICE: _l("Out of service"),
}
ORDER_STATE = {
    OrderState.REPORTED: _l("Reported"),
    OrderState.ASSIGNED: _l("Assigned"),
    OrderState.IN_PROGRESS: _l("Being repaired"),
    OrderState.REPAIRED: _l("Repaired"),
    OrderState.VERIFIED: _l("Verified (closed)"),
    OrderState.REJECTED: _l("Rejected"),
}


labels.register(FacilityStatus, FACILITY_STATUS)
labels.register(OrderState, ORDER_STATE)
labels.register(Priority, PRIORITY_LABELS)
labels.register(RejectReason, REJECT_LABELS)
labels.register(FaultCategory, CATEGORY_LABELS)


def in_default_language(work: Callable) -> Callable:
    """For jobs and commands, which run outside any request: the installation's language."""

    @wraps(work)
    def run(*args, **kwargs):
        with force_locale(current_app.config["DEFAULT_LOCALE"]):
            return work(*args, **kwargs)

    return run
