"""schemathesis over the whole OpenAPI document, in-process, as an administrator (and, for the
operations only an assessor may call, as the assessor the booking is with).

Every operation the document lists is called with requests made from its own schemas: the
boundary cases schemathesis derives from each schema (its coverage phase) and examples drawn at
random, both ones the schema allows and ones it forbids. The database holds the standard, two
employers, a provider, an apprentice past gateway with a booked assessment, and assessors with a
conflict of interest and a period away; ids in paths, queries and bodies (and the standard and
version) are those of these records as often as not, so operations are exercised beyond "not
found". The clock stands at Thursday 26 November
2026, 09:00 in London (`booking_world`), so the rules that depend on the day judge alike on
every run.

Each answer must:
- not be a server error (5xx);
- have a status the operation documents, with the documented content type and a body that the
  documented schema accepts;
- when it refuses, carry an error code the document lists for that status on that operation;
  and a request the schema allows may not be refused as unreadable (400) or as using the wrong
  method (405): the document promised it would be read.

Generation is derandomised, so every run sends the same requests (until the document or this
test changes). Each operation is a test of its own, which reports every distinct failure it
found, each with a line to reproduce it.
"""

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: Enough to reach most operations' interesting cases; the whole run stays within minutes.
EXAMPLES_PER_OPERATION = 20
#: What was sent, by operation ("GET /api/v1/users"): read by the last test of this module.
SENT: dict[str, int] = {}
#: The ids of the records the current test made (`world`), by the names requests give them.
KNOWN: dict = {}


def _refusal_is_documented(ctx, response, case):
    """A refusal's error code is one the document lists for that status on this operation."""
    if response.status_code < 400:
        return None
    documented = case.operation.definition.raw.get("responses", {}).get(str(response.status_code))
    if documented is None:
        return None  # an undocumented status: status_code_conformance names it
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and response.status_code in (400, 405):
        raise AssertionError(
            f"A request the document allows was refused with {response.status_code}: "
            f"{response.text[:300]}"
        )
    codes = documented.get("x-error-codes", [])
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None  # not the error body: response_schema_conformance says how
    if code not in codes:
        raise AssertionError(
            f"{response.status_code} came with the error code {code!r}; the document lists "
            f"{', '.join(codes) or 'none'} for that status here"
        )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    _refusal_is_documented,
]


@pytest.fixture
def world(app, booking_world, make_token, client):
    """The records operations act on, made through the API; returns the path ids to use."""
    assessor = booking_world["assessor"]
    token = make_token("admin")
    headers = {"Authorization": f"Bearer {token}"}

    def post(path, body):
        response = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code == 201, (path, response.get_json())
        return response.get_json()["id"]

    other_employer = post("/employers", {"name": "Brightwater Insurance plc"})
    assessment = post(
        "/assessments",
        {
            "apprentice_id": booking_world["apprentice"],
            "method": "discussion",
            "assessor_id": assessor,
            "starts_at": "2026-12-10T10:00",
            "location": "Online (Teams)",
        },
    )
    conflict = post(f"/users/{assessor}/conflicts", {"employer_id": other_employer})
    period = post(
        f"/users/{assessor}/unavailability",
        {"starts_at": "2027-01-04T00:00", "ends_at": "2027-01-09T00:00", "reason": "Leave"},
    )
    ids = {
        "apprentice_id": booking_world["apprentice"],
        "assessment_id": assessment,
        "user_id": assessor,
        "assessor_id": assessor,
        "employer_id": booking_world["employer"],
        "provider_id": booking_world["provider"],
        "conflict_id": conflict,
        "period_id": period,
        "reference": "ST0825",
        "version": "1.0",
        "standard": "ST0825",
    }
    KNOWN.clear()
    KNOWN.update(ids)
    tokens = {"admin": token, "assessor": make_token(user_id=assessor)}
    return {"tokens": tokens, "ids": ids}


def _document() -> dict:
    from epa.api.openapi import document

    return document()


schema = schemathesis.openapi.from_dict(
    _document(),
    config=schemathesis.Config.from_dict(
        {"generation": {"mode": "all"}, "phases": {"stateful": {"enabled": False}}}
    ),
)


def _as_often_as_not_known(values):
    """The values as drawn, or with every one that names a record swapped for a real one."""
    named = set(values) & set(KNOWN) if isinstance(values, dict) else set()
    if not named:
        return st.just(values)
    return st.sampled_from([values, {**values, **{name: KNOWN[name] for name in named}}])


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _as_often_as_not_known(path_parameters)


@schema.hook
def flatmap_query(context, query):
    return _as_often_as_not_known(query)


@schema.hook
def flatmap_body(context, body):
    return _as_often_as_not_known(body)


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    # No shrinking: a failure is reported as found, which keeps a failing run as quick as a
    # passing one (the report still gives the request to reproduce it).
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_document_says(case, app, world):
    # Counted under the operation, also when schemathesis tries it with a method it lacks.
    label = f"{case.operation.method.upper()} {case.operation.path}"
    SENT[label] = SENT.get(label, 0) + 1
    # "Roles: admin, staff." begins each operation's description (the document itself has none).
    description = case.operation.definition.raw.get("description", "Roles: admin.")
    roles = description.removeprefix("Roles: ").partition(".")[0].split(", ")
    role = "admin" if "admin" in roles else "assessor"
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


def test_every_operation_is_exercised(capsys):
    """Every operation of the document has its test above; a whole run says what it sent."""
    documented = {
        f"{method.upper()} {path}" for path, ops in _document()["paths"].items() for method in ops
    }
    generated = {
        f"{result.ok().method.upper()} {result.ok().path}" for result in schema.get_all_operations()
    }
    assert generated == documented
    if set(SENT) != documented:
        pytest.skip("the counts are given when the whole module runs")
    with capsys.disabled():  # the numbers docs/api.md records, shown on every whole run
        print(  # noqa: T201
            f"\nschemathesis: {len(SENT)} operations, {sum(SENT.values()):,} requests "
            f"({min(SENT.values())} to {max(SENT.values())} per operation)"
        )
