#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs the hidupsd benchmarks (bench/run calls this) and prints the Markdown tables."""
import argparse
import json
import signal
import sys
import tempfile
from pathlib import Path

import report
import sections

SECTIONS = ["reaction", "idle", "shutdown", "probe", "paths", "history"]


def arguments():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--build", type=Path, required=True, help="meson build dir with -Dbench=true")
    p.add_argument("--out", type=Path, help="results dir (default: a new /tmp/hidupsd-bench.*)")
    p.add_argument("--fixtures", type=Path, default=sections.ROOT.parent / "shared" / "fixtures")
    p.add_argument("--fixture", default="eaton-3s-700.replay", help="for reaction and idle")
    p.add_argument("--iterations", type=int, default=1000)
    p.add_argument("--poll-ms", type=int, default=2000)
    p.add_argument("--poll-iterations", type=int, default=30)
    p.add_argument("--poll-lb-iterations", type=int, default=15)
    p.add_argument("--idle-seconds", type=float, default=60)
    p.add_argument("--guests", type=int, default=20)
    p.add_argument("--tool-cost", type=float, default=0.3,
                   help="seconds each fake qm/pct/pvesh call costs (a Perl start)")
    p.add_argument("--scenarios", nargs="*", default=sections.SHUTDOWN_KEYS,
                   choices=sections.SHUTDOWN_KEYS, help="the shutdown section's rows")
    p.add_argument("--probe-runs", type=int, default=20)
    p.add_argument("--path-iterations", type=int, default=200)
    p.add_argument("--history-days", type=int, default=365)
    p.add_argument("--history-keep-years", type=int, default=5)
    p.add_argument("--only", nargs="*", choices=SECTIONS, default=SECTIONS)
    return p.parse_args()


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through every finally: all reaped


def main():
    args = arguments()
    signal.signal(signal.SIGTERM, on_signal)
    build = args.build.resolve()
    out = args.out or Path(tempfile.mkdtemp(prefix="hidupsd-bench."))
    out.mkdir(parents=True, exist_ok=True)
    fixture = (args.fixtures / args.fixture).resolve()
    results = {"machine": sections.machine(build)}
    steps = {
        "reaction": lambda: sections.reaction(build, out, fixture, args),
        "idle": lambda: sections.idle(build, out, fixture, args.idle_seconds),
        "shutdown": lambda: sections.shutdown(build, out, args.guests, args.tool_cost,
                                              args.scenarios),
        "probe": lambda: sections.probe(build, out, args.fixtures.resolve(), args.probe_runs),
        "paths": lambda: sections.probe_paths(build, args.fixtures.resolve(),
                                              args.path_iterations),
        "history": lambda: sections.history_size(build, out, args.history_days,
                                                 args.history_keep_years),
    }
    for name in SECTIONS:
        if name in args.only:
            print(f"== {name} ...", file=sys.stderr, flush=True)
            results[name] = steps[name]()
    (out / "results.json").write_text(json.dumps(results, indent=2))
    text = report.full(results)
    (out / "results.md").write_text(text)
    print(text)
    print(f"(raw results and logs: {out})", file=sys.stderr)


if __name__ == "__main__":
    main()
