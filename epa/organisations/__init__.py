"""Employers and training providers."""
