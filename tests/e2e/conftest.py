"""Fixtures for the end-to-end suite: the fake Bot API server and the real `citebot run` as a subprocess."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_bot_api import FakeBotAPI  # noqa: E402
from harness import TOKEN  # noqa: E402


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as api:
        yield api
