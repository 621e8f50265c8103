"""The whole apprentice list's `total` is read from the tally the database keeps (migration
0020), and stays exact whoever writes: the ORM, bulk Core statements, the import, a rollback,
and (on PostgreSQL) writers at the same time, none waiting for another."""

import pytest
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import joinedload

from epa.apprentices.models import Apprentice, ApprenticeTally
from epa.extensions import db
from epa.pagination import exact_total
from epa.scheduling.models import Assessment
from tests.imports.test_import import row, uln, upload, xlsx


def counted() -> int:
    return db.session.scalar(select(func.count()).select_from(Apprentice))


def tallied() -> int:
    return exact_total(select(Apprentice))


def assert_exact(app, api=None) -> int:
    with app.app_context():
        number = counted()
        assert tallied() == number
        db.session.remove()
    if api is not None:
        assert api.get("/api/v1/apprentices?per_page=1").get_json()["total"] == number
    return number


def copies(app, apprentice_id: int, how_many: int, first: int = 100) -> list[dict]:
    """Rows like the apprentice's, each with a ULN of its own, for Core inserts."""
    with app.app_context():
        model = db.session.get(Apprentice, apprentice_id)
        values = {
            column.key: getattr(model, column.key)
            for column in Apprentice.__table__.columns
            if column.key != "id"
        }
    return [{**values, "uln": uln(first + n)} for n in range(how_many)]


def test_registering_and_deleting_through_the_orm_keep_it_exact(app, api, make_apprentice):
    staff = api("staff")
    assert assert_exact(app, staff) == 0
    ids = [make_apprentice(uln=uln(n)) for n in range(3)]
    assert assert_exact(app, staff) == 3
    with app.app_context():
        db.session.delete(db.session.get(Apprentice, ids[0]))
        db.session.commit()
    assert assert_exact(app, staff) == 2


def test_bulk_inserts_and_deletes_keep_it_exact(app, api, make_apprentice):
    staff = api("staff")
    first = make_apprentice()
    with app.app_context():
        db.session.execute(insert(Apprentice), copies(app, first, 250))
        db.session.commit()
    assert assert_exact(app, staff) == 251
    with app.app_context():
        db.session.execute(delete(Apprentice).where(Apprentice.id > first + 100))
        db.session.execute(text("DELETE FROM apprentices WHERE id = :id"), {"id": first})
        db.session.commit()
    assert assert_exact(app, staff) == 100


def test_a_rollback_leaves_it_as_it_was(app, make_apprentice):
    first = make_apprentice()
    with app.app_context():
        db.session.execute(insert(Apprentice), copies(app, first, 5))
        db.session.flush()
        assert tallied() == counted() == 6  # the transaction sees its own rows counted
        db.session.rollback()
    assert assert_exact(app) == 1


def test_an_import_keeps_it_exact(app, api, organisations, standard):
    staff = api("staff")
    response = upload(staff, xlsx([row(uln=uln(n), given_names=f"Sam {n}") for n in range(7)]))
    assert response.status_code == 201, response.get_json()
    assert assert_exact(app, staff) == 7


def test_only_the_whole_list_is_read_from_the_tally(app, make_apprentice):
    """A filter, a join or a limit selects other rows than the table's: those are counted."""
    make_apprentice(uln=uln(1), family_name="Ahmed")
    make_apprentice(uln=uln(2), family_name="Brown")
    with app.app_context():
        db.session.execute(insert(ApprenticeTally).values(n=40))  # an obviously wrong tally
        whole = (
            select(Apprentice)
            .options(joinedload(Apprentice.standard))
            .order_by(Apprentice.family_name)
        )
        assert exact_total(whole) == 42  # proves which one is read
        assert exact_total(select(Apprentice.id, Apprentice.uln)) == 42
        assert exact_total(whole.where(Apprentice.family_name == "Brown")) == 1
        assert exact_total(whole.join(Assessment)) == 0
        assert exact_total(whole.limit(1)) == 1
        assert exact_total(whole.distinct()) == 2
        assert exact_total(select(Apprentice.id).where(Apprentice.uln == uln(1))) == 1
        assert exact_total(select(Apprentice).select_from(Apprentice).join(Assessment)) == 0
        assert exact_total(select(func.count(Apprentice.id))) == 1
        assert exact_total(select(Apprentice.family_name).group_by(Apprentice.family_name)) == 2
        db.session.rollback()


def test_filtered_lists_of_the_api_are_counted(app, api, make_apprentice):
    staff = api("staff")
    make_apprentice(uln=uln(1), family_name="Ahmed")
    make_apprentice(uln=uln(2), family_name="Brown")
    answer = staff.get("/api/v1/apprentices?q=brown").get_json()
    assert answer["total"] == 1 and len(answer["items"]) == 1
    assert staff.get("/api/v1/apprentices?status=withdrawn").get_json()["total"] == 0


def test_concurrent_writers_neither_wait_nor_miscount(app, make_apprentice):
    first = make_apprentice()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time")
        engine = db.engine
    rows = copies(app, first, 6)
    with engine.connect() as one, engine.connect() as other:
        one.execute(insert(Apprentice), rows[:3])  # holds the tally rows it folded
        other.execute(text("SET LOCAL lock_timeout = '2s'"))
        other.execute(insert(Apprentice), rows[3:])  # would time out if it waited for `one`
        other.commit()
        one.commit()
    assert assert_exact(app) == 7
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApprenticeTally)) <= 2
