"""Extraction scored on whole corpora, with precision and recall thresholds instead of exact counts.

The development corpus (`tests/data/dev/`: 26 articles in the styles of 20 outlets, with gold) and the seeds
(`seeds/`, gold in `tests/data/gold.json`) are indexed and scored the way the project's evaluation scores them
(`tests/corpus_eval.py`: the index's export, then the bot's answers to the gold queries through the real
Application). A failure names what was missed. Both corpora together take a few seconds.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from corpus_eval import Score, evaluate

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"

pytestmark = pytest.mark.corpus

# measure → (threshold, the verbose list that says what was missed or wrongly found)
DEV_THRESHOLDS = {
    "outlet_ok": (0.95, "outlets_wrong"),
    "people_recall": (0.95, "people_missing"),
    "people_precision": (0.95, "people_extra"),
    "people_role_ok": (0.90, "role_misses"),
    "org_recall": (0.90, "orgs_missing"),
    "org_precision": (0.90, "orgs_extra"),
    "agreements_recall": (0.90, "agreements_missing"),
    "agreements_precision": (0.90, "agreements_extra"),
    "sector_recall": (0.90, "sector_misses"),
    "query_recall": (0.92, "query_fails"),
    "empty_correct": (1.00, "query_fails"),
}
# The seeds' gold does not count an article's own outlet as an organisation (the dev gold does, and the index
# lists every outlet as one): the seeds' two outlets are the two organisations there beyond the gold, so
# organisation precision on the seeds is 16/18 by construction. Every other measure is exact there.
SEED_THRESHOLDS = {key: (1.00, details) for key, (_, details) in DEV_THRESHOLDS.items()}
SEED_THRESHOLDS["org_precision"] = (0.88, "orgs_extra")


def _scored(articles: Path, gold: Path) -> Score:
    logging.disable(logging.WARNING)  # the build's per-file lines are not what this test reads
    try:
        return evaluate(articles, gold, queries=True)
    finally:
        logging.disable(logging.NOTSET)


@pytest.fixture(scope="module")
def dev() -> Score:
    return _scored(DEV / "articles", DEV / "gold.json")


@pytest.fixture(scope="module")
def seeds() -> Score:
    return _scored(ROOT / "seeds", ROOT / "tests" / "data" / "gold.json")


def _below(score: Score, thresholds: dict[str, tuple[float, str]]) -> list[str]:
    """One paragraph per measure under its threshold: the figure, and what was missed."""
    failures = []
    for measure, (threshold, details) in thresholds.items():
        value = score.results[measure]
        if value + 1e-9 < threshold:
            listed = "\n".join(f"      {item}" for item in score.details.get(details, [])) or "      (no details)"
            failures.append(f"{measure} = {value:.3f} < {threshold:.2f}; {details}:\n{listed}")
    return failures


@pytest.mark.parametrize("measure", list(DEV_THRESHOLDS))
def test_dev_corpus_measure(dev: Score, measure: str) -> None:
    failures = _below(dev, {measure: DEV_THRESHOLDS[measure]})
    assert not failures, "\n".join(failures) + f"\n  all scores: {dev.line()}"


def test_dev_corpus_citations_are_verbatim(dev: Score) -> None:
    assert dev.results["citations_not_verbatim"] == 0, "a citation quotes text that no article holds"


@pytest.mark.parametrize("measure", list(SEED_THRESHOLDS))
def test_seeds_measure(seeds: Score, measure: str) -> None:
    failures = _below(seeds, {measure: SEED_THRESHOLDS[measure]})
    assert not failures, "\n".join(failures) + f"\n  all scores: {seeds.line()}"


def test_seeds_citations_are_verbatim(seeds: Score) -> None:
    assert seeds.results["citations_not_verbatim"] == 0, "a citation quotes text that no article holds"


def test_a_missed_person_is_named_in_the_failure() -> None:
    """The failure message lists what was missed, not just a number."""
    score = Score(results={"people_recall": 0.5}, details={"people_missing": ["Ilse Marquardt"]})
    (message,) = _below(score, {"people_recall": (0.95, "people_missing")})
    assert "people_recall = 0.500 < 0.95" in message and "Ilse Marquardt" in message
