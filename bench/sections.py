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


def run_json_lines(argv, stderr_path):
    with open(stderr_path, "ab") as err:
        out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=err, text=True)
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
        checks["hidupsd + [history] file"] = history_file_check(out / "idle-hidupsd-history")
        return {"rows": rows, "checks": checks}
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
    directory.mkdir(parents=True, exist_ok=True)
    for tool in ("qm", "pct", "pvesh", "poweroff"):
        link = directory / tool
        if not link.exists():
            link.symlink_to(ROOT / "tests" / "support" / "fake_pve.py")
    spec, delays = guests_json(count)
    (directory / "guests.json").write_text(json.dumps(spec))
    for stale in ("state.json", "calls.log"):
        (directory / stale).unlink(missing_ok=True)
    return delays


def all_stopped(directory):
    state = json.loads((directory / "state.json").read_text())
    return all(v == "stopped" for v in state.values())


def pipeline_phases(log_path):
    """Seconds until the guest list was known, and the guest phase's own
    duration, from the pipeline's log ("  3.979 running guests: ...",
    "... stopped cleanly, ... in 13.2 s")."""
    discovery, guests = 0.0, 0.0
    for line in log_path.read_text().splitlines():
        at, _, text = line.strip().partition(" ")
        if text.startswith("running guests:"):
            discovery = float(at)
        if text.startswith("guests: ") and text.endswith(" s"):
            guests = float(text.rsplit(" in ", 1)[1][:-2])
    return discovery, guests


def shutdown(build, out, count):
    fakes, work = out / "pve", out / "pipeline"
    work.mkdir(parents=True, exist_ok=True)
    delays = fake_pve(fakes, count)
    ours = run_json_lines([str(build / "bench" / "hidupsd-bench"), "shutdown", "--fake-dir",
                           str(fakes), "--work-dir", str(work), "--log",
                           str(out / "shutdown-hidupsd.log")], out / "shutdown.stderr")[0]
    ours_ok = all_stopped(fakes)
    discovery, guest_phase = pipeline_phases(out / "shutdown-hidupsd.log")
    shutil.move(fakes / "calls.log", out / "shutdown-hidupsd-calls.log")
    fake_pve(fakes, count)
    env = dict(os.environ, FAKE_PVE_DIR=str(fakes), PATH=f"{fakes}:{os.environ['PATH']}")
    t0 = time.monotonic()
    subprocess.run(["/bin/sh", str(HERE / "old_shutdown_loop.sh")], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    loop = time.monotonic() - t0
    loop_ok = all_stopped(fakes)
    shutil.move(fakes / "calls.log", out / "shutdown-loop-calls.log")
    return {"guests": count, "delays": delays, "sum_delays": round(sum(delays), 1),
            "max_delay": max(delays), "hidupsd_s": ours["seconds"], "hidupsd_ok": ours_ok,
            "discovery_s": discovery, "guest_phase_s": guest_phase,
            "loop_s": loop, "loop_ok": loop_ok}


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
