"""Users, roles, sign-in and API tokens."""
