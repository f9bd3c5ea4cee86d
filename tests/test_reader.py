"""Bad input is skipped with a one-line reason and never stops the other files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.ingest.pipeline import SeedsError, ingest_folder
from bot.ingest.reader import parse_article
from bot.ingest.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", folder)
    return folder


def test_bad_files_are_skipped_with_reasons_and_good_ones_kept(seeds: Path) -> None:
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 50)
    (seeds / "latin1.txt").write_bytes(" date 2025-01-01 Caf\xe9 society opens in Hanoi.\n".encode("latin-1"))
    (seeds / "noheader.txt").write_text("Just some text without the header.\n", encoding="utf-8")
    (seeds / "baddate.txt").write_text(" date 2025-13-45 Something happened.\n", encoding="utf-8")
    shutil.copy(seeds / "000_0e603971c0a66c0f.txt", seeds / "zz_copy.txt")
    with (seeds / "huge.txt").open("wb") as big:
        big.write(b" date 2025-01-01 ")
        big.write(b"word " * (4 * 1024 * 1024))
    ingested = ingest_folder(seeds)
    reasons = {s.file: s.reason for s in ingested.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "date" in reasons["noheader.txt"]
    assert "invalid date" in reasons["baddate.txt"]
    assert reasons["zz_copy.txt"] == "duplicate of 000_0e603971c0a66c0f.txt"
    assert "too large" in reasons["huge.txt"]
    assert all("\n" not in reason for reason in reasons.values())
    assert {a.file for a in ingested.facts.articles} == {"000_0e603971c0a66c0f.txt", "002_8a3db89a81a38dff.txt"}
    assert len(ingested.facts.agreements) == 11


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SeedsError, match="not found"):
        ingest_folder(tmp_path / "nowhere")


def test_progress_is_reported_per_file(seeds: Path) -> None:
    calls = []
    ingest_folder(seeds, progress=lambda done, total, name: calls.append((done, total, name)))
    assert calls == [(1, 2, "000_0e603971c0a66c0f.txt"), (2, 2, "002_8a3db89a81a38dff.txt")]


def test_sentences_keep_offsets_and_abbreviations() -> None:
    text = "Dr. Smith met U.S. officials on Monday. They signed a deal.\nA bullet without a stop\nV. Putin spoke."
    sentences = list(split_sentences(text))
    assert [s.text for s in sentences] == [
        "Dr. Smith met U.S. officials on Monday.",
        "They signed a deal.",
        "A bullet without a stop",
        "V. Putin spoke.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_outlet_from_signature_and_header_only_article() -> None:
    article = parse_article(" date 2024-02-03 HANOI — Leaders met today. Talks went well. — VNA".encode(), "x.txt")
    assert article.outlet == "VNA"
    assert article.text.endswith("Talks went well.")
    assert article.title.startswith("Leaders met today")
