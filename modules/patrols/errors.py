class PatrolError(ValueError):
    """A refusal; the message (translated) is shown to the user."""
