"""The fake Bot API checks and fails the way the real one does, as seen by a plain PTB `Bot` over real HTTP."""

from __future__ import annotations

import asyncio

import pytest
from fake_bot_api import FakeBotAPI, Fault, parse_html
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle
from telegram import InputTextMessageContent
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter

from harness import TOKEN

USER = 4242


@pytest.fixture
async def bot(fake_api: FakeBotAPI):
    async with Bot(TOKEN, base_url=fake_api.base_url) as bot:
        yield bot


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("▶", callback_data=data)]])


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<b>Tô Lâm</b> &amp; Putin &lt;3", "Tô Lâm & Putin <3"),
        ('<a href="https://example.org/?a=1&amp;b=2">VNS</a>', "VNS"),
        ("AT&T stays literal, &#x41;&#66; decode", "AT&T stays literal, AB decode"),
        ('<blockquote expandable><i>“quoted”</i></blockquote>', "“quoted”"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
    ],
)
def test_html_that_telegram_accepts(html: str, plain: str) -> None:
    assert parse_html(html) == plain


@pytest.mark.parametrize(
    "html",
    ["a < b", "<b>open", "<b><i>x</b></i>", "<br>", "<p>x</p>", "x</b>", "<span>x</span>", '<a href="x"', "<>"],
)
def test_html_that_telegram_refuses(html: str) -> None:
    with pytest.raises(ValueError):
        parse_html(html)


async def test_messages_are_checked_like_the_real_server(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.send_text(USER, "/start")
    updates = await bot.get_updates(timeout=1)
    assert updates[0].message.text == "/start" and updates[0].message.entities[0].type == "bot_command"

    sent = await bot.send_message(USER, "<b>ok</b> &amp; fine", parse_mode="HTML", reply_markup=keyboard("p:x:1"))
    assert sent.text == "ok & fine"
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(USER, "1 < 2 <b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # the limit counts what is shown
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(USER, "too much data", reply_markup=keyboard("é" * 33))
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(777, "nobody asked")

    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("<b>ok</b> &amp; fine", USER, sent.message_id, parse_mode="HTML",
                                    reply_markup=keyboard("p:x:1"))
    edited = await bot.edit_message_text("page 2", USER, sent.message_id, reply_markup=keyboard("p:x:2"))
    assert edited.text == "page 2"
    assert fake_api.message(USER, sent.message_id)["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "p:x:2"
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


async def test_queries_must_be_known_and_answered_once(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.send_text(USER, "hello")
    sent = await bot.send_message(USER, "pages", reply_markup=keyboard("p:x:1"))
    query_id = fake_api.press(USER, fake_api.message(USER, sent.message_id), "p:x:1")
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("forged")

    inline_id = fake_api.inline_query(USER, "energy")
    result = InlineQueryResultArticle("r1", "Energy", InputTextMessageContent("<b>energy</b>", parse_mode="HTML"))
    with pytest.raises(BadRequest, match="(?i)result_id_duplicate"):
        await bot.answer_inline_query(inline_id, [result, result])
    broken = InlineQueryResultArticle("r2", "Bad", InputTextMessageContent("<b>oops", parse_mode="HTML"))
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.answer_inline_query(inline_id, [broken])
    assert await bot.answer_inline_query(inline_id, [result], cache_time=5)
    answered = fake_api.wait_for_method("answerInlineQuery", timeout=1)
    assert answered.params["results"][0]["id"] == "r1" and answered.params["cache_time"] == 5


async def test_bot_settings_and_webhook_bookkeeping(fake_api: FakeBotAPI, bot: Bot) -> None:
    assert await bot.set_my_commands([BotCommand("who", "who is who")])
    assert [c.command for c in await bot.get_my_commands()] == ["who"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Who-Is", "bad name")])
    assert await bot.set_my_description("d") and await bot.set_my_short_description("s")
    fake_api.send_text(USER, "hi")
    assert await bot.send_chat_action(USER, "typing")

    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret", allowed_updates=["message"])
    assert (await bot.get_webhook_info()).url == "http://127.0.0.1:9/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()

    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG-token-abcdefghijklmnopqrst", base_url=fake_api.base_url):
            pass


async def waiting_poll(fake_api: FakeBotAPI, since: int) -> None:
    """Until a getUpdates request that came in after `since` is waiting at the server (without blocking the loop)."""
    await asyncio.to_thread(
        fake_api.wait_for, lambda c: c.method == "getUpdates", 5, since, "a waiting getUpdates", True
    )


async def test_long_polling_waits_for_updates_and_honours_offsets(fake_api: FakeBotAPI, bot: Bot) -> None:
    assert await bot.get_updates(timeout=1) == ()  # nothing came: an empty answer when the poll times out

    since = len(fake_api.arrivals)
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await waiting_poll(fake_api, since)
    fake_api.send_text(USER, "late")  # arrives while the poll waits, which answers with it
    first = await asyncio.wait_for(poll, 10)
    assert [u.message.text for u in first] == ["late"]
    fake_api.send_text(USER, "next")
    again = await bot.get_updates(timeout=0)
    assert [u.message.text for u in again] == ["late", "next"]  # nothing confirmed yet
    confirmed = await bot.get_updates(offset=again[-1].update_id + 1, timeout=0)
    assert confirmed == ()


async def test_faults(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.send_text(USER, "hi")
    fake_api.inject("sendMessage", Fault.retry_after(3))
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(USER, "x")
    assert "3" in str(retry.value)
    fake_api.inject("getUpdates", Fault.bad_gateway())
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_updates(timeout=5)
    fake_api.inject("sendMessage", Fault.drop())
    with pytest.raises(NetworkError, match="(?i)disconnected"):
        await bot.send_message(USER, "x")
    fake_api.inject("sendMessage", Fault.delay(1.0))
    slow = await bot.send_message(USER, "slow but fine")
    delayed = fake_api.calls[-1]
    assert slow.text == "slow but fine" and delayed.fault == "delay" and delayed.ok
    # A fault injected while a long poll waits is served to that poll at once.
    pending = await bot.get_updates(timeout=0)
    since = len(fake_api.arrivals)
    poll = asyncio.create_task(bot.get_updates(offset=pending[-1].update_id + 1, timeout=10))
    await waiting_poll(fake_api, since)
    fake_api.inject("getUpdates", Fault.drop())
    with pytest.raises(NetworkError):
        await asyncio.wait_for(poll, 3)
    assert [c.fault for c in fake_api.calls if c.fault] == ["retry_after", "bad_gateway", "drop", "delay", "drop"]
