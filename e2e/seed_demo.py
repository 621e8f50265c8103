"""Fill the e2e database with the demonstration: `python e2e/seed_demo.py SIGN_IN_FILE`.

The demonstration's sign-ins are written to SIGN_IN_FILE rather than the developer's
instance/demo-sign-in.txt; DATABASE_URL names the database, as for the service.
"""

import sys

from epa import create_app

app = create_app({"DEMO_SIGN_IN_FILE": sys.argv[1]})
result = app.test_cli_runner().invoke(args=["epa", "demo-data"])
print(result.output, end="")
sys.exit(result.exit_code)
