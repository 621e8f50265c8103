"""Gateway: the check that an apprentice is ready for end-point assessment."""
