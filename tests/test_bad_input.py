"""Bad inputs: each gives exactly one Problem naming the file, and the good file beside it still comes through."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

import digest.ingest.read as read_module
from digest.ingest import ingest
from digest.types import Problem, RawDocument

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOOD = (SEEDS / "003_80dbcb910e020fd0.txt").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated_gzip(path: Path) -> Path:
    whole = gzip.compress(GOOD * 20)
    return _write(path, whole[: len(whole) // 2])


def _huge_sparse(path: Path) -> Path:
    """A 50 MB file written with one seek and one byte: instant, and takes no disk."""
    with open(path, "wb") as f:
        f.seek(50 * 1024 * 1024 - 1)
        f.write(b"x")
    return path


# name -> (make the bad file in a folder, words the Problem message must contain)
BAD_FILES = {
    "empty": (lambda p: _write(p / "empty.txt", b""), "empty file"),
    "whitespace": (lambda p: _write(p / "blank.txt", b" \n\t\n  \n"), "empty file"),
    "nul bytes": (lambda p: _write(p / "data.txt", b"\x00\x01\x02binary\x00" * 200), "binary file"),
    "png image": (lambda p: _write(p / "photo.txt", PNG), "PNG image"),
    "undecodable": (lambda p: _write(p / "noise.txt", bytes(range(0x80, 0x100)) * 40), "not a text document"),
    "truncated gzip": (lambda p: _truncated_gzip(p / "cut.txt.gz"), "truncated gzip"),
    "corrupt gzip": (lambda p: _write(p / "bad.gz", b"\x1f\x8b\x08\x00" + b"garbage" * 10), "corrupt gzip"),
    "invalid json": (
        lambda p: _write(p / "broken.json", b'{"title": "x",\n "text": "y"\n "url": 1}'),
        "invalid JSON: line 3 col 2",
    ),
    "json without text": (
        lambda p: _write(p / "meta.json", json.dumps({"title": "t", "url": "u"}).encode()),
        "no text field",
    ),
    "json scalar": (lambda p: _write(p / "number.json", b"42"), "single value"),
    "jsonl without text": (lambda p: _write(p / "ids.jsonl", b'{"id": 1}\n{"id": 2}\n'), "no record with a text field"),
    "too large": (lambda p: _huge_sparse(p / "huge.txt"), "too large: 52,428,800 bytes"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_beside_good_file(tmp_path, case):
    make, words = BAD_FILES[case]
    bad = make(tmp_path)
    good = _write(tmp_path / "good.txt", GOOD)
    out = list(ingest([tmp_path]))
    problems = [o for o in out if isinstance(o, Problem)]
    documents = [o for o in out if isinstance(o, RawDocument)]
    assert len(problems) == 1, problems
    assert problems[0].origin == str(bad)
    assert words in problems[0].message
    assert "\n" not in problems[0].message
    assert [d.origin for d in documents] == [str(good)] and documents[0].content == GOOD


def test_missing_path_is_one_problem(tmp_path):
    good = _write(tmp_path / "good.txt", GOOD)
    missing = tmp_path / "nope.txt"
    out = list(ingest([missing, good]))
    assert out[0] == Problem(str(missing), "no such file or directory")
    assert isinstance(out[1], RawDocument) and len(out) == 2


def test_huge_file_is_refused_by_size_without_reading_it(tmp_path, monkeypatch):
    huge = _huge_sparse(tmp_path / "huge.txt")
    opened = []
    real_open = open
    monkeypatch.setattr(read_module, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k), raising=False)
    start = time.perf_counter()
    (problem,) = list(ingest([huge]))
    assert time.perf_counter() - start < 1.0
    assert opened == []  # refused on its size alone
    assert problem.message == "too large: 52,428,800 bytes, the limit is 20,000,000 (max_bytes)"


def test_max_bytes_is_configurable(tmp_path):
    path = _write(tmp_path / "a.txt", GOOD)
    (problem,) = list(ingest([path], max_bytes=1000))
    assert "too large" in problem.message
    (doc,) = list(ingest([path], max_bytes=len(GOOD)))
    assert isinstance(doc, RawDocument)


def test_gzip_bomb_is_stopped_at_max_bytes(tmp_path):
    bomb = _write(tmp_path / "bomb.txt.gz", gzip.compress(b"A" * 5_000_000))
    assert bomb.stat().st_size < 50_000
    good = _write(tmp_path / "good.txt", GOOD)
    out = list(ingest([bomb, good], max_bytes=1_000_000))
    assert out[0] == Problem(str(bomb), "too large once decompressed: more than 1,000,000 bytes (max_bytes)")
    assert isinstance(out[1], RawDocument)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_real_permissions(tmp_path):
    locked = _write(tmp_path / "locked.txt", GOOD)
    locked.chmod(0)
    good = _write(tmp_path / "good.txt", GOOD)
    try:
        out = list(ingest([tmp_path]))
    finally:
        locked.chmod(0o644)
    assert [o for o in out if isinstance(o, Problem)] == [Problem(str(locked), "permission denied")]
    assert [o.origin for o in out if isinstance(o, RawDocument)] == [str(good)]


def test_unreadable_file(tmp_path, monkeypatch):
    """Permission denied at open time (what a non-root user meets), the run goes on."""
    locked = _write(tmp_path / "locked.txt", GOOD)
    good = _write(tmp_path / "good.txt", GOOD)
    real_open = open

    def guarded_open(file, *args, **kwargs):
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(read_module, "open", guarded_open, raising=False)
    out = list(ingest([tmp_path]))
    assert [o for o in out if isinstance(o, Problem)] == [Problem(str(locked), "permission denied")]
    assert [o.origin for o in out if isinstance(o, RawDocument)] == [str(good)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    good = _write(tmp_path / "good.txt", GOOD)
    out = list(ingest([tmp_path]))
    assert [o for o in out if isinstance(o, Problem)] == [
        Problem(str(pipe), "not a regular file (device, pipe or socket)")
    ]
    assert [o.origin for o in out if isinstance(o, RawDocument)] == [str(good)]


def test_empty_folder_is_one_problem(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text("skipped")
    out = list(ingest([tmp_path / "empty"]))
    assert len(out) == 1 and isinstance(out[0], Problem) and "no files" in out[0].message


def test_bad_line_in_jsonl_is_one_problem_for_that_record(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"text": "First record text."}), '{"text": "broken', json.dumps({"text": "Third."})]
    path.write_text("\n".join(lines))
    out = list(ingest([path]))
    assert [type(o).__name__ for o in out] == ["RawDocument", "Problem", "RawDocument"]
    assert out[1].origin == f"{path}#2" and out[1].message.startswith("invalid JSON on line 2 col")
    assert [o.origin for o in out[::2]] == [f"{path}#1", f"{path}#3"]


def test_broken_first_line_of_jsonl_spoils_only_that_record(tmp_path):
    path = tmp_path / "first-bad.jsonl"
    path.write_text('{"text": "cut\n' + json.dumps({"text": "Second record."}) + "\n")
    out = list(ingest([path]))
    assert [(type(o).__name__, o.origin) for o in out] == [("Problem", f"{path}#1"), ("RawDocument", f"{path}#2")]


def test_record_without_text_in_a_list_is_a_problem_for_that_record(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"text": "Has text."}, {"title": "No text"}, "a bare string"]))
    out = list(ingest([path]))
    assert isinstance(out[0], RawDocument)
    assert [(o.origin, o.message.split(" (")[0]) for o in out[1:]] == [
        (f"{path}#2", "no text field"),
        (f"{path}#3", "a str, not a JSON object"),
    ]
