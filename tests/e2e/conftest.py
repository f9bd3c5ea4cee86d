"""Fixtures for the end-to-end suite: the fake Bot API server and the real `citebot run` as a subprocess."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_bot_api import FakeBotAPI  # noqa: E402
from harness import TOKEN, WEBHOOK_SECRET, BotProcess, free_port, launch  # noqa: E402


def _kill(bot: BotProcess) -> None:
    if bot.process and bot.process.poll() is None:
        bot.process.kill()
        bot.process.wait(5)


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as api:
        yield api


@pytest.fixture(scope="module")
def module_api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as api:
        yield api


@pytest.fixture(scope="module")
def polling_bot(module_api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    bot = launch(module_api, tmp_path_factory.mktemp("polling"), "getUpdates")
    yield bot
    _kill(bot)


@pytest.fixture(scope="module")
def webhook_bot(module_api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    port = free_port()
    bot = launch(
        module_api,
        tmp_path_factory.mktemp("webhook"),
        "setWebhook",
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_PORT=str(port),
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    yield bot
    _kill(bot)
