"""The baselines of the throughput figures: a bare Flask app with nothing but what the answer
needs, served by gunicorn exactly as the service is (bench/http_load.py).

`/api/v1/apprentices` answers with the service's own list answer (read from BARE_PAYLOAD),
serialised by Flask on every request; `/apprentices/` renders a Jinja table of those
apprentices, padded to the byte size of the service's page.
"""

import json
import os

from flask import Flask, jsonify, render_template_string

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Apprentices</title></head>
<body><main><h1>Apprentices</h1>
<table><thead><tr><th>Name</th><th>ULN</th><th>Status</th><th>Standard</th></tr></thead>
<tbody>
{% for row in rows %}<tr>
<td><a href="/apprentices/{{ row.id }}">
{{ row.given_names }} {{ row.family_name }}</a></td><td>{{ row.uln }}</td>
<td>{{ row.status }}</td><td>{{ row.standard }}</td></tr>
{% endfor %}</tbody></table><!-- {{ padding }} --></main></body></html>"""

with open(os.environ["BARE_PAYLOAD"], encoding="utf-8") as file:
    _payload = json.load(file)
app = Flask(__name__)
_rows = _payload["api"]["items"]
with app.app_context():
    _short = len(render_template_string(PAGE, rows=_rows, padding="").encode())
_padding = "x" * max(0, _payload["page_bytes"] - _short)


@app.get("/api/v1/apprentices")
def apprentices():
    return jsonify(_payload["api"])


@app.get("/apprentices/")
def page():
    return render_template_string(PAGE, rows=_rows, padding=_padding)
