#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fake Proxmox tools for the tests: qm, pct, pvesh and a host power-off command.

Symlink this file as qm, pct, pvesh and poweroff (the name it is called by picks
the tool). $FAKE_PVE_DIR holds:
  guests.json  the guests and how each behaves (written by the test):
    {"node": "pve1",
     "guests": [{"type": "vm", "id": 100, "name": "web", "status": "running",
                 "startup": "order=1,down=30",
                 "shutdown": "2",        # seconds to stop | "never" | "hang" | "fail"
                 "stop": "0.1"}],        # seconds to force-stop | "fail" | "hang"
     "stopall": "ok",                    # "ok" | "fail" | "hang" | "none" (stops nothing)
     "list": "ok"}                       # qm/pct list: "ok" | "fail" (pmxcfs down) | "hang"
  state.json   current status per guest (created from guests.json on first use)
  calls.log    one line per call: "<monotonic seconds> <tool> <args...>", and
               "<t> <tool> done <args...> -> <exit>" when it ends
Output formats are those of PVE 8's qm.pm / pct.pm list printf formats.
"""
import fcntl
import json
import os
import signal
import sys
import time

DIR = os.environ.get("FAKE_PVE_DIR", ".")


def locked(fn):
    with open(os.path.join(DIR, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return fn()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def log(line):
    def write():
        with open(os.path.join(DIR, "calls.log"), "a") as f:
            f.write(f"{time.monotonic():.3f} {line}\n")
    locked(write)


def spec():
    with open(os.path.join(DIR, "guests.json")) as f:
        return json.load(f)


def state():
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
    st = state()
    out = []
    for g in spec()["guests"]:
        if g["type"] == kind:
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
    while True:
        time.sleep(1)


def do_list(kind):
    how = spec().get("list", "ok")
    if how == "fail":
        print("ipcc_send_rec[1] failed: Connection refused", file=sys.stderr)
        return 2
    if how == "hang":
        hang()
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
    print("cores: 2")
    print("memory: 2048")
    print(f"{'name' if kind == 'vm' else 'hostname'}: {g.get('name', '')}")
    if g.get("startup"):
        print(f"startup: {g['startup']}")
    return 0


def do_shutdown(kind, vmid, args):
    g = find(kind, vmid)
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 60.0
    how = str(g.get("shutdown", "0"))
    if g["status"] == "stopped":
        return 0
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
    print("UPID:pve1:00001234:00005678:65000000:stopall::root@pam:")
    return 0


def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    log(" ".join([tool] + args))
    signal.signal(signal.SIGTERM, lambda *_: (log(f"{tool} terminated {' '.join(args)}"),
                                              sys.exit(143)))
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
