"""A rebuild reads only what changed: the per-article results of unchanged files come from the cache beside the
index, and the index it writes is the same, row for row, as a build from nothing. A pooled build writes the same
index as a single-process one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.index.build import build_index, index_meta
from bot.ingest import cache, pipeline
from tests.conftest import ROOT, SEEDS

DATA = ROOT / "tests" / "data"
UNSEEN = DATA / "unseen" / "101_brazil_india.txt"


def index_content(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table of an index file (the full-text tables' own storage included), in storage order."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: con.execute(f'SELECT * FROM "{table}"').fetchall() for table in tables}
    finally:
        con.close()


def assert_same_index(a: Path, b: Path) -> None:
    first, second = index_content(a), index_content(b)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], f"table {table} differs"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds and the development articles in one folder: some thirty articles of different outlets."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    for path in (DATA / "dev" / "articles").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    for path in (DATA / "styles").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_adding_changing_and_removing_a_file_rereads_only_those_and_gives_the_index_of_a_full_build(
    corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "citebot.sqlite3"
    first = build_index(corpus, db)
    total = first.articles
    assert (first.extracted, first.reused) == (total, 0) and cache.cache_path(db).is_file()

    unchanged = build_index(corpus, db)
    assert (unchanged.extracted, unchanged.reused) == (0, total)
    assert (unchanged.added, unchanged.changed, unchanged.removed) == ([], [], [])

    shutil.copy(UNSEEN, corpus / UNSEEN.name)  # added
    changed = corpus / "503_vns-napas-nspk-card-payment-mou.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nThe Ministry of Finance of Vietnam welcomed the memorandum.\n",
        encoding="utf-8",
    )
    (corpus / "505_ap-russian-warships-cam-ranh.txt").unlink()  # removed
    (corpus / "blob.txt").write_bytes(b"\x00\x01binary")  # skipped, and said so as before

    incremental = build_index(corpus, db)
    assert (incremental.extracted, incremental.reused) == (3, total - 2)  # the new, the changed, the blob
    assert incremental.added == [UNSEEN.stem]
    assert incremental.changed == [changed.stem]
    assert incremental.removed == ["505_ap-russian-warships-cam-ranh"]
    assert [(s.file, s.reason) for s in incremental.skipped] == [("blob.txt", "binary file, not text")]
    assert any("Files read anew: 3, unchanged and taken from the cache: " in line for line in incremental.summary_lines())

    full = tmp_path / "full.sqlite3"
    from_nothing = build_index(corpus, full, cache=False)
    assert (from_nothing.extracted, from_nothing.reused) == (total + 1, 0)
    assert not cache.cache_path(full).exists()
    assert_same_index(db, full)
    assert index_meta(db)["seeds_digest"] == pipeline.seeds_digest(corpus) == index_meta(full)["seeds_digest"]

    again = build_index(corpus, db)  # the cache now holds what the folder holds: removed files are gone from it
    assert (again.extracted, again.reused) == (0, total + 1)  # the blob's reason is kept too
    with cache.ArticleCache(cache.cache_path(db)) as kept:
        assert len(list(kept.keys())) == total + 1


def test_a_new_extractor_reads_every_file_anew(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "citebot.sqlite3"
    total = build_index(corpus, db).articles
    monkeypatch.setattr(cache, "extractor_version", lambda: "another version of the extractor")
    rebuilt = build_index(corpus, db)
    assert (rebuilt.extracted, rebuilt.reused) == (total, 0)
    assert index_meta(db)["extractor"] == "another version of the extractor"


def test_the_extractor_version_follows_the_code_and_the_lexicon() -> None:
    sources = {path.relative_to(ROOT / "bot").as_posix() for path in (ROOT / "bot" / "ingest").rglob("*")}
    assert "ingest/lexicon/people.json" in sources and "ingest/entities.py" in sources
    version = cache.extractor_version()
    assert len(version) == 32 and version == cache.extractor_version()


def test_a_damaged_cache_costs_a_full_read_and_nothing_else(corpus: Path, tmp_path: Path, caplog) -> None:
    db = tmp_path / "citebot.sqlite3"
    build_index(corpus, db)
    reference = tmp_path / "reference.sqlite3"
    shutil.copy(db, reference)
    cache.cache_path(db).write_bytes(b"this is not a database at all" * 100)
    caplog.set_level("WARNING")
    rebuilt = build_index(corpus, db)
    assert rebuilt.extracted == rebuilt.articles and any("article cache" in r.getMessage() for r in caplog.records)
    assert_same_index(db, reference)
    assert build_index(corpus, db).reused == rebuilt.articles  # a new cache was started


def test_a_damaged_entry_is_read_anew(corpus: Path, tmp_path: Path, caplog) -> None:
    db = tmp_path / "citebot.sqlite3"
    total = build_index(corpus, db).articles
    reference = tmp_path / "reference.sqlite3"
    shutil.copy(db, reference)
    con = sqlite3.connect(cache.cache_path(db))
    con.execute("UPDATE entries SET entry = x'00ff00ff' WHERE key = (SELECT min(key) FROM entries)")
    con.commit()
    con.close()
    caplog.set_level("WARNING")
    rebuilt = build_index(corpus, db)
    assert (rebuilt.extracted, rebuilt.reused) == (0, total - 1)
    assert any("reading the file anew" in r.getMessage() for r in caplog.records)
    assert_same_index(db, reference)


def test_a_pooled_build_writes_the_same_index_as_one_process(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "POOL_FROM", 1)  # a pool even for this small folder
    monkeypatch.setenv(pipeline.WORKERS_VARIABLE, "2")
    pooled = build_index(corpus, tmp_path / "pooled.sqlite3", cache=False)
    monkeypatch.setenv(pipeline.WORKERS_VARIABLE, "1")
    single = build_index(corpus, tmp_path / "single.sqlite3", cache=False)
    assert (pooled.workers, single.workers) == (2, 1)
    assert pooled.articles == single.articles > 25
    assert_same_index(tmp_path / "pooled.sqlite3", tmp_path / "single.sqlite3")


def test_citebot_index_says_what_it_read_anew_and_no_cache_leaves_the_cache_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    db = tmp_path / "citebot.sqlite3"
    assert main(["index", "--seeds", str(SEEDS), "--db", str(db), "--no-cache"]) == 0
    assert "Files read anew: 2, unchanged and taken from the cache: 0" in capsys.readouterr().out
    assert not cache.cache_path(db).exists()
    assert main(["index", "--seeds", str(SEEDS), "--db", str(db)]) == 0
    assert main(["index", "--seeds", str(SEEDS), "--db", str(db)]) == 0
    assert "Files read anew: 0, unchanged and taken from the cache: 2" in capsys.readouterr().out


def test_a_rebuild_takes_the_full_text_forms_from_the_cache_and_writes_the_same_index(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each sentence's full-text form comes with its cached candidates and each agreement's from the cache's
    `folded` table: an unchanged folder folds nothing again; a cache without them folds anew, to the same index."""
    from bot.index import build

    db = tmp_path / "citebot.sqlite3"
    first = build_index(corpus, db)
    reference = tmp_path / "reference.sqlite3"
    shutil.copy(db, reference)
    folded: list[str] = []
    real = build.searchable
    monkeypatch.setattr(build, "searchable", lambda text: folded.append(text) or real(text))

    again = build_index(corpus, db)
    assert (again.reused, folded) == (first.articles, [])
    assert_same_index(db, reference)

    con = sqlite3.connect(cache.cache_path(db))
    con.execute("DELETE FROM folded")
    con.commit()
    con.close()
    build_index(corpus, db)
    assert len(folded) == first.agreements > 0
    assert_same_index(db, reference)


def _article(folder: Path, name: str, date: str, title: str, body: str) -> None:
    (folder / name).write_text(f" date {date} {title}\n{title}\n\n{body}\n", encoding="utf-8")


def _people_of(db: Path, article: str) -> set[str]:
    """The keys of the people the index says an article's sentences mention."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return {row[0] for row in con.execute(
            "SELECT m.entity FROM mentions m JOIN sentences s ON s.id = m.sentence JOIN entities e ON e.key = m.entity "
            "WHERE s.article = ? AND e.kind = 'person'", (article,))}


def test_kept_mentions_give_the_index_of_a_full_build_when_articles_come_change_and_go(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article's mentions are kept from the last build unless what they depend on changed, here or elsewhere:
    a new article naming another Korsakin makes 'Korsakin' no one's alone, so an older article that called
    the minister only that loses the mention; removing it gives it back. Each time, the index is a full build's."""
    from bot.ingest import extract as extract_module

    calls: list[str] = []
    real = extract_module.article_mentions
    monkeypatch.setattr(extract_module, "article_mentions", lambda article, *rest: calls.append(article.id) or real(article, *rest))
    db, full = tmp_path / "warm.sqlite3", tmp_path / "full.sqlite3"

    def rebuild() -> list[str]:
        """The articles whose mentions the warm build found again."""
        calls.clear()
        build_index(corpus, db)
        again = list(calls)
        build_index(corpus, full, cache=False)
        assert_same_index(db, full)
        return again

    _article(corpus, "k1.txt", "2024-03-01", "Freedonia and Sylvania sign port deal",
             "Freedonian Transport Minister Pavel Korsakin met Sylvanian officials in Harbor City on Monday. "
             "Korsakin said the two countries signed a memorandum on port cooperation.")
    _article(corpus, "k2.txt", "2024-03-04", "Port talks continue",
             "Talks on the Harbor City terminal continued on Thursday. Korsakin said the terminal would open in 2026. "
             "The minister added that trade grew by 12 percent.")
    total = len(rebuild())
    minister = _people_of(db, "k2")
    assert len(minister) == 1 and minister <= _people_of(db, "k1")

    calls.clear()
    build_index(corpus, db)  # nothing changed: every article keeps its mentions
    assert calls == []

    _article(corpus, "k3.txt", "2024-03-06", "Sylvania names new governor",
             "Sylvanian President Lena Varga appointed Anton Korsakin governor of the northern province on Wednesday. "
             "Anton Korsakin, a former banker, thanked the president.")
    found = rebuild()
    assert "k3" in found and "k2" in found and len(found) < total / 2
    assert _people_of(db, "k2") == set()  # 'Korsakin' alone is no one's now

    changed = corpus / "503_vns-napas-nspk-card-payment-mou.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nPavel Korsakin welcomed the memorandum.\n", encoding="utf-8")
    found = rebuild()
    assert "503_vns-napas-nspk-card-payment-mou" in found and len(found) < total / 2

    (corpus / "k3.txt").unlink()
    found = rebuild()
    assert "k2" in found and "k3" not in found
    assert _people_of(db, "k2") == minister


def test_damaged_or_foreign_kept_mentions_are_found_again(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "citebot.sqlite3"
    build_index(corpus, db)
    reference = tmp_path / "reference.sqlite3"
    shutil.copy(db, reference)
    con = sqlite3.connect(cache.cache_path(db))
    con.execute("UPDATE mentions SET entry = x'00ff00ff' WHERE key = (SELECT min(key) FROM mentions)")
    con.execute("UPDATE mentions SET entry = ? WHERE key = (SELECT max(key) FROM mentions)", (cache.pack(("not", "an", "entry")),))
    con.commit()
    build_index(corpus, db)
    assert_same_index(db, reference)
    con.execute("UPDATE mention_state SET state = x'00ff00ff'")
    con.commit()
    build_index(corpus, db)
    assert_same_index(db, reference)
    con.execute("DELETE FROM mention_state")
    con.commit()
    con.close()
    build_index(corpus, db)
    assert_same_index(db, reference)


def test_mentions_are_not_kept_over_those_of_a_build_that_wrote_meanwhile(tmp_path: Path) -> None:
    """Kept mentions hold for the state they were compared with: a build whose state was replaced by another's
    while it ran writes none of its own (theirs stay, with their state)."""
    with cache.ArticleCache(tmp_path / "x.cache") as store:
        assert store.load_mention_state() is None
        store.store_mentions({"a": b"first"}, keep=["a"], state=b"one", token=None)
        token, state = store.load_mention_state()
        assert state == b"one" and store.load(["a"], table="mentions") == {"a": b"first"}
        store.store_mentions({"a": b"second"}, keep=["a"], state=b"two", token="an older build's")
        assert store.load_mention_state() == (token, b"one") and store.load(["a"], table="mentions") == {"a": b"first"}
        store.store_mentions({"b": b"third"}, keep=["b"], state=b"three", token=token)
        assert store.load_mention_state()[1] == b"three" and store.load(["a", "b"], table="mentions") == {"b": b"third"}
