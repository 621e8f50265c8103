"""Long work done by workers: jobs recorded in the database, run through Celery."""
