"""Lists read as plain columns (epa.shape_columns) answer exactly what the ORM and pydantic
would: value by value, for every kind of field it takes; and it takes no field it could write
differently."""

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Literal

import pytest
from pydantic import Field, PlainSerializer, TypeAdapter, WithJsonSchema
from sqlalchemy import update

from epa.api.requests import _check_columns
from epa.apprentices.models import Apprentice
from epa.apprentices.schemas import Apprentice as ApprenticeOut
from epa.apprentices.schemas import ApprenticeSearch
from epa.apprentices.services import search
from epa.auth.models import User
from epa.extensions import db
from epa.shape_columns import _converter, as_columns
from epa.shapes import Shape
from tests.imports.test_import import uln


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class Number(enum.IntEnum):
    ONE = 1


def info(annotation):
    class Probe(Shape):
        value: annotation

    return Probe.model_fields["value"]


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        (int, 0),
        (int, -7),
        (str, ""),
        (str, "Zoë O'Neill"),
        (bool, True),
        (bool, False),
        (date, date(2026, 3, 29)),
        (date | None, date(1999, 12, 31)),
        (datetime, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (datetime, datetime(2026, 3, 29, 1, 0, 0, 1, tzinfo=UTC)),
        (datetime, datetime(2026, 3, 29, 1, 0, 0, 999999, tzinfo=UTC)),
        (datetime, datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))),
        (datetime | None, datetime(2026, 1, 1, tzinfo=UTC)),
        (Colour, "red"),
        (Colour, Colour.BLUE),
        (Colour | None, "blue"),
        (Literal["web", "api"], "api"),
        (Annotated[str, WithJsonSchema({"type": "string"})], "0123456789"),
        (Annotated[str, Field(max_length=10)], "short"),
        (str | None, "x"),
    ],
)
def test_a_value_is_written_as_pydantic_writes_it(annotation, value):
    convert = _converter(info(annotation))
    assert convert is not None
    expected = TypeAdapter(annotation).dump_python(
        TypeAdapter(annotation).validate_python(value), mode="json"
    )
    assert convert(value) == expected


@pytest.mark.parametrize(
    "annotation",
    [
        list[str],
        dict[str, str],
        int | str,
        Number,  # written as a number by pydantic, stored as text or a number by a column
        Literal[1, 2],
        Annotated[datetime, PlainSerializer(lambda value: "local")],
        ApprenticeOut,
        float,
    ],
)
def test_a_field_it_might_write_differently_is_left_to_pydantic(annotation):
    assert _converter(info(annotation)) is None


def test_a_shape_with_its_own_serializer_is_left_to_pydantic(app):
    from pydantic import field_serializer

    class Odd(Shape):
        id: int

        @field_serializer("id")
        def _id(self, value):
            return value + 1

    with app.app_context():
        assert as_columns(db.select(Apprentice), Odd) is None


def test_the_apprentice_list_is_read_as_columns(app, make_user):
    """The busiest list keeps the quick way: a field that stops being a column (a plain property
    again, say) would send it back to the ORM, slower by a third."""
    staff_id = make_user("staff")
    with app.app_context():
        query = search(db.session.get(User, staff_id), ApprenticeSearch.read({}))
        columns = as_columns(query, ApprenticeOut)
        assert columns is not None
        assert [column.name for column in columns.query.selected_columns] == list(
            ApprenticeOut.model_fields
        )


def test_every_state_of_an_apprentice_reads_the_same_both_ways(app, api, make_apprentice):
    """Not yet at gateway, at gateway, restarted, withdrawn with a reason, anonymised: the list's
    items equal Shape.many over the ORM's objects, field by field."""
    ids = [
        make_apprentice(uln=uln(n), email=None if n % 2 else f"a{n}@example.com") for n in range(5)
    ]
    with app.app_context():
        db.session.execute(
            update(Apprentice)
            .where(Apprentice.id == ids[1])
            .values(gateway_date=date(2026, 1, 5), epa_deadline=date(2026, 4, 5))
        )
        db.session.execute(
            update(Apprentice)
            .where(Apprentice.id == ids[2])
            .values(gateway_date=date(2026, 1, 5), epa_restarted_on=date(2026, 2, 1), epa_round=2)
        )
        db.session.execute(
            update(Apprentice)
            .where(Apprentice.id == ids[3])
            .values(status="withdrawn", withdrawn_reason="Left the employer")
        )
        db.session.execute(
            update(Apprentice)
            .where(Apprentice.id == ids[4])
            .values(anonymised_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
        db.session.commit()
        expected = {
            item["id"]: item
            for item in ApprenticeOut.many(
                db.session.scalars(db.select(Apprentice).where(Apprentice.id.in_(ids))).all()
            )
        }
    answered = api("staff").get("/api/v1/apprentices?per_page=200").get_json()["items"]
    assert {item["id"]: item for item in answered} == expected
    assert expected[ids[2]]["epa_started_on"] == "2026-02-01"
    assert expected[ids[1]]["epa_started_on"] == "2026-01-05"
    assert expected[ids[4]]["anonymised"] is True
    assert expected[ids[0]]["anonymised"] is False


def test_the_check_refuses_an_answer_that_differs(app, make_apprentice, make_user):
    make_apprentice()
    staff_id = make_user("staff")
    with app.test_request_context("/api/v1/apprentices"):
        query = search(db.session.get(User, staff_id), ApprenticeSearch.read({}))
        columns = as_columns(query, ApprenticeOut)
        rows = db.session.execute(columns.query).all()
        items = [columns.to_item(row) for row in rows]
        _check_columns(query, ApprenticeOut, 1, 50, (items, 1))
        items[0]["given_names"] += "!"
        with pytest.raises(AssertionError, match="differs"):
            _check_columns(query, ApprenticeOut, 1, 50, (items, 1))


def test_the_same_search_is_the_same_statement_and_an_assessor_has_their_own(app, make_user):
    """SQLAlchemy works out a statement's cache key once per statement object: the list's
    statements are made once per search, and an assessor's carries their own id."""
    staff_id, first, second = make_user("staff"), make_user("assessor"), make_user("assessor")
    with app.app_context():
        everyone = ApprenticeSearch.read({})
        mine = ApprenticeSearch.read({"status": "registered"})

        def searched(user_id, query):
            return search(db.session.get(User, user_id), query)

        assert searched(staff_id, everyone) is searched(staff_id, ApprenticeSearch.read({}))
        assert searched(staff_id, everyone) is not searched(staff_id, mine)
        assert searched(first, everyone) is searched(first, everyone)
        assert searched(first, everyone) is not searched(second, everyone)
        assert searched(first, everyone) is not searched(staff_id, everyone)
        bound = searched(first, everyone).compile().params.values()
        assert first in bound
        assert second not in bound
