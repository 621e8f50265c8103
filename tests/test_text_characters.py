"""Free text the service stores (names, locations, reasons): refused when it holds a control
character or a text-direction control, which could make it read differently from what is
stored; kept when it is ordinary text in any script."""

import re

import pytest
from pydantic_core import PydanticCustomError

from epa.shapes import TEXT_PATTERN, clean_text


@pytest.mark.parametrize(
    "text",
    [
        "Sam\x00",
        "Sam\x1b[31m",
        "Sam\x7f",
        "Sam\u061c",  # Arabic letter mark
        "Sam\u200e",  # left-to-right mark
        "Sam\u200f",  # right-to-left mark
        "Sam\u202a",  # left-to-right embedding
        "Sam\u202b",  # right-to-left embedding
        "Sam\u202c",  # pop directional formatting
        "Sam\u202d",  # left-to-right override
        "Sam\u202eevil",  # right-to-left override
        "Sam\u2066",  # left-to-right isolate
        "Sam\u2067",  # right-to-left isolate
        "Sam\u2068",  # first strong isolate
        "Sam\u2069",  # pop directional isolate
    ],
)
def test_control_and_direction_characters_are_refused(text):
    with pytest.raises(PydanticCustomError) as refused:
        clean_text(text, "given names")
    assert "must not contain control characters or text-direction marks" in str(refused.value)


@pytest.mark.parametrize(
    "text",
    ["Sam", "Zoë Ó Briain", "عائشة", "דוד", "李小龙", "Anne-Marie", "O’Neill", "Sam\u200dTaylor"],
)
def test_text_in_any_script_is_kept(text):
    assert clean_text(text, "given names") == text


def test_the_published_pattern_refuses_what_the_service_refuses():
    assert re.search(TEXT_PATTERN, "عائشة")
    for text in ("Sam\u202eevil", "\u2066", "Sam\x00"):
        assert not re.search(TEXT_PATTERN, text)
