"""Full addresses for links that leave the service: in emails, calendar apps and the command
line's output."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

#: where `make run` serves, for the command line when PUBLIC_URL is not set
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    """The full address of a page: on PUBLIC_URL when it is set; otherwise on the address the
    current request came to, or (on the command line) on DEFAULT_PUBLIC_URL."""
    base = current_app.config.get("PUBLIC_URL")
    if base is None and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or DEFAULT_PUBLIC_URL)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
