"""JSON answers are written by orjson and read the same as Flask's own: keys sorted, dates and
other types as Flask writes them, and anything orjson cannot hold still written."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup


@dataclass
class Point:
    x: int


def test_the_same_json_as_flasks_own(app):
    value = {
        "b": [1, 2.5, None, True],
        "a": "Zoë Ó Briain",
        "when": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "day": date(2026, 12, 1),
        "amount": Decimal("1.50"),
        "point": Point(3),
        "markup": Markup("<b>x</b>"),
        "huge": 2**70,
    }
    ours = app.json.dumps(value)
    flasks = DefaultJSONProvider(app).dumps(value)
    assert json.loads(ours) == json.loads(flasks)
    assert list(json.loads(ours)) == sorted(value)


def test_an_answer_is_utf8_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.content_type == "application/json"
    assert json.loads(response.data.decode("utf-8"))["openapi"].startswith("3.")
