"""/timeline: the agreements an /agreements filter matches, drawn by date and coloured by status, sent as a PNG
with sendPhoto — a caption saying what it shows and how many, a button to each agreement it plots — drawn in a
worker thread, never on the event loop."""

from __future__ import annotations

import io
import re
import threading

import pytest
from PIL import Image

from bot.chat.offline import ApiCall
from bot.chat.render import chart
from bot.chat.render.views import timeline as timeline_views
from bot.chat.telegram_limits import html_to_text
from tests.conftest import ChatBot, shown_text


def photo_of(calls: list[ApiCall]) -> ApiCall:
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    return photo


def agreements_listed(calls: list[ApiCall]) -> int:
    """How many agreements /agreements says it holds (`Agreements (11)`, its header)."""
    text = html_to_text(next(c.text for c in calls if c.method == "sendMessage"))
    return int(re.match(r"Agreements \((\d+)\)", text).group(1))


async def test_timeline_is_a_png_of_every_agreement_with_a_caption_saying_what_and_how_many(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    photo = photo_of(await user.send("/timeline"))
    image = Image.open(io.BytesIO(photo.photo))
    image.verify()  # a whole, valid PNG
    assert image.format == "PNG" and image.size == (1000, 560)
    caption = html_to_text(photo.caption)
    total = agreements_listed(await user.send("/agreements"))
    assert f"Agreements on a timeline: {total} agreements" in caption
    assert "by the date the articles first reported them (2025-05-10)" in caption
    assert "Colour is status: ✍️ signed" in caption
    numbered = [b for b in photo.buttons() if re.match(r"\d+\. ", b["text"])]
    assert len(numbered) == min(total, timeline_views.BUTTONS)


async def test_a_timeline_button_opens_the_agreement_it_plots_with_its_quote(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    photo_of(await user.send("/timeline nuclear signed"))
    listed = await user.press("📄 As a list")
    assert "Agreements matching “nuclear” · signed (1)" in shown_text(listed)
    photo = photo_of(await user.send("/timeline nuclear signed"))
    assert "Agreements matching “nuclear” · signed on a timeline: 1 agreement" in html_to_text(photo.caption)
    [first] = [b for b in photo.buttons() if b["text"].startswith("1. ")]
    opened = await user.press(first["text"])
    [page] = [c for c in opened if c.method == "sendMessage"]
    assert "nuclear" in html_to_text(page.text).lower() and "<blockquote" in page.text and "signed" in page.text


async def test_a_filter_matching_nothing_says_so_and_sends_no_picture(chat_bot: ChatBot) -> None:
    calls = await chat_bot.user().send("/timeline zzqx")
    assert not [c for c in calls if c.method == "sendPhoto"]
    assert "No agreement matching “zzqx” to put on a timeline" in shown_text(calls)


async def test_the_agreements_list_offers_its_timeline(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/agreements nuclear")
    photo = photo_of(await user.press("📈 On a timeline"))
    assert "matching “nuclear”" in html_to_text(photo.caption)


async def test_the_picture_is_drawn_off_the_event_loop(chat_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn_in: list[threading.Thread] = []
    draw = chart.timeline_png

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003
        drawn_in.append(threading.current_thread())
        return draw(*args, **kwargs)

    monkeypatch.setattr(timeline_views, "timeline_png", recording)
    photo_of(await chat_bot.user().send("/timeline"))
    assert drawn_in and drawn_in[0] is not threading.main_thread()


async def test_an_edited_timeline_question_edits_its_picture(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    sent = photo_of(await user.send("/timeline"))
    edited = await user.edit("/timeline nuclear")
    [media] = [c for c in edited if c.method == "editMessageMedia"]
    assert not [c for c in edited if c.method == "sendPhoto"]
    assert "matching “nuclear”" in html_to_text(media.caption) and media.photo != sent.photo


async def test_the_console_shows_the_picture_and_its_caption(chat_bot: ChatBot) -> None:
    from bot.chat.console import readable

    photo = photo_of(await chat_bot.user().send("/timeline"))
    shown = readable(photo)
    assert shown.startswith("[picture: 1000×560 PNG") and "Agreements on a timeline" in shown
