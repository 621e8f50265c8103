"""Operating the service: health checks and static assets."""
