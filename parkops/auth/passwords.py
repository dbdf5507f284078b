"""Which passwords a person may choose (OWASP ASVS 2.1: no common or context-specific ones).

Length is checked by the forms (``PASSWORD_MIN_LENGTH`` ..``PASSWORD_MAX_LENGTH``).
Here: a password may not contain the username, a part of the person's name or
the product's name, and must not be easy to guess by zxcvbn's estimate (common
passwords, keyboard runs, sequences, repeats, dictionary words with digits).
Passwords the system generates (first admin, resets) and the demo accounts'
shared password do not pass through here.
"""

import re

from flask_babel import gettext as _

PRODUCT_WORDS = ("parkops",)
MIN_SCORE = 3  # zxcvbn's 0..4: 3 is "safely unguessable" for an online attack and more
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the rest only adds strength
CONTEXT_MIN = 3  # shorter name parts ("li") would refuse too much


def context_words(username: str, display_name: str = "") -> list[str]:
    """The words a password must not contain, lower-case."""
    parts = re.split(r"[\s._@-]+", f"{username} {display_name}".lower())
    words = {username.lower(), display_name.lower().replace(" ", ""), *parts, *PRODUCT_WORDS}
    return sorted(w for w in words if len(w) >= CONTEXT_MIN)


def weakness(password: str, username: str, display_name: str = "") -> str | None:
    """Why ``password`` is refused, in the user's language; None when it is acceptable."""
    # zxcvbn's word lists take 12 MiB: loaded when a password is chosen, not at start.
    from zxcvbn import zxcvbn

    lowered = password.lower()
    words = context_words(username, display_name)
    if any(w in lowered for w in words):
        return _(
            "The password contains your username, your name or the product's name: "
            "choose one that does not."
        )
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)["score"] < MIN_SCORE:
        return _(
            "This password is too easy to guess: it is common or a simple pattern "
            "(a sequence, a keyboard row, a word with digits). "
            "Use a few unrelated words, or a longer sentence."
        )
    return None
