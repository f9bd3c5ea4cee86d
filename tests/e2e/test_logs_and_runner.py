"""The token never reaches a log line; `citebot run` refuses settings it cannot serve in one clear line; a send whose
connection dropped before any answer is sent once more, and nothing else is."""

from __future__ import annotations

import io
import logging
import warnings

import httpx
import pytest
from pydantic import SecretStr
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.chat import runner
from bot.chat.sending import ResendOnDroppedConnection, ServerError
from bot.config import ConfigError, Settings, load_settings
from bot.logs import REDACTED, DropRecords, RedactingFilter, RedactingFormatter, redact, setup_logging

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuv"


@pytest.fixture(autouse=True)
def _restore_root_logger():
    """setup_logging configures the root logger; leave it as pytest had it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def capture(secrets: tuple[str, ...] = ()) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(RedactingFormatter(secrets=secrets))
    logger = logging.getLogger(f"citebot.test.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_token_shapes_are_redacted() -> None:
    assert redact(f"POST https://api.telegram.org/bot{TOKEN}/getUpdates") == (
        f"POST https://api.telegram.org/bot{REDACTED}/getUpdates"
    )
    assert redact("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw ok") == f"{REDACTED} ok"
    assert redact("12:30 meeting, 1:2 ratio") == "12:30 meeting, 1:2 ratio"
    assert redact("odd secret here", ["odd secret"]) == f"{REDACTED} here"


def test_encoded_tokens_are_redacted_too() -> None:
    secret_part = TOKEN.split(":")[1]
    lines = [
        "POST https://bot.example.org/" + TOKEN.replace(":", "%3A") + "/hook",
        "POST https://bot.example.org/" + TOKEN.replace(":", "%3a"),
        "double " + TOKEN.replace(":", "%253A"),
        "the secret part alone: /bot/" + secret_part,
    ]
    for line in lines:
        assert secret_part not in redact(line, [TOKEN]) and REDACTED in redact(line, [TOKEN]), line
    logger, stream = capture((TOKEN, "webhook-secret/with+odd=chars"))
    logger.warning("url %s", "https://bot.example.org/" + TOKEN.replace(":", "%3A"))
    logger.warning("secret %s", "webhook-secret%2Fwith%2Bodd%3Dchars")
    assert secret_part not in stream.getvalue() and "odd" not in stream.getvalue()


def test_records_are_redacted_in_message_args_and_exceptions() -> None:
    logger, stream = capture(("webhook-s3cret",))
    logger.info("HTTP Request: %s %s", "POST", f"http://127.0.0.1/bot{TOKEN}/sendMessage")
    logger.warning("secret %s", "webhook-s3cret")
    try:
        raise RuntimeError(f"connect failed for /bot{TOKEN}/getMe")
    except RuntimeError:
        logger.exception("network trouble")
    logger.info("bad format %s %s", "only one")
    text = stream.getvalue()
    assert TOKEN not in text and "webhook-s3cret" not in text
    assert text.count(REDACTED) >= 3 and "RuntimeError" in text and "network trouble" in text


def test_setup_logging_quiets_httpx_and_is_idempotent() -> None:
    setup_logging("debug", secrets=[TOKEN])
    setup_logging("WARNING", secrets=[TOKEN])
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_citebot", False)]
    assert len(ours) == 1 and root.level == logging.WARNING
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore").level == logging.WARNING
    setup_logging("nonsense")
    assert root.level == logging.INFO
    setup_logging("INFO")


def test_run_without_token_names_the_console(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.run(Settings(_env_file=None, bot_token=None)) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "citebot console" in err and "BotFather" in err


SECRET = "a-webhook-secret-of-32-characters"


@pytest.mark.parametrize(
    ("url", "secret", "complaint"),
    [
        ("https://bot.example.org/hook", None, "WEBHOOK_SECRET"),
        (f"https://bot.example.org/{TOKEN}", SECRET, "token"),
        ("https://bot.example.org/" + TOKEN.replace(":", "%3A"), SECRET, "token"),
        ("https://bot.example.org/" + TOKEN.replace(":", "%253a"), SECRET, "token"),
        ("https://bot.example.org/hook/" + TOKEN.replace(":", "/"), SECRET, "token"),
        ("https://bot.example.org/hook?t=" + TOKEN.replace("-", "%2D"), SECRET, "token"),
        ("bot.example.org/hook", SECRET, "full URL"),
    ],
)
def test_run_refuses_unsafe_webhook_settings(
    url: str, secret: str | None, complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        webhook_url=url,
        webhook_secret=SecretStr(secret) if secret else None,
    )
    assert runner.run(settings) == 1
    err = capsys.readouterr().err.strip()
    assert complaint in err and TOKEN.split(":")[1] not in err and "%3A" not in err and "\n" not in err


def test_webhook_path_comes_from_the_url() -> None:
    assert runner.webhook_url_path("https://bot.example.org/telegram/citebot") == "telegram/citebot"
    assert runner.webhook_url_path("https://bot.example.org") == ""


# ---------------------------------------------------------------------------------------------- settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:
    """No citebot variable in the environment, and a working directory without .env."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_a_bad_setting_is_one_line_naming_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ADMIN_IDS", "me")
    clean_env.setenv("WEBHOOK_PORT", "eighty")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    message = str(refused.value)
    assert "\n" not in message and "ADMIN_IDS" in message and "'me'" in message and "WEBHOOK_PORT" in message


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT"),  # would listen on 70000 % 65536 = 4464
        ("WEBHOOK_PORT", "0", "WEBHOOK_PORT"),
        ("WEBHOOK_SECRET", "abc", "WEBHOOK_SECRET: must be 16-256"),  # redacting "abc" would blank out words
        ("WEBHOOK_SECRET", "has spaces in it, 32 characters", "WEBHOOK_SECRET"),
    ],
)
def test_a_port_out_of_range_or_a_short_secret_is_a_bad_setting(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, complaint: str
) -> None:
    clean_env.setenv("BOT_TOKEN", TOKEN)
    clean_env.setenv(variable, value)
    assert runner.run() == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("citebot run: bad setting") and complaint in err and "\n" not in err
    assert value not in err or variable == "WEBHOOK_PORT"  # a secret is never echoed, even a bad one


def test_token_status_tells_token_from_no_token_from_bad_settings(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert runner.token_status() == 1
    clean_env.setenv("BOT_TOKEN", TOKEN)
    assert runner.token_status() == 0
    clean_env.setenv("ADMIN_IDS", "me")
    assert runner.token_status() == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("citebot: bad setting ADMIN_IDS") and "\n" not in err and TOKEN not in err


def test_run_reads_the_settings_itself_and_refuses_bad_ones_in_one_line(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("BOT_TOKEN", TOKEN)
    clean_env.setenv("ADMIN_IDS", "12,me")
    assert runner.run() == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("citebot run: bad setting ADMIN_IDS") and "\n" not in err and TOKEN not in err


# ---------------------------------------------------------------------------------------------- resending


def dropped(cause: Exception) -> NetworkError:
    """What PTB's HTTPXRequest raises when httpx fails with `cause`."""
    error = NetworkError(f"httpx.{type(cause).__name__}: {cause}")
    error.__cause__ = cause
    return error


def flaky(*failures: Exception) -> tuple[list[str], object]:
    """A request callback that raises `failures` in turn, then succeeds; and the list of its calls."""
    calls: list[str] = []
    pending = list(failures)

    async def callback(text: str) -> dict[str, str]:
        calls.append(text)
        if pending:
            raise pending.pop(0)
        return {"text": text}

    return calls, callback


def flood_limited() -> RetryAfter:
    """A 429 as PTB raises it (its constructor warns about a future change of `retry_after`'s type)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RetryAfter(3)


async def send_through(limiter: ResendOnDroppedConnection, callback: object) -> object:
    return await limiter.process_request(callback, ("hello",), {}, "sendMessage", {}, None)


@pytest.mark.parametrize(
    "cause",
    [httpx.RemoteProtocolError("Server disconnected without sending a response."),
     httpx.ReadError("connection reset"), httpx.ConnectError("refused")],
)
async def test_a_send_whose_connection_dropped_is_sent_once_more(cause: Exception) -> None:
    calls, callback = flaky(dropped(cause))
    assert await send_through(ResendOnDroppedConnection(pause=0), callback) == {"text": "hello"}
    assert calls == ["hello", "hello"]


async def test_a_second_drop_is_not_resent_again() -> None:
    cause = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    calls, callback = flaky(dropped(cause), dropped(cause))
    with pytest.raises(NetworkError):
        await send_through(ResendOnDroppedConnection(pause=0), callback)
    assert calls == ["hello", "hello"]


def timed_out(cause: Exception) -> TimedOut:
    """What PTB's HTTPXRequest raises when httpx times out with `cause`."""
    error = TimedOut()
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "failure",
    [timed_out(httpx.ReadTimeout("read timed out")), timed_out(httpx.ConnectTimeout("connect timed out")),
     timed_out(httpx.PoolTimeout("pool timed out")), TimedOut("Timed out"),
     ServerError("Bad Gateway (502) from the Bot API"), ServerError("Service Unavailable (503) from the Bot API")],
    ids=["read-timeout", "connect-timeout", "pool-timeout", "timed-out", "bad-gateway", "unavailable"],
)
async def test_a_send_that_timed_out_or_got_a_5xx_is_sent_once_more(failure: Exception) -> None:
    calls, callback = flaky(failure)
    assert await send_through(ResendOnDroppedConnection(pause=0), callback) == {"text": "hello"}
    assert calls == ["hello", "hello"]


@pytest.mark.parametrize(
    "failure", [BadRequest("Message is too long"), flood_limited(), NetworkError("Unknown error")],
    ids=["bad-request", "retry-after", "other"],
)
async def test_final_answers_are_not_resent(failure: Exception) -> None:
    calls, callback = flaky(failure)
    with pytest.raises(type(failure)):
        await send_through(ResendOnDroppedConnection(pause=0), callback)
    assert calls == ["hello"]


async def test_resending_happens_inside_the_wrapped_rate_limiter() -> None:
    class Recording(BaseRateLimiter):
        def __init__(self) -> None:
            self.events: list[str] = []

        async def initialize(self) -> None:
            self.events.append("initialize")

        async def shutdown(self) -> None:
            self.events.append("shutdown")

        async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
            self.events.append(endpoint)
            return await callback(*args, **kwargs)

    inner = Recording()
    limiter = ResendOnDroppedConnection(inner, pause=0)
    calls, callback = flaky(dropped(httpx.RemoteProtocolError("gone")))
    await limiter.initialize()
    assert await send_through(limiter, callback) == {"text": "hello"}
    await limiter.shutdown()
    assert inner.events == ["initialize", "sendMessage", "shutdown"] and calls == ["hello", "hello"]


def test_the_application_for_telegram_resends_dropped_sends_within_flood_control() -> None:
    from telegram.ext import AIORateLimiter

    from bot.chat.app import build_application

    application = build_application(Settings(_env_file=None, bot_token=SecretStr(TOKEN)))
    wrapper = application.bot.rate_limiter
    assert isinstance(wrapper, ResendOnDroppedConnection) and isinstance(wrapper.inner, AIORateLimiter)


def test_drop_records_filters_by_prefix() -> None:
    logger, stream = capture()
    logger.addFilter(DropRecords("Network Retry Loop (Bootstrap"))
    logger.error("Network Retry Loop (Bootstrap Initialize Application): Invalid token. Aborting retry loop.")
    logger.error("something else")
    assert stream.getvalue().splitlines()[-1].endswith("something else") and "Bootstrap" not in stream.getvalue()
