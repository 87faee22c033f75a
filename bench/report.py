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
    return "\n".join(out)


def shutdown(s):
    ok = lambda flag: "all stopped" if flag else "**NOT all stopped**"
    return "\n".join([
        "| 20 guests, clean shutdown 1–10 s each | wall s | guests |",
        "|---|---:|---|",
        f"| hidupsd pipeline (ProxmoxPipeline, real ProcessRunner, all in parallel) | "
        f"{s['hidupsd_s']:.2f} | {ok(s['hidupsd_ok'])} |",
        f"| … of which guest discovery (`qm list`, `pct list`, 20 × `qm config`) | "
        f"{s['discovery_s']:.2f} | |",
        f"| … of which the guest phase (20 × `qm shutdown` in parallel) | {s['guest_phase_s']:.2f} | |",
        f"| old script's loop (`qm shutdown` one after the other) | {s['loop_s']:.2f} | "
        f"{ok(s['loop_ok'])} |",
        f"| **ratio** | {_ratio(s['loop_s'], s['hidupsd_s'])} | |",
        "",
        f"Guest delays sum to {s['sum_delays']} s, the longest is {s['max_delay']} s.",
    ])


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
