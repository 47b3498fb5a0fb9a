"""Registry parsing, installing packaged parts, and the clear errors for bad weights.

The install tests build real part packages on disk (numbered folders holding
slices of a real file) and install them through the same code path as the
packaged Qwen weights: join, hash, atomic rename, markers.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path

import pytest

from digest.models import ModelError, install_model, list_models, load_generator, unload_all, verify_model
from digest.models.install import locate_parts, models_dir
from digest.models.registry import load_registry, repo_registry_path

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own cache folder and no user registry."""
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DIGEST_REGISTRY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    yield
    unload_all()


def write_registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "my-registry.toml"
    path.write_text(body, "utf-8")
    return path


@pytest.fixture
def parted(tmp_path, monkeypatch):
    """Three importable part packages holding slices of a real file (the seeds, concatenated)."""
    payload = b"".join(p.read_bytes() for p in sorted((REPO / "seeds").glob("*.txt")))
    assert len(payload) > 10_000
    cut = [0, len(payload) // 3, 2 * len(payload) // 3, len(payload)]
    root = tmp_path / "site"
    for n in (1, 2, 3):
        pkg = root / f"digest_testparts_part{n}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("", "utf-8")
        (pkg / "data" / f"part{n:02d}.bin").write_bytes(payload[cut[n - 1] : cut[n]])
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    return payload


def parts_entry(sha: str, size: int, count: int = 3, name: str = "joined") -> str:
    return f"""
[[models]]
name = "{name}"
kind = "generator"
backend = "llama.cpp"
file = "{name}.gguf"
sha256 = "{sha}"
size = {size}
[models.parts]
requirement = "digest-testparts-part{{n}}==1.0"
package = "digest_testparts_part{{n}}"
file = "data/part{{n:02d}}.bin"
count = {count}
"""


# -- the shipped registry ---------------------------------------------------------------


def test_repo_registry_names_the_defaults_from_models_md():
    assert repo_registry_path() == REPO / "models" / "registry.toml"
    reg = load_registry()
    assert reg.default("generator").name == "qwen2.5-coder-1.5b"
    assert reg.default("embedder").name == "minilm-l6"
    big, small = reg.get("qwen2.5-coder-1.5b"), reg.get("qwen2.5-coder-0.5b")
    assert (big.backend, big.size, big.parts.count) == ("llama.cpp", 1_117_320_768, 22)
    assert big.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert (small.size, small.parts.count) == (491_400_064, 6)
    assert small.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert big.options["n_ctx"] == 4096


@pytest.mark.parametrize("name", ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
def test_packaged_parts_are_found_locally_and_add_up(name):
    entry = load_registry().get(name)
    parts = locate_parts(entry.name, entry.parts)
    assert len(parts) == entry.parts.count
    assert parts[0].name == "part01.bin" and parts[-1].name == f"part{entry.parts.count:02d}.bin"
    assert sum(p.stat().st_size for p in parts) == entry.size


def test_list_models_reports_every_entry(tmp_path):
    statuses = {s.name: s for s in list_models()}
    assert set(statuses) >= {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "minilm-l6"}
    emb = statuses["minilm-l6"]  # empty cache folder: its ONNX export is not made yet
    assert emb.kind == "embedder" and emb.default and emb.backend == "onnx"
    assert not emb.ready and "digest models install minilm-l6" in emb.detail
    torch_emb = statuses["minilm-l6-torch"]  # the packaged folder itself needs nothing
    assert torch_emb.ready and (torch_emb.path / "modules.json").is_file()
    gen = statuses["qwen2.5-coder-1.5b"]  # empty cache folder: installable, not yet ready
    assert gen.default and not gen.ready and "digest models install" in gen.detail


# -- user registries ----------------------------------------------------------------------


def test_user_registry_adds_and_overrides(tmp_path, monkeypatch):
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "mine.gguf").write_bytes(b"GGUF")
    reg = write_registry(
        tmp_path,
        """
[defaults]
generator = "mine"
[[models]]
name = "mine"
backend = "llama.cpp"
path = "weights/mine.gguf"
n_ctx = 2048
[[models]]
name = "minilm-l6"
kind = "embedder"
backend = "sentence-transformers"
path = "/nowhere/minilm"
""",
    )
    monkeypatch.setenv("DIGEST_REGISTRY", str(reg))
    merged = load_registry()
    mine = merged.default("generator")
    assert mine.name == "mine" and mine.path == tmp_path / "weights" / "mine.gguf"  # relative to its registry
    assert mine.options == {"n_ctx": 2048}
    assert merged.get("minilm-l6").path == Path("/nowhere/minilm")
    assert merged.get("qwen2.5-coder-0.5b").parts is not None  # repo entries remain


@pytest.mark.parametrize(
    "body, message",
    [
        ("[[models]]\nbackend = 'llama.cpp'\npath = 'x'\n", "has no name"),
        ("[[models]]\nname = 'x'\nbackend = 'ctransformers'\npath = 'x'\n", "backend must be one of"),
        ("[[models]]\nname = 'x'\nbackend = 'llama.cpp'\npath = 'x'\nurl = 'http://h'\n", "exactly one of"),
        ("[[models]]\nname = 'x'\nbackend = 'openai'\n", "exactly one of"),
        ("[[models]]\nname = 'x'\nkind = 'ranker'\nbackend = 'llama.cpp'\npath = 'x'\n", "kind must be"),
        ("[[models]\nname = 'x'\n", "cannot read model registry"),
    ],
)
def test_bad_registry_entries_give_one_clear_error(tmp_path, monkeypatch, body, message):
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, body)))
    with pytest.raises(ModelError, match=message) as err:
        load_registry()
    assert "my-registry.toml" in str(err.value) and "\n" not in str(err.value)


def test_unknown_model_and_wrong_kind(tmp_path):
    with pytest.raises(ModelError, match=r"unknown model 'nope' \(known: .*minilm-l6"):
        load_generator("nope")
    with pytest.raises(ModelError, match="is an embedder, not a generator"):
        load_generator("minilm-l6")


def test_missing_registry_file_named_in_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGEST_REGISTRY", str(tmp_path / "absent.toml"))
    with pytest.raises(ModelError, match="absent.toml, which is not a file"):
        list_models()


# -- installing packaged parts ----------------------------------------------------------------


def test_install_joins_parts_atomically_and_marks_verified(tmp_path, monkeypatch, parted):
    sha = hashlib.sha256(parted).hexdigest()
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, parts_entry(sha, len(parted)))))
    before = {s.name: s for s in list_models()}["joined"]
    assert not before.ready and "joins its 3 packaged parts" in before.detail

    stale = models_dir() / ".joined.gguf.killed.part"  # what a killed install leaves behind
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    path = install_model("joined")
    assert path == models_dir() / "joined.gguf" and not stale.exists()
    assert path.read_bytes() == parted
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".part"] == []  # no temp file left
    after = {s.name: s for s in list_models()}["joined"]
    assert after.ready and after.path == path and "verified" in after.detail

    mtime = path.stat().st_mtime_ns
    assert install_model("joined") == path and path.stat().st_mtime_ns == mtime  # already there: not rebuilt
    assert verify_model("joined").ready


def test_corrupt_cached_file_is_never_loaded(tmp_path, monkeypatch, parted):
    sha = hashlib.sha256(parted).hexdigest()
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, parts_entry(sha, len(parted)))))
    path = install_model("joined")
    st = path.stat()
    data = bytearray(parted)
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and mtime: only a full re-hash can tell

    assert {s.name: s for s in list_models()}["joined"].ready  # the cheap listing trusts the marker...
    status = verify_model("joined")  # ...verify re-hashes
    assert not status.ready and "sha256" in status.detail and "digest models install joined" in status.detail
    with pytest.raises(ModelError, match="corrupt file.*digest models install joined"):
        load_generator("joined")  # marker was dropped by verify, so loading re-hashes and refuses

    assert install_model("joined").read_bytes() == parted  # install rebuilds a bad copy
    assert verify_model("joined").ready


def test_truncated_cached_file_is_reported_as_partial(tmp_path, monkeypatch, parted):
    sha = hashlib.sha256(parted).hexdigest()
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, parts_entry(sha, len(parted)))))
    path = install_model("joined")
    with open(path, "r+b") as fh:
        fh.truncate(len(parted) // 2)
    assert "partial or corrupt" in {s.name: s for s in list_models()}["joined"].detail
    with pytest.raises(ModelError, match="partial or corrupt"):
        load_generator("joined")


def test_wrong_sha256_installs_nothing(tmp_path, monkeypatch, parted):
    wrong = hashlib.sha256(b"something else").hexdigest()
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, parts_entry(wrong, len(parted)))))
    with pytest.raises(ModelError, match=r"joined parts hash to .*expected .*nothing was installed") as err:
        install_model("joined")
    assert "\n" not in str(err.value)
    assert list(models_dir().glob("joined*")) == [] and list(models_dir().glob(".joined*.part")) == []
    with pytest.raises(ModelError, match="nothing was installed"):
        load_generator("joined")  # first use tries to install, and refuses the same way


def test_missing_or_short_parts_are_named(tmp_path, monkeypatch, parted):
    sha = hashlib.sha256(parted).hexdigest()
    body = parts_entry(sha, len(parted), count=4, name="four") + parts_entry(sha, len(parted) + 1, name="short")
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, body)))
    with pytest.raises(
        ModelError,
        match=r"package digest_testparts_part4 is not installed \(pip install 'digest-testparts-part4==1.0'\)",
    ):
        install_model("four")
    assert "cannot be" in {s.name: s for s in list_models()}["four"].detail
    with pytest.raises(ModelError, match="parts add up to .* expected"):
        install_model("short")


# -- bad local paths --------------------------------------------------------------------------


def test_bad_model_paths_give_one_clear_error(tmp_path, monkeypatch):
    (tmp_path / "folder").mkdir()
    (tmp_path / "junk.gguf").write_bytes(b"this is not a gguf file" * 100)
    body = """
[[models]]
name = "absent"
backend = "llama.cpp"
path = "no/such/file.gguf"
[[models]]
name = "folder"
backend = "llama.cpp"
path = "folder"
[[models]]
name = "junk"
backend = "llama.cpp"
path = "junk.gguf"
[[models]]
name = "not-hf"
backend = "transformers"
path = "folder"
[[models]]
name = "junk-sha"
backend = "llama.cpp"
path = "junk.gguf"
sha256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
"""
    monkeypatch.setenv("DIGEST_REGISTRY", str(write_registry(tmp_path, body)))
    cases = {
        "absent": "no file or folder at .*no/such/file.gguf",
        "folder": "llama.cpp needs a .gguf file",
        "junk": "llama.cpp cannot load .*junk.gguf",
        "not-hf": "has no config.json",
        "junk-sha": "sha256 of .*junk.gguf is .* expected cc324af070c2",
    }
    for name, message in cases.items():
        with pytest.raises(ModelError, match=message) as err:
            load_generator(name)
        assert "\n" not in str(err.value), name
    statuses = {s.name: s for s in list_models()}
    assert not statuses["absent"].ready and not statuses["not-hf"].ready
    assert not verify_model("junk-sha").ready


def test_a_wheel_carries_the_registry_and_finds_it_without_a_checkout(tmp_path):
    """A plain (non-editable) install has no models/ folder beside it: the wheel's copy is read."""
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("digest-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    inside = [n for n in names if n.endswith("data/share/digest/registry.toml")]
    assert inside, names
    packaged = zipfile.ZipFile(wheel).read(inside[0]).decode()
    assert packaged == (root / "models" / "registry.toml").read_text()

    prefix = tmp_path / "prefix"  # an install of that wheel: <prefix>/share/digest + site-packages/digest
    (prefix / "share" / "digest").mkdir(parents=True)
    (prefix / "share" / "digest" / "registry.toml").write_text(packaged)
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site, [n for n in names if n.startswith("digest/")])
    code = (
        "import sys; sys.prefix = sys.argv[1]; import digest.models.registry as r; "
        "print(r.repo_registry_path()); print(r.load_registry().defaults['embedder'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(prefix)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        check=True,
    )
    where, embedder = done.stdout.split()
    assert Path(where) == prefix / "share" / "digest" / "registry.toml" and embedder == "minilm-l6"
