"""Booking assessments: rules applied to rows, calendar files and invitations."""
