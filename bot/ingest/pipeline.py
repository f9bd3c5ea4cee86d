"""Folder → facts: read every article file, skip what is not an article with a reason, extract from the rest.

Only regular files inside the folder are read (a FIFO, a device or a symlink leading out of the folder would
hang a build or read what is not an article); a hidden file or one with another extension is listed as
skipped rather than silently ignored. Reading and the per-sentence stage of extraction run in a pool of
processes for a large folder (both are pure and per article); the result is the same as in one process.
With a cache (bot/ingest/cache.py) only new and changed files go through them: the others' articles and
candidates are taken from it, and the corpus-wide stages run on all of them as before.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import signal
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from pydantic import BaseModel, Field

from bot.ingest.cache import ArticleCache, file_key, pack, unpack
from bot.ingest.extract import ArticleCandidates, MentionEntry, MentionMemo, candidates_of, extract
from bot.ingest.reader import MAX_BYTES, ArticleError, parse_article, read_article
from bot.models import Article, Facts, Skipped
from bot.text import searchable

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
    seeds_digest: str = ""  # of the files read (folder_digest): what the index records it was built from
    reused: int = 0  # files whose article and candidates came from the cache
    extracted: int = 0  # files read and extracted anew
    workers: int = 1  # processes that extracted them
    # article id → the full-text form of each of its sentences, made with its candidates (and cached with them),
    # so that writing the index does not fold every sentence of the corpus again
    searchable: dict[str, list[str]] = Field(default_factory=dict, repr=False)


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


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """A file's bytes (at most MAX_BYTES + 1 of them: what is read is what is checked), or why it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1), None
    except OSError as error:
        return None, f"cannot be read ({error.strerror or error})"


# An article, its candidates and the full-text form of each of its sentences (`bot.text.searchable`, as the
# index's FTS table holds them: per sentence and pure, so made once with the candidates), or why not.
Result = tuple[Article | None, str | None, ArticleCandidates | None, list[str] | None]


def _extract(job: tuple[bytes, str]) -> bytes:
    """One file's bytes → its article and per-sentence candidates, packed as the cache keeps them (run in a worker
    process, or in this one: every result takes the same way, so a pooled, a single-process and a cached build
    give the same facts)."""
    raw, name = job
    try:
        if len(raw) > MAX_BYTES:
            raise ArticleError(f"too large (over {MAX_BYTES // 1_048_576} MB; an article is far smaller)")
        article = parse_article(raw, name)
    except ArticleError as error:
        return pack((None, str(error), None, None))
    return pack((article, None, candidates_of(article), [searchable(sentence.text) for sentence in article.sentences]))


def workers_for(count: int, workers: int | None = None) -> int:
    """How many processes a build of `count` articles uses: `workers`, else CITEBOT_BUILD_WORKERS, else the cores."""
    if workers is None:
        configured = os.environ.get(WORKERS_VARIABLE, "").strip()
        workers = int(configured) if configured.isdigit() else min(_cores(), 4)
    return max(1, workers) if count >= POOL_FROM else 1


def _cores() -> int:
    """The cores this process may run on (a container's or taskset's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def folder_digest(keys: list[str]) -> str:
    """The digest of a seeds folder: of every article file's name and bytes (`cache.file_key`), in any order."""
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:32]


def seeds_digest(seeds_dir: Path) -> str:
    """What `ingest_folder` records as the digest of the folder it read, computed without extracting anything:
    a start-up compares it with the index's to tell whether the seeds changed since the index was built."""
    files, _ = article_files(Path(seeds_dir))
    return folder_digest([_key_of(path, *_read_bytes(path)) for path in files])


def _key_of(path: Path, raw: bytes | None, reason: str | None) -> str:
    return file_key(path.name, raw) if raw is not None else f"unreadable:{path.name}:{reason}"


def ingest_folder(
    seeds_dir: Path, progress: Progress | None = None, workers: int | None = None, cache: Path | None = None
) -> Ingested:
    """Read every article file and extract its facts; a bad file is skipped with a one-line reason and never
    stops the others; a file repeating another article's text is skipped as its duplicate.

    With `cache` (a file, see bot.ingest.cache), a file whose name and bytes the cache holds is not read again:
    its article and candidates come from there, and only new and changed files are extracted (in a pool of
    processes when there are POOL_FROM of them or more). The corpus-wide stages run on all of them, as always."""
    files, skipped = article_files(seeds_dir)
    read = [_read_bytes(path) for path in files]
    keys = [_key_of(path, raw, reason) for path, (raw, reason) in zip(files, read)]
    results: list[Result | None] = [None] * len(files)
    store = ArticleCache(cache) if cache is not None else None
    done = 0

    def finished(i: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(files), files[i].name)

    with contextlib.ExitStack() as stack, no_collections():
        stored: dict[str, bytes] = {}
        if store is not None and store.open():
            stack.callback(store.close)
            stored = store.load(keys)
        for i, (raw, reason) in enumerate(read):
            if raw is None:
                results[i] = (None, reason, None, None)
                finished(i)
        misses = [i for i, key in enumerate(keys) if results[i] is None and key not in stored]
        new: dict[str, bytes] = {}
        processes = workers_for(len(misses), workers)
        jobs = [(read[i][0], files[i].name) for i in misses]
        with _collections(), _pool(processes) as pool:  # parsing makes and drops cycles: collect them here
            blobs = pool.map(_extract, jobs, chunksize=8) if pool is not None else map(_extract, jobs)
            for i, blob in zip(misses, blobs):
                new[keys[i]] = blob
                results[i] = unpack(blob)  # type: ignore[assignment]
                finished(i)
        del jobs, read
        reused = 0
        for i, key in enumerate(keys):
            if results[i] is not None:
                continue
            try:
                results[i] = unpack(stored[key])  # type: ignore[assignment]
                reused += 1
            except Exception as error:  # noqa: BLE001 - a damaged entry is a miss, never a failed build
                log.warning("a cache entry of %s cannot be read (%s); reading the file anew", files[i].name, error)
                raw, reason = _read_bytes(files[i])
                blob = _extract((raw, files[i].name)) if raw is not None else pack((None, reason, None, None))
                new[key] = blob
                results[i] = unpack(blob)  # type: ignore[assignment]
            finished(i)
        stored.clear()
        if store is not None:
            store.store(new, keep=keys)
        articles, found, warnings, fts, article_keys = _collect(files, results, skipped, keys)  # type: ignore[arg-type]
        for item in skipped:
            log.warning("skipped %s: %s", item.file, item.reason)
        memo, token = _mention_memo(store, article_keys) if store is not None else (None, None)
        facts = extract(articles, found if found else None, memo)
        if store is not None and memo is not None and memo.state is not None:
            made = {article_keys[a]: pack(entry) for a, entry in memo.made.items()}
            store.store_mentions(made, keep=article_keys, state=pack(memo.state), token=token)
    return Ingested(
        facts=facts, skipped=skipped, warnings=warnings, seeds_digest=folder_digest(keys), reused=reused,
        extracted=len(misses), workers=processes, searchable=fts,
    )


@contextlib.contextmanager
def _pool(processes: int) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of `processes` worker processes (None for one: the work runs here). Left early (an error, the
    build stopped), its workers are ended at once instead of finishing every queued file first."""
    if processes <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=get_context("fork"), initializer=_worker_started)
    try:
        yield pool
    except BaseException:
        workers = list(getattr(pool, "_processes", {}).values())  # the executor has no public way to end them
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.kill()
        raise
    pool.shutdown()


def _worker_started() -> None:
    """A worker ends at once on SIGTERM (what stops a build's process group); the build's own handler, which
    it inherits, is for the process that writes the index. It writes nothing to stdout, which a bot reads the
    build's progress from, so it lets go of it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


@contextlib.contextmanager
def no_collections() -> Iterator[None]:
    """A build makes millions of objects that nearly all live until it ends (unpacked entries, facts, rows);
    Python's cycle collector would walk them again and again, finding nothing to free (a third of unpickling the
    cache, seconds of every rebuild), and walk them all once more the moment it is enabled again. So it is off
    while a build runs (`build_index` holds it off until the build's objects are gone), except while files are
    read and extracted (`_collections`), which make and drop cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _collections() -> Iterator[None]:
    """The cycle collector on (young objects collected less often), whatever the caller's state; restored after."""
    enabled, threshold = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not enabled:
            gc.disable()


def _mention_memo(store: ArticleCache, keys: list[str]) -> tuple[MentionMemo, str | None]:
    """The last build's mentions of each article (by its file key; None where there are none or they cannot be
    read: those are found again) and what they were made of, with the token of that state."""
    kept = store.load_mention_state()
    state = None
    if kept is not None:
        try:
            state = unpack(kept[1])
        except Exception:  # noqa: BLE001 - a damaged state is no state: every mention is found again
            state = None
        if not (isinstance(state, tuple) and len(state) == 2 and all(isinstance(part, dict) for part in state)):
            state = None
    stored = store.load(keys, table="mentions") if state is not None else {}
    entries: list[MentionEntry | None] = []
    for key in keys:
        entry = None
        if key in stored:
            try:
                entry = unpack(stored[key])
            except Exception:  # noqa: BLE001 - a damaged entry is a miss
                entry = None
            if not (isinstance(entry, tuple) and len(entry) == 7 and all(isinstance(part, frozenset) for part in entry[:3])):
                entry = None
        entries.append(entry)  # type: ignore[arg-type]
    return MentionMemo(entries, state), kept[0] if kept is not None else None


def _collect(
    files: list[Path], results: list[Result], skipped: list[Skipped], keys: list[str] | None = None
) -> tuple[list[Article], list[ArticleCandidates | None], list[Skipped], dict[str, list[str]], list[str]]:
    """The articles read (a duplicate of an earlier one's text skipped), their candidates, their warnings, the
    full-text form of their sentences by article id (of those that came with it), and their file keys."""
    articles: list[Article] = []
    found: list[ArticleCandidates | None] = []
    warnings: list[Skipped] = []
    fts: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    article_keys: list[str] = []
    for i, (path, (article, reason, entities, texts)) in enumerate(zip(files, results)):
        name = printable(path.name)
        if article is None:
            skipped.append(Skipped(file=name, reason=reason or "cannot be read"))
        elif article.content_hash in seen:
            skipped.append(Skipped(file=name, reason=f"duplicate of {seen[article.content_hash]}"))
        else:
            seen[article.content_hash] = name
            articles.append(article)
            article_keys.append(keys[i] if keys is not None else "")
            found.append(entities)
            warnings.extend(Skipped(file=name, reason=warning) for warning in article.warnings)
            if texts is not None and len(texts) == len(article.sentences):
                fts[article.id] = texts
    return articles, found, warnings, fts, article_keys


def read_folder(seeds_dir: Path) -> tuple[list[Article], list[Skipped], list[Skipped]]:
    """The articles of a folder, the files skipped and the warnings, without extraction."""
    files, skipped = article_files(seeds_dir)
    articles, _, warnings, _, _ = _collect(files, [(*_read(path), None, None) for path in files], skipped)
    return articles, skipped, warnings
