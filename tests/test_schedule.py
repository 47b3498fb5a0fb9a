"""digest schedule: the printed cron line and systemd units, and installing them in a temp HOME."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from digest.schedule import (
    CRON_MARK,
    ScheduleError,
    crontab_line,
    install_schedule,
    parse_time,
    schedule_text,
    systemd_units,
)


def test_parse_time():
    assert parse_time("07:00") == (7, 0) and parse_time("7:05") == (7, 5) and parse_time("23:59") == (23, 59)
    for bad in ("24:00", "7", "07:60", "seven", ""):
        with pytest.raises(ScheduleError, match="HH:MM"):
            parse_time(bad)


def test_printed_text_has_cron_line_and_both_units(tmp_path):
    cfg = tmp_path / "my digest.toml"
    text = schedule_text(at="06:45", config=cfg)
    line = crontab_line("06:45", cfg)
    assert line.startswith("45 6 * * * ") and line in text
    assert f"-m digest daily --config '{cfg}' --no-progress" in line
    assert sys.executable in line and CRON_MARK in line
    units = systemd_units("06:45", cfg)
    assert "OnCalendar=*-*-* 06:45:00" in units["digest-daily.timer"]
    assert "Persistent=true" in units["digest-daily.timer"]
    assert f'ExecStart={sys.executable} -m digest daily --config "{cfg}" --no-progress' in units["digest-daily.service"]
    assert "[Install]\nWantedBy=timers.target" in units["digest-daily.timer"]
    for body in units.values():
        assert body in text


def test_install_systemd_writes_user_units_in_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    cfg = tmp_path / "digest.toml"
    cfg.write_text("")
    lines = install_schedule(at="07:00", config=cfg, method="systemd", activate=False)
    folder = home / ".config" / "systemd" / "user"
    assert sorted(p.name for p in folder.iterdir()) == ["digest-daily.service", "digest-daily.timer"]
    assert (folder / "digest-daily.timer").read_text() == systemd_units("07:00", cfg)["digest-daily.timer"]
    assert lines[-1] == "now run: systemctl --user daemon-reload && systemctl --user enable --now digest-daily.timer"
    install_schedule(at="08:30", config=cfg, method="systemd", activate=False)  # again: replaced, not added
    assert "08:30:00" in (folder / "digest-daily.timer").read_text()
    assert len(list(folder.iterdir())) == 2


def test_install_cron_replaces_our_line_and_keeps_the_others(tmp_path, monkeypatch):
    # A stand-in `crontab` that keeps the table in a file, as the real one keeps it per user.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    table = tmp_path / "table"
    script = bindir / "crontab"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-l" ]; then [ -f "{table}" ] || {{ echo "no crontab for $USER" >&2; exit 1; }}; cat "{table}"; '
        f'elif [ "$1" = "-" ]; then cat > "{table}"; else exit 2; fi\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    cfg = tmp_path / "digest.toml"
    cfg.write_text("")
    assert install_schedule(at="07:00", config=cfg, method="cron")[0].startswith("added")
    assert table.read_text() == crontab_line("07:00", cfg) + "\n"
    table.write_text("MAILTO=me\n" + table.read_text() + "0 1 * * * backup\n")
    assert install_schedule(at="05:15", config=cfg, method="cron")[0].startswith("replaced")
    assert table.read_text().splitlines() == ["MAILTO=me", "0 1 * * * backup", crontab_line("05:15", cfg)]


def test_install_refuses_missing_config(tmp_path):
    with pytest.raises(ScheduleError, match="no such config file"):
        install_schedule(at="07:00", config=tmp_path / "nope.toml", method="systemd", activate=False)
