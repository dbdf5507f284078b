"""The enums' words for people (``{{ value|label }}``)."""

from flask_babel import lazy_gettext as _l

from modules.receivables.models import (
    DebtorKind,
    FollowUpKind,
    PaymentMethod,
    ReceivableKind,
    ReversalState,
    Verification,
    WriteOffState,
)
from parkops import labels

DEBTOR_KINDS = {
    DebtorKind.MERCHANT: _l("Merchant"),
    DebtorKind.STAFF: _l("Staff member"),
    DebtorKind.ORGANISATION: _l("Organisation"),
    DebtorKind.PERSON: _l("Person"),
}
RECEIVABLE_KINDS = {
    ReceivableKind.RENT: _l("Rent"),
    ReceivableKind.DEPOSIT_SHORTFALL: _l("Deposit shortfall"),
    ReceivableKind.UTILITIES: _l("Water and electricity"),
    ReceivableKind.ADVANCE: _l("Advance to clear"),
    ReceivableKind.COMPENSATION: _l("Compensation"),
    ReceivableKind.OTHER: _l("Other"),
    ReceivableKind.OPENING: _l("Opening balance"),
}
PAYMENT_METHODS = {
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.BANK: _l("Bank transfer"),
    PaymentMethod.WECHAT: _l("WeChat Pay"),
    PaymentMethod.ALIPAY: _l("Alipay"),
    PaymentMethod.CHEQUE: _l("Cheque"),
    PaymentMethod.RECEIPTS: _l("Reimbursement receipts"),
}
REVERSAL_STATES = {
    ReversalState.PROPOSED: _l("Waiting for a second person"),
    ReversalState.APPROVED: _l("Reversed"),
    ReversalState.REFUSED: _l("Reversal refused"),
}

FOLLOW_UP_KINDS = {
    FollowUpKind.CALL: _l("Call"),
    FollowUpKind.VISIT: _l("Visit"),
    FollowUpKind.PROMISE: _l("Promise to pay"),
    FollowUpKind.REPLY: _l("Reply"),
}

VERIFICATIONS = {
    Verification.TO_VERIFY: _l("To verify"),
    Verification.OWED: _l("Confirmed as owed"),
    Verification.DISPUTED: _l("Disputed"),
    Verification.PAPERWORK: _l("Paperwork to complete"),
    Verification.PAPERWORK_DONE: _l("Paperwork completed"),
    Verification.WRITE_OFF: _l("Proposed for write-off"),
}

labels.register(FollowUpKind, FOLLOW_UP_KINDS)
labels.register(Verification, VERIFICATIONS)
labels.register(DebtorKind, DEBTOR_KINDS)
labels.register(ReceivableKind, RECEIVABLE_KINDS)
labels.register(PaymentMethod, PAYMENT_METHODS)
labels.register(ReversalState, REVERSAL_STATES)

WRITE_OFF_STATES = {
    WriteOffState.PROPOSED: _l("Write-off awaiting approval"),
    WriteOffState.APPROVED: _l("Written off"),
    WriteOffState.REFUSED: _l("Write-off refused"),
}
labels.register(WriteOffState, WRITE_OFF_STATES)
