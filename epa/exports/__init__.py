"""Returns exports: the outcomes and bookings spreadsheets, for pages and the API."""
