"""How easy a new password is to guess: the length rule, then zxcvbn's estimate against its
lists of common and breached passwords, names and words (shipped in the package: no network
call), then the user's own name and email address.

Why zxcvbn and a score rather than a list alone: `aaaaaaaaaaaa`, `qwertyuiop12` and
`password1234` are each long enough and on no exact list, and each is guessed in seconds.
"""

import re

from zxcvbn import zxcvbn

MIN_LENGTH = 12
#: zxcvbn's own ceiling; a longer password is judged by its first 72 characters, which a
#: repeated or common password still fails.
CHECKED_LENGTH = 72
#: zxcvbn's score from 0 to 4; 3 is "safely unguessable" against an offline attack on a slow
#: hash (about 10^10 guesses), which is what a stolen database of scrypt hashes would meet.
LEAST_SCORE = 3
#: A part of a name or address shorter than this is too common in other words to refuse.
SHORTEST_PERSONAL = 4

TOO_SHORT = f"Password must be at least {MIN_LENGTH} characters"
PERSONAL = "Password must not contain your name or email address"
_GUESSABLE = "Choose a password that is harder to guess"


def password_problem(
    password: str, name: str | None = None, email: str | None = None
) -> str | None:
    """Why the password is refused, in words that say what to do, or None when it will do.
    `name` and `email` are the user's own, when known."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    personal = personal_words(name, email)
    squashed = _squash(password)
    if any(word in squashed for word in personal):
        return PERSONAL
    judged = zxcvbn(password[:CHECKED_LENGTH], user_inputs=sorted(personal))
    if judged["score"] >= LEAST_SCORE:
        return None
    if any(match.get("dictionary_name") == "user_inputs" for match in judged["sequence"]):
        return PERSONAL
    warning = judged["feedback"]["warning"].rstrip(".")
    if warning:
        return f"{_GUESSABLE}: {warning[0].lower()}{warning[1:]}"
    return f"{_GUESSABLE}: add another word or two that people would not guess together"


def personal_words(name: str | None, email: str | None) -> set[str]:
    """The parts of a name and an email address a password must not contain, lower case and
    letters and digits only: each name, the whole name, the address's local part and each
    part of it, and its domain's first label."""
    words: set[str] = set()
    names = _parts(name or "")
    words.update(names)
    words.add("".join(names))
    if email and "@" in email:
        local, _, domain = email.lower().rpartition("@")
        words.update(_parts(local))
        words.add(_squash(local))
        words.add(_squash(domain.split(".")[0]))
    return {word for word in words if len(word) >= SHORTEST_PERSONAL}


def _parts(text: str) -> list[str]:
    return [_squash(part) for part in re.split(r"[\s._+-]+", text.lower()) if _squash(part)]


def _squash(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())
