"""Simultaneous requests for the same unique thing: one wins, the rest get the usual 409."""

import threading

import pytest


def _race(app, token, path, bodies):
    barrier = threading.Barrier(len(bodies))
    results = []

    def go(body):
        client = app.test_client()
        barrier.wait()
        response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        results.append(
            (
                response.status_code,
                response.get_json()["error"]["code"] if response.status_code >= 400 else None,
            )
        )

    threads = [threading.Thread(target=go, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize(
    "path, bodies, code",
    [
        (
            "/api/v1/users",
            [
                {
                    "email": "same@epao.example",
                    "name": f"N{n}",
                    "role": "staff",
                    "password": "x" * 12,
                }
                for n in range(6)
            ],
            "duplicate_email",
        ),
        (
            "/api/v1/employers",
            [{"name": "Same Ltd" if n % 2 else "SAME LTD"} for n in range(6)],
            "duplicate_employer",
        ),
        (
            "/api/v1/providers",
            [{"name": f"P{n}", "ukprn": "10012345"} for n in range(6)],
            "duplicate_ukprn",
        ),
    ],
)
def test_one_of_many_simultaneous_creates_wins(app, make_token, path, bodies, code):
    results = _race(app, make_token("admin"), path, bodies)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (len(bodies) - 1), results
    assert {c for s, c in results if s == 409} == {code}
