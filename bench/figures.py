"""The figures a run measures, each against its budget: printed as a table, written to
BENCH_JSON as {"<figure>": {"value", "unit", "budget", "ok"}}; and the machine they ran on."""

import json
import os
import platform
import statistics
from pathlib import Path


class Figures:
    def __init__(self):
        self.rows: dict[str, dict] = {}

    def add(self, name: str, value, unit: str, budget: str | None, ok: bool = True) -> None:
        """One figure; `budget` says it as a reader would ("≤ 100"), None for context only."""
        if isinstance(value, float):
            value = round(value, 3 if abs(value) < 10 else 1)
        self.rows[name] = {"value": value, "unit": unit, "budget": budget, "ok": bool(ok)}
        mark = "" if ok else "   <-- MISSED"
        print(f"  {name}: {value} {unit} (budget {budget or '-'}){mark}", flush=True)

    def at_most(self, name: str, value, unit: str, most) -> None:
        self.add(name, value, unit, f"≤ {most}", value <= most)

    def at_least(self, name: str, value, unit: str, least) -> None:
        self.add(name, value, unit, f"≥ {least}", value >= least)

    @property
    def missed(self) -> list[str]:
        return [name for name, row in self.rows.items() if not row["ok"]]

    def table(self) -> str:
        width = max([len("figure")] + [len(name) for name in self.rows])
        lines = [f"{'figure':<{width}}  {'value':>10}  {'unit':<12}  {'budget':<12}  ok"]
        for name, row in self.rows.items():
            lines.append(
                f"{name:<{width}}  {row['value']!s:>10}  {row['unit']:<12}  "
                f"{row['budget'] or '-':<12}  {'yes' if row['ok'] else 'NO'}"
            )
        return "\n".join(lines)

    def write(self, path: str | None) -> None:
        if path:
            Path(path).write_text(json.dumps(self.rows, indent=2, default=str) + "\n")


def median_ratio(rounds: list[tuple[float, float]]) -> float:
    """The median over rounds of subject / baseline."""
    return statistics.median(subject / baseline for baseline, subject in rounds)


def machine(db) -> dict:
    """What the figures ran on, as the README shows it."""
    cpu = "unknown"
    memory = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            database = conn.exec_driver_sql("SHOW server_version").scalar()
            database = f"PostgreSQL {database}"
        else:
            database = f"SQLite {conn.exec_driver_sql('select sqlite_version()').scalar()}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "database": database,
        "system": f"{platform.system()} {platform.release()}",
    }


def write(figures: dict) -> None:
    """The extra scripts' figures (bench/slot_finder.py, bench/cohort_planner.py), to the file
    BENCH_JSON names."""
    path = os.environ.get("BENCH_JSON")
    if path:
        Path(path).write_text(json.dumps(figures, indent=2, default=str) + "\n")


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 1)
