"""A ticket day (one site, one business day): its record, its reconciliation, its flags,
the auditor's gate counts and deposit, findings, sign-off, and the month's list.

Import the submodule you need (``from modules.ticketing.days import reconciliation``);
this package re-exports nothing, so that lower layers (shifts, imports) can use
``days.record`` without loading the reconciliation.
"""
