"""The refusal every ticketing service raises."""


class TicketingError(ValueError):
    """The action is refused; the message is shown to the user and nothing changed."""
