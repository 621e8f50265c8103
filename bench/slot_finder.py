"""Time the slot finder on a busy service: an extra, run on its own (`python bench/slot_finder.py`),
not part of `make bench` (which times the booking page's slots through "Show who is free then" and
booking itself) nor of `make test`.

Seeds a throwaway SQLite database, or the empty database BENCH_DATABASE_URL names, with
200 assessors and 300,000 booked assessments over the two years around now (bench/busy_service.py),
then calls `find_slots` as a member of staff would, each call in an app context of its own like
a request: every method of ~200 apprentices whose EPA window is open (the default limit of 10),
a few for one assessor, a few from late in the window. Reports p50, p95 and max in ms; the
target is a p95 of 100 ms or less. BENCH_PROFILE=1 adds where the time goes (cProfile).
"""

import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta

from figures import milliseconds, write

ASSESSORS = int(os.environ.get("BENCH_ASSESSORS", "200"))
ASSESSMENTS = int(os.environ.get("BENCH_ASSESSMENTS", "300000"))
#: with 10 % past gateway and waiting, as bench/busy_service.py seeds them
APPRENTICES = int(os.environ.get("BENCH_APPRENTICES", "100000"))
#: a few calls of each of the other kinds
FEW = 20
TARGET_P95_MS = 100
SEED = 11


def main() -> int:
    from busy_service import seed
    from flask_migrate import upgrade

    from epa import create_app
    from epa.extensions import db

    with tempfile.TemporaryDirectory() as directory:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{directory}/bench.sqlite"
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            }
        )
        rng = random.Random(SEED)  # noqa: S311  (the same service every run, not a secret)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            world = seed(
                db,
                apprentices=APPRENTICES,
                assessments=ASSESSMENTS,
                assessors=ASSESSORS,
                confirmed=APPRENTICES // 2,
                rng=rng,
            )
            seeded = time.perf_counter() - started
            database = db.engine.dialect.name
        print(
            f"slot finder on {database}: {world.counts['assessors']} assessors, "
            f"{world.counts['assessments']:,} bookings, {world.counts['apprentices']:,} "
            f"apprentices (seeded in {seeded:.0f} s)",
            flush=True,
        )
        cases = _cases(app, world, rng)
        _time(app, world, cases["earliest"][:3])  # warm up: imports, caches, the first queries
        figures = {
            "database": database,
            "seed": {**world.counts, "seconds": round(seeded, 1)},
            "target_p95_ms": TARGET_P95_MS,
        }
        for label, kind in [
            ("earliest", "earliest, limit 10"),
            ("one_assessor", "one assessor's"),
            ("late_in_window", "from late in the window"),
        ]:
            figures[label] = _summary(_time(app, world, cases[label]))
            _print(kind, figures[label])
        met = figures["earliest"]["p95_ms"] <= TARGET_P95_MS
        figures["target_met"] = met
        print(f"target p95 <= {TARGET_P95_MS} ms: {'met' if met else 'MISSED'}", flush=True)
        if os.environ.get("BENCH_PROFILE"):
            _profile(app, world, cases["earliest"])
        with app.app_context():
            db.engine.dispose()
    write(figures)
    return 0


def _cases(app, world, rng) -> dict[str, list[tuple[int, dict]]]:
    """(apprentice id, query) for each kind of call, in a random order."""
    from epa.apprentices.models import Apprentice
    from epa.extensions import db

    waiting = list(world.waiting)
    rng.shuffle(waiting)
    earliest = [
        (apprentice, {"method": method})
        for apprentice in waiting
        for method in ("discussion", "project")
        if not (method == "discussion" and apprentice in world.with_discussion)
    ]
    free = [a for a in waiting if a not in world.with_discussion]
    with app.app_context():
        deadlines = {
            a.id: a.epa_deadline
            for a in db.session.query(Apprentice).filter(Apprentice.id.in_(free))
        }
    return {
        "earliest": earliest,
        "one_assessor": [
            (a, {"method": rng.choice(["discussion", "project"]), "assessor_id": assessor})
            for a, assessor in zip(
                rng.sample(free, FEW), rng.sample(world.assessor_ids, FEW), strict=True
            )
        ],
        # Late in the window the diaries are as full as ever: the finder looks at every week up
        # to the deadline if it must.
        "late_in_window": [
            (a, {"method": "discussion", "from": (deadlines[a] - timedelta(days=10)).isoformat()})
            for a in rng.sample(free, FEW)
        ],
    }


def _time(app, world, cases) -> list[tuple[float, int | str]]:
    """(seconds, slots found or the refusal's code) for each call."""
    from epa.auth.models import User
    from epa.errors import ServiceError
    from epa.extensions import db
    from epa.scheduling.schemas import SlotQuery
    from epa.scheduling.slots import find_slots

    results = []
    for apprentice_id, asked in cases:
        query = SlotQuery.read(asked)
        with app.app_context():
            staff = db.session.get(User, world.staff_id)
            started = time.perf_counter()
            try:
                outcome = len(find_slots(apprentice_id, query, staff))
            except ServiceError as error:
                outcome = error.code
            results.append((time.perf_counter() - started, outcome))
    return results


def _summary(results) -> dict:
    seconds = sorted(s for s, _ in results)
    found = [o for _, o in results if isinstance(o, int)]
    return {
        "calls": len(seconds),
        "p50_ms": milliseconds(statistics.median(seconds)),
        "p95_ms": milliseconds(statistics.quantiles(seconds, n=20, method="inclusive")[-1]),
        "max_ms": milliseconds(seconds[-1]),
        "mean_ms": milliseconds(statistics.fmean(seconds)),
        "none_found": found.count(0),
        "fewer_than_10_found": sum(0 < n < 10 for n in found),
        "refused": dict(Counter(o for _, o in results if isinstance(o, str))),
    }


def _print(kind: str, summary: dict) -> None:
    notes = [f"{summary['none_found']} found none"] if summary["none_found"] else []
    notes += [f"{n} refused {code}" for code, n in summary["refused"].items()]
    print(
        f"{kind:<26} {summary['calls']:4} calls  p50 {summary['p50_ms']:6.1f} ms  "
        f"p95 {summary['p95_ms']:6.1f} ms  max {summary['max_ms']:6.1f} ms"
        + (f"  ({', '.join(notes)})" if notes else ""),
        flush=True,
    )


def _profile(app, world, cases) -> None:
    profile = cProfile.Profile()
    profile.runcall(_time, app, world, cases)
    stats = pstats.Stats(profile, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    sys.exit(main())
