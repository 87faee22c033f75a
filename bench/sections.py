# SPDX-License-Identifier: GPL-2.0-or-later
"""The benchmark sections: reaction time, idle cost, shutdown time, probe time, history size; each returns data."""
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

import procstat
import stacks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_json_lines(argv, stderr_path, env=None):
    with open(stderr_path, "ab") as err:
        out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=err, text=True,
                             env=env)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def machine(build):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    options = json.loads((build / "meson-info" / "intro-buildoptions.json").read_text())
    buildtype = next(o["value"] for o in options if o["name"] == "buildtype")
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "uname": subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
            "debian": Path("/etc/debian_version").read_text().strip(),
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "load": os.getloadavg(), "buildtype": buildtype}


def reaction(build, out, fixture, args):
    """With input reports, then without the event log (what its fsync costs the
    pipeline start), then polling only."""
    bare = [str(build / "bench" / "hidupsd-bench"), "reaction", "--fixture", str(fixture)]
    exe = bare + ["--event-log", str(out / "reaction-events.log")]
    err = out / "reaction.stderr"
    rows = run_json_lines(exe + ["--iterations", str(args.iterations)], err)
    rows += run_json_lines(bare + ["--iterations", str(args.iterations), "--only", "lowbatt"], err)
    poll = ["--polling", "--poll-ms", str(args.poll_ms)]
    rows += run_json_lines(exe + poll + ["--iterations", str(args.poll_iterations),
                                         "--only", "onbatt"], err)
    rows += run_json_lines(exe + poll + ["--iterations", str(args.poll_lb_iterations),
                                         "--only", "lowbatt"], err)
    return rows


def idle(build, out, fixture, seconds):
    """hidupsd without and with its history, hidupsd with its NUT server, and
    NUT's stack, side by side in one window; each measured over its own
    process tree."""
    procs = stacks.Processes()
    try:
        nut_port, our_port = stacks.free_port(), stacks.free_port()
        groups = {
            "hidupsd": [stacks.start_hidupsd(procs, build, out / "idle-hidupsd", fixture).pid],
            "hidupsd + [history]": [stacks.start_hidupsd(
                procs, build, out / "idle-hidupsd-history", fixture, history=True).pid],
            "hidupsd + [serve.nut]": [stacks.start_hidupsd(
                procs, build, out / "idle-hidupsd-nut", fixture, our_port).pid],
            "NUT: dummy-ups + upsd + upsmon": stacks.start_nut(
                procs, build, fixture, out / "idle-nut", nut_port),
        }
        time.sleep(5)  # start-up done, upsmon logged in
        checks = check_stacks(nut_port, our_port)
        procs.check_alive()
        first = {name: procstat.sample(roots) for name, roots in groups.items()}
        t0 = time.monotonic()
        time.sleep(seconds)
        last = {name: procstat.sample(roots) for name, roots in groups.items()}
        elapsed = time.monotonic() - t0
        procs.check_alive()
        rows = {name: procstat.cost(first[name], last[name], elapsed) for name in groups}
        libraries = procstat.mappings(groups["hidupsd"][0])
        checks["hidupsd + [history] file"] = history_file_check(out / "idle-hidupsd-history")
        return {"rows": rows, "checks": checks, "libraries": libraries}
    finally:
        procs.stop_all()


def history_file_check(workdir):
    """The history stack really writes: the samples in its file, read-only as
    `hidupsd --history` reads it."""
    db = workdir / "history.db"
    if not db.exists():
        return "no file"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        samples = conn.execute("SELECT count(*) FROM samples").fetchone()[0]
    return f"{samples} samples, {db.stat().st_size} bytes"


def history_size(build, out, days, keep_years):
    """The database after `days` of 10-s samples, downsampled as the daemon does."""
    rows = run_json_lines([str(build / "bench" / "hidupsd-bench"), "history", "--file",
                           str(out / "history-size.db"), "--days", str(days), "--keep-years",
                           str(keep_years)], out / "history.stderr")
    return rows[0]


def check_stacks(nut_port, our_port):
    return {"NUT upsd ups.status": stacks.upsc(f"bench@127.0.0.1:{nut_port}", "ups.status"),
            "NUT upsd clients": stacks.upsc_clients(f"bench@127.0.0.1:{nut_port}"),
            "hidupsd ups.status": stacks.upsc(f"ups@127.0.0.1:{our_port}", "ups.status")}


def guests_json(count):
    """`count` running VMs whose clean shutdown takes 1 to 10 s, spread evenly,
    shuffled over the IDs (a fixed permutation)."""
    delays = [round(1 + 9 * i / (count - 1), 1) for i in range(count)]
    guests = [{"type": "vm", "id": 100 + i, "name": f"vm{100 + i}", "status": "running",
               "shutdown": str(delays[(7 * i) % count])} for i in range(count)]
    return {"node": "pve1", "guests": guests}, delays


def fake_pve(directory, count):
    """A fresh fake node: the tools, guests.json, its pmxcfs files (pve/)."""
    directory.mkdir(parents=True, exist_ok=True)
    script = ROOT / "tests" / "support" / "fake_pve.py"
    for tool in ("qm", "pct", "pvesh", "poweroff"):
        link = directory / tool
        if not link.exists():
            link.symlink_to(script)
    spec, delays = guests_json(count)
    spec["stopall"] = "timed"
    spec["max_workers"] = os.cpu_count()
    (directory / "guests.json").write_text(json.dumps(spec))
    for stale in ("state.json", "calls.log"):
        (directory / stale).unlink(missing_ok=True)
    subprocess.run(["/usr/bin/python3", "-I", str(script), "pmxcfs"], check=True,
                   env=dict(os.environ, FAKE_PVE_DIR=str(directory)))
    return delays


def all_stopped(directory):
    state = json.loads((directory / "state.json").read_text())
    return all(v == "stopped" for v in state.values())


# Each row: a key, what runs, hidupsd-bench's arguments, extra environment for the fakes.
SHUTDOWN_SCENARIOS = [
    ("plan", "hidupsd: plan made ahead (configs from pmxcfs)", [], {}),
    ("noplan", "hidupsd: no plan, guests listed at LB (configs from pmxcfs)", ["--no-plan"], {}),
    ("before", "hidupsd: no plan, no pmxcfs (as before: `qm list`, `pct list`, 20 × `qm config` "
     "at LB)", ["--no-plan", "--no-pmxcfs"], {}),
    ("plan_cpu", "hidupsd: plan made ahead, each call 0.3 s **of CPU** (Perl's start)", [],
     {"FAKE_PVE_COST_CPU": "1"}),
    ("stopall", "hidupsd `strategy = \"stopall\"`: one `pvesh` (PVE 8's stopall: max_workers "
     "= CPU threads, checked each second)", ["--stopall"], {}),
]


SHUTDOWN_KEYS = [key for key, _, _, _ in SHUTDOWN_SCENARIOS] + ["loop"]


def shutdown(build, out, count, cost, keys=None):
    """Low battery to the first stop request and to the host command, in each way of
    stopping 20 guests (`keys`: those of SHUTDOWN_KEYS to run), on fakes whose every call
    costs `cost` s; then the old script."""
    keys = keys if keys is not None else SHUTDOWN_KEYS
    fakes, work = out / "pve", out / "pipeline"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    delays = []
    for key, label, args, extra in SHUTDOWN_SCENARIOS:
        if key not in keys:
            continue
        delays = fake_pve(fakes, count)
        env = dict(os.environ, FAKE_PVE_DIR=str(fakes), FAKE_PVE_COST=str(cost), **extra)
        log = out / f"shutdown-{key}.log"
        ours = run_json_lines([str(build / "bench" / "hidupsd-bench"), "shutdown", "--fake-dir",
                               str(fakes), "--work-dir", str(work), "--log", str(log)] + args,
                              out / "shutdown.stderr", env)[0]
        calls = fakes / "calls.log"
        first, host = call_times(calls, ours["low_battery"])
        rows.append({"key": key, "label": label, "first_stop_s": first, "host_s": host,
                     "first_request_s": ours["first_request"],
                     "host_request_s": ours["host_request"], "total_s": ours["seconds"],
                     "longest_guest_s": longest_guest(calls), "ok": all_stopped(fakes)})
        shutil.move(calls, out / f"shutdown-{key}-calls.log")
    delays = fake_pve(fakes, count)
    result = {"guests": count, "cost_s": cost, "delays": delays,
              "sum_delays": round(sum(delays), 1), "max_delay": max(delays),
              "max_workers": os.cpu_count(), "rows": rows}
    if "loop" not in keys:
        return result
    env = dict(os.environ, FAKE_PVE_DIR=str(fakes), FAKE_PVE_COST=str(cost),
               PATH=f"{fakes}:{os.environ['PATH']}")
    t0 = time.monotonic()
    subprocess.run(["/bin/sh", str(HERE / "old_shutdown_loop.sh")], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    loop_end = time.monotonic() - t0
    first, _ = call_times(fakes / "calls.log", t0)
    rows.append({"key": "loop", "label": "NUT + the old script's loop (`qm shutdown` one after "
                 "the other; its end stands for the host command)", "first_stop_s": first,
                 "host_s": loop_end, "first_request_s": None, "host_request_s": None,
                 "total_s": loop_end, "longest_guest_s": longest_guest(fakes / "calls.log"),
                 "ok": all_stopped(fakes)})
    shutil.move(fakes / "calls.log", out / "shutdown-loop-calls.log")
    return result


def longest_guest(calls_log):
    """The longest `qm`/`pct shutdown` from its call to its end, as the fake logged them:
    what no shutdown can beat (cost and delay, after the fake's own start); None when no
    guest was stopped that way (stopall)."""
    begun, longest = {}, None
    for line in calls_log.read_text().splitlines():
        at, _, words = line.partition(" ")
        tool, _, rest = words.partition(" ")
        key = rest[len("done "):].split(" -> ")[0] if rest.startswith("done ") else rest
        if tool not in ("qm", "pct") or not key.startswith("shutdown "):
            continue
        if rest.startswith("done "):
            longest = max(longest or 0.0, float(at) - begun.get((tool, key), float(at)))
        else:
            begun[(tool, key)] = float(at)
    return longest


def call_times(calls_log, low_battery):
    """From the fakes' own log (CLOCK_MONOTONIC, as hidupsd's steady_clock): seconds from
    low battery to the first stop request (`qm`/`pct shutdown`, `pvesh create`) and to the
    host command (`poweroff`) as each fake saw itself called."""
    first = host = None
    for line in calls_log.read_text().splitlines():
        at, _, words = line.partition(" ")
        tool, _, rest = words.partition(" ")
        if rest.startswith("done ") or rest.startswith("terminated "):
            continue
        t = float(at) - low_battery
        stop = (tool in ("qm", "pct") and rest.startswith("shutdown ")) or \
            (tool == "pvesh" and rest.startswith("create "))
        if stop and first is None:
            first = t
        if tool == "poweroff" and host is None:
            host = t
    return first, host


def probe(build, out, fixtures, runs):
    """Each fixture, after `hidupsd --version` as the baseline: process start-up alone."""
    version = probe_times([str(build / "hidupsd"), "--version"], out / "probe-version.json", runs)
    rows = [{"fixture": "(`hidupsd --version`: start-up only)", "min_ms": min(version) * 1000,
             "median_ms": statistics.median(version) * 1000, "runs": len(version)}]
    for fixture in sorted(fixtures.glob("*.replay")):
        cmd = [str(build / "hidupsd"), "--probe", "--replay", str(fixture)]
        times = probe_times(cmd, out / f"probe-{fixture.stem}.json", runs)
        rows.append({"fixture": fixture.name, "min_ms": min(times) * 1000,
                     "median_ms": statistics.median(times) * 1000, "runs": len(times)})
    return rows


def probe_paths(build, fixtures, iterations):
    """In-process probes of each fixture along each device code path (replay, hidraw)."""
    rows = []
    for fixture in sorted(fixtures.glob("*.replay")):
        lines = subprocess.run([str(build / "bench" / "hidupsd-bench"), "probe", "--fixture",
                                str(fixture), "--iterations", str(iterations)],
                               check=True, capture_output=True, text=True).stdout
        rows += [json.loads(line) for line in lines.splitlines() if line.strip()]
    return rows


def probe_times(cmd, json_path, runs):
    """Wall times in seconds: hyperfine (no shell, 3 warm-ups) when installed."""
    if shutil.which("hyperfine"):
        subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "3", "--runs", str(runs),
                        "--export-json", str(json_path), " ".join(cmd)],
                       check=True, stdout=subprocess.DEVNULL)
        return json.loads(json_path.read_text())["results"][0]["times"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times
