"""The view registry: every answer a button pages through is one entry, reached the same way by commands,
buttons and deep links."""

from __future__ import annotations

from bot.chat import callbacks, views
from tests.conftest import ChatBot, shown_text


def test_every_view_code_makes_page_data_that_comes_back_as_that_view() -> None:
    for code in views.VIEWS:
        data = callbacks.page_data(code, "x", 2)
        assert callbacks.parse(data) == callbacks.PageRef(code, "x", 2), code
    assert callbacks.parse("p:zz:1:x") is None  # not a view


async def test_every_view_answers_its_first_page_button(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/sources")
    args = {"w": "nikolai-patrushev", "m": "Kremlin", "s": "energy", "a": "nuclear", "q": "nuclear power", "src": "",
            "f": "", "g": "a-4fff4ddf23"}
    assert set(args) == set(views.VIEWS)
    for code, arg in args.items():
        calls = await user.press_data(callbacks.page_data(code, arg, 1))
        assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"], code
        assert not calls[0].params.get("text"), code


async def test_an_unknown_sector_is_named_as_such_even_after_the_list_was_shown(chat_bot: ChatBot) -> None:
    """The list of sectors is kept as the sector view without a key; an unknown name is not that list."""
    user = chat_bot.user()
    assert "Sectors in the articles" in shown_text(await user.send("/sector"))
    reply = shown_text(await user.send("/sector basket weaving"))
    assert "I don't know a sector called “basket weaving”" in reply
