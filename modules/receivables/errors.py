class ReceivablesError(ValueError):
    """A refusal; the message is for people (translated). Nothing was stored."""
