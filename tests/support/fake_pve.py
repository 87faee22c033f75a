#!/usr/bin/python3 -IS
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fake Proxmox tools for the tests: qm, pct, pvesh and a host power-off command.

Symlink this file as qm, pct, pvesh and poweroff (the name it is called by picks
the tool). $FAKE_PVE_DIR holds:
  guests.json  the guests and how each behaves (written by the test):
    {"node": "pve1",
     "guests": [{"type": "vm", "id": 100, "name": "web", "status": "running",
                 "startup": "order=1,down=30", "onboot": 1, "tags": "prod;web",
                 "shutdown": "2",        # seconds to stop | "never" | "hang" | "fail"
                 "stop": "0.1",          # seconds to force-stop | "fail" | "hang"
                 "start": "0.1"}],       # seconds to start (qm/pct start) | "fail"
     "stopall": "ok",       # "ok" (all stopped at once) | "timed" (as PVE 8 does it, below)
                            # | "fail" | "hang" | "none" (stops nothing)
     "max_workers": 2,      # "timed" stopall's tasks at once (PVE 8: datacenter.cfg
                            # max_workers, else the CPU threads)
     "list": "ok"}          # qm/pct list: "ok" | "fail" (pmxcfs down) | "hang"
  state.json   current status per guest (created from guests.json on first use)
  hang-lists   when present, `qm list` and `pct list` hang (FakePve::hangListings())
  calls.log    one line per call: "<monotonic seconds> <tool> <args...>", and
               "<t> <tool> done <args...> -> <exit>" when it ends
  pve/         the pmxcfs files (`fake_pve.py pmxcfs` writes them): .vmlist in
               pmxcfs's own format, qemu-server/ID.conf and lxc/ID.conf, each with a
               snapshot section that must not count
Output formats are those of PVE 8's qm.pm / pct.pm list printf formats; pct
shutdown/stop of a stopped container fails as pct does ("CT 200 not running").
$FAKE_PVE_COST (seconds) is what each qm/pct/pvesh call costs before it acts, as a
Perl start does: slept, or burnt on the CPU with FAKE_PVE_COST_CPU=1.
"""
import os
import sys
import time

# Imported when first needed (json, fcntl, signal): each call is logged as early as the
# interpreter allows, so that calls.log's time is when the call was made, not when a
# loaded machine got round to a Python start.

DIR = os.environ.get("FAKE_PVE_DIR", ".")


def locked(fn):
    import fcntl
    with open(os.path.join(DIR, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return fn()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def log(line):
    """One append (O_APPEND: a short line lands whole, no lock needed)."""
    fd = os.open(os.path.join(DIR, "calls.log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{time.monotonic():.3f} {line}\n".encode())
    finally:
        os.close(fd)


def spec():
    import json
    with open(os.path.join(DIR, "guests.json")) as f:
        return json.load(f)


def state():
    import json

    def read():
        path = os.path.join(DIR, "state.json")
        if not os.path.exists(path):
            st = {f"{g['type']}:{g['id']}": g.get("status", "running") for g in spec()["guests"]}
            with open(path, "w") as f:
                json.dump(st, f)
        with open(path) as f:
            return json.load(f)
    return locked(read)


def set_status(kind, vmid, status):
    import json

    def write():
        path = os.path.join(DIR, "state.json")
        with open(path) as f:
            st = json.load(f)
        st[f"{kind}:{vmid}"] = status
        with open(path, "w") as f:
            json.dump(st, f)
    state()
    locked(write)


def guests(kind):
    """This node's guests of a kind (a guest with another "pve_node" is only in .vmlist)."""
    st = state()
    node = spec().get("node", "pve1")
    out = []
    for g in spec()["guests"]:
        if g["type"] == kind and g.get("pve_node", node) == node:
            g = dict(g)
            g["status"] = st[f"{kind}:{g['id']}"]
            out.append(g)
    return sorted(out, key=lambda g: g["id"])


def find(kind, vmid):
    for g in guests(kind):
        if g["id"] == int(vmid):
            return g
    tool = "qemu-server" if kind == "vm" else "lxc"
    print(f"Configuration file 'nodes/pve1/{tool}/{vmid}.conf' does not exist", file=sys.stderr)
    sys.exit(2)


def hang():
    """As a hung tool: forever for the test, but never an orphan for the machine (a test
    that ends first leaves it behind): it ends by itself after 10 minutes."""
    end = time.monotonic() + 600
    while time.monotonic() < end:
        time.sleep(1)
    sys.exit(124)


def pay_cost():
    cost = float(os.environ.get("FAKE_PVE_COST", "0") or 0)
    if cost <= 0:
        return
    if os.environ.get("FAKE_PVE_COST_CPU") == "1":
        end = time.process_time() + cost
        while time.process_time() < end:
            pass
    else:
        time.sleep(cost)


def config_lines(g, kind):
    lines = ["cores: 2", "memory: 2048",
             f"{'name' if kind == 'vm' else 'hostname'}: {g.get('name', '')}"]
    for key in ("startup", "onboot", "tags"):
        if g.get(key, "") != "":
            lines.append(f"{key}: {g[key]}")
    return lines


def write_pmxcfs():
    """/etc/pve as pmxcfs shows it: .vmlist (pve-cluster status.c cfs_create_vmlist_msg)
    and every guest's config, whose snapshot section (ignored by PVE) says otherwise."""
    root = os.path.join(DIR, "pve")
    for sub in ("qemu-server", "lxc"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    node = spec().get("node", "pve1")
    entries = []
    for g in spec()["guests"]:
        kind = g["type"]
        entries.append('"%d": { "node": "%s", "type": "%s", "version": 1 }' %
                       (g["id"], g.get("pve_node", node), "qemu" if kind == "vm" else "lxc"))
        if g.get("pve_node", node) != node:
            continue
        text = "\n".join(config_lines(g, kind) + ["", "[before-upgrade]", "startup: order=99,down=1",
                                                   "onboot: 0", "snaptime: 1700000000"]) + "\n"
        sub = "qemu-server" if kind == "vm" else "lxc"
        with open(os.path.join(root, sub, f"{g['id']}.conf"), "w") as f:
            f.write(text)
    body = '"version": 7\n' if not entries else \
        '"version": 7,\n"ids": {\n' + ",\n".join(entries) + "}\n"
    with open(os.path.join(root, ".vmlist"), "w") as f:
        f.write("{\n" + body + "\n}\n")


def do_list(kind):
    how = spec().get("list", "ok")
    if how == "fail":
        print("ipcc_send_rec[1] failed: Connection refused", file=sys.stderr)
        return 2
    if how == "hang" or os.path.exists(os.path.join(DIR, "hang-lists")):
        hang()  # hang-lists: FakePve::hangListings(), as a qm/pct blocked on a hung pmxcfs
    rows = guests(kind)
    if kind == "vm":
        if not rows:
            return 0
        print("%10s %-20s %-10s %-10s %12s %-10s" %
              ("VMID", "NAME", "STATUS", "MEM(MB)", "BOOTDISK(GB)", "PID"))
        for g in rows:
            pid = 4000 + g["id"] if g["status"] != "stopped" else 0
            print("%10s %-20s %-10s %-10s %12.2f %-10s" %
                  (g["id"], g.get("name", f"VM {g['id']}"), g["status"], 2048, 32.0, pid))
    else:
        if not rows:
            return 0
        fmt = "%-10s %-10s %-12s %-20s"
        print(fmt % ("VMID", "Status", "Lock", "Name"))
        for g in rows:
            print(fmt % (g["id"], g["status"], g.get("lock", ""), g.get("name", "")))
    return 0


def do_config(kind, vmid):
    g = find(kind, vmid)
    print("\n".join(config_lines(g, kind)))
    return 0


def not_running(kind, vmid):
    """pct's answer for a stopped container (pve-container API2/LXC/Status.pm); qm's
    shutdown and stop of a stopped VM are no-ops that succeed."""
    if kind == "ct":
        print(f"CT {vmid} not running", file=sys.stderr)
        return 255
    return 0


def do_shutdown(kind, vmid, args):
    g = find(kind, vmid)
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 60.0
    how = str(g.get("shutdown", "0"))
    if g["status"] == "stopped":
        return not_running(kind, vmid)
    if how == "hang":
        hang()
    if how == "fail":
        print(f"{'VM' if kind == 'vm' else 'CT'} {vmid} qmp command 'system_powerdown' failed"
              " - unable to connect", file=sys.stderr)
        return 2
    if how == "never" or float(how) > timeout:
        time.sleep(timeout)
        print("VM quit/powerdown failed - got timeout", file=sys.stderr)
        return 255
    time.sleep(float(how))
    set_status(kind, vmid, "stopped")
    return 0


def do_stop(kind, vmid):
    g = find(kind, vmid)
    if g["status"] == "stopped":
        return not_running(kind, vmid)
    how = str(g.get("stop", "0.1"))
    if how == "hang":
        hang()
    if how == "fail":
        print(f"can't lock file '/var/lock/qemu-server/lock-{vmid}.conf' - got timeout",
              file=sys.stderr)
        return 2
    time.sleep(float(how))
    set_status(kind, vmid, "stopped")
    return 0


def do_start(kind, vmid):
    """qm/pct start: a running guest is an error, as PVE says it."""
    g = find(kind, vmid)
    if g["status"] == "running":
        print(f"{'VM' if kind == 'vm' else 'CT'} {vmid} already running", file=sys.stderr)
        return 255
    how = str(g.get("start", "0.1"))
    if how == "fail":
        print(f"start failed: {'VM' if kind == 'vm' else 'CT'} {vmid}", file=sys.stderr)
        return 2
    time.sleep(float(how))
    set_status(kind, vmid, "running")
    return 0


def do_guest_tool(kind, args):
    if not args:
        return 1
    verb, rest = args[0], args[1:]
    if verb == "list":
        return do_list(kind)
    if verb == "config":
        return do_config(kind, rest[0])
    if verb == "shutdown":
        return do_shutdown(kind, rest[0], rest)
    if verb == "stop":
        return do_stop(kind, rest[0])
    if verb == "start":
        return do_start(kind, rest[0])
    print(f"400 unknown command '{verb}'", file=sys.stderr)
    return 255


def do_pvesh(args):
    if len(args) < 2 or args[0] != "create" or not args[1].endswith("/stopall"):
        print("no such resource", file=sys.stderr)
        return 2
    node = args[1].split("/")[2]
    if node != spec().get("node", "pve1"):
        print(f"hostname lookup '{node}' failed - failed to get address info", file=sys.stderr)
        return 2
    how = spec().get("stopall", "ok")
    if how == "fail":
        print("can't lock file '/var/lock/pve-manager/pve-stopall' - got timeout",
              file=sys.stderr)
        return 255
    if how == "hang":
        hang()
    only = None
    if "--vms" in args:
        only = {int(v) for v in args[args.index("--vms") + 1].split(",")}
    if how == "ok":
        for kind in ("vm", "ct"):
            for g in guests(kind):
                if only is None or g["id"] in only:
                    set_status(kind, g["id"], "stopped")
    if how == "timed":
        timed_stopall(only)
    print("UPID:pve1:00001234:00005678:65000000:stopall::root@pam:")
    return 0


def startup_order(g):
    for item in g.get("startup", "").split(","):
        key, _, value = item.rpartition("=")
        if key in ("", "order") and value.isdigit():
            return int(value)
    return sys.maxsize  # PVE: no order = LONG_MAX, stopped first


def timed_stopall(only):
    """PVE 8's stopall (pve-manager API2/Nodes.pm): order groups from the highest, guests by
    descending id, at most max_workers shutdown tasks at once, each checked once a second."""
    workers = int(spec().get("max_workers", os.cpu_count() or 1))
    running = [(kind, g) for kind in ("vm", "ct") for g in guests(kind)
               if g["status"] != "stopped" and (only is None or g["id"] in only)]
    active = []

    def reap():
        for task in [t for t in active if t[0] <= time.monotonic()]:
            active.remove(task)
            set_status(task[1], task[2], "stopped")

    for order in sorted({startup_order(g) for _, g in running}, reverse=True):
        group = [(k, g) for k, g in running if startup_order(g) == order]
        for kind, g in sorted(group, key=lambda kg: -kg[1]["id"]):
            active.append((time.monotonic() + float(g.get("shutdown", "0")), kind, g["id"]))
            while len(active) >= workers:
                time.sleep(1)
                reap()
        while active:
            time.sleep(1)
            reap()


def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if args == ["pmxcfs"] and tool not in ("qm", "pct", "pvesh", "poweroff"):
        write_pmxcfs()
        return 0
    log(" ".join([tool] + args))
    import signal
    signal.signal(signal.SIGTERM, lambda *_: (log(f"{tool} terminated {' '.join(args)}"),
                                              sys.exit(143)))
    if tool in ("qm", "pct", "pvesh"):
        pay_cost()
    if tool == "qm":
        rc = do_guest_tool("vm", args)
    elif tool == "pct":
        rc = do_guest_tool("ct", args)
    elif tool == "pvesh":
        rc = do_pvesh(args)
    else:  # the host power-off command
        rc = 0
    log(f"{tool} done {' '.join(args)} -> {rc}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
