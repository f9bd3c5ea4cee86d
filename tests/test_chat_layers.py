"""The chat layer's place among the layers: what it imports, and where the names it shows come from."""

from __future__ import annotations

import ast
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.chat.offline import running
from tests.conftest import ROOT, make_bot, shown_text

CHAT = ROOT / "bot" / "chat"
CHAT_MODULES = sorted(CHAT.rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement is (a function's body too), relative imports
    resolved; `from a.b import c` counts as importing `a.b` and `a.b.c` (c may be a module)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
            "import_module", "__import__"
        ):
            found.update(arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    return found


def within(modules: set[str], package: str) -> set[str]:
    return {module for module in modules if module == package or module.startswith(package + ".")}


def test_the_import_reader_sees_every_kind_of_import() -> None:
    """So that the layering tests below cannot pass by not seeing an import."""
    app = imports_of(CHAT / "app.py")
    assert {"bot.index.query", "bot.index.build", "telegram.ext"} <= app  # top level and inside a function
    assert "bot.chat.render.views.who" in imports_of(CHAT / "render" / "__init__.py")
    assert "bot.chat.views" in imports_of(CHAT / "callbacks.py")  # inside a function


@pytest.mark.parametrize("path", CHAT_MODULES, ids=[str(p.relative_to(CHAT)) for p in CHAT_MODULES])
def test_the_chat_layer_imports_nothing_from_ingest(path: Path) -> None:
    """The chat answers from the index; what it shares with ingest (folding, word regexes, stop words) is in
    bot.text, and the errors of a failed build reach it through the index (`unavailable_errors`)."""
    assert not within(imports_of(path), "bot.ingest")


def test_callback_data_depends_on_neither_the_index_nor_ingest() -> None:
    imported = imports_of(CHAT / "callbacks.py")
    assert not within(imported, "bot.index.query") and not within(imported, "bot.ingest")


async def test_the_sector_names_an_answer_shows_are_the_indexs(seeds_db: Path, tmp_path: Path) -> None:
    """An agreement's sectors are named as the open index names them, not as the ingest taxonomy of the running
    code does: the index is what the bot answers from."""
    path = tmp_path / "renamed.sqlite3"
    shutil.copy(seeds_db, path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sectors SET name = 'atomic power' WHERE key = 'nuclear'")
    bot = await make_bot(path)
    async with running(bot.app):
        text = shown_text(await bot.user().read_all("/agreements nuclear"))
    assert "sectors: atomic power" in text and "sectors: nuclear" not in text
    assert not bot.errors
