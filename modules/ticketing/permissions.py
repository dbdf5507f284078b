"""The module's permissions, by name; module.py declares them with their default roles."""

SELL = "ticketing.sell"
VIEW = "ticketing.view"
AUDIT = "ticketing.audit"
MANAGE = "ticketing.manage"
APPROVE = "ticketing.approve"
STAFF = (VIEW, AUDIT, MANAGE, APPROVE)  # see every shift of their sites
ANY = (SELL, *STAFF)
