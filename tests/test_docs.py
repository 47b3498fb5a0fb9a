"""The docs stay true to the code: every option, config key and variable is documented,
and every function docs/architecture.md names exists where it says."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from digest.cli import app
from digest.config import Config, SourceConfig

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _commands(command, prefix=""):
    """(command path, click command) for every command and subcommand."""
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield f"{prefix}{name}", sub
        yield from _commands(sub, f"{prefix}{name} ")


def _section(text: str, heading: str) -> str:
    """The text of one `## heading` section of a Markdown file."""
    m = re.search(rf"^## `digest {re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def test_every_cli_option_is_documented_in_its_commands_section():
    text = (DOCS / "cli.md").read_text()
    root = app
    shared = {p.name for p in root.params}  # -q/-v/--version: in the global options, valid everywhere
    missing = []
    for path, command in _commands(root):
        if getattr(command, "commands", None):  # a group: its subcommands are checked
            continue
        section = _section(text, path) or _section(text, path.split()[0])
        assert section, f"docs/cli.md has no section for `digest {path}`"
        for param in command.params:
            if param.name in shared:
                continue
            names = [o for o in param.opts if o.startswith("--")] or [param.name.upper()]
            if not any(f"`{n}" in section for n in names):
                missing.append(f"digest {path}: {names[0]}")
    for param in root.params:
        if not any(f"`{o}`" in text for o in param.opts):
            missing.append(f"digest: {param.opts[0]}")
    assert not missing, "undocumented options: " + ", ".join(missing)


def test_every_config_key_is_documented():
    text = (DOCS / "config.md").read_text()
    keys = list(Config.model_fields) + list(SourceConfig.model_fields)
    missing = [k for k in keys if f"`{k}`" not in text]
    assert not missing, f"docs/config.md does not describe: {missing}"


def test_every_environment_variable_the_code_reads_is_documented():
    code = "\n".join(p.read_text() for p in (ROOT / "digest").rglob("*.py"))
    used = set(re.findall(r"\b(DIGEST_[A-Z_]+)\b", code)) - {"DIGEST_"}
    used |= set(re.findall(r"environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", code))  # any variable read by name
    used |= set(re.findall(r"_ENV\s*=\s*\"([A-Z][A-Z0-9_]+)\"", code))  # read through a constant
    used |= {v.upper() for v in re.findall(r"\"((?:http|https|all)_proxy)\"", code)}  # read by scanning environ
    text = (DOCS / "cli.md").read_text()
    missing = sorted(v for v in used if f"`{v}`" not in text)
    assert not missing, f"docs/cli.md does not document: {missing}"


def _architecture_functions() -> list[tuple[str, str]]:
    """(module, function) for each `name(...)` in the stage table of docs/architecture.md."""
    out = []
    for line in (DOCS / "architecture.md").read_text().splitlines():
        if not line.startswith("|") or "`digest/" not in line:
            continue
        modules = re.findall(r"`(digest/[\w/]+?)(?:\.py|/)?`", line)
        functions = re.findall(r"`([a-z_][\w.]*)\(", line)
        if not modules:
            continue
        module = modules[0].replace("/", ".")
        out += [(module, f) for f in functions]
    return out


@pytest.mark.parametrize(("module", "function"), _architecture_functions())
def test_functions_named_in_the_architecture_exist(module, function):
    mod = importlib.import_module(module)
    assert callable(getattr(mod, function, None)), f"{module}.{function} is named in docs/architecture.md"


def test_the_architecture_names_a_front_function_for_every_stage():
    names = {m.split(".")[1] for m, _ in _architecture_functions()}
    assert {"ingest", "clean", "dedupe", "cluster", "threads", "brief", "render", "pipeline", "daily"} <= names
