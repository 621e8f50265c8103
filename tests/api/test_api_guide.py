"""The developer's guide (docs/api.md) tabulates error codes by area; a code renamed or dropped
in the service must not live on there."""

import re

from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "api.md"


def test_every_code_in_the_guide_s_table_is_one_the_service_documents(client):
    served = client.get("/api/v1/openapi.json").get_json()
    documented = {
        code
        for operations in served["paths"].values()
        for operation in operations.values()
        for response in operation["responses"].values()
        for code in response.get("x-error-codes", [])
    }
    guide = GUIDE.read_text(encoding="utf-8")
    table = guide[guide.index("| area | 409 | 422 |") : guide.index("## Lists and paging")]
    codes = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", table))
    assert len(codes) > 40, "the table was not found where expected"
    assert codes - documented == set()
