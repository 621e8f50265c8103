"""Apprentices registered for end-point assessment."""
