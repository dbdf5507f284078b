"""Who may see and do what with merchants: the predicates views call (and refuse)
and templates are given (to hide buttons), never re-written in a template.

- ``merchants.view`` (finance, leaders, the office, the manager): read merchants, units and
  contracts at one's sites;
- ``merchants.write`` (the merchant manager): register merchants and units, draft,
  activate, amend, renew and end contracts (exits);
- ``merchants.approve`` (leaders, the merchant manager): approve a draft contract,
  never one they drafted themselves (four eyes).
"""

from sqlalchemy import ColumnElement

from modules.merchants.models import Contract, ContractState, Exit, RentForm
from parkops.auth.models import User

ENDABLE = (ContractState.ACTIVE, ContractState.EXPIRED)
TERMINATED = ContractState.TERMINATED
READ = ("merchants.view", "merchants.write", "merchants.approve")


def site_clause(user: User, column) -> ColumnElement[bool]:
    """WHERE clause limiting ``column`` (a site_id) to ``user``'s sites."""
    site_ids = user.site_ids
    return column.is_not(None) if site_ids is None else column.in_(site_ids)


def may_write(user: User, site_id: int | None = None) -> bool:
    return user.can("merchants.write") and (site_id is None or user.can_see_site(site_id))


def contract_steps(
    user: User, contract: Contract, exit_: Exit | None = None, renewed: bool = False
) -> set[str]:
    """What ``user`` may do with ``contract`` now (given its exit and whether it was
    renewed): "edit", "discard", "approve", "activate", "scan", "amend", "renew",
    "exit", "approve_exit", "close_exit", "turnover"."""
    if not user.can_see_site(contract.site_id):
        return set()
    steps: set[str] = {"scan"} if may_write(user) else set()
    if contract.state == ContractState.DRAFT and may_write(user):
        steps |= {"edit", "discard"}
    if contract.state == ContractState.DRAFT and user.can("merchants.approve"):
        if contract.created_by_id != user.id:  # four eyes: no button for the drafter
            steps.add("approve")  # the service refuses the drafter too, with a message
    if contract.state == ContractState.APPROVED and may_write(user):
        steps.add("activate")
    if contract.state == ContractState.ACTIVE and may_write(user):
        steps.add("amend")
    # An expired contract (its term ran out, no exit) may still be renewed or exited.
    if contract.state in ENDABLE and may_write(user):
        if exit_ is None and not renewed:
            steps |= {"renew", "exit"}
        elif exit_ is not None and exit_.closed_at is None and exit_.approved_at:
            steps.add("close_exit")
    if contract.rent_form == RentForm.TURNOVER and contract.state in (*ENDABLE, TERMINATED):
        if may_write(user):
            steps.add("turnover")
    if exit_ is not None and exit_.approved_at is None and user.can("merchants.approve"):
        if exit_.opened_by_id != user.id:  # four eyes: no button for the opener
            steps.add("approve_exit")
    return steps
