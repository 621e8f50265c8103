"""Each request is logged once, as the service's JSON line, under the development server
(`make run`, `flask run`) too: not again as the server's own line."""

import logging
import threading
import urllib.request

from werkzeug.serving import make_server


def test_the_development_server_logs_each_request_once(app, caplog):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"http://127.0.0.1:{server.port}/sign-in"
        with caplog.at_level(logging.INFO), urllib.request.urlopen(address) as response:  # noqa: S310
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join(5)
    lines = [r for r in caplog.records if r.name in ("epa.access", "werkzeug")]
    assert [(r.name, r.getMessage()) for r in lines] == [("epa.access", "request")]
    assert lines[0].route == "/sign-in" and lines[0].status == 200
