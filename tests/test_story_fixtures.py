"""The invented multi-source stories (tests/fixtures/stories/dev, benchmarks/cases/heldout, heldout2-9) agree with their truth.json.

Every file a truth.json names exists, every planted value is written in each file said to state it,
and the sets hold the planted conflicts and non-conflicts the facts benchmark needs. The values the
truth calls equivalent are equivalent to the benchmark's normaliser, so the scorer and the truth cannot
drift apart. A slow test runs the benchmark itself on three stories without a model.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import facts  # noqa: E402

DEV = facts.story_folders("dev")
HELDOUT = facts.story_folders("heldout")
HELDOUT2 = facts.story_folders("heldout2")
HELDOUT3 = facts.story_folders("heldout3")
HELDOUT4 = facts.story_folders("heldout4")
HELDOUT5 = facts.story_folders("heldout5")
HELDOUT6 = facts.story_folders("heldout6")
HELDOUT7 = facts.story_folders("heldout7")
HELDOUT8 = facts.story_folders("heldout8")
HELDOUT9 = facts.story_folders("heldout9")
ALL_SETS = DEV + HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5 + HELDOUT6 + HELDOUT7 + HELDOUT8 + HELDOUT9
KINDS = {"number", "name", "date"}
TYPES = {"conflict", "update", "minor"}
RELATIONS = {"equivalent", "rounding", "implied", "different_quantities"}


def _states(report: facts.Report, value: str) -> bool:
    return facts.fold(value) in facts.fold(report.text)


def _words(report: facts.Report) -> int:
    return len(" ".join((report.title, *report.paragraphs)).split())


@pytest.mark.parametrize("folder", ALL_SETS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_truth_matches_reports(folder: Path) -> None:
    truth = facts.load_truth(folder)
    reports = facts.read_reports(folder)
    problems: list[str] = []
    assert truth["slug"] == folder.name
    assert set(truth["reports"]) == set(reports), (
        "truth.reports must list every report of the folder (jsonl: one per line)"
    )
    assert 3 <= len(reports) <= 6, f"{len(reports)} reports"
    for key, report in reports.items():
        words = _words(report)
        if not 120 <= words <= 450:
            problems.append(f"{key}: {words} words (120-450)")
        datetime.fromisoformat(truth["reports"][key]["published"])

    def check(value: str, files: list[str], where: str) -> None:
        for f in files:
            if f not in reports:
                problems.append(f"{where}: no report {f}")
            elif not _states(reports[f], value):
                problems.append(f"{where}: {value!r} is not written in {f}")

    for c in truth["conflicts"]:
        where = f"conflict {c['id']}"
        assert c["kind"] in KINDS and c["type"] in TYPES, where
        assert len(c["sides"]) >= 2, where
        seen: set[str] = set()
        for side in c["sides"]:
            check(side["value"], side["files"], where)
            for extra in side.get("compatible", []):
                check(extra["value"], extra["files"], where)
            files = facts.side_files(side)
            assert not files & seen, f"{where}: a file on two sides"
            seen |= files
        if c["type"] == "update":
            times = [min(truth["reports"][f]["published"] for f in side["files"]) for side in c["sides"]]
            parsed = [datetime.fromisoformat(t) for t in times]
            assert parsed == sorted(parsed) and len(set(parsed)) == len(parsed), f"{where}: sides not in time order"
            assert [s["reported_at"] for s in c["sides"]] == times, where
        if c["kind"] == "number":
            # the sides really differ to our normaliser, and each side is read back as itself
            a, b = c["sides"][0]["value"], c["sides"][1]["value"]
            assert not facts.numbers_equivalent(a, b), f"{where}: {a!r} and {b!r} are the same number"
            for side in c["sides"]:
                assert facts.values_match("number", side["value"], side["value"]), where
        if c["kind"] == "name":
            a, b = c["sides"][0]["value"], c["sides"][1]["value"]
            assert not facts.names_match(a, b) and not facts.names_match(b, a), f"{where}: names match"
        if c["kind"] == "date":
            a, b = c["sides"][0]["value"], c["sides"][1]["value"]
            assert not facts.values_match("date", a, b) and not facts.values_match("date", b, a), (
                f"{where}: dates match"
            )
    for nc in truth["non_conflicts"]:
        where = f"non-conflict {nc['id']}"
        assert nc["relation"] in RELATIONS and len(nc["values"]) >= 2, where
        for v in nc["values"]:
            check(v["value"], v["files"], where)
        if nc["relation"] in ("equivalent", "rounding"):
            first = nc["values"][0]["value"]
            for v in nc["values"][1:]:
                if facts.number_mentions(first) and facts.number_mentions(v["value"]):
                    assert facts.numbers_equivalent(first, v["value"]), f"{where}: {first!r} vs {v['value']!r}"
    for item in truth["must_state"]:
        assert item["forms"], item["what"]
        if not any(_states(r, form) for r in reports.values() for form in item["forms"]):
            problems.append(f"must_state {item['what']!r}: no form is written in any report")
    for op in truth["opinions"]:
        check(op["text"], op["files"], "opinion")
        for marker in op["markers"]:
            assert facts.fold(marker) in facts.fold(op["text"]), f"opinion marker {marker!r} not in its text"
    for group in truth["central_event"]["keywords"]:
        if not any(
            re.search(r"\b" + re.escape(facts.fold(k)), facts.fold(r.text)) for r in reports.values() for k in group
        ):
            problems.append(f"central_event keyword group {group} is in no report")
    assert not problems, "\n".join(problems)


def _count(folders: list[Path], key: str) -> int:
    return sum(len(facts.load_truth(f)[key]) for f in folders)


def test_dev_set_size() -> None:
    assert len(DEV) >= 24
    assert _count(DEV, "conflicts") >= 45
    assert _count(DEV, "non_conflicts") >= 25
    kinds = {c["kind"] for f in DEV for c in facts.load_truth(f)["conflicts"]}
    types = {c["type"] for f in DEV for c in facts.load_truth(f)["conflicts"]}
    assert kinds == KINDS and types == TYPES


def test_heldout_set_size() -> None:
    assert len(HELDOUT) >= 8
    assert not {f.name for f in DEV} & {f.name for f in HELDOUT}


def test_heldout2_set_size() -> None:
    """The second held-out set: written without reading digest's code, for a single final measurement."""
    assert len(HELDOUT2) >= 10
    assert _count(HELDOUT2, "conflicts") >= 25
    assert _count(HELDOUT2, "non_conflicts") >= 12
    updates = [c for f in HELDOUT2 for c in facts.load_truth(f)["conflicts"] if c["type"] == "update"]
    assert len(updates) >= 6
    kinds = {c["kind"] for f in HELDOUT2 for c in facts.load_truth(f)["conflicts"]}
    types = {c["type"] for f in HELDOUT2 for c in facts.load_truth(f)["conflicts"]}
    assert kinds == KINDS and types == TYPES
    earlier = {f.name for f in DEV + HELDOUT}
    assert not earlier & {f.name for f in HELDOUT2}


@pytest.mark.parametrize(
    ("blind", "earlier", "min_conflicts", "every_relation"),
    [
        (HELDOUT3, DEV + HELDOUT + HELDOUT2, 40, False),
        (HELDOUT4, DEV + HELDOUT + HELDOUT2 + HELDOUT3, 45, True),
        (HELDOUT5, DEV + HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4, 45, True),
        (HELDOUT6, DEV + HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5, 45, True),
        (HELDOUT7, DEV + HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5 + HELDOUT6, 45, True),
        (HELDOUT8, DEV + HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5 + HELDOUT6 + HELDOUT7, 45, True),
        (
            HELDOUT9,
            DEV + HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5 + HELDOUT6 + HELDOUT7 + HELDOUT8,
            45,
            True,
        ),
    ],
    ids=["heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9"],
)
def test_blind_set_size(blind: list[Path], earlier: list[Path], min_conflicts: int, every_relation: bool) -> None:
    """The third to ninth held-out sets: written blind (no reading of digest's code, no benchmark run), measured once."""
    assert len(blind) >= 10
    conflicts = [c for f in blind for c in facts.load_truth(f)["conflicts"]]
    assert len(conflicts) >= min_conflicts
    assert _count(blind, "non_conflicts") >= 25
    assert sum(c["type"] == "update" for c in conflicts) >= 6
    assert sum(c["type"] == "minor" for c in conflicts) >= 5
    assert {c["kind"] for c in conflicts} == KINDS and {c["type"] for c in conflicts} == TYPES
    if every_relation:
        relations = {nc["relation"] for f in blind for nc in facts.load_truth(f)["non_conflicts"]}
        assert relations == RELATIONS
    assert not {f.name for f in earlier} & {f.name for f in blind}


def test_normaliser_equivalences() -> None:
    same = [
        ("a quarter point", "25 basis points"),
        ("a quarter of a percentage point", "0.25 percentage points"),
        ("a tenth of its staff", "10%"),
        ("two dozen", "24"),
        ("1.2 million", "1,200,000"),
        ("£85m", "£85 million"),
        ("nearly 24,000", "23,980"),
        ("4.75 per cent", "4.75%"),
        ("twenty-four", "24"),
        ("7:15 a.m.", "7:15am"),
    ]
    for a, b in same:
        assert facts.numbers_equivalent(a, b), (a, b)
    different = [("4.5%", "4.75%"), ("12", "15"), ("1968", "1967"), ("nearly 24,000", "23,500"), ("£40m", "£55m")]
    for a, b in different:
        assert not facts.numbers_equivalent(a, b), (a, b)
    # a precise figure is not backed by a source's round one
    assert not facts.supported_by(facts.number_mentions("23,980")[0], facts.number_mentions("nearly 24,000"))
    assert facts.supported_by(facts.number_mentions("about 24,000")[0], facts.number_mentions("23,980 fans"))


def _output(disagreements: list[dict], sentences: list[dict]) -> dict:
    """A `digest brief --format json` answer for the bridge story, in the update contract."""
    names = ["a.txt", "b.html", "c.json", "d.txt"]
    sources = [
        {"n": i, "path": f"tests/fixtures/stories/dev/bridge-collapse/{p}"} for i, p in enumerate(names, start=1)
    ]
    story = {"sources": sources, "sentences": sentences, "disagreements": disagreements}
    return {"schema": 2, "stories": [story]}


def _side(value: str, *ns: int, at: str | None = None) -> dict:
    side: dict = {"value": value, "citations": list(ns)}
    if at is not None:
        side["reported_at"] = at
    return side


PERFECT = [
    {"about": "people killed", "kind": "number", "severity": "update",
     "sides": [_side("four", 1, 2, at="2025-11-04T14:40:00+00:00"), _side("five", 3, 4, at="2025-11-05T00:05:00+00:00")]},
    {"about": "people injured", "kind": "number", "severity": "disagreement", "sides": [_side("12", 1, 4), _side("15", 2)]},
    {"about": "year built", "kind": "number", "severity": "disagreement", "sides": [_side("1968", 1, 3), _side("1967", 2)]},
    {"about": "sheriff", "kind": "name", "severity": "minor", "sides": [_side("Dana Whitfield", 1, 2), _side("Dana Whitfeld", 4)]},
]  # fmt: skip


def _score(disagreements: list[dict], sentences: list[dict] | None = None) -> facts.StoryScore:
    folder = next(f for f in DEV if f.name == "bridge-collapse")
    truth, reports = facts.load_truth(folder), facts.read_reports(folder)
    score, _ = facts.score_output(folder, truth, reports, _output(disagreements, sentences or []), 1.0)
    return score


def test_scorer_on_the_update_contract() -> None:
    """The scorer counts what the contract says and nothing else, on a hand-made answer."""
    perfect = _score(PERFECT)
    assert [c[2] for c in perfect.conflicts] == [True, True, True, True] and not perfect.false
    # an update shown as a plain disagreement, or oldest last, is found but not strictly
    as_conflict = _score([{**PERFECT[0], "severity": "disagreement"}, *PERFECT[1:]])
    assert as_conflict.conflicts[0][2:] == (False, True)
    reversed_update = _score([{**PERFECT[0], "sides": PERFECT[0]["sides"][::-1]}, *PERFECT[1:]])
    assert reversed_update.conflicts[0][2:] == (False, True)
    # a spelling variant shown as two people is not minor
    assert _score([*PERFECT[:3], {**PERFECT[3], "severity": "disagreement"}]).conflicts[3][2:] == (False, True)
    # sides that do not separate the sources find nothing
    blurred = {**PERFECT[1], "sides": [_side("12", 1, 2), _side("15", 2)]}
    assert _score([blurred]).conflicts[1][2:] == (False, False)
    # the injured mixed into the dead: found, not strict
    mixed = {**PERFECT[0], "sides": [*PERFECT[0]["sides"], _side("12", 4)]}
    assert _score([mixed]).conflicts[0][2:] == (False, True)
    # equivalent values paired: a false disagreement, tagged with the non-conflict it pairs
    equal = {
        "about": "repair",
        "kind": "number",
        "severity": "disagreement",
        "sides": [_side("$48 million", 1), _side("$48m", 3)],
    }
    false = _score([*PERFECT, equal]).false
    assert len(false) == 1 and "repair-cost" in false[0]


def test_scorer_numeric_citations() -> None:
    sentences = [
        {"text": "Five people died when the Route 9 bridge collapsed.", "citations": [3, 4]},
        {"text": "Four people were killed and 15 injured.", "citations": [1, 2]},  # [1] says 12 injured
        {"text": "The bridge carried about 18,000 vehicles a day.", "citations": [1]},
        {"text": "Sheriff Dana Whitfield led the search.", "citations": [1]},  # no number: not counted
    ]
    score = _score(PERFECT, sentences)
    assert (score.cite_ok, score.cite_total) == (4, 5)
    assert score.must_hit == 2 and score.lead_ok


@pytest.mark.slow
def test_benchmark_runs_on_three_stories() -> None:
    slugs = [f.name for f in DEV[:3]]
    proc = subprocess.run(
        [sys.executable, "benchmarks/facts.py", "--no-model", "--stories", ",".join(slugs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    for slug in slugs:
        assert re.search(rf"^{re.escape(slug)}\s+\d+\s+\d+/\d+", out, re.M), out
    recall = re.search(r"conflict recall, strict\s+([\d.]+) \((\d+)/(\d+)\)", out)
    assert recall and int(recall.group(3)) == _count(DEV[:3], "conflicts"), out
    assert "numeric citation precision" in out and "ERROR" not in out


def _out(severity: str, *sides: tuple[str, str]) -> facts.OutDisagreement:
    return facts.OutDisagreement(
        "former tenants", "number", severity, [facts.OutSide(v, frozenset({f}), None) for v, f in sides]
    )


def test_some_sides_of_one_planted_conflict_are_partial_not_false() -> None:
    """Two of an update's three counts are a real, incomplete disagreement: not false, not found."""
    truth = {
        "conflicts": [
            {
                "id": "tenants",
                "kind": "number",
                "type": "update",
                "about": "former tenants who called",
                "sides": [
                    {"value": "nearly 200", "files": ["a.txt"]},
                    {"value": "more than 300", "files": ["b.html"]},
                    {"value": "more than 450", "files": ["c.json"]},
                ],
            }
        ],
        "non_conflicts": [],
    }
    score = facts.StoryScore("s")
    facts.score_disagreements(truth, [_out("update", ("nearly 200", "a.txt"), ("more than 300", "b.html"))], score)
    assert score.partial and not score.false and score.conflicts == [("tenants", "update", False, False)]
    score = facts.StoryScore("s")
    facts.score_disagreements(truth, [_out("update", ("nearly 200", "a.txt"), ("more than 350", "b.html"))], score)
    assert score.false and not score.partial  # a value no planted side has is not a part of it
    score = facts.StoryScore("s")
    whole = _out("update", ("nearly 200", "a.txt"), ("more than 300", "b.html"), ("more than 450", "c.json"))
    facts.score_disagreements(truth, [whole], score)
    assert score.conflicts == [("tenants", "update", True, True)] and not score.partial and not score.false
