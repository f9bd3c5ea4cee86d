"""`citebot index` and `citebot export` as a user runs them: exit codes, the summary, the JSON document."""

from __future__ import annotations

import json
import shutil
import types
from pathlib import Path

import pytest

from bot.cli import main
from bot.ingest import pipeline
from bot.models import Facts, Skipped
from test_index import invented_facts

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CITATION_KEYS = {"article", "outlet", "date", "url", "sentence", "start", "end"}


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No `.env` or variables of the developer's shell leak into a test."""
    monkeypatch.chdir(tmp_path)
    for name in ("SEEDS_DIR", "DB_PATH", "ADMIN_IDS", "BOT_TOKEN", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_ingest(monkeypatch: pytest.MonkeyPatch):
    """The real pipeline with its reading replaced: `result` (an `Ingested`) is what ingest returns."""
    state = types.SimpleNamespace(result=None, calls=0)

    def ingest_folder(seeds_dir: Path, progress=None, **options) -> pipeline.Ingested:
        if not Path(seeds_dir).is_dir():
            raise pipeline.SeedsError(f"seeds folder not found: {seeds_dir}")
        state.calls += 1
        return state.result

    monkeypatch.setattr(pipeline, "ingest_folder", ingest_folder)
    return state


def test_index_prints_what_it_indexed_and_skipped(tmp_path: Path, fake_ingest, capsys) -> None:
    fake_ingest.result = pipeline.Ingested(
        facts=invented_facts(), skipped=[Skipped(file="blob.txt", reason="binary file, not text")]
    )
    code = main(["index", "--seeds", str(tmp_path), "--db", str(tmp_path / "i.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Indexed 2 articles (9 sentences)" in out
    assert "People: 4, organisations: 3, agreements: 3, figures: 2" in out
    assert "blob.txt: binary file, not text" in out
    assert (tmp_path / "i.sqlite3").is_file()


def test_index_of_a_missing_folder_is_one_clear_line(tmp_path: Path, fake_ingest, capsys) -> None:
    code = main(["index", "--seeds", str(tmp_path / "nowhere"), "--db", str(tmp_path / "i.sqlite3")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.strip().splitlines() == [f"citebot: seeds folder not found: {tmp_path / 'nowhere'}"]
    assert "Traceback" not in captured.err and captured.out == ""


def test_index_with_no_readable_article_fails_and_says_why(tmp_path: Path, fake_ingest, capsys) -> None:
    fake_ingest.result = pipeline.Ingested(facts=Facts(), skipped=[Skipped(file="e.txt", reason="empty file")])
    code = main(["index", "--seeds", str(tmp_path), "--db", str(tmp_path / "i.sqlite3")])
    err = capsys.readouterr().err
    assert code == 1
    assert "no article could be read" in err and "e.txt: empty file" in err
    assert not (tmp_path / "i.sqlite3").exists()


def test_export_builds_a_missing_index_then_prints_the_document(
    tmp_path: Path, fake_ingest, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_ingest.result = pipeline.Ingested(facts=invented_facts(), skipped=[])
    monkeypatch.setenv("SEEDS_DIR", str(tmp_path))
    db = tmp_path / "data" / "i.sqlite3"
    assert main(["export", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)  # the summary went to stderr: stdout is only JSON
    assert "Indexed 2 articles" in captured.err
    assert list(document) == ["articles", "people", "organizations", "agreements", "sectors", "figures"]
    assert [p["name"] for p in document["people"]] == ["Maria Lopez", "Carlos Lopez", "Nikolai Sorokin", "Đặng Văn Tâm"]
    assert set(document["people"][0]) == {"name", "aliases", "role", "organization", "citations"}
    assert document["people"][0]["aliases"] == ["Maria Lopez", "Lopez", "Minister Lopez"]
    assert set(document["organizations"][0]) == {"name", "aliases", "citations"}
    assert set(document["agreements"][0]) == {"title", "type", "parties", "status", "sectors", "citations"}
    assert set(document["figures"][0]) == {"value", "unit", "about", "citations"}
    assert document["sectors"]["energy"] and document["sectors"]["renewables"]
    assert set(document["sectors"]) >= {"maritime", "banking and finance"}  # keyed by the sector's name
    texts = {a["id"]: a["text"] for a in document["articles"]}
    citations = [c for group in ("people", "organizations", "agreements", "figures") for item in document[group]
                 for c in item["citations"]] + [c for cs in document["sectors"].values() for c in cs]
    assert citations
    for citation in citations:
        assert set(citation) == CITATION_KEYS
        assert texts[citation["article"]][citation["start"] : citation["end"]] == citation["sentence"]
    assert document["agreements"][0]["citations"][0]["date"] == "2024-03-05"
    assert '"Đặng Văn Tâm"' in captured.out  # not \u-escaped

    fake_ingest.calls = 0
    assert main(["export", "--db", str(db)]) == 0  # an existing index is exported as it is
    assert fake_ingest.calls == 0 and json.loads(capsys.readouterr().out) == document


def test_without_a_command_the_usage_is_shown(capsys) -> None:
    assert main([]) == 2
    assert "index" in capsys.readouterr().err


# ---------------------------------------------------------------- on the real seeds, with the real ingest

def test_export_of_the_seeds(tmp_path: Path, capsys) -> None:
    assert main(["export", "--db", str(tmp_path / "i.sqlite3")]) == 1  # SEEDS_DIR defaults to ./seeds: none here
    capsys.readouterr()
    assert main(["index", "--seeds", str(SEEDS), "--db", str(tmp_path / "i.sqlite3")]) == 0
    capsys.readouterr()
    assert main(["export", "--db", str(tmp_path / "i.sqlite3")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["articles"]) == 2
    assert document["people"] and document["organizations"] and document["agreements"]
    texts = {a["id"]: a["text"] for a in document["articles"]}
    for agreement in document["agreements"]:
        assert agreement["status"] in {"signed", "planned", "under negotiation", "adopted"}
        for citation in agreement["citations"]:
            assert set(citation) == CITATION_KEYS
            assert texts[citation["article"]][citation["start"] : citation["end"]] == citation["sentence"]
    assert "energy" in document["sectors"]


def test_index_skips_bad_files_with_reasons_and_indexes_the_rest(tmp_path: Path, capsys) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    good = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(good, seeds / good.name)
    (seeds / "empty.txt").write_text("")
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (seeds / "no-date.txt").write_text("Just some words without the date header.\nAnother line.\n")
    code = main(["index", "--seeds", str(seeds), "--db", str(tmp_path / "i.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Indexed 1 article " in out
    for name in ("empty.txt", "binary.txt", "no-date.txt"):
        assert any(line.strip().startswith(f"{name}:") for line in out.splitlines()), out

    (seeds / good.name).unlink()
    assert main(["index", "--seeds", str(seeds), "--db", str(tmp_path / "i.sqlite3")]) == 1
    assert "no article could be read" in capsys.readouterr().err


def test_a_bad_setting_is_one_line_naming_the_variable(monkeypatch, capsys) -> None:
    monkeypatch.setenv("ADMIN_IDS", "me")
    assert main(["index"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("citebot: bad setting ADMIN_IDS")
    assert "ADMIN_IDS must be numeric Telegram user ids, comma-separated ('me' is not one" in err
    assert "invalid literal" not in err  # not Python's int() message


def test_index_if_stale_builds_and_reports_only_when_something_changed(tmp_path: Path, capsys) -> None:
    """`./citebot.sh` runs `citebot index --if-stale` before the console: the summary only when it builds."""
    import os
    import shutil

    seeds, db = tmp_path / "seeds", tmp_path / "i.sqlite3"
    shutil.copytree(SEEDS, seeds)
    assert main(["index", "--if-stale", "--seeds", str(seeds), "--db", str(db)]) == 0
    assert "Indexed 2 articles" in capsys.readouterr().out
    assert main(["index", "--if-stale", "--seeds", str(seeds), "--db", str(db)]) == 0
    assert capsys.readouterr().out == ""  # nothing changed: nothing built, nothing said
    later = db.stat().st_mtime + 5
    seed = next(seeds.glob("*.txt"))
    os.utime(seed, (later, later))
    assert main(["index", "--if-stale", "--seeds", str(seeds), "--db", str(db)]) == 0
    assert "Indexed 2 articles" in capsys.readouterr().out


def test_export_of_a_damaged_index_is_one_line(tmp_path: Path, capsys) -> None:
    """The header (and so the schema version) intact, the pages behind it overwritten: the export said so in a
    traceback."""
    db = tmp_path / "i.sqlite3"
    assert main(["index", "--seeds", str(SEEDS), "--db", str(db)]) == 0
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * 2 :] = b"\xde\xad" * ((len(data) - page * 2) // 2)
    db.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["export", "--db", str(db)]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert line.startswith(f"citebot: cannot read the index {db}") and "citebot index" in line
    assert captured.out == ""
