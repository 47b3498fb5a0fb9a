"""The command line end to end, as a user runs it: real files in, stdout/stderr/exit code out."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_digest(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="120")
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_clean_jsonl_contract_on_seeds(seeds_dir):
    proc = run_digest("clean", str(seeds_dir), "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 5
    keys = {"path", "title", "text", "outlet", "author", "published", "url", "language", "dropped"}
    for row in rows:
        assert set(row) == keys
        assert row["text"].strip()
        assert row["language"] == "en"
        for d in row["dropped"]:
            assert set(d) == {"reason", "text"} and d["reason"]
    by_name = {Path(r["path"]).name[:3]: r for r in rows}
    assert by_name["000"]["title"] == "Brussels and Seoul tighten anti-Pyongyang relations"
    assert by_name["000"]["published"].startswith("2024-10-28")
    assert "View All Result" not in by_name["001"]["text"]
    assert any(d["reason"] == "navigation" for d in by_name["001"]["dropped"])


def test_clean_explain_shows_reasons(seeds_dir):
    proc = run_digest("clean", str(seeds_dir / "001_78cc64cfcb4bb637.txt"), "--explain")
    assert proc.returncode == 0, proc.stderr
    assert "## Dropped" in proc.stdout
    assert "`navigation`" in proc.stdout


def test_bad_inputs_each_named_once_and_run_goes_on(tmp_path, seeds_dir):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (bad / "broken.json").write_text('{"title": "x", "text": ')
    (bad / "truncated.txt.gz").write_bytes(gzip.compress(b"Some article text. " * 500)[:-30])
    nested = "<html><body>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000 + "</body></html>"
    (bad / "nested.html").write_text(nested)
    good = seeds_dir / "003_80dbcb910e020fd0.txt"
    (bad / "good.txt").write_bytes(good.read_bytes())
    proc = run_digest("clean", str(bad), "--format", "jsonl")
    assert proc.returncode == 1, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert any(r["path"].endswith("good.txt") for r in rows)
    for name in ("empty.txt", "binary.bin", "broken.json", "truncated.txt.gz"):
        lines = [line for line in proc.stderr.splitlines() if name in line]
        assert len(lines) == 1, (name, proc.stderr)
    # Deeply nested HTML is either cleaned or named once; it never crashes the run.
    nested_lines = [line for line in proc.stderr.splitlines() if "nested.html" in line]
    assert len(nested_lines) <= 1
    assert "Traceback" not in proc.stderr


def test_brief_json_writes_atomically_to_file(tmp_path, seeds_dir):
    out = tmp_path / "brief.json"
    proc = run_digest("brief", str(seeds_dir), "--no-model", "--format", "json", "-o", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    data = json.loads(out.read_text())
    assert data["model"] == "extractive"
    assert data["stories"], data
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    story = data["stories"][0]
    cited = {n for s in story["sentences"] for n in s["citations"]}
    assert cited <= {s["n"] for s in story["sources"]}


def test_cluster_json_accounts_for_every_input(seeds_dir):
    proc = run_digest("cluster", str(seeds_dir), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    seen = [p for s in data["stories"] for p in s["articles"]]
    seen += [pair[0] for s in data["stories"] for pair in s["duplicates"]]
    assert sorted(Path(p).name for p in seen) == sorted(p.name for p in seeds_dir.iterdir())


def test_missing_path_is_exit_1_with_one_line(tmp_path):
    proc = run_digest("clean", str(tmp_path / "nope.txt"))
    assert proc.returncode == 1
    assert sum("nope.txt" in line for line in proc.stderr.splitlines()) == 1
