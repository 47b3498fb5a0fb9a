"""Write files so that a reader (or a crash) never sees half of one.

Every file is written to a temp file beside its target, fsynced and renamed
over the target; the folder is fsynced after the rename. Temp files are
created with O_EXCL under a unique name (`.NAME.PID.RANDOM.tmp`), so a
symlink planted beside the target is never followed, and the PID in the name
lets the next run remove what a killed run left behind (`remove_stale_temps`).

Modes: outputs follow the umask (0666 & ~umask, as any program's files do);
`private=True` makes a file 0600 whatever the umask (the state, which holds
full article text).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


def umask() -> int:
    """The process umask, read without changing it where the system allows (Linux /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_beside(target: Path, private: bool) -> tuple[int, str]:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o600 if private else 0o666 & ~umask())
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, tmp


def _write_temp(target: Path, data: bytes, private: bool) -> str:
    fd, tmp = _temp_beside(target, private)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], text: str, *, private: bool = False) -> Path:
    """Write `text` (UTF-8, "\\n" line ends) to `path` atomically; see the module docstring."""
    return write_together([(path, text)], private=private)[0]


def write_together(files: Sequence[tuple[str | os.PathLike[str], str]], *, private: bool = False) -> list[Path]:
    """Write several files as one: all temp files are complete and synced before the first rename.

    The renames then happen in the given order, so a reader who sees the last
    file (a day's Markdown) also sees the ones before it (its JSON). When any
    write fails, no target is touched and every temp file is removed.
    """
    targets = [Path(p) for p, _ in files]
    temps: list[str] = []
    try:
        for target, (_, text) in zip(targets, files):
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_write_temp(target, text.encode("utf-8"), private))
        for tmp, target in zip(temps, targets):
            os.replace(tmp, target)
    except BaseException:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    for folder in dict.fromkeys(t.parent for t in targets):
        fsync_dir(folder)
    return targets


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temp files that a killed digest left in `folder` (their writer is gone)."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _TEMP.match(name)
        if not m or _alive(int(m.group("pid"))):
            continue
        path = Path(folder) / name
        try:
            if not path.is_symlink() and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError as exc:
            log.warning("%s: cannot remove a leftover temp file: %s", path, exc.strerror or exc)
    if removed:
        log.info("removed %d temp file(s) left by an interrupted run in %s", len(removed), folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OSError:
        return False
    return True
