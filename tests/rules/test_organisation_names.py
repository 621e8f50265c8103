"""When two organisations' names are the same name, as a table."""

import pytest

from epa.rules.organisations import NAME_KEY_LENGTH, organisation_name_key


@pytest.mark.parametrize(
    "first, second, same",
    [
        ("Acme Ltd", "Acme Ltd", True),
        ("Acme Ltd", "ACME LTD", True),
        ("Acme Ltd", "  acme ltd  ", True),
        ("Acme Ltd", "Acme    Ltd", True),
        ("Acme Ltd", "Acme\tLtd", True),
        ("Straße GmbH", "STRASSE GMBH", True),  # case-folded, not merely lower-cased
        ("Acme Ltd", "AcmeLtd", False),  # a space between words counts
        ("Acme Ltd", "Acme Ltd.", False),
        ("Acme Ltd", "Acme Limited", False),
        ("Acme", "Acmé", False),
    ],
)
def test_names_that_are_the_same_organisation(first, second, same):
    assert (organisation_name_key(first) == organisation_name_key(second)) is same


@pytest.mark.parametrize(
    "name, length",
    [
        ("x" * NAME_KEY_LENGTH, NAME_KEY_LENGTH),
        ("ß" * NAME_KEY_LENGTH, NAME_KEY_LENGTH),  # folding doubles it; the key still fits
        ("x" * (NAME_KEY_LENGTH - 1), NAME_KEY_LENGTH - 1),
    ],
)
def test_a_key_fits_its_column(name, length):
    assert len(organisation_name_key(name)) == length
