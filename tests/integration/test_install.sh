#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the build into a temporary DESTDIR; checks the udev rule and the systemd unit.
#
# Environment (set by tests/meson.build): MESON_BUILD_ROOT, HIDUPSD_MESON,
# HIDUPSD_PREFIX, HIDUPSD_SBINDIR, HIDUPSD_UDEVRULESDIR, HIDUPSD_SYSTEMDUNITDIR
# (the last three absolute), HIDUPSD_DIRS_OVERRIDDEN (yes when -Dudevrulesdir
# or -Dsystemdunitdir is set). Exit 77 (skip) when systemd-analyze is missing.
set -eu

build="${MESON_BUILD_ROOT:?}"
meson="${HIDUPSD_MESON:-meson}"
rulesdir="${HIDUPSD_UDEVRULESDIR:?}"
unitdir="${HIDUPSD_SYSTEMDUNITDIR:?}"
sbindir="${HIDUPSD_SBINDIR:?}"

fail() { echo "FAIL: $*" >&2; exit 1; }

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

# --no-rebuild: meson test has built everything; a nested ninja in the same
# build dir would race the one that runs the tests.
"$meson" install -C "$build" --destdir "$dest/root" --no-rebuild --quiet \
  || fail "meson install --destdir failed"

rule="$dest/root$rulesdir/60-hidupsd.rules"
unit="$dest/root$unitdir/hidupsd.service"
binary="$dest/root$sbindir/hidupsd"
[ -f "$rule" ] || fail "no $rule"
[ -f "$unit" ] || fail "no $unit"
[ -x "$binary" ] || fail "no $binary"
if [ "${HIDUPSD_PREFIX:-}" = /usr ] && [ "${HIDUPSD_DIRS_OVERRIDDEN:-no}" = no ]; then
  # The defaults with Debian's prefix are where Debian's udev and systemd look.
  [ -f "$dest/root/usr/lib/udev/rules.d/60-hidupsd.rules" ] || fail "rule not in /usr/lib/udev/rules.d"
  [ -f "$dest/root/usr/lib/systemd/system/hidupsd.service" ] || fail "unit not in /usr/lib/systemd/system"
fi
echo "ok: installed $rule and $unit"

# The config holds webhook URLs, tokens and passwords: 0600, as the package installs it.
config=$(find "$dest/root" -path '*/hidupsd/hidupsd.toml' | head -1)
[ -n "$config" ] || fail "no hidupsd.toml installed"
mode=$(stat -c %a "$config")
[ "$mode" = 600 ] || fail "$config installed with mode $mode, not 600"
echo "ok: the config installed 0600"
grep -q '^LimitNOFILE=4096$' "$unit" || fail "the unit sets no LimitNOFILE=4096"

# --- the udev rule -----------------------------------------------------------
# Each rule line is KEY[{ATTR}] OP "value" pairs joined by ", " (udev(7)).
pair='[A-Z_]+(\{[A-Za-z0-9_.-]+\})?(==|!=|=|\+=|-=|:=)"[^"]*"'
bad=$(grep -Ev '^[[:space:]]*(#|$)' "$rule" | grep -Ev "^$pair(, $pair)*\$" || true)
[ -z "$bad" ] || fail "malformed udev rule lines: $bad"
for target in $(sed -n 's/.*GOTO="\([^"]*\)".*/\1/p' "$rule" | sort -u); do
  grep -q "^LABEL=\"$target\"\$" "$rule" || fail "GOTO $target without LABEL"
done
grep -q 'ATTR{idVendor}=="0463", ATTR{idProduct}=="ffff"' "$rule" || fail "Eaton 0463:ffff missing"
grep -q 'ENV{SYSTEMD_WANTS}+="hidupsd.service"' "$rule" || fail "rule does not start the unit"
grep -q 'GROUP="hidupsd"' "$rule" || fail "rule does not set the group"
if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
  udevadm verify "$rule" || fail "udevadm verify"
  echo "ok: udevadm verify"
else
  echo "note: this udev has no 'udevadm verify' (new in systemd 253): syntax checked here only"
fi

# --- the systemd-shutdown hook -----------------------------------------------------
hook="$dest/root${HIDUPSD_SYSTEMDSHUTDOWNDIR:?}/hidupsd-kill-power"
[ -x "$hook" ] || fail "no executable $hook"
if [ "${HIDUPSD_PREFIX:-}" = /usr ] && [ "${HIDUPSD_DIRS_OVERRIDDEN:-no}" = no ]; then
  [ -x "$dest/root/usr/lib/systemd/system-shutdown/hidupsd-kill-power" ] \
    || fail "hook not in /usr/lib/systemd/system-shutdown"
fi
grep -q "^exec $sbindir/hidupsd --kill-power --if-flagged\$" "$hook" || fail "hook does not run $sbindir/hidupsd"
sh -n "$hook" || fail "hook is not valid sh"
# Run it (on the binary just installed) with no flag: it must do nothing, exit 0.
if [ ! -e /etc/hidupsd/killpower ]; then
  sed "s|^exec $sbindir/hidupsd |exec $binary |" "$hook" >"$dest/hook"
  out=$(sh "$dest/hook" poweroff 2>&1) || fail "hook without a flag failed: $out"
  echo "$out" | grep -q "no kill-power flag at /etc/hidupsd/killpower" || fail "hook said: $out"
fi
echo "ok: the systemd-shutdown hook"

# --- the systemd unit ----------------------------------------------------------
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: no systemd-analyze"
  exit 77
fi
# verify insists that ExecStart= exists: check a copy that starts the binary
# just installed instead of /usr/sbin/hidupsd (--root does not help on 252:
# it then misses sysinit.target and /bin/kill).
mkdir "$dest/verify"
sed "s|^ExecStart=/usr/sbin/hidupsd |ExecStart=$binary |" "$unit" >"$dest/verify/hidupsd.service"
grep -q "^ExecStart=$binary " "$dest/verify/hidupsd.service" || fail "ExecStart not /usr/sbin/hidupsd"
status=0
out=$(systemd-analyze verify --man=no "$dest/verify/hidupsd.service" 2>&1) || status=$?
# Unknown keys are only warnings to verify: any remark about our unit fails.
if [ "$status" -ne 0 ] || echo "$out" | grep -q hidupsd; then
  echo "$out" >&2
  fail "systemd-analyze verify (status $status)"
fi
echo "ok: systemd-analyze verify"
