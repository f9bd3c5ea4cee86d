"""Folder → facts: read every `*.txt`, skip what is not an article with a reason, extract from the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from bot.ingest.extract import extract
from bot.ingest.reader import ArticleError, read_article
from bot.models import Article, Facts, Skipped

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


class SeedsError(RuntimeError):
    """The seeds folder itself is unusable (missing, not a folder); the message is for the user."""


class Ingested(BaseModel):
    facts: Facts
    skipped: list[Skipped]
    warnings: list[Skipped] = []


def read_folder(seeds_dir: Path, progress: Progress | None = None) -> tuple[list[Article], list[Skipped], list[Skipped]]:
    """Read every article file; a bad file is skipped with a one-line reason and never stops the others."""
    if not seeds_dir.exists():
        raise SeedsError(f"seeds folder not found: {seeds_dir}")
    if not seeds_dir.is_dir():
        raise SeedsError(f"seeds path is not a folder: {seeds_dir}")
    files = sorted(path for path in seeds_dir.glob("*.txt") if not path.name.startswith("."))
    articles: list[Article] = []
    skipped: list[Skipped] = []
    warnings: list[Skipped] = []
    seen: dict[str, str] = {}
    for done, path in enumerate(files, start=1):
        try:
            article = read_article(path)
        except ArticleError as error:
            skipped.append(Skipped(file=path.name, reason=str(error)))
        except OSError as error:
            skipped.append(Skipped(file=path.name, reason=f"cannot be read ({error.strerror or error})"))
        else:
            if article.content_hash in seen:
                skipped.append(Skipped(file=path.name, reason=f"duplicate of {seen[article.content_hash]}"))
            else:
                seen[article.content_hash] = path.name
                articles.append(article)
                warnings.extend(Skipped(file=path.name, reason=warning) for warning in article.warnings)
        if progress:
            progress(done, len(files), path.name)
    for item in skipped:
        log.warning("skipped %s: %s", item.file, item.reason)
    return articles, skipped, warnings


def ingest_folder(seeds_dir: Path, progress: Progress | None = None) -> Ingested:
    articles, skipped, warnings = read_folder(seeds_dir, progress)
    return Ingested(facts=extract(articles), skipped=skipped, warnings=warnings)
