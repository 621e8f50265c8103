"""A list's answer read straight from SQL columns, for a flat shape over one table's rows.

Loading fifty ORM objects and passing them through pydantic cost an API list more than half
its time on the worker (about 1 ms of 3.5). Where every field of the answer's shape is a column
of the listed table, a property written as an SQL expression as well (a hybrid), or a column
of a record a relationship names (`AliasPath("standard", "reference")`), the same select is
asked for those columns alone, labelled with the fields' names, and each row becomes the
answer's JSON-ready dict directly.

The shape stays the one declaration of the answer: which fields, their names, their types in
the OpenAPI document. A field this cannot read the same way pydantic writes it (a nested
shape, a list, a custom serializer or validator) sends the whole list back to the ORM and
`Shape.many`. With `CHECK_SHAPE_COLUMNS` set (the tests set it), every answer made here is
also made the ORM's way and the two must be equal.
"""

import enum
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, lru_cache

from annotated_types import BaseMetadata
from pydantic import AliasPath, WithJsonSchema
from pydantic.fields import FieldInfo
from sqlalchemy import Select, inspect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import ColumnProperty, aliased

from epa.shapes import Shape

Converter = Callable[[typing.Any], typing.Any]


class ColumnList(typing.NamedTuple):
    """A select of the shape's fields as labelled columns, and each row's JSON-ready dict."""

    query: Select
    to_item: Callable[[typing.Any], dict]


# The same search gives the same statement object (epa.apprentices.services.search).
@lru_cache(maxsize=256)
def as_columns(query: Select, shape: type[Shape]) -> ColumnList | None:
    """The select of one mapped class, reading only `shape`'s fields; None when the shape has a
    field that is not such a column, or the select is not of one mapped class."""
    entities = query.column_descriptions
    if (
        len(entities) != 1
        or entities[0]["entity"] is None
        or entities[0]["expr"] is not (entities[0]["entity"])
    ):
        return None
    plan = _plan(shape, entities[0]["entity"])
    if plan is None:
        return None
    columns, joins, convert = plan
    reshaped = query.with_only_columns(*columns, maintain_column_froms=True)
    reshaped._with_options = ()  # the loads an ORM select asks for have no entity here
    for target, relationship in joins:
        reshaped = reshaped.outerjoin(target, relationship)
    return ColumnList(reshaped, convert)


@cache
def _plan(shape: type[Shape], entity: type):
    """The labelled columns, the outer joins they need and the row's converter, or None."""
    if _has_own_code(shape):
        return None
    mapper = inspect(entity)
    columns, joins, converters = [], [], []
    aliases: dict[str, typing.Any] = {}
    for name, info in shape.model_fields.items():
        convert = _converter(info)
        if convert is None:
            return None
        alias = info.validation_alias
        if alias is None and info.alias in (None, name):
            column = _column(mapper, entity, name)
        elif isinstance(alias, AliasPath) and len(alias.path) == 2:
            relationship, attribute = alias.path
            related = mapper.relationships.get(str(relationship))
            if related is None or related.uselist:
                return None
            if relationship not in aliases:
                aliases[relationship] = aliased(related.mapper.class_)
                joins.append(
                    (
                        aliases[relationship],
                        getattr(entity, relationship).of_type(aliases[relationship]),
                    )
                )
            column = _column(related.mapper, aliases[relationship], str(attribute))
        else:
            return None
        if column is None:
            return None
        columns.append(column.label(name))
        converters.append((name, convert))

    names = tuple(name for name, _ in converters)
    # Most values are written as they come (numbers, text, truth values): only the others are
    # converted, with None kept as None.
    changed = tuple((name, convert) for name, convert in converters if convert is not _same)

    def to_item(row) -> dict:
        # (a row may carry more columns after the shape's: a tallied page's total)
        item = dict(zip(names, row, strict=False))
        for name, convert in changed:
            value = item[name]
            if value is not None:
                item[name] = convert(value)
        return item

    return tuple(columns), tuple(joins), to_item


def _column(mapper, entity, name: str):
    """The SQL expression of a column attribute or a hybrid; None for anything else."""
    descriptor = mapper.all_orm_descriptors.get(name)
    if isinstance(descriptor, hybrid_property):
        return getattr(entity, name)
    prop = mapper.attrs.get(name)
    if isinstance(prop, ColumnProperty):
        return getattr(entity, name)
    return None


def _has_own_code(shape: type[Shape]) -> bool:
    decorators = shape.__pydantic_decorators__
    return bool(
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.model_validators
        or decorators.computed_fields
    )


def _converter(info: FieldInfo) -> Converter | None:
    """How a column's value (not None) becomes what pydantic writes for the field in JSON
    mode; None when pydantic might write it some other way."""
    if any(not isinstance(item, (WithJsonSchema, BaseMetadata)) for item in info.metadata):
        return None
    annotation = info.annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [kind for kind in typing.get_args(annotation) if kind is not type(None)]
        if len(kinds) != 1:
            return None
        annotation = kinds[0]  # None is written as null whatever the type
    if annotation in _CONVERTERS:
        return _CONVERTERS[annotation]
    if typing.get_origin(annotation) is typing.Literal:
        values = typing.get_args(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = [member.value for member in annotation]
    else:
        return None
    # Text is written as it is stored; other values (numbers) might be written differently.
    return _enum_value if all(isinstance(value, str) for value in values) else None


def _same(value):
    return value


def _enum_value(value):
    return value.value if isinstance(value, enum.Enum) else value


def _iso_date(value: date) -> str:
    return value.isoformat()


def _iso_datetime(value: datetime) -> str:
    # pydantic writes UTC as "Z"
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_CONVERTERS: dict[typing.Any, Converter] = {
    int: _same,
    str: _same,
    bool: _same,
    date: _iso_date,
    datetime: _iso_datetime,
}
