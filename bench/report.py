# SPDX-License-Identifier: GPL-2.0-or-later
"""The results as the Markdown tables bench/README.md shows."""

REACTION_LABELS = {
    "onbatt": "ACPresent cleared → `onbatt` at the notifier",
    "lowbatt": "LB set → `lowbatt` at the notifier",
    "pipeline": "LB set → shutdown pipeline `start()`",
}


def _ratio(a, b):
    return f"{a / b:.1f}×" if b else "n/a"


def machine(m):
    return "\n".join([
        f"- CPU: {m['cpu']}, {m['cores']} cores; kernel {m['kernel']}; Debian {m['debian']}",
        f"- `uname -a`: `{m['uname']}`",
        f"- date: {m['date']}; load average at the start: "
        + ", ".join(f"{x:.2f}" for x in m["load"]),
        f"- build: meson buildtype `{m['buildtype']}`",
    ])


def reaction(rows):
    out = ["| from the injected report to … | reports | n | p50 ms | p99 ms | mean ms | max ms |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        mode = ("input report" if r["mode"] == "input"
                else f"polled only ({r['poll_ms'] / 1000:g} s)")
        if not r["event_log"]:
            mode += ', `[log] file = ""`'

        out.append(f"| {REACTION_LABELS[r['name']]} | {mode} | {r['n']} | {r['p50']:.3f} | "
                   f"{r['p99']:.3f} | {r['mean']:.3f} | {r['max']:.3f} |")
    return "\n".join(out)


def idle(result):
    rows = result["rows"]
    out = ["| stack | processes / threads | RSS MiB | PSS MiB | USS MiB | CPU ms (on-CPU) "
           "| CPU ms (utime+stime) | CPU % | wakeups/s |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    mib = lambda kb: f"{kb / 1024:.1f}"
    for name, r in rows.items():
        out.append(f"| {name} | {r['processes']} / {r['threads']} | {mib(r['rss_kb'])} | "
                   f"{mib(r['pss_kb'])} | {mib(r['uss_kb'])} | {r['cpu_ms_sched']:.1f} | "
                   f"{r['cpu_ms_ticks']:.0f} | {r['cpu_percent']:.3f} | {r['wakeups_per_s']:.2f} |")
    ours, nut = rows["hidupsd + [serve.nut]"], rows["NUT: dummy-ups + upsd + upsmon"]
    bare, hist = rows["hidupsd"], rows["hidupsd + [history]"]
    out.append(f"| **hidupsd + [history] ÷ hidupsd** | | {_ratio(hist['rss_kb'], bare['rss_kb'])} | "
               f"{_ratio(hist['pss_kb'], bare['pss_kb'])} | {_ratio(hist['uss_kb'], bare['uss_kb'])} | "
               f"{_ratio(hist['cpu_ms_sched'], bare['cpu_ms_sched'])} | "
               f"{_ratio(hist['cpu_ms_ticks'], bare['cpu_ms_ticks'])} | | "
               f"{_ratio(hist['wakeups_per_s'], bare['wakeups_per_s'])} |")
    out.append(f"| **NUT ÷ hidupsd + [serve.nut]** | | {_ratio(nut['rss_kb'], ours['rss_kb'])} | "
               f"{_ratio(nut['pss_kb'], ours['pss_kb'])} | {_ratio(nut['uss_kb'], ours['uss_kb'])} | "
               f"{_ratio(nut['cpu_ms_sched'], ours['cpu_ms_sched'])} | "
               f"{_ratio(nut['cpu_ms_ticks'], ours['cpu_ms_ticks'])} | | "
               f"{_ratio(nut['wakeups_per_s'], ours['wakeups_per_s'])} |")
    seconds = next(iter(rows.values()))["seconds"]
    out.append("")
    out.append(f"Window: {seconds:.1f} s, all {len(rows)} stacks at once. Processes: "
               + "; ".join(f"{n}: {', '.join(r['names'])}" for n, r in rows.items()) + ".")
    out.append("Wakeups/s by thread: " + "; ".join(
        f"{n}: " + ", ".join(f"{t} {w:.2f}" for t, w in sorted(r["per_thread"].items())
                            if w >= 0.005)
        for n, r in rows.items()) + ".")
    out.append("Checks: " + "; ".join(f"{k}: `{v}`" for k, v in result["checks"].items()) + ".")
    if "libraries" in result:
        out += ["", libraries(result["libraries"])]
    return "\n".join(out)


def libraries(maps, top=16):
    """The idle hidupsd's memory by mapping: its binary, each shared library, heap, stacks."""
    out = ["| hidupsd (idle), by mapping | RSS KiB | PSS KiB | private KiB |", "|---|---:|---:|---:|"]
    ranked = sorted(maps.items(), key=lambda kv: -kv[1]["rss_kb"])
    for name, m in ranked[:top]:
        out.append(f"| `{name}` | {m['rss_kb']} | {m['pss_kb']} | {m['private_kb']} |")
    rest = ranked[top:]
    if rest:
        out.append(f"| {len(rest)} others | {sum(m['rss_kb'] for _, m in rest)} | "
                   f"{sum(m['pss_kb'] for _, m in rest)} | {sum(m['private_kb'] for _, m in rest)} |")
    out.append(f"| **total** | {sum(m['rss_kb'] for m in maps.values())} | "
               f"{sum(m['pss_kb'] for m in maps.values())} | "
               f"{sum(m['private_kb'] for m in maps.values())} |")
    return "\n".join(out)


def shutdown(s):
    ok = lambda flag: "all stopped" if flag else "**NOT all stopped**"
    sec = lambda x: "n/a" if x is None else f"{x:.2f}"
    out = [f"| {s['guests']} guests (clean shutdown 1–10 s), every qm/pct/pvesh call "
           f"{s['cost_s']:g} s | LB → first stop request s | (handed to the runner) s "
           "| LB → host command s | (handed to the runner) s | longest `qm shutdown` s | guests |",
           "|---|---:|---:|---:|---:|---:|---|"]
    rows = {r["key"]: r for r in s["rows"]}
    for r in s["rows"]:
        out.append(f"| {r['label']} | {sec(r['first_stop_s'])} | {sec(r['first_request_s'])} | "
                   f"{sec(r['host_s'])} | {sec(r.get('host_request_s'))} | "
                   f"{sec(r.get('longest_guest_s'))} | {ok(r['ok'])} |")
    plan, loop = rows.get("plan"), rows.get("loop")
    if plan and loop:
        out.append(f"| **NUT + script ÷ hidupsd (plan made ahead)** | "
                   f"{_ratio(loop['first_stop_s'] or 0, plan['first_stop_s'] or 0)} | | "
                   f"{_ratio(loop['host_s'] or 0, plan['host_s'] or 0)} | | | |")
    out += ["", f"Guest delays sum to {s['sum_delays']} s, the longest is {s['max_delay']} s. "
            "LB → first stop request and → host command are when the fake `qm` (`pvesh`, "
            "`poweroff`) logged its call, after its own Python start and before its cost; "
            "\"handed to the runner\" is when the pipeline gave the command to its "
            "ProcessRunner; the longest `qm shutdown` is the fake's own time from its call to its "
            "end (cost + delay + its bookkeeping), which no shutdown can beat. stopall's fake runs "
            f"PVE 8's scheduler with max_workers = {s['max_workers']} (this machine's CPU threads)."]
    return "\n".join(out)


def history(h):
    mb = lambda b: f"{b / 1e6:.2f}"
    out = ["| day | file MB | sample rows | 10 s | 5 min | 1 h |", "|---:|---:|---:|---:|---:|---:|"]
    for p in h["points"]:
        out.append(f"| {p['day']} | {mb(p['bytes'])} | {p['rows']:,} | {p['rows_10s']:,} | "
                   f"{p['rows_5min']:,} | {p['rows_1h']:,} |")
    out += ["", f"{h['days']} days of 10-s samples (every column set) in hourly transactions, "
            f"compacted every hour, an outage a week and a test a month, `keep_years = "
            f"{h['keep_years']}`: at most {h['max_sample_rows_seen']:,} sample rows after a "
            f"compaction (the stated bound: {h['max_sample_rows']:,}), the largest file "
            f"{mb(h['max_file_bytes'])} MB; simulated in {h['seconds']:.0f} s."]
    return "\n".join(out)


def probe(rows):
    out = ["| fixture | runs | min ms | median ms |", "|---|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['fixture']} | {r['runs']} | {r['min_ms']:.2f} | {r['median_ms']:.2f} |")
    return "\n".join(out)


def paths(rows):
    out = ["| fixture | path | n | min ms | p50 ms | p99 ms |", "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['fixture']} | {r['path']} | {r['n']} | {r['min']:.3f} | "
                   f"{r['p50']:.3f} | {r['p99']:.3f} |")
    return "\n".join(out)


def full(results):
    parts = [("Machine", machine), ("Reaction time", reaction), ("Idle cost", idle),
             ("Shutdown time", shutdown), ("`--probe` wall time", probe),
             ("`--probe` in-process, per device code path", paths), ("History size", history)]
    keys = ["machine", "reaction", "idle", "shutdown", "probe", "paths", "history"]
    out = []
    for (title, fn), key in zip(parts, keys):
        if key in results:
            out += [f"### {title}", "", fn(results[key]), ""]
    return "\n".join(out)
