"""Pure rules: plain data in, decisions out. No Flask, no SQLAlchemy."""
