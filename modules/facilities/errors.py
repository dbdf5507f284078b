"""The facilities module's refusal: raised by its services, shown to the user as is."""


class FacilityError(ValueError):
    """Refused; the message is shown to the user and nothing was changed."""
