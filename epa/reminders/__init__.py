"""Periodic reminders: assessors of their coming assessments, staff of EPA deadlines at risk."""
