"""Run every benchmark (core, sweep, slack_http, wecom_callback, digest); one table of figures.

Each script prints its own summary; this collects the lines that carry a target (PASS, MISS
or info) into one table, on SQLite and PostgreSQL, and keeps the full output in
bench/out/<name>.txt. Usage: python bench/run_all.py [--sqlite-only] [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SCRIPTS = {
    "core": ["core.py"],
    "sweep": ["sweep.py"],
    "slack_http": ["slack_http.py"],
    "wecom_callback": ["wecom_callback.py"],
    "digest": ["digest.py"],
}
QUICK = {
    "core": ["--requests", "20000", "--opens", "500", "--queue-runs", "50"],
    "sweep": ["--sizes", "2000", "20000", "--runs", "2"],
    "slack_http": ["--requests", "500", "--rounds", "1"],
    "wecom_callback": ["--requests", "500"],
    "digest": ["--requests", "100000"],
}
MARKS = ("PASS", "MISS", " info")


def run(name: str, extra: list[str]) -> tuple[int, float, list[str]]:
    """Run one script; its exit status, seconds, and the lines that report a target."""
    script = HERE / SCRIPTS[name][0]
    if not script.exists():
        return 127, 0.0, [f"{name}: {script.name} not found"]
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), *extra], capture_output=True, text=True,
                          timeout=3600)
    seconds = time.perf_counter() - started
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    lines = [line.rstrip() for line in proc.stdout.splitlines()
             if any(mark in line for mark in MARKS) and not line.startswith("(")]
    return proc.returncode, seconds, lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the combined table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", nargs="+", choices=sorted(SCRIPTS), help="run only these")
    args = parser.parse_args(argv)
    names = args.only or list(SCRIPTS)
    table: list[str] = []
    worst = 0
    for name in names:
        extra = (["--sqlite-only"] if args.sqlite_only else []) + (
            QUICK[name] if args.quick else [])
        print(f"running {name} …", flush=True)
        status, seconds, lines = run(name, extra)
        worst = max(worst, status)
        table.append(f"== {name} ({seconds:.0f} s, exit {status}; full output in "
                     f"bench/out/{name}.txt)")
        table += [f"   {line.strip()}" for line in lines] or ["   (no summary lines)"]
    print("\n".join(["", "crossdesk benchmarks — figures with their targets", *table]))
    return 1 if worst else 0


if __name__ == "__main__":
    raise SystemExit(main())
