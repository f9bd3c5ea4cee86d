"""One heavy answer never stalls other chats: updates reach the handlers through the Application's update queue, as
in production, and are handled per chat in order but chats side by side; renders run off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update

from bot.chat import views
from bot.chat.offline import ApiCall, Conversation, running
from bot.index.query import Index
from tests.conftest import ChatBot, make_bot


@pytest.fixture
async def queued_bot(seeds_db: Path) -> AsyncIterator[ChatBot]:
    bot = await make_bot(seeds_db)
    async with running(bot.app):
        yield bot
    assert not bot.errors


async def enqueue(bot: ChatBot, conversation: Conversation, text: str) -> int:
    """The user sends `text` as Telegram would deliver it: onto the update queue. Its update id."""
    update = conversation.message_update(text)
    await bot.app.update_queue.put(Update.de_json(update, bot.app.bot))
    return update["message"]["chat"]["id"]


async def replies(bot: ChatBot, chat_ids: set[int], count: int) -> list[ApiCall]:
    """Wait (5 s at most) until `count` messages were sent into these chats; them, in the order sent."""
    for _ in range(500):
        sent = [c for c in bot.request.calls if c.method == "sendMessage" and int(c.params["chat_id"]) in chat_ids]
        if len(sent) >= count:
            return sent
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {len(sent)} of {count} replies")


async def test_a_slow_answer_in_one_chat_does_not_hold_up_another(
    queued_bot: ChatBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_search = Index.search

    async def slow_search(self: Index, text: str, limit: int = 50):
        await asyncio.sleep(1.0)  # a big index ranking common words
        return await real_search(self, text, limit)

    monkeypatch.setattr(Index, "search", slow_search)
    slow, quick = queued_bot.user(3001), queued_bot.user(3002)
    slow_chat = await enqueue(queued_bot, slow, "/search nuclear")
    quick_chat = await enqueue(queued_bot, quick, "/help")
    sent = await replies(queued_bot, {slow_chat, quick_chat}, 2)
    assert [int(c.params["chat_id"]) for c in sent] == [quick_chat, slow_chat]


async def test_one_chats_messages_are_still_answered_in_order(
    queued_bot: ChatBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_search = Index.search

    async def slow_search(self: Index, text: str, limit: int = 50):
        await asyncio.sleep(0.5)
        return await real_search(self, text, limit)

    monkeypatch.setattr(Index, "search", slow_search)
    user = queued_bot.user(3003)
    chat = await enqueue(queued_bot, user, "/search nuclear")
    await enqueue(queued_bot, user, "/help")
    first, second = await replies(queued_bot, {chat}, 2)
    assert "nuclear" in first.text.lower() and "/who" in second.text


async def test_rendering_a_big_answer_leaves_the_event_loop_to_other_chats(
    queued_bot: ChatBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render of one answer waits until another chat has been answered: that can only happen if the render
    does not hold the event loop (a blocking wait there would block the other chat, and this test, for 5 s)."""
    other_answered = threading.Event()
    real_search = views.VIEWS["q"].render

    def heavy_search(answer, arg=None):
        assert other_answered.wait(5), "the other chat was not answered while this answer was rendered"
        return real_search(answer, arg)

    monkeypatch.setitem(views.VIEWS, "q", views.View(views.VIEWS["q"].load, heavy_search))
    heavy, other = queued_bot.user(3004), queued_bot.user(3005)
    heavy_chat = await enqueue(queued_bot, heavy, "/search nuclear")
    other_chat = await enqueue(queued_bot, other, "/help")
    await replies(queued_bot, {other_chat}, 1)
    other_answered.set()
    sent = await replies(queued_bot, {heavy_chat, other_chat}, 2)
    assert [int(c.params["chat_id"]) for c in sent] == [other_chat, heavy_chat]
    assert "<blockquote" in sent[1].text
