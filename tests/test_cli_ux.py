"""The command line as a new user meets it (issue 16): progress in a real terminal, a summary
line when piped, Ctrl-C, -q/-v anywhere, -o that never loses a good file, --version, models
list in every width, help that teaches, cluster vs brief counts, schedule, completion."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest

from digest.cli import app

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
SUMMARY = re.compile(r"^(\d+) files?, (.+), (\d+) problems?, \d+\.\d s(; wrote .+)?$")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), **extra)
    env.pop("NO_COLOR", None)
    return env


def run_digest(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """digest with stdout and stderr piped (as under cron or `| tee`)."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        cwd=cwd or ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def invoke(*args: str, cwd: Path | None = None, **env: str):
    """digest in this process (click's runner): for checks that need no real terminal or model."""
    from click.testing import CliRunner

    runner = CliRunner()
    if cwd is None:
        return runner.invoke(app, list(args), env=env or None, prog_name="digest", terminal_width=100)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args), env=env or None, prog_name="digest", terminal_width=100)
    finally:
        os.chdir(old)


def spawn(*args: str, cwd: Path | None = None, columns: int = 120):
    """digest in a pseudo-terminal: stdin, stdout and stderr are all a terminal."""
    return pexpect.spawn(
        sys.executable,
        ["-m", "digest", *args],
        cwd=str(cwd or ROOT),
        env=_env(TERM="xterm-256color", COLUMNS=str(columns), LINES="30"),
        dimensions=(30, columns),
        encoding="utf-8",
        codec_errors="replace",
        timeout=600,
        # A user at a terminal: Ctrl-C interrupts, even when these tests run from a shell that
        # started them in the background (which makes its children ignore SIGINT).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


# ------------------------------------------------------------------ progress and the summary line


def test_brief_in_a_terminal_names_every_stage_and_ends_with_the_summary(tmp_path, seeds_dir):
    out = tmp_path / "brief.md"
    child = spawn("brief", str(seeds_dir), "--no-model", "-o", str(out))
    child.expect(pexpect.EOF)
    child.close()
    screen = ANSI.sub("", child.before)
    assert child.exitstatus == 0, screen
    for stage in (
        "reading files",
        "cleaning documents",
        "loading models",
        "grouping",
        "briefing story",
    ):
        assert stage in screen, f"{stage!r} never shown:\n{screen}"
    assert re.search(r"reading files\s.*5/5", screen), screen  # k/n files
    assert re.search(r"briefing story\s.*1/1", screen), screen
    last = [line.strip() for line in screen.splitlines() if line.strip()][-1]
    assert SUMMARY.match(last) and last.startswith("5 files, 1 story, 0 problems"), last
    assert out.read_text().startswith("# News briefing")


def test_a_piped_run_prints_only_the_summary_line(tmp_path, seeds_dir):
    out = tmp_path / "brief.md"
    proc = run_digest("brief", str(seeds_dir), "--no-model", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    m = SUMMARY.match(lines[0])
    assert m and m.group(1) == "5" and m.group(2) == "1 story" and m.group(3) == "0", lines[0]
    assert lines[0].endswith(f"; wrote {out}")
    assert proc.stdout == ""


def test_ctrl_c_says_one_line_exits_130_and_keeps_the_old_file(tmp_path, seeds_dir):
    out = tmp_path / "brief.md"
    out.write_text("yesterday's good briefing\n")
    child = spawn("brief", str(seeds_dir), "--no-model", "-o", str(out))
    child.expect("loading models")  # well into the run: the embedder is loading
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    text = ANSI.sub("", child.before)
    assert child.exitstatus == 130, text
    assert text.count("interrupted; nothing was written") == 1 and "Traceback" not in text, text
    assert out.read_text() == "yesterday's good briefing\n"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temp file left


@pytest.mark.parametrize(
    "args",
    [
        ["-q", "clean", "{seeds}"],
        ["clean", "-q", "{seeds}"],
        ["clean", "{seeds}", "--quiet"],
    ],
)
def test_quiet_anywhere_silences_stderr(args, seeds_dir):
    proc = run_digest(*[a.format(seeds=seeds_dir) for a in args])
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert len(proc.stdout.splitlines()) == 5


def test_verbose_anywhere_logs_debug_and_default_prints_the_summary(seeds_dir):
    default = run_digest("clean", str(seeds_dir))
    assert default.stderr.splitlines() == [default.stderr.strip()]
    assert SUMMARY.match(default.stderr.strip()).group(2) == "5 articles"
    for args in (["-v", "clean", str(seeds_dir)], ["clean", str(seeds_dir), "-v"]):
        proc = run_digest(*args)
        assert proc.returncode == 0
        assert any(line.startswith("DEBUG") for line in proc.stderr.splitlines()), proc.stderr


# ------------------------------------------------------------------ -o, exit codes, --version


@pytest.mark.parametrize("command", ["brief", "clean", "cluster"])
def test_output_file_is_kept_when_nothing_could_be_read(tmp_path, command):
    out = tmp_path / "result"
    out.write_text("a good earlier result\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_digest(command, str(empty), str(tmp_path / "gone.txt"), "-o", str(out), "--no-progress")
    assert proc.returncode == 1, proc.stderr
    assert out.read_text() == "a good earlier result\n"
    assert f"nothing was written; {out} was left as it was" in proc.stderr
    assert sum("gone.txt" in line for line in proc.stderr.splitlines()) == 1
    assert proc.stdout == ""


def test_version_alone():
    proc = run_digest("--version")  # the real entry point, alone on the line
    assert proc.returncode == 0 and proc.stdout.strip() == "digest 0.1.0", proc
    result = invoke("-V")
    assert result.exit_code == 0 and result.stdout.strip() == "digest 0.1.0"


def test_usage_errors_exit_2_before_any_work(tmp_path):
    cases = [
        ["brief", str(tmp_path / "never-read.txt"), "--model", "no-such-model"],
        ["brief", str(tmp_path / "never-read.txt"), "--model", "minilm-l6"],  # an embedder
        ["brief", str(tmp_path / "never-read.txt"), "--words", "5"],
        ["brief", str(tmp_path / "never-read.txt"), "--format", "pdf"],
        ["daily", "--date", "4/11/2024"],
        ["schedule", "--at", "25:00"],
        ["nosuchcommand"],
    ]
    for args in cases:
        result = invoke(*args, cwd=tmp_path)
        assert result.exit_code == 2, (args, result.stderr)
        assert "never-read" not in result.stderr, result.stderr  # nothing was read
        assert result.exception is None or isinstance(result.exception, SystemExit)
    bad_model = run_digest("brief", "x", "--model", "no-such-model", cwd=tmp_path)  # the real entry point too
    assert bad_model.returncode == 2 and "qwen2.5-coder-1.5b" in bad_model.stderr  # the message names the choices


# ------------------------------------------------------------------ models


def _registry_names() -> list[str]:
    from digest.models.registry import list_models

    return [m.name for m in list_models()]


def test_models_list_piped_prints_full_names_one_per_line():
    proc = run_digest("models", "list", COLUMNS="40")
    assert proc.returncode == 0, proc.stderr
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert [r[0] for r in rows] == _registry_names()
    assert all(len(r) == 6 for r in rows)
    assert sum(r[3] == "default" for r in rows) == 2  # one generator, one embedder


def test_models_list_json():
    data = json.loads(invoke("models", "list", "--json").stdout)
    assert [m["name"] for m in data] == _registry_names()
    assert {"name", "kind", "backend", "default", "ready", "detail"} <= set(data[0])


def test_models_list_table_in_an_80_column_terminal_keeps_full_names():
    child = spawn("models", "list", columns=80)
    child.expect(pexpect.EOF)
    child.close()
    screen = ANSI.sub("", child.before)
    assert child.exitstatus == 0, screen
    for name in _registry_names():
        assert re.search(rf"(^|[\s│|]){re.escape(name)}[\s│|]", screen, re.M), f"{name} cut:\n{screen}"
    assert "…" not in screen


@pytest.mark.parametrize(
    "args",
    [["models", "verify", "nosuchmodel"], ["models", "install", "nosuchmodel"]],
)
def test_models_errors_are_one_line_exit_3(args):
    result = invoke(*args)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unknown model 'nosuchmodel'"), result.stderr


def test_model_kind_mismatch_reads_as_english():
    from digest.models import ModelError
    from digest.models.registry import get_entry

    with pytest.raises(ModelError, match="is an embedder, not a generator"):
        get_entry("minilm-l6", "generator")


# ------------------------------------------------------------------ help


def _all_commands(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _all_commands(sub, (*path, name))


def test_help_describes_every_option_with_examples_and_no_type_names():
    for path, command in _all_commands(app):
        result = invoke(*path, "--help")
        assert result.exit_code == 0, path
        text = result.stdout
        assert "Examples:" in text, f"digest {' '.join(path)} --help has no examples"
        for leak in ("<bool>", "<str>", "list[", "<int", "<path>", "{"):
            assert leak not in text, f"{leak!r} in digest {' '.join(path)} --help:\n{text}"
        click_types = re.findall(r"\b(TEXT|BOOLEAN|INTEGER|FLOAT|FILENAME|DIRECTORY|INTEGER RANGE)\b", text)
        assert not click_types, f"{click_types} in digest {' '.join(path)} --help:\n{text}"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"digest {' '.join(path)} {param.opts[0]} has no description"


def test_help_shows_defaults_and_choices():
    text = " ".join(invoke("brief", "--help").stdout.split())  # as read, not as wrapped
    assert "[md|html|json]" in text and "[default: md]" in text
    assert "[default: 150; 40<=x<=1000]" in text
    assert "default: qwen2.5-coder-1.5b; choices: qwen2.5-coder-1.5b, qwen2.5-coder-0.5b" in text
    assert "Usage: digest brief [OPTIONS] [SOURCE]..." in text  # SOURCE or --urls FILE
    assert "[default: 07:00]" in invoke("schedule", "--help").stdout


def test_error_lines_do_not_wrap_when_piped(tmp_path):
    long_name = "x" * 150 + ".txt"
    proc = run_digest("clean", long_name, cwd=tmp_path, COLUMNS="80")
    assert any(long_name in line and "no such file" in line for line in proc.stderr.splitlines()), proc.stderr


# ------------------------------------------------------------------ cluster vs brief, schedule, completion


def test_cluster_says_how_its_count_relates_to_brief(seeds_dir):
    cluster = run_digest("cluster", str(seeds_dir))
    brief = run_digest("brief", str(seeds_dir), "--no-model", "--format", "json")
    assert cluster.returncode == 0 and brief.returncode == 0, cluster.stderr + brief.stderr
    data = json.loads(cluster.stdout)
    told = data["brief_stories"]
    assert len(told) == len(json.loads(brief.stdout)["stories"])
    assert sorted(i for t in told for i in t) == sorted(s["id"] for s in data["stories"])
    summary = cluster.stderr.strip()
    n, k = len(data["stories"]), len(told)
    if n != k:
        assert f"in {k} thread" in summary and f"`digest brief` tells {k} stor" in summary, summary


def test_schedule_without_a_config_says_how_to_make_one(tmp_path):
    result = invoke("schedule", cwd=tmp_path)
    assert result.exit_code == 2 and result.stdout == ""
    assert "no config file at digest.toml" in result.stderr and "digest init digest.toml" in result.stderr
    assert invoke("init", cwd=tmp_path).exit_code == 0
    result = invoke("schedule", cwd=tmp_path)
    assert result.exit_code == 0 and "digest daily" in result.stdout


def test_shell_completion_completes_commands_and_model_names():
    script = run_digest("completion", "bash").stdout
    assert "_DIGEST_COMPLETE" in script and "complete " in script
    registered = subprocess.run(
        ["bash", "-c", f"{script}\ncomplete -p digest"], capture_output=True, text=True, env=_env()
    )
    assert "digest" in registered.stdout, registered.stderr

    def complete(words: str) -> list[str]:
        cword = str(len(words.split()) - 1)
        result = invoke(_DIGEST_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD=cword)
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    proc = run_digest(_DIGEST_COMPLETE="bash_complete", COMP_WORDS="digest br", COMP_CWORD="1")  # the real thing
    assert proc.stdout.splitlines() == ["plain,brief"]
    assert set(complete("digest brief -m qwen")) == {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"}
    assert "--no-model" in complete("digest brief --no")


def test_daily_ends_with_a_summary_line_when_piped(tmp_path, seeds_dir):
    (tmp_path / "digest.toml").write_text(f'output_dir = "out"\nmodel = "none"\n\n[[sources]]\npath = "{seeds_dir}"\n')
    proc = run_digest("daily", "--config", "digest.toml", "--date", "2024-11-04", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert re.fullmatch(
        r"2024-11-04: \d+ new articles?, \d+ stor(y|ies) \(\d+ new, 0 updated\), 0 problems, \d+\.\d s", lines[0]
    )
    written = [Path(line) for line in proc.stdout.splitlines()]  # stdout: the files written, one a line
    assert {p.name for p in written} >= {"2024-11-04.md", "2024-11-04.json"} and all(p.exists() for p in written)
