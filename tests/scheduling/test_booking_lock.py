"""On PostgreSQL a booking's first read of the apprentice takes the apprentice's lock, so no
restart, withdrawal or other booking of theirs commits between its checks and its write (it
then reads the apprentice and their sittings once, not again under a later lock)."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from epa.extensions import db
from epa.scheduling.checks import locks_rows, read_for_booking


def test_the_first_read_holds_the_apprentice_until_the_booking_ends(app, make_apprentice):
    apprentice_id = make_apprentice()
    with app.app_context():
        if not locks_rows():
            pytest.skip("SQLite has one writer at a time: the booking's first write locks")
        other = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
        try:
            apprentice, _ = read_for_booking(apprentice_id, None, lock=True)
            assert apprentice.id == apprentice_id
            with other.connect() as conn, pytest.raises(OperationalError, match="lock"):
                conn.execute(
                    text("SELECT id FROM apprentices WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": apprentice_id},
                )
            db.session.rollback()  # the booking's end lets it go
            with other.connect() as conn:
                conn.execute(
                    text("SELECT id FROM apprentices WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": apprentice_id},
                )
        finally:
            db.session.rollback()
            other.dispose()
