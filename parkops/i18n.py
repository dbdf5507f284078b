"""Language and time zone choice; Chinese is the default, English the second."""

from flask import current_app, has_request_context, session
from flask_login import current_user

LANGUAGES = {"zh": "中文", "en": "English"}


def select_locale() -> str:
    # Chinese (the installation default) unless the visitor chose English: on the
    # account, or on the page before login (kept in the session). The browser's
    # Accept-Language is not read: an office PC set to English still shows Chinese.
    # Outside a request (CLI, scheduled jobs) there is no choice: the default applies.
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
