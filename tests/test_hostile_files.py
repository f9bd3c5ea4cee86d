"""What a careless operator can drop into the seeds folder: absurd lines, pipes, links to devices, files in
other encodings, odd names. Each is read in bounded time, or skipped with a one-line reason, and the good
articles beside it are kept."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from bot.ingest.pipeline import ingest_folder
from bot.ingest.reader import parse_article
from bot.ingest.sentences import MAX_SENTENCE, split

T = TypeVar("T")
GOOD = " date 2025-05-06 Ministers meet\nThe ministers of Freedonia and Sylvania met in the capital on Tuesday.\n"


@contextmanager
def _bounded(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs past `seconds`: a hang is the bug, not a speed."""

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _ingest(folder: Path, seconds: int = 20):  # noqa: ANN202
    with _bounded(seconds):
        return ingest_folder(folder, workers=1)


def _reasons(ingested) -> dict[str, str]:  # noqa: ANN001
    return {item.file: item.reason for item in ingested.skipped}


def test_a_200_kb_line_is_read_in_bounded_time_and_said_to_be_skipped(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text(" date 2025-05-06\n" + "A" * 200_000 + "\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    ingested = _ingest(tmp_path)
    assert [a.id for a in ingested.facts.articles] == ["good"]  # the page held nothing but the dump
    assert "long.txt" in _reasons(ingested)


def test_a_long_line_beside_prose_is_cut_with_a_warning(tmp_path: Path) -> None:
    text = GOOD + "x@" * 60_000 + "\nThe talks in the capital covered energy and trade between the two countries.\n"  # the e-mail pattern once backtracked here
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    ingested = _ingest(tmp_path)
    (article,) = ingested.facts.articles
    assert "x@x@" not in article.text and "energy and trade" in article.text
    assert any("characters with no sentence end" in w.reason for w in ingested.warnings)


@pytest.mark.parametrize("text", ["Mr. " * 50_000, "A. " * 50_000, "word " * 300_000, "U.S. " * 40_000])
def test_the_sentence_splitter_is_linear_and_no_sentence_is_absurdly_long(text: str) -> None:
    with _bounded(10):
        spans = list(split(text, 0, len(text)))
    assert spans and max(end - start for start, end in spans) <= MAX_SENTENCE


def test_one_huge_sentence_becomes_sentences_of_a_sane_length() -> None:
    raw = (" date 2025-05-06 Words\nThe " + "word " * 200_000 + "ends here.\n").encode()
    with _bounded(20):
        article = parse_article(raw, "huge.txt")
    assert article.sentences and max(len(s.text) for s in article.sentences) <= MAX_SENTENCE


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_skipped_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    ingested = _ingest(tmp_path, seconds=10)
    assert _reasons(ingested)["pipe.txt"] == "not a regular file (a pipe)"
    assert [a.id for a in ingested.facts.articles] == ["good"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_links_out_of_the_folder_are_skipped_with_a_reason(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(GOOD, encoding="utf-8")
    (seeds / "zero.txt").symlink_to("/dev/zero")
    (seeds / "outside.txt").symlink_to(outside)
    (seeds / "good.txt").write_text(GOOD.replace("Tuesday", "Monday"), encoding="utf-8")
    (seeds / "inside.txt").symlink_to(seeds / "good.txt")  # a link within the folder is read (here: a duplicate)
    ingested = _ingest(seeds, seconds=10)
    reasons = _reasons(ingested)
    assert reasons["zero.txt"] == reasons["outside.txt"] == "a link to a file outside the seeds folder"
    assert "duplicate" in reasons["inside.txt"]
    assert [a.id for a in ingested.facts.articles] == ["good"]


def test_a_link_inside_the_folder_to_a_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.fifo")
    (tmp_path / "link.txt").symlink_to(tmp_path / "pipe.fifo")
    ingested = _ingest(tmp_path, seconds=10)
    assert _reasons(ingested)["link.txt"] == "not a regular file (a pipe)"


def test_a_utf16_file_is_called_utf16(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_bytes(GOOD.encode("utf-16"))
    (tmp_path / "wide-no-bom.txt").write_bytes(GOOD.encode("utf-16-le"))
    reasons = _reasons(_ingest(tmp_path))
    assert reasons["wide.txt"] == reasons["wide-no-bom.txt"] == "UTF-16 text, not UTF-8 (save the file as UTF-8)"


def test_upper_case_extensions_and_hidden_files_are_listed_not_silently_ignored(tmp_path: Path) -> None:
    (tmp_path / "LOUD.TXT").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")  # not meant as one: not listed
    reasons = _reasons(_ingest(tmp_path))
    assert reasons == {
        "LOUD.TXT": "the extension is '.TXT'; articles end in '.txt'",
        ".hidden.txt": "hidden file (its name starts with a dot)",
    }


def test_a_file_name_with_a_newline_or_a_direction_mark_is_reported_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "two\nlines.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "evil\u202etxt.exe.txt").write_bytes(b"")
    names = set(_reasons(_ingest(tmp_path)))
    assert names == {"two\\u000alines.txt", "evil\\u202etxt.exe.txt"}
    assert all(name.isprintable() for name in names)
