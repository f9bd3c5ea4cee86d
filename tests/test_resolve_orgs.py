"""Cross-article resolution: one organisation however its name is shortened, two when the same words
follow two countries' names, the same answer whatever order Python's sets iterate in; a person never called "The"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.ingest.entities import OrgCandidate
from bot.ingest.resolve import resolve_orgs

ROOT = Path(__file__).resolve().parent.parent


def org(name: str, acronym: str | None = None) -> OrgCandidate:
    return OrgCandidate(name=name, start=0, end=len(name), rule="fixture", acronym=acronym)


def groups(pairs: list[tuple[int, OrgCandidate]]) -> list[set[str]]:
    return [set(record.aliases) for record in resolve_orgs(pairs, set())]


def test_the_same_words_after_two_countries_are_two_organisations() -> None:
    """'Kenya National Rail Company' and 'Norway National Rail Company' both shorten to 'National Rail': they
    were one organisation with every such company's aliases (77 of them in 400 bench articles)."""
    found = groups([(1, org("Kenya National Rail Company")), (2, org("Norway National Rail Company")),
                    (3, org("Chile National Rail Corporation"))])
    assert len(found) == 3
    assert all(len({a.split()[0] for a in aliases} & {"Kenya", "Norway", "Chile"}) == 1 for aliases in found)


def test_a_name_without_its_country_still_joins_its_organisation() -> None:
    found = groups([(1, org("Kenya National Rail Company")), (2, org("Kenya National Rail")),
                    (3, org("National Rail Company"))])
    assert len(found) == 1


def test_a_country_less_name_joins_one_organisation_not_two_countries() -> None:
    found = groups([(1, org("Kenya National Rail Company")), (2, org("Norway National Rail Company")),
                    (3, org("National Rail"))])
    assert len(found) == 2  # 'National Rail' went to the first; the Kenyan and Norwegian companies stay apart


def test_an_index_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Which of several matching records a merge kept, and which organisation a person's 'Kenya National Oil'
    named, followed set order: two builds of 400 bench articles differed in 20,000 lines of `export` under
    two PYTHONHASHSEEDs."""
    from bench.corpus import generate

    seeds = tmp_path / "seeds"
    generate(120, seeds)
    exports = []
    for seed in ("1", "2"):
        db = tmp_path / f"index-{seed}.sqlite3"
        env = {**os.environ, "PYTHONHASHSEED": seed, "DB_PATH": str(db), "SEEDS_DIR": str(seeds),
               "CITEBOT_BUILD_WORKERS": "1", "BOT_TOKEN": ""}
        subprocess.run([sys.executable, "-m", "bot", "index", "--no-cache"], env=env, cwd=ROOT, check=True,
                       capture_output=True, timeout=600)
        done = subprocess.run([sys.executable, "-m", "bot", "export"], env=env, cwd=ROOT, check=True,
                              capture_output=True, timeout=300, text=True)
        exports.append(json.loads(done.stdout))
    assert exports[0] == exports[1]


def test_a_name_that_ran_into_the_next_sentence_is_never_called_the() -> None:
    from bot.ingest.lexicon import lexicon
    from bot.ingest.resolve import person_forms

    _display, _full, short = person_forms(("Marta", "Colli", "The"), lexicon())
    assert "The" not in short
