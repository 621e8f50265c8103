"""The password policy: long enough, not easy to guess from lists of common and breached
passwords, and not made of the user's own name or email address."""

import pytest

from epa.rules.passwords import PERSONAL, TOO_SHORT, password_problem, personal_words

GUESSABLE = "Choose a password that is harder to guess"


@pytest.mark.parametrize(
    "password, refused",
    [
        ("", TOO_SHORT),
        ("kV9#mP2!xQ7", TOO_SHORT),  # 11 characters: one short
        ("kV9#mP2!xQ7z", None),  # 12: the least
        ("aaaaaaaaaaaa", GUESSABLE),  # long enough, and a repeat
        ("a" * 200, GUESSABLE),  # judged by its first 72 characters
        ("password1234", GUESSABLE),  # on the lists of common passwords
        ("Password1234!", GUESSABLE),  # a common password, capitalised and punctuated
        ("qwertyuiop12", GUESSABLE),  # a keyboard row
        ("123456789012", GUESSABLE),  # a sequence
        ("letmeinletmein", GUESSABLE),
        ("welcome12345", GUESSABLE),
        ("correct horse battery staple", None),  # four words nobody puts together
        ("plum radiator otter cinema", None),
        ("Tr0ub4dor&3xyz", None),
    ],
)
def test_length_and_guessability(password, refused):
    problem = password_problem(password)
    if refused is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith(refused), problem


@pytest.mark.parametrize(
    "password",
    [
        "SamTaylor2024!",  # the whole name
        "taylor-rocks-99!",  # the family name
        "s.taylor1@work!",  # the address's local part
        "Northwind-Sunrise-7",  # the address's domain
        "sam.taylor@northwind",
    ],
)
def test_the_users_own_name_or_email_is_refused(password):
    assert password_problem(password, "Sam Taylor", "sam.taylor@northwind.example") == PERSONAL


def test_a_strong_password_is_kept_when_the_name_is_short_or_absent():
    # "Sam" alone is in too many other words to refuse; the password is otherwise strong.
    assert password_problem("Samphire-Glacier-81", "Sam Li", "s.li@epao.example") is None
    assert password_problem("Samphire-Glacier-81") is None


@pytest.mark.parametrize(
    "name, email, words",
    [
        ("Sam Taylor", "sam.taylor@northwind.example", {"taylor", "samtaylor", "northwind"}),
        ("Zoë O’Neill", "zoe@epao.example", {"oneill", "zoëoneill", "epao"}),
        (None, None, set()),
        ("Li", "li@x.example", set()),
    ],
)
def test_personal_words(name, email, words):
    assert personal_words(name, email) == words
