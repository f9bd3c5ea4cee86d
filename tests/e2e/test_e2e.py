"""The real `citebot run`, as a subprocess, talking over real HTTP to a fake Bot API: one process by long polling and
one through a webhook, each with its own fake API. A user holds the same conversation with both, the network
misbehaves the way Telegram's does, and a SIGTERM ends each cleanly; start-ups that cannot work end in one line.
Every wait is bounded; the API refuses any reply Telegram would refuse; nothing asserts how long anything took."""

from __future__ import annotations

import io
import json
import re
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_bot_api import SECRET_HEADER, Call, FakeBotAPI, Fault
from harness import ADMIN_ID, REPO, TOKEN, USER_ID, WEBHOOK_SECRET, BotProcess, bot_env, free_port, launch

from bot.chat import runner

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]
UNSEEN = REPO / "tests" / "data" / "unseen" / "101_brazil_india.txt"
ANSWER_TIMEOUT = 20.0


def _serve(mode: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    with FakeBotAPI(TOKEN) as api:
        process = launch(api, tmp_path_factory.mktemp(mode), mode)
        yield process
        if process.process and process.process.poll() is None:
            process.process.kill()
            process.process.wait(5)


@pytest.fixture(scope="module")
def polling_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """One long-polling bot process (with its own fake API) for the whole module; tests run in file order."""
    yield from _serve("polling", tmp_path_factory)


@pytest.fixture(scope="module")
def webhook_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """One webhook bot process (with its own fake API) for the whole module."""
    yield from _serve("webhook", tmp_path_factory)


@pytest.fixture(params=["polling", "webhook"])
def bot(request: pytest.FixtureRequest) -> BotProcess:
    """The same test in both modes: each mode's process, in file order (the SIGTERM tests come last)."""
    return request.getfixturevalue(f"{request.param}_bot")


def say(api: FakeBotAPI, user_id: int, text: str, expect: str | None = None, timeout: float = ANSWER_TIMEOUT) -> Call:
    """The user writes `text`; returns the bot's first accepted reply in that chat (that shows `expect`, if given)."""
    since = api.mark()
    api.send_text(user_id, text)
    return api.wait_for(
        lambda c: c.ok and c.method == "sendMessage" and c.params.get("chat_id") == user_id
        and (expect is None or expect in c.result["text"]),
        timeout, since, what=f"a reply to {text!r}" + (f" showing {expect!r}" if expect else ""),
    )


def shown(call: Call) -> str:
    """What the user reads (the API's parsed text)."""
    return str(call.result["text"])


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def assert_nothing_refused(api: FakeBotAPI) -> None:
    """Telegram would have accepted every reply: HTML that parses, ≤ 4096 characters, valid buttons and ids."""
    refused = [f"{c.method}: {c.description}" for c in api.calls if c.status == 400]
    assert not refused, refused


# ---------------------------------------------------------------------------------------------- start-up


def assert_command_menus(api: FakeBotAPI) -> None:
    scopes = {key.split("|")[0]: [c["command"] for c in cmds] for key, cmds in api.commands.items()}
    default = [cmds for scope, cmds in scopes.items() if '"default"' in scope]
    admin = [cmds for scope, cmds in scopes.items() if str(ADMIN_ID) in scope]
    assert default and {"start", "help", "who", "sector"} <= set(default[0]) and "reload" not in default[0]
    assert admin and "reload" in admin[0]
    for language in ("", "ru", "vi"):  # private chats and group chats (no /start there), in three languages
        private = api.commands[json.dumps({"type": "default"}) + "|" + language]
        groups = api.commands[json.dumps({"type": "all_group_chats"}) + "|" + language]
        assert "start" in [c["command"] for c in private] and "start" not in [c["command"] for c in groups]
        assert {"follow", "timeline"} <= {c["command"] for c in groups}
    assert re.search("[а-я]", api.commands[json.dumps({"type": "default"}) + "|ru"][0]["description"])
    assert api.menu_button == {"type": "commands"}


def test_polling_start_up_registers_with_the_api(polling_bot: BotProcess) -> None:
    api = polling_bot.api
    assert_command_menus(api)
    delete = api.wait_for_method("deleteWebhook", timeout=1)
    assert not delete.params.get("drop_pending_updates")  # what users sent while the bot was down is answered
    poll = api.wait_for(lambda c: c.method == "getUpdates", 1, arrived=True, what="getUpdates")
    assert poll.params["allowed_updates"] == ALLOWED_UPDATES and poll.params["timeout"] > 0


def test_webhook_start_up_registers_with_the_api(webhook_bot: BotProcess) -> None:
    api = webhook_bot.api
    assert_command_menus(api)
    hook = api.wait_for_method("setWebhook", timeout=1)
    assert hook.params["url"].endswith("/hook") and hook.params["secret_token"] == WEBHOOK_SECRET
    assert hook.params["allowed_updates"] == ALLOWED_UPDATES and not hook.params.get("drop_pending_updates")
    assert TOKEN not in hook.params["url"]


def test_webhook_refuses_requests_without_the_secret(webhook_bot: BotProcess) -> None:
    api = webhook_bot.api
    since = api.mark()
    forged = {"message": {"message_id": 1, "date": int(time.time()), "text": "/reload",
                          "from": api.user(ADMIN_ID), "chat": {"id": ADMIN_ID, "type": "private"},
                          "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}
    assert api.post_to_webhook(forged, secret=None) == 403
    assert api.post_to_webhook(forged, secret="wrong-secret") == 403
    say(api, USER_ID, "/start")  # handled after anything that got in before it
    assert not [c for c in api.calls_since(since) if c.params.get("chat_id") == ADMIN_ID], "a forged update was handled"


def raw_post(url: str, headers: dict[str, str], body: bytes, wait: float = 10.0) -> tuple[int | None, float]:
    """POST over a plain socket: the headers and then `body` (which may be shorter than the Content-Length
    promised); the HTTP status the server answers with, if any within `wait` seconds, and how many of the
    promised bytes the server had been sent by then."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        head = f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        sock.sendall(head.encode() + b"\r\n" + body)
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except socket.timeout:
            return None, len(body)
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return (int(match.group(1)) if match else None), len(body)


def test_webhook_refuses_a_big_body_before_reading_it(webhook_bot: BotProcess) -> None:
    """Two megabytes promised, one kilobyte sent: the answer comes at once, so the rest was never waited for,
    let alone held in memory; with the secret a body over WEBHOOK_MAX_BODY (1 MB) is 413."""
    url = webhook_bot.api.webhook["url"]
    promise = {"Content-Type": "application/json", "Content-Length": str(2 * 1024 * 1024)}
    assert raw_post(url, promise, b"{" + b" " * 1023)[0] == 403
    assert raw_post(url, {**promise, SECRET_HEADER: "wrong-secret-of-sixteen"}, b" " * 1024)[0] == 403
    assert raw_post(url, {**promise, SECRET_HEADER: WEBHOOK_SECRET}, b" " * 1024)[0] == 413
    chunked = {"Content-Type": "application/json", "Transfer-Encoding": "chunked", SECRET_HEADER: WEBHOOK_SECRET}
    piece = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    status, _ = raw_post(url, chunked, piece * 20 + b"0\r\n\r\n")  # 1.3 MB without a length
    assert status in (400, 413, None)
    webhook_bot.assert_alive()
    say(webhook_bot.api, USER_ID, "/who Patrushev", expect="Patrushev")


def test_webhook_answers_a_body_that_is_no_update_with_400_in_one_line(webhook_bot: BotProcess) -> None:
    url = webhook_bot.api.webhook["url"]
    for body in (b"this is not json", b"[1, 2, 3]", b'{"update_id": "x", "message": 5}'):
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), SECRET_HEADER: WEBHOOK_SECRET}
        assert raw_post(url, headers, body)[0] == 400, body
    say(webhook_bot.api, USER_ID, "/who Patrushev", expect="Patrushev")
    assert "Traceback" not in webhook_bot.output()


# ---------------------------------------------------------------------------------------------- conversation


def test_start(bot: BotProcess) -> None:
    reply = say(bot.api, USER_ID, "/start")
    assert reply.params.get("parse_mode") == "HTML" and len(shown(reply)) > 20


def test_who(bot: BotProcess) -> None:
    reply = say(bot.api, USER_ID, "/who Patrushev")
    assert "Patrushev" in shown(reply)


def press(api: FakeBotAPI, user_id: int, message: dict[str, Any], button: dict[str, Any]) -> tuple[Call, Call]:
    """The user presses `button`; returns (answerCallbackQuery, the bot's visible response: an edit or a message)."""
    since = api.mark()
    query_id = api.press(user_id, message, button["callback_data"])
    answered = api.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id,
        ANSWER_TIMEOUT, since, what=f"answerCallbackQuery for {button['text']}",
    )
    response = api.wait_for(
        lambda c: c.method in ("editMessageText", "sendMessage") and c.params.get("chat_id") == user_id,
        ANSWER_TIMEOUT, since, what=f"the response to {button['text']}",
    )
    return answered, response


def test_sector_and_a_sub_sector_button(bot: BotProcess) -> None:
    api = bot.api
    reply = say(api, USER_ID, "/sector energy")
    assert "energy" in shown(reply).lower()
    message = api.message(USER_ID, reply.result["message_id"])
    # A sub-sector: callback data `s:<key>` (docs/DESIGN.md), not paging or a page counter.
    choices = [b for b in buttons(message) if b.get("callback_data", "").startswith("s:")]
    assert choices, "/sector energy offers no sub-sector buttons"
    answered, response = press(api, USER_ID, message, choices[0])
    assert answered.ok and response.ok, (answered.description, response.description)


def test_next_page_edits_in_place(bot: BotProcess) -> None:
    """▶ on a long answer (with the two bundled seeds /sector energy fits one page; /who Putin needs two)."""
    api = bot.api
    for question in ("/sector energy", "/who Putin", "/agreements"):
        reply = say(api, USER_ID, question)
        message = api.message(USER_ID, reply.result["message_id"])
        following = [b for b in buttons(message) if b["text"] == "▶"]
        if following:
            break
    else:
        pytest.fail("no answer has a ▶ button")
    answered, edit = press(api, USER_ID, message, following[0])
    assert answered.ok and edit.ok and edit.method == "editMessageText", edit.description
    assert edit.params["message_id"] == message["message_id"]
    page_two = api.message(USER_ID, message["message_id"])
    assert page_two["text"] != message["text"]
    back = [b for b in buttons(page_two) if b["text"] == "◀"]
    assert back, "page 2 has no ◀"
    press(api, USER_ID, page_two, back[0])
    assert api.message(USER_ID, message["message_id"])["text"] == message["text"]


def test_forged_button_gets_a_polite_answer(bot: BotProcess) -> None:
    api = bot.api
    reply = say(api, USER_ID, "/who Putin")
    message = api.message(USER_ID, reply.result["message_id"])
    since = api.mark()
    query_id = api.press(USER_ID, message, "p:forged:\u0000:99")
    answered = api.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id,
        ANSWER_TIMEOUT, since, what="an answer to a forged button",
    )
    assert answered.ok
    bot.assert_alive()


def test_reload_as_admin_reports_what_it_read(bot: BotProcess) -> None:
    api = bot.api
    (bot.workdir / "seeds" / "broken.txt").write_text("no date header here, so not an article\n")
    since = api.mark()
    progress = say(api, ADMIN_ID, "/reload")
    message_id = progress.result["message_id"]
    report = api.wait_for(
        lambda c: c.ok and c.method == "editMessageText" and c.params.get("message_id") == message_id
        and "articles" in c.result["text"],
        40, since, what="the final reload report",
    )
    assert "broken.txt" in report.result["text"]
    say(api, USER_ID, "/who Patrushev", expect="Patrushev")  # the new index answers


def test_reload_as_non_admin_is_refused_politely(bot: BotProcess) -> None:
    api = bot.api
    since = api.mark()
    reply = say(api, USER_ID, "/reload")
    assert "reload" in shown(reply).lower()
    say(api, USER_ID, "/who Patrushev", expect="Patrushev")  # the bot went on to the next update
    assert not [c for c in api.calls_since(since, "editMessageText") if c.params.get("chat_id") == USER_ID]


def test_timeline_is_sent_as_a_picture(bot: BotProcess) -> None:
    from PIL import Image

    api = bot.api
    since = api.mark()
    api.send_text(USER_ID, "/timeline")
    photo = api.wait_for(lambda c: c.ok and c.method == "sendPhoto" and c.params.get("chat_id") == USER_ID,
                         ANSWER_TIMEOUT, since, what="the timeline picture")
    image = Image.open(io.BytesIO(photo.files["photo"]))
    image.verify()
    assert image.format == "PNG" and image.size == (1000, 560)
    assert photo.result["photo"][0]["width"] == 1000 and photo.result["photo"][0]["height"] == 560
    assert "Agreements on a timeline: 11 agreements" in photo.result["caption"]
    numbered = [b for b in buttons(photo.result) if re.match(r"\d+\. ", b["text"])]
    assert len(numbered) == 11 and all(b["callback_data"].startswith("o:g:") for b in numbered)
    query_id = api.press(USER_ID, photo.result, numbered[0]["callback_data"])
    opened = api.wait_for(lambda c: c.ok and c.method == "sendMessage" and c.params.get("chat_id") == USER_ID,
                          ANSWER_TIMEOUT, since, what="the agreement a timeline button opens")
    assert "<blockquote" in api.message_html(USER_ID, opened.result["message_id"])
    assert api._callback_queries[query_id].answered


def test_an_edited_question_edits_its_answer(bot: BotProcess) -> None:
    api = bot.api
    since = api.mark()
    question = api.send_text(USER_ID, "/who Patrushev")
    answer = api.wait_for(lambda c: c.ok and c.method == "sendMessage" and c.params.get("chat_id") == USER_ID,
                          ANSWER_TIMEOUT, since, what="the answer to the question")
    since = api.mark()
    api.edit_text(question, "/who Putin")
    edited = api.wait_for(lambda c: c.ok and c.method == "editMessageText" and "Vladimir Putin" in c.result["text"],
                          ANSWER_TIMEOUT, since, what="the answer edited")
    assert edited.result["message_id"] == answer.result["message_id"]
    assert not api.calls_since(since, "sendMessage")


def test_follow_then_a_reload_that_adds_an_article_sends_the_new_sentences(bot: BotProcess) -> None:
    api = bot.api
    follower, blocked = 5151, 5152
    say(api, follower, "/follow energy", expect="You now follow energy")
    say(api, blocked, "/follow energy", expect="You now follow energy")
    api.blocked.add(blocked)
    shutil.copy(UNSEEN, bot.workdir / "seeds" / UNSEEN.name)
    since = api.mark()
    say(api, ADMIN_ID, "/reload")
    notice = api.wait_for(lambda c: c.ok and c.method == "sendMessage" and c.params.get("chat_id") == follower,
                          60, since, what="the follow notification")
    assert "New in the articles" in notice.result["text"] and "energy (4 new)" in notice.result["text"]
    assert "Global Trade Wire, 2024-11-19" in notice.result["text"]
    html = api.message_html(follower, notice.result["message_id"])
    article = " ".join(UNSEEN.read_text(encoding="utf-8").split())
    quotes = re.findall(r"<blockquote(?: expandable)?>(.*?)</blockquote>", html, re.S)
    assert len(quotes) == 4 and all(" ".join(re.sub("<[^>]+>", "", q).split()) in article for q in quotes)
    refused = api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == blocked, 20, since,
                           what="the attempt to write to the user who blocked the bot")
    assert refused.status == 403
    api.blocked.discard(blocked)
    say(api, blocked, "/following", expect="You follow nothing yet")  # dropped, and not tried again
    assert len([c for c in api.calls_since(since, "sendMessage") if c.params.get("chat_id") == blocked]) == 2


def test_inline_query(bot: BotProcess) -> None:
    api = bot.api
    since = api.mark()
    query_id = api.inline_query(USER_ID, "Patrushev")
    answer = api.wait_for(
        lambda c: c.method == "answerInlineQuery" and c.params.get("inline_query_id") == query_id,
        ANSWER_TIMEOUT, since, what="answerInlineQuery",
    )
    assert answer.ok, answer.description
    assert answer.params["results"], "no inline results for Patrushev"


def test_private_text_is_not_logged_at_info(bot: BotProcess) -> None:
    say(bot.api, USER_ID, "zebra crossing near the embassy")
    assert "zebra" not in bot.output()


# ---------------------------------------------------------------------------------------------- faults


def replies_to(api: FakeBotAPI, user_id: int, since: int) -> list[Call]:
    """Every sendMessage attempt into the user's chat since `since`, answered or not, in order."""
    return [c for c in api.calls_since(since, "sendMessage") if c.params.get("chat_id") == user_id]


def test_429_on_a_reply_is_retried_after_retry_after(bot: BotProcess) -> None:
    api = bot.api
    api.inject("sendMessage", Fault.retry_after(1))
    since = api.mark()
    reply = say(api, USER_ID, "/who Patrushev", expect="Patrushev")
    limited, retried = replies_to(api, USER_ID, since)[:2]
    assert limited.status == 429 and limited.fault == "retry_after"
    assert retried is reply and retried.params["text"] == limited.params["text"], "the same reply, sent again"


def test_502_on_get_updates_is_survived(polling_bot: BotProcess) -> None:
    api = polling_bot.api
    since = api.mark()
    api.inject("getUpdates", Fault.bad_gateway())
    api.wait_for(lambda c: c.status == 502, 5, since, what="the 502")
    say(api, USER_ID, "/who Patrushev", expect="Patrushev")


def test_dropped_connection_while_polling_loses_no_update(polling_bot: BotProcess) -> None:
    api = polling_bot.api
    since = api.mark()
    api.inject("getUpdates", Fault.drop())
    api.wait_for(lambda c: c.fault == "drop", 5, since, what="the dropped poll")
    say(api, USER_ID, "/who Patrushev", expect="Patrushev")


def test_dropped_connection_on_a_reply_still_delivers_the_answer(bot: BotProcess) -> None:
    """The connection drops before Telegram answers the reply: the bot sends it once more, so the user, who asked
    once, gets the answer once (the fake, like a cut before the request got through, never delivered the first)."""
    api = bot.api
    api.inject("sendMessage", Fault.drop())
    since = api.mark()
    reply = say(api, USER_ID, "/who Patrushev", expect="Patrushev")
    dropped, resent = replies_to(api, USER_ID, since)[:2]
    assert dropped.fault == "drop" and dropped.status is None
    assert resent is reply and resent.params["text"] == dropped.params["text"], "the same reply, sent again"
    bot.assert_alive()


def test_a_502_on_a_reply_is_sent_once_more_and_arrives_once(bot: BotProcess) -> None:
    api = bot.api
    api.inject("sendMessage", Fault.bad_gateway())
    since = api.mark()
    reply = say(api, USER_ID, "/who Patrushev", expect="Patrushev")
    failed, resent = replies_to(api, USER_ID, since)[:2]
    assert failed.status == 502 and resent is reply and resent.params["text"] == failed.params["text"]
    assert [c for c in replies_to(api, USER_ID, since) if c.ok] == [reply]
    assert "Traceback" not in bot.output(), "a 502's HTML page is logged in one line"


def test_two_502s_on_a_reply_end_in_one_apology_and_nothing_else(bot: BotProcess) -> None:
    api = bot.api
    api.inject("sendMessage", Fault.bad_gateway(), Fault.bad_gateway())
    since = api.mark()
    apology = say(api, USER_ID, "/who Patrushev", expect="Sorry")
    time.sleep(1.0)  # anything else would come right after
    assert [c for c in replies_to(api, USER_ID, since) if c.ok] == [apology]


def test_a_reply_that_gets_no_answer_before_the_timeout_is_sent_once_more(polling_bot: BotProcess) -> None:
    """The request is held past the bot's read timeout and then lost: the bot times out and sends it again.
    (Polling only: a timeout costs the bot's whole read timeout, a few seconds.)"""
    api = polling_bot.api
    api.inject("sendMessage", Fault.stall(12.0))
    since = api.mark()
    reply = say(api, USER_ID, "/who Patrushev", expect="Patrushev")
    assert [c for c in replies_to(api, USER_ID, since) if c.ok] == [reply]
    assert "Sorry" not in shown(reply)


def test_slow_answer_still_arrives(bot: BotProcess) -> None:
    api = bot.api
    api.inject("sendMessage", Fault.delay(2.0))
    since = api.mark()
    reply = say(api, USER_ID, "/who Patrushev", expect="Patrushev")
    assert reply.fault == "delay" and reply.ok, "the slow answer itself was delivered, not a later resend"
    assert replies_to(api, USER_ID, since) == [reply]


def test_every_reply_was_acceptable_to_telegram(bot: BotProcess) -> None:
    assert_nothing_refused(bot.api)


# ---------------------------------------------------------------------------------------------- shutdown


def test_sigterm_stops_cleanly_without_leaking_the_token(bot: BotProcess) -> None:
    assert bot.stop() == 0
    output = bot.output()
    assert len(re.findall(r"citebot stopped cleanly", output)) == 1, output[-3000:]
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert WEBHOOK_SECRET not in output


def test_sigint_stops_cleanly_too(tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeBotAPI(TOKEN) as api:
        process = launch(api, tmp_path_factory.mktemp("sigint"))
        try:
            say(api, USER_ID, "/who Patrushev", expect="Patrushev")
            assert process.stop(signal.SIGINT) == 0
            assert process.output().count("citebot stopped cleanly") == 1
        finally:
            if process.process and process.process.poll() is None:
                process.process.kill()


def test_sigterm_with_1500_queued_updates_stops_within_its_grace(tmp_path_factory: pytest.TempPathFactory) -> None:
    """PTB answers every queued update before it stops, at Telegram's 30 a second: 1,500 took 46 s, past the
    30 s the deploy files give before SIGKILL. The queue gets a few seconds; what is left is dropped, said in a
    line."""
    with FakeBotAPI(TOKEN) as api:
        process = launch(api, tmp_path_factory.mktemp("queued"))
        assert process.process is not None
        try:
            for _ in range(1500):
                api.send_text(USER_ID, "/help")
            api.wait_for_method("sendMessage", timeout=ANSWER_TIMEOUT, chat_id=USER_ID)  # answering has begun
            deadline = time.monotonic() + 30
            while api.unconfirmed_updates() > 100 and time.monotonic() < deadline:
                time.sleep(0.05)  # all fetched but the last batch of 100: the queue holds far more than it can answer
            process.process.send_signal(signal.SIGTERM)
            assert process.process.wait(15) == 0  # generous: the bot's own bound is 9 s
            output = process.output()
            assert re.search(r"stopping: \d+ queued updates left unanswered", output), output[-3000:]
            assert "citebot stopped cleanly" in output and "Traceback" not in output
            answered = len([c for c in api.calls if c.method == "sendMessage" and c.ok])
            assert 0 < answered < 1500
        finally:
            if process.process.poll() is None:
                process.process.kill()
                process.process.wait(5)


def start_failing(api: FakeBotAPI, workdir_name: str, tmp_path_factory: pytest.TempPathFactory, code: int = 1,
                  **env: str) -> tuple[BotProcess, str]:
    """Start `citebot run` with these settings, expect it to give up with exit code `code`; returns it and its stderr."""
    workdir = tmp_path_factory.mktemp(workdir_name)
    process = BotProcess(api, workdir, bot_env(api, workdir, **env))
    process.start()
    assert process.process is not None
    try:
        assert process.process.wait(60) == code, process.output()[-3000:]
    finally:
        if process.process.poll() is None:
            process.process.kill()
    return process, process.stderr_path.read_text(errors="replace")


def error_lines(stderr: str) -> list[str]:
    """stderr without the timestamped log lines: what citebot itself printed."""
    return [line for line in stderr.splitlines() if line and not re.match(r"\d{4}-\d\d-\d\d ", line)]


def test_unreachable_api_at_start_exits_1_in_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeBotAPI(TOKEN) as api:
        unreachable = f"http://127.0.0.1:{free_port()}/bot"
        process, stderr = start_failing(api, "unreachable", tmp_path_factory, TELEGRAM_API_BASE_URL=unreachable)
    output = process.output()
    assert "Traceback" not in output and TOKEN not in output and "stopped cleanly" not in output
    [line] = error_lines(stderr)
    assert "cannot reach the Telegram Bot API" in line and unreachable in line


def test_a_bot_api_answering_html_at_start_exits_1_in_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeBotAPI(TOKEN) as api:
        api.inject("getMe", *[Fault.html()] * 3)
        process, stderr = start_failing(api, "html-api", tmp_path_factory)
    output = process.output()
    assert "Traceback" not in output and TOKEN not in output
    [line] = error_lines(stderr)
    assert line.startswith("citebot run: cannot start: the Bot API's answer is not JSON") and "TELEGRAM_API_BASE_URL" in line


def test_wrong_token_exits_78_in_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Telegram answers 401 Unauthorized to a token it does not know; so does the fake API. Restarting cannot
    help, so the exit code is one the deploy files do not restart on (78), not the 1 of a failure that may pass."""
    wrong = "654321:WRONG-token-abcdefghijklmnopqrst"
    with FakeBotAPI(TOKEN) as api:
        process, stderr = start_failing(api, "wrong-token", tmp_path_factory, code=runner.EXIT_TOKEN_REJECTED,
                                        BOT_TOKEN=wrong)
        rejected = [c for c in api.calls if c.status == 401]
    output = process.output()
    assert rejected and rejected[0].method == "getMe"
    assert "Traceback" not in output and wrong not in output and wrong.split(":")[1] not in output
    assert error_lines(stderr) == [runner.INVALID_TOKEN_MESSAGE]


def test_missing_seeds_and_no_index_exits_1_in_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeBotAPI(TOKEN) as api:
        process, stderr = start_failing(api, "no-seeds", tmp_path_factory, SEEDS_DIR="/nonexistent/seeds")
    assert "Traceback" not in process.output()
    [line] = error_lines(stderr)
    assert line.startswith("citebot run: no index to answer from") and "/nonexistent/seeds" in line


def test_webhook_port_taken_exits_1_in_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeBotAPI(TOKEN) as api, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, stderr = start_failing(
            api, "port-taken", tmp_path_factory, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_PORT=str(port),
            WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
    assert "Traceback" not in process.output()
    [line] = error_lines(stderr)
    assert line.startswith(f"citebot run: cannot listen on 127.0.0.1:{port}")
