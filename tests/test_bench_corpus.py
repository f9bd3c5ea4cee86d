"""The benchmark corpus is deterministic and every generated file reads as an article in the seed format."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from bench.corpus import SECTOR_TOPICS, article_file, generate

SECTORS_JSON = Path(__file__).resolve().parent.parent / "bot" / "ingest" / "lexicon" / "sectors.json"


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.txt")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_corpus_and_small_is_a_prefix_of_large(tmp_path: Path) -> None:
    first = generate(30, tmp_path / "a", seed=7)
    again = generate(30, tmp_path / "b", seed=7)
    larger = generate(40, tmp_path / "c", seed=7)
    generate(30, tmp_path / "d", seed=8)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "d") != _digest(tmp_path / "a")  # the seed, not chance, decides the corpus
    assert [p.name for p in first.files] == [p.name for p in again.files] == [p.name for p in larger.files[:30]]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(first.files, larger.files))
    assert _digest(tmp_path / "a") != _digest(tmp_path / "d")


def test_the_one_more_article_of_a_reload_is_the_next_of_the_corpus(tmp_path: Path) -> None:
    larger = generate(31, tmp_path / "a", seed=7)
    (tmp_path / "b").mkdir()
    alone = article_file(30, tmp_path / "b", seed=7)
    assert alone.name == larger.files[30].name and alone.read_bytes() == larger.files[30].read_bytes()


def test_articles_look_like_seed_files(tmp_path: Path) -> None:
    corpus = generate(60, tmp_path)
    chromed = 0
    for path in corpus.files:
        text = path.read_text(encoding="utf-8")
        assert re.match(r"^ date \d{4}-\d{2}-\d{2}[ \n]\S", text), path.name
        assert "—" in text
        chromed += any(mark in text for mark in ("feedback@", "Share on Facebook", "Skip to main content"))
    assert 60 * 0.15 <= chromed <= 60 * 0.6  # about a third carry page chrome
    assert 500 * 60 <= corpus.words <= 900 * 60
    assert len(corpus.people) > 100 and len(corpus.organizations) > 50 and corpus.acronyms


def test_sector_keys_exist_in_the_taxonomy() -> None:
    known = json.loads(SECTORS_JSON.read_text(encoding="utf-8"))["sectors"]
    assert set(SECTOR_TOPICS) <= set(known)


def test_generated_articles_parse_with_the_reader(tmp_path: Path) -> None:
    reader = pytest.importorskip("bot.ingest.reader")
    corpus = generate(25, tmp_path)
    for path in corpus.files:
        article = reader.read_article(path)
        assert article.date.year in (2023, 2024, 2025)
        assert len(article.text.split()) >= 400, path.name
        assert "feedback@" not in article.text and "log in or register" not in article.text
