"""The enums' words for people (``{{ value|label }}``)."""

from flask_babel import lazy_gettext as _l

from modules.merchants.models import (
    BusinessType,
    ContractState,
    Cycle,
    ExitReason,
    MerchantKind,
    RentForm,
    UnitKind,
)
from parkops import labels

MERCHANT_KINDS = {
    MerchantKind.COMPANY: _l("Company"),
    MerchantKind.INDIVIDUAL: _l("Individual business"),
    MerchantKind.COLLECTIVE: _l("Village collective"),
}
BUSINESS_TYPES = {
    BusinessType.CATERING: _l("Catering"),
    BusinessType.RIDES: _l("Rides"),
    BusinessType.RETAIL: _l("Retail"),
    BusinessType.CHARGING: _l("Charging piles"),
    BusinessType.BOATS: _l("Boats"),
    BusinessType.PHOTOGRAPHY: _l("Photography"),
    BusinessType.OTHER: _l("Other"),
}
UNIT_KINDS = {
    UnitKind.SHOP: _l("Shop"),
    UnitKind.KIOSK: _l("Kiosk"),
    UnitKind.GROUND: _l("Open ground"),
    UnitKind.RIDE_SITE: _l("Ride site"),
    UnitKind.PARKING: _l("Parking spaces"),
}
RENT_FORMS = {
    RentForm.FIXED: _l("Fixed rent, stepped by contract year"),
    RentForm.TURNOVER: _l("Share of turnover with a minimum"),
}
CYCLES = {
    Cycle.MONTHLY: _l("Monthly in advance"),
    Cycle.QUARTERLY: _l("Quarterly in advance"),
    Cycle.YEARLY: _l("Yearly in advance"),
}
CONTRACT_STATES = {
    ContractState.DRAFT: _l("Draft"),
    ContractState.APPROVED: _l("Approved"),
    ContractState.ACTIVE: _l("In force"),
    ContractState.EXPIRED: _l("Expired"),
    ContractState.TERMINATED: _l("Terminated"),
}

EXIT_REASONS = {
    ExitReason.NON_PAYMENT: _l("Rent not paid"),
    ExitReason.BREACH: _l("Breach of contract"),
    ExitReason.PLANNING: _l("Does not fit the park's plans"),
    ExitReason.MUTUAL: _l("Agreed by both sides"),
    ExitReason.TERM_END: _l("End of term"),
}

labels.register(MerchantKind, MERCHANT_KINDS)
labels.register(ExitReason, EXIT_REASONS)
labels.register(BusinessType, BUSINESS_TYPES)
labels.register(UnitKind, UNIT_KINDS)
labels.register(RentForm, RENT_FORMS)
labels.register(Cycle, CYCLES)
labels.register(ContractState, CONTRACT_STATES)

# --- inspections (inspection_models.py) ---
from modules.merchants.inspection_models import Check, ViolationState  # noqa: E402

CHECKS = {
    Check.HYGIENE: _l("Hygiene"),
    Check.PRICES: _l("Prices displayed"),
    Check.OUTSIDE: _l("Operating outside the unit"),
    Check.FIRE: _l("Fire safety"),
    Check.OTHER: _l("Other"),
}
VIOLATION_STATES = {
    ViolationState.OPEN: _l("To be corrected"),
    ViolationState.CORRECTED: _l("Corrected"),
}
labels.register(Check, CHECKS)
labels.register(ViolationState, VIOLATION_STATES)
