class MerchantsError(ValueError):
    """A refusal for people: the message is translated; the service rolled back."""
