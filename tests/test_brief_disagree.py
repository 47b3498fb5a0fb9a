"""The disagreement finder on crafted stories: figures, people in one role, spellings, dates."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.brief import disagree, evidence
from digest.types import Article


def _article(n: int, *sentences: str) -> Article:
    return Article(
        id=f"a{n}",
        origin=f"test{n}.txt",
        url=None,
        outlet=f"Outlet {n}",
        title=None,
        author=None,
        published=datetime(2024, 11, 4, tzinfo=UTC),
        language="en",
        paragraphs=(" ".join(sentences),),
        sentences=tuple(sentences),
    )


def _find(embedder, *articles: Article):
    return disagree.find(evidence.gather(articles, embedder), embedder)


def test_conflicting_figures_for_the_same_thing(embedder):
    found = _find(
        embedder,
        _article(1, "Officials said the earthquake killed 120 people in the mountain villages."),
        _article(2, "The earthquake killed at least 150 people in the mountain villages, the Red Cross said."),
        _article(3, "Rescuers said 120 people died when the earthquake struck the villages."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1
    sides = {s.value: s.citations for s in numbers[0].sides}
    assert sides == {"120": (1,), "150": (2,)} or sides == {"120": (1, 3), "150": (2,)}
    assert numbers[0].severity == "disagreement"


def test_different_people_in_the_same_role_and_a_spelling_variant(embedder):
    found = _find(
        embedder,
        _article(
            1,
            "The envoy met Interior Minister Ahmed Karimov in the capital on Monday.",
            "President Volodymyr Zelenskyy thanked the envoy for the visit.",
        ),
        _article(
            2,
            "In the capital, the envoy also met Interior Minister Ahmed Rahimov to discuss border security.",
            "President Volodymyr Zelenskiy welcomed the visit.",
        ),
    )
    kinds = {(d.kind, d.severity) for d in found}
    assert ("name", "disagreement") in kinds
    role = next(d for d in found if d.severity == "disagreement" and d.kind == "name")
    assert role.about == "interior minister"
    assert {s.value for s in role.sides} == {"Ahmed Karimov", "Ahmed Rahimov"}
    minor = next(d for d in found if d.severity == "minor")
    assert {s.value for s in minor.sides} == {"Volodymyr Zelenskyy", "Volodymyr Zelenskiy"}


def test_agreeing_sources_and_unrelated_figures_are_not_reported(embedder):
    found = _find(
        embedder,
        _article(1, "The company will cut 2,000 jobs in Germany next year, its chief executive said."),
        _article(2, "The carmaker plans to eliminate 2000 jobs in Germany, the chief executive announced."),
        _article(3, "Separately, about 40 people attended a protest outside the company's headquarters in Munich."),
    )
    assert [d for d in found if d.kind == "number"] == []


def test_conflicting_dates_inside_one_claim():
    assert disagree.calendar_days("The summit opened on Nov. 4 in Seoul.") == {(11, 4)}
    assert disagree.calendar_days("The summit opened on 5 November in Seoul.") == {(11, 5)}
    assert disagree.calendar_days("Troops may be deployed.") == set()
