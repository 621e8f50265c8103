"""Registering apprentices in bulk from the contract's spreadsheet template."""
