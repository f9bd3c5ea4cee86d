"""The token never reaches a log line, and `citebot run` refuses settings it cannot serve, in one clear line."""

from __future__ import annotations

import io
import logging

import pytest
from pydantic import SecretStr

from bot.chat import runner
from bot.config import Settings
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


@pytest.mark.parametrize(
    ("url", "secret", "complaint"),
    [
        ("https://bot.example.org/hook", None, "WEBHOOK_SECRET"),
        ("https://bot.example.org/hook", "has spaces", "WEBHOOK_SECRET"),
        (f"https://bot.example.org/{TOKEN}", "fine", "token"),
        ("bot.example.org/hook", "fine", "full URL"),
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
    assert complaint in err and TOKEN not in err and "\n" not in err


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
    with pytest.raises(runner.ConfigError) as refused:
        runner.load_settings()
    message = str(refused.value)
    assert "\n" not in message and "ADMIN_IDS" in message and "'me'" in message and "WEBHOOK_PORT" in message


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


def test_drop_records_filters_by_prefix() -> None:
    logger, stream = capture()
    logger.addFilter(DropRecords("Network Retry Loop (Bootstrap"))
    logger.error("Network Retry Loop (Bootstrap Initialize Application): Invalid token. Aborting retry loop.")
    logger.error("something else")
    assert stream.getvalue().splitlines()[-1].endswith("something else") and "Bootstrap" not in stream.getvalue()
