"""Apprenticeship standards, their versions and assessment plans."""
