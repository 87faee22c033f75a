# SPDX-License-Identifier: GPL-2.0-or-later
"""Per-process idle cost from /proc: CPU time, context switches (wakeups), RSS and PSS."""
import os
from pathlib import Path

TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _status_fields(text):
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def _kb(value):
    return int(value.split()[0]) if value else 0


def descendants(roots):
    """The PIDs in `roots` and every live process below them."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read(f"/proc/{entry}/stat")
        if stat:
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found and os.path.exists(f"/proc/{pid}"):
            found.append(pid)
            todo.extend(children.get(pid, []))
    return sorted(found)


def _task_sample(pid, tid):
    status = _status_fields(_read(f"/proc/{pid}/task/{tid}/status"))
    sched = _read(f"/proc/{pid}/task/{tid}/schedstat").split()
    return {
        "comm": status.get("Name", "?"),
        "voluntary": int(status.get("voluntary_ctxt_switches", 0)),
        "nonvoluntary": int(status.get("nonvoluntary_ctxt_switches", 0)),
        "oncpu_ns": int(sched[0]) if sched else 0,
    }


def _rollup_kb(pid):
    """PSS and USS (Private_Clean + Private_Dirty) from smaps_rollup."""
    fields = _status_fields(_read(f"/proc/{pid}/smaps_rollup"))
    uss = _kb(fields.get("Private_Clean")) + _kb(fields.get("Private_Dirty"))
    return _kb(fields.get("Pss")), uss


def sample(roots):
    """A snapshot of every process under `roots`: per process CPU ticks,
    memory, and per thread (task) context switches and time on CPU."""
    procs = {}
    for pid in descendants(roots):
        stat = _read(f"/proc/{pid}/stat")
        status = _status_fields(_read(f"/proc/{pid}/status"))
        if not stat:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        pss, uss = _rollup_kb(pid)
        tasks = {}
        for tid in os.listdir(f"/proc/{pid}/task"):
            tasks[int(tid)] = _task_sample(pid, tid)
        procs[pid] = {
            "name": status.get("Name", "?"),
            "ticks": int(fields[11]) + int(fields[12]),  # utime + stime
            "rss_kb": _kb(status.get("VmRSS")),
            "hwm_kb": _kb(status.get("VmHWM")),
            "pss_kb": pss,
            "uss_kb": uss,
            "tasks": tasks,
        }
    return procs


def _task_delta(before, after, key):
    return after[key] - (before[key] if before else 0)


def cost(first, last, seconds):
    """What the processes cost between two samples (processes and threads
    born meanwhile count from zero; memory is taken from the last sample)."""
    total = {"processes": len(last), "threads": 0, "cpu_ms_ticks": 0.0, "cpu_ms_sched": 0.0,
             "voluntary": 0, "nonvoluntary": 0, "rss_kb": 0, "pss_kb": 0, "uss_kb": 0, "hwm_kb": 0,
             "names": sorted(p["name"] for p in last.values()), "per_thread": {}}
    for pid, proc in last.items():
        old = first.get(pid)
        total["cpu_ms_ticks"] += (proc["ticks"] - (old["ticks"] if old else 0)) * TICK_MS
        for key in ("rss_kb", "pss_kb", "uss_kb", "hwm_kb"):
            total[key] += proc[key]
        for tid, task in proc["tasks"].items():
            before = old["tasks"].get(tid) if old else None
            total["threads"] += 1
            woke = _task_delta(before, task, "voluntary")
            label = f"{proc['name']} {'main' if tid == pid else 'tid+' + str(tid - pid)}"
            total["per_thread"][label] = total["per_thread"].get(label, 0) + woke / seconds
            total["voluntary"] += woke
            total["nonvoluntary"] += _task_delta(before, task, "nonvoluntary")
            total["cpu_ms_sched"] += _task_delta(before, task, "oncpu_ns") / 1e6
    total["seconds"] = seconds
    total["wakeups_per_s"] = total["voluntary"] / seconds
    total["cpu_percent"] = total["cpu_ms_sched"] / (seconds * 10.0)
    return total


def mappings(pid):
    """What each mapped file (and [heap], [stack], anonymous memory) costs the process, from
    /proc/PID/smaps: {name: {"rss_kb", "pss_kb", "private_kb"}}; a shared library's several
    mappings (text, data, relro) are summed under its file name."""
    out = {}
    current = None
    for line in _read(f"/proc/{pid}/smaps").splitlines():
        head = line.split()
        if head and "-" in head[0] and ":" not in head[0]:  # "start-end perms offset dev inode [path]"
            path = head[5] if len(head) > 5 else "[anonymous]"
            current = out.setdefault(os.path.basename(path) if path.startswith("/") else path,
                                     {"rss_kb": 0, "pss_kb": 0, "private_kb": 0})
            continue
        key, _, value = line.partition(":")
        if current is None or not value.strip().endswith("kB"):
            continue
        kb = _kb(value.strip())
        if key == "Rss":
            current["rss_kb"] += kb
        elif key == "Pss":
            current["pss_kb"] += kb
        elif key in ("Private_Clean", "Private_Dirty"):
            current["private_kb"] += kb
    return out
