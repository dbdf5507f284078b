"""Language and time zone choice; Chinese is the default, English the second."""

from flask import current_app, has_request_context, session

from parkops.auth import identity

LANGUAGES = {"zh": "中文", "en": "English"}


def select_locale() -> str:
    # Chinese (the installation default) unless the visitor chose English: on the
    # account, or on the page before login (kept in the session). The browser's
    # Accept-Language is not read: an office PC set to English still shows Chinese.
    # Outside a request (CLI, scheduled jobs) there is no choice: the default applies.
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    found = identity.current()
    if found is not None and found.locale in LANGUAGES:
        return found.locale
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
