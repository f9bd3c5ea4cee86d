"""Folder → facts: read every article file, skip what is not an article with a reason, extract from the rest.

Only regular files inside the folder are read (a FIFO, a device or a symlink leading out of the folder would
hang a build or read what is not an article); a hidden file or one with another extension is listed as
skipped rather than silently ignored. Reading and the per-sentence stage of extraction run in a pool of
processes for a large folder (both are pure and per article); the result is the same as in one process.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from pydantic import BaseModel

from bot.ingest.extract import ArticleCandidates, candidates_of, extract
from bot.ingest.reader import ArticleError, read_article
from bot.models import Article, Facts, Skipped

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
POOL_FROM = 64  # articles: below this, starting processes costs more than it saves
WORKERS_VARIABLE = "CITEBOT_BUILD_WORKERS"


class SeedsError(RuntimeError):
    """The seeds folder itself is unusable (missing, not a folder); the message is for the user."""


class Ingested(BaseModel):
    facts: Facts
    skipped: list[Skipped]
    warnings: list[Skipped] = []


def printable(name: str) -> str:
    """A file name as one line of a report: control characters and bidi overrides shown as escapes."""
    return "".join(c if c.isprintable() and c not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" else f"\\u{ord(c):04x}" for c in name)


def article_files(seeds_dir: Path) -> tuple[list[Path], list[Skipped]]:
    """The `*.txt` files of the folder that can be read as articles, and the others with a reason."""
    if not seeds_dir.exists():
        raise SeedsError(f"seeds folder not found: {seeds_dir}")
    if not seeds_dir.is_dir():
        raise SeedsError(f"seeds path is not a folder: {seeds_dir}")
    root = seeds_dir.resolve()
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in sorted(seeds_dir.iterdir()):
        name = printable(path.name)
        if path.name.startswith("."):
            if path.suffix.lower() == ".txt":
                skipped.append(Skipped(file=name, reason="hidden file (its name starts with a dot)"))
            continue
        if path.suffix != ".txt":
            if path.suffix.lower() == ".txt":
                skipped.append(Skipped(file=name, reason=f"the extension is {path.suffix!r}; articles end in '.txt'"))
            continue
        try:
            if path.is_symlink() and root not in path.resolve().parents:
                skipped.append(Skipped(file=name, reason="a link to a file outside the seeds folder"))
                continue
            mode = path.stat().st_mode
        except OSError as error:
            skipped.append(Skipped(file=name, reason=f"cannot be read ({error.strerror or error})"))
            continue
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
            skipped.append(Skipped(file=name, reason=f"not a regular file ({what})"))
            continue
        files.append(path)
    return files, skipped


def _read(path: Path) -> tuple[Article | None, str | None]:
    try:
        return read_article(path), None
    except ArticleError as error:
        return None, str(error)
    except OSError as error:
        return None, f"cannot be read ({error.strerror or error})"


def _read_and_find(path: Path) -> tuple[Article | None, str | None, ArticleCandidates | None]:
    """One file: its article and the per-sentence candidates (run in a worker process)."""
    article, reason = _read(path)
    return article, reason, candidates_of(article) if article is not None else None


def workers_for(count: int, workers: int | None = None) -> int:
    """How many processes a build of `count` articles uses: `workers`, else CITEBOT_BUILD_WORKERS, else the cores."""
    if workers is None:
        configured = os.environ.get(WORKERS_VARIABLE, "").strip()
        workers = int(configured) if configured.isdigit() else min(os.cpu_count() or 1, 4)
    return max(1, workers) if count >= POOL_FROM else 1


def ingest_folder(seeds_dir: Path, progress: Progress | None = None, workers: int | None = None) -> Ingested:
    """Read every article file and extract its facts; a bad file is skipped with a one-line reason and never
    stops the others; a file repeating another article's text is skipped as its duplicate."""
    files, skipped = article_files(seeds_dir)
    processes = workers_for(len(files), workers)
    results: list[tuple[Article | None, str | None, ArticleCandidates | None]] = []
    if processes > 1:
        with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("fork")) as pool:
            for done, result in enumerate(pool.map(_read_and_find, files, chunksize=8), start=1):
                results.append(result)
                if progress:
                    progress(done, len(files), files[done - 1].name)
    else:
        for done, path in enumerate(files, start=1):
            article, reason = _read(path)
            results.append((article, reason, None))
            if progress:
                progress(done, len(files), path.name)
    articles, found, warnings = _collect(files, results, skipped)
    for item in skipped:
        log.warning("skipped %s: %s", item.file, item.reason)
    precomputed = found if all(f is not None for f in found) and found else None
    return Ingested(facts=extract(articles, precomputed), skipped=skipped, warnings=warnings)


def _collect(
    files: list[Path], results: list[tuple[Article | None, str | None, ArticleCandidates | None]], skipped: list[Skipped]
) -> tuple[list[Article], list[ArticleCandidates | None], list[Skipped]]:
    """The articles read (a duplicate of an earlier one's text skipped), their candidates, their warnings."""
    articles: list[Article] = []
    found: list[ArticleCandidates | None] = []
    warnings: list[Skipped] = []
    seen: dict[str, str] = {}
    for path, (article, reason, entities) in zip(files, results):
        name = printable(path.name)
        if article is None:
            skipped.append(Skipped(file=name, reason=reason or "cannot be read"))
        elif article.content_hash in seen:
            skipped.append(Skipped(file=name, reason=f"duplicate of {seen[article.content_hash]}"))
        else:
            seen[article.content_hash] = name
            articles.append(article)
            found.append(entities)
            warnings.extend(Skipped(file=name, reason=warning) for warning in article.warnings)
    return articles, found, warnings


def read_folder(seeds_dir: Path) -> tuple[list[Article], list[Skipped], list[Skipped]]:
    """The articles of a folder, the files skipped and the warnings, without extraction."""
    files, skipped = article_files(seeds_dir)
    articles, _, warnings = _collect(files, [(*_read(path), None) for path in files], skipped)
    return articles, skipped, warnings
