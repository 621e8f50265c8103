"""Writes a `make bench` run into the README: its table and the machine it ran on, in place of
the last run's, so the README never shows figures copied by hand.

    .venv/bin/python bench/readme.py BENCH_JSON BENCH_MACHINE_JSON COMMIT

COMMIT is the commit the run measured (`git rev-parse --short HEAD` of its clone); the date is
the clock's today.
"""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"<details><summary>The last run.*?</details>", re.DOTALL)


def block(figures: dict, machine: dict, commit: str, day: str) -> str:
    missed = [name for name, row in figures.items() if not row["ok"]]
    met = len(figures) - len(missed)
    minutes = figures.get("whole run", {}).get("value")
    minutes = f"{minutes:.1f}" if isinstance(minutes, int | float) else "?"
    database = machine["database"].split()[0]
    outcome = f"{met} of {len(figures)} figures within budget"
    summary = outcome + (f", {len(missed)} missed" if missed else "")
    described = (
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, "
        f"Python {machine['python']}, {machine['database']}, {machine['system']}"
    )
    lines = [
        f"<details><summary>The last run: {summary} ({database}, {minutes} minutes)</summary>",
        "",
        f"Last run: {day} (commit {commit}), on {described}: {outcome}"
        + (f"; missed: {', '.join(missed)}." if missed else "."),
        "",
        "| figure | value | unit | budget | met |",
        "|---|---|---|---|---|",
    ]
    for name, row in figures.items():
        cells = [name, row["value"], row["unit"], row["budget"] or "-"]
        cells.append("yes" if row["ok"] else "**no**")
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines + ["", "</details>"])


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    from epa import clock

    figures = json.loads(Path(argv[0]).read_text())
    machine = json.loads(Path(argv[1]).read_text())
    commit = argv[2]
    today = clock.today()
    text = README.read_text()
    if not BLOCK.search(text):
        print("README.md has no <details> block of the last run to replace", file=sys.stderr)
        return 1
    new = block(figures, machine, commit, f"{today.day} {today:%B %Y}")
    README.write_text(BLOCK.sub(lambda _: new, text, count=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
