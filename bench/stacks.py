# SPDX-License-Identifier: GPL-2.0-or-later
"""The monitored stacks for the idle benchmark: hidupsd, and Debian's NUT (dummy-ups, upsd, upsmon)."""
import ctypes
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

NUT_LIB = Path("/lib/nut")
# upsmon 2.8.0 writes its PID here whatever NUT_ALTPIDPATH says.
UPSMON_PIDFILE = Path("/run/nut/upsmon.pid")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Orphans of the processes we start (upsmon's forked child) become our
    children, so that stop_all() reaps them too."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def reap_orphans(seconds=3.0):
    """Waits for every remaining child (orphans handed to us) for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)


class Processes:
    """Every process the benchmark starts, each in its own session; stop_all()
    terminates and reaps them all (SIGTERM, then SIGKILL to the group, then
    any orphan left)."""

    def __init__(self):
        become_subreaper()
        self.procs = []
        self.cleanups = []  # run after every process is reaped

    def start(self, argv, log, env=None):
        out = open(log, "ab")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                env=env, start_new_session=True)
        out.close()
        self.procs.append(proc)
        return proc

    def check_alive(self):
        for proc in self.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited early with {proc.returncode}")

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 5
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group: forked children too
            except ProcessLookupError:
                pass
            proc.wait()
        self.procs = []
        reap_orphans()
        for cleanup in self.cleanups:
            cleanup()
        self.cleanups = []


def hidupsd_config(workdir, fixture, nut_port=None, history=False):
    """[device] replay = the fixture, everything else at its default but the
    paths (event log, kill-power flag and, with `history`, the history file in
    `workdir`; without it `[history] file = ""`, no history)."""
    history_file = workdir / "history.db" if history else ""
    text = (f'[device]\nreplay = "{fixture}"\n'
            f'[shutdown]\nkill_power_flag = "{workdir / "killpower"}"\n'
            f'[log]\nfile = "{workdir / "events.log"}"\n'
            f'[history]\nfile = "{history_file}"\n'
            f'[comeback]\nstate_file = "{workdir / "comeback"}"\n')
    if nut_port:
        text += f'[serve.nut]\nlisten = "127.0.0.1:{nut_port}"\nname = "ups"\n'
    path = workdir / "hidupsd.toml"
    path.write_text(text)
    return path


def start_hidupsd(procs, build, workdir, fixture, nut_port=None, history=False):
    workdir.mkdir(parents=True, exist_ok=True)
    config = hidupsd_config(workdir, fixture, nut_port, history)
    return procs.start([str(build / "hidupsd"), "-c", str(config)], workdir / "stderr.log")


def dev_file(build, fixture, path):
    """A dummy-ups .dev file with the variables hidupsd reads from the same fixture."""
    probe = subprocess.run([str(build / "hidupsd"), "--probe", "--json", "--replay", str(fixture)],
                           check=True, capture_output=True, text=True)
    variables = json.loads(probe.stdout)["variables"]
    lines = [f"{name}: {value}" for name, value in sorted(variables.items())
             if not name.startswith("driver.")]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def write_nut_config(confdir, dev, port):
    """Debian's defaults where they matter (driver pollinterval 2 s, upsmon
    POLLFREQ 5 s), on loopback, everything as root in `confdir`."""
    state = confdir / "state"
    state.mkdir(parents=True, exist_ok=True)
    files = {
        "nut.conf": "MODE=standalone\n",
        "ups.conf": f'[bench]\n  driver = dummy-ups\n  port = {dev}\n  desc = "hidupsd bench"\n',
        "upsd.conf": f"LISTEN 127.0.0.1 {port}\n",
        "upsd.users": "[monuser]\n  password = benchpass\n  upsmon primary\n",
        "upsmon.conf": (f"RUN_AS_USER root\n"
                        f"MONITOR bench@127.0.0.1:{port} 1 monuser benchpass primary\n"
                        f"MINSUPPLIES 1\nSHUTDOWNCMD \"/bin/true\"\nPOLLFREQ 5\n"
                        f"POLLFREQALERT 5\nHOSTSYNC 15\nDEADTIME 15\n"
                        f"POWERDOWNFLAG {confdir / 'killpower'}\n"),
    }
    for name, text in files.items():
        (confdir / name).write_text(text)
        (confdir / name).chmod(0o600)
    env = dict(os.environ, NUT_CONFPATH=str(confdir), NUT_STATEPATH=str(state),
               NUT_ALTPIDPATH=str(state))
    return env


def start_nut(procs, build, fixture, confdir, port):
    """dummy-ups, then upsd once the driver's socket is there, then upsmon."""
    confdir.mkdir(parents=True, exist_ok=True)
    dev = confdir / "bench.dev"
    dev_file(build, fixture, dev)
    env = write_nut_config(confdir, dev, port)
    roots = [procs.start([str(NUT_LIB / "dummy-ups"), "-a", "bench", "-F", "-u", "root"],
                         confdir / "dummy-ups.log", env)]
    deadline = time.monotonic() + 10
    while not list((confdir / "state").glob("dummy-ups-bench*")):
        if time.monotonic() > deadline:
            raise RuntimeError("dummy-ups did not create its socket")
        time.sleep(0.1)
    roots.append(procs.start([str(NUT_LIB / "upsd"), "-F", "-u", "root"], confdir / "upsd.log", env))
    time.sleep(0.5)
    before = UPSMON_PIDFILE.read_bytes() if UPSMON_PIDFILE.exists() else None
    roots.append(procs.start([str(NUT_LIB / "upsmon"), "-F", "-u", "root"], confdir / "upsmon.log",
                             env))
    procs.cleanups.append(lambda: restore_pidfile(UPSMON_PIDFILE, before))
    return [proc.pid for proc in roots]


def restore_pidfile(path, before):
    """After our upsmon is reaped: puts back the PID file it overwrote (a
    host's own upsmon keeps its file), or removes the one it left (a PID that
    no longer runs); a live process's file is left alone."""
    try:
        if before is not None:
            path.write_bytes(before)
        elif path.exists() and not Path(f"/proc/{path.read_text().strip()}").exists():
            path.unlink()
    except OSError:
        pass


def upsc(target, variable):
    """What NUT's upsc says (checks that a server answers), or the error."""
    r = subprocess.run(["upsc", target, variable], capture_output=True, text=True, timeout=10)
    return (r.stdout or r.stderr).strip()


def upsc_clients(target):
    r = subprocess.run(["upsc", "-c", target], capture_output=True, text=True, timeout=10)
    return r.stdout.split()
