"""Email: messages queued in the booking's transaction, sent after it commits."""
