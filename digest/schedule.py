"""`digest schedule`: run `digest daily` every morning from cron or a systemd user timer.

Printing is the default (the user pastes what they prefer); `--install` writes
the systemd user unit and timer under ~/.config/systemd/user when systemd runs
the machine, and otherwise replaces digest's line in the user's crontab. Both
are idempotent: installing twice leaves one timer, one crontab line.

Installing never loses the user's other crontab lines: when `crontab -l`
fails for any reason but "no crontab yet", nothing is installed. Paths with a
newline or another control character are refused (they would inject a second
cron job or unit line); `%` is escaped for cron (which turns it into a
newline) and for systemd (where it starts a specifier). Unit files are written
atomically under unique temp names.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal

from .atomic import write_atomic

UNIT = "digest-daily"
CRON_MARK = "# digest-daily (managed by `digest schedule`)"


class ScheduleError(ValueError):
    """A bad --at time, or nowhere to install; one clear line."""


def parse_time(at: str) -> tuple[int, int]:
    """'07:00' -> (7, 0); raises ScheduleError for anything that is not HH:MM on a 24 h clock."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", at or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ScheduleError(f"--at: expected a time HH:MM on a 24-hour clock, got {at!r}")
    return int(m.group(1)), int(m.group(2))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _safe_path(what: str, path: str) -> str:
    """The path, if a cron line or a unit file can hold it; ScheduleError otherwise."""
    if _CONTROL.search(path):
        shown = _CONTROL.sub("?", path)
        raise ScheduleError(
            f"{what} {shown!r} holds a newline or another control character, which a crontab line or a "
            "systemd unit cannot hold safely; rename it"
        )
    return path


def daily_command(config: str | Path) -> list[str]:
    """The command the timer runs: this Python's digest, the absolute config path, no progress bar."""
    return [
        _safe_path("the Python executable", sys.executable),
        "-m",
        "digest",
        "daily",
        "--config",
        _safe_path("the config path", str(Path(config).expanduser().resolve())),
        "--no-progress",
    ]


def crontab_line(at: str, config: str | Path) -> str:
    hour, minute = parse_time(at)
    cfg = Path(_safe_path("the config path", str(Path(config).expanduser().resolve())))
    log_file = cfg.parent / "digest-daily.log"
    cmd = " ".join(shlex.quote(part) for part in daily_command(cfg))
    command = f"cd {shlex.quote(str(cfg.parent))} && {cmd} >> {shlex.quote(str(log_file))} 2>&1"
    # cron turns an unescaped % into a newline (the rest becomes the command's stdin).
    return f"{minute} {hour} * * * {command.replace('%', chr(92) + '%')} {CRON_MARK}"


def systemd_units(at: str, config: str | Path) -> dict[str, str]:
    """File name -> text of the user service and timer."""
    hour, minute = parse_time(at)
    cfg = Path(_safe_path("the config path", str(Path(config).expanduser().resolve())))
    exec_start = " ".join(_systemd_quote(part) for part in daily_command(cfg))
    service = f"""\
[Unit]
Description=digest: write today's news digest
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={str(cfg.parent).replace("%", "%%")}
ExecStart={exec_start}
Nice=10
"""
    timer = f"""\
[Unit]
Description=Run digest daily at {hour:02d}:{minute:02d}

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00
Persistent=true
Unit={UNIT}.service

[Install]
WantedBy=timers.target
"""
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def _systemd_escape(text: str) -> str:
    """A command-line word with systemd's specifiers ("%h") and variables ("$HOME") made literal."""
    return text.replace("%", "%%").replace("$", "$$")


def _systemd_quote(word: str) -> str:
    """One ExecStart= word: escaped, and quoted when it holds anything but plain path characters."""
    word = _systemd_escape(word)
    if re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def schedule_text(*, at: str = "07:00", config: str | Path = "digest.toml") -> str:
    """What `digest schedule` prints: the crontab line, then the two systemd files."""
    units = systemd_units(at, config)
    parts = [
        "# Either add this line with `crontab -e`:",
        crontab_line(at, config),
        "",
        "# Or save these two files in ~/.config/systemd/user/ and run",
        f"#   systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer",
    ]
    for name, text in units.items():
        parts += ["", f"# ---- {name}", text.rstrip("\n")]
    return "\n".join(parts) + "\n"


def systemd_user_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def _has_systemd() -> bool:
    return shutil.which("systemctl") is not None and Path("/run/systemd/system").is_dir()


def install_schedule(
    *,
    at: str = "07:00",
    config: str | Path = "digest.toml",
    method: Literal["auto", "systemd", "cron"] = "auto",
    activate: bool = True,
) -> list[str]:
    """Install the schedule for the current user; returns lines saying what was done.

    systemd: writes the unit files, then (with `activate`) reloads and enables
    the timer; if systemctl cannot do that, the lines say which command to run.
    cron: replaces digest's line in `crontab -l` and loads it with `crontab -`.
    """
    parse_time(at)
    if not Path(config).expanduser().exists():
        raise ScheduleError(f"{config}: no such config file (write one with `digest init`)")
    if method == "auto":
        method = "systemd" if _has_systemd() else "cron"
    if method == "systemd":
        return _install_systemd(at, config, activate)
    return _install_cron(at, config)


def _install_systemd(at: str, config: str | Path, activate: bool) -> list[str]:
    folder = systemd_user_dir()
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, text in systemd_units(at, config).items():
        path = folder / name
        write_atomic(path, text)  # a unique O_EXCL temp name: a planted symlink is never followed
        lines.append(f"wrote {path}")
    enable = ["systemctl", "--user", "enable", "--now", f"{UNIT}.timer"]
    if activate:
        for cmd in (["systemctl", "--user", "daemon-reload"], enable):
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            except (OSError, subprocess.TimeoutExpired) as exc:
                lines.append(f"could not run {' '.join(cmd)} ({exc}); run it yourself")
                break
            if done.returncode != 0:
                why = (done.stderr or done.stdout).strip().splitlines()
                lines.append(f"`{' '.join(cmd)}` failed ({why[0] if why else done.returncode}); run it yourself")
                break
        else:
            lines.append(f"enabled {UNIT}.timer: `digest daily` runs every day at {at}")
            return lines
    else:
        lines.append(f"now run: systemctl --user daemon-reload && {' '.join(enable)}")
    return lines


def _install_cron(at: str, config: str | Path) -> list[str]:
    if shutil.which("crontab") is None:
        raise ScheduleError(
            "neither a systemd user session nor `crontab` was found; add the line from `digest schedule` yourself"
        )
    line = crontab_line(at, config)
    try:
        current = subprocess.run(["crontab", "-l"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScheduleError(f"cannot read your crontab ({exc}); nothing was installed") from None
    why = current.stderr.decode("utf-8", "replace").strip()
    if current.returncode == 0:
        # Bytes as they are (surrogateescape): a line in another encoding comes back unchanged.
        existing = current.stdout.decode("utf-8", "surrogateescape").splitlines()
    elif re.search(r"no crontab for", why, re.I) and not current.stdout.strip():
        existing = []  # none yet
    else:
        raise ScheduleError(
            f"cannot read your crontab (`crontab -l`: {why.splitlines()[0] if why else current.returncode}); "
            "not replacing it, so nothing was installed"
        )
    kept = [entry for entry in existing if CRON_MARK not in entry]
    new = "\n".join([*kept, line]) + "\n"
    try:
        done = subprocess.run(
            ["crontab", "-"], input=new.encode("utf-8", "surrogateescape"), capture_output=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScheduleError(f"cannot run `crontab -` ({exc}); your crontab was not changed") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip()
        raise ScheduleError(f"`crontab -` refused the new table: {why or done.returncode}")
    replaced = len(existing) - len(kept)
    return [("replaced" if replaced else "added") + f" the crontab line: `digest daily` runs every day at {at}"]
