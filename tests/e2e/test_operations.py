"""Running unattended: the real `citebot run` answers what users sent while it was down (unless told to drop it),
switches to an index that `citebot index` built beside it, and is reported unhealthy by the image's health check
when it is stuck, healthy again when it comes back. Every wait is bounded; nothing asserts how long anything took."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_bot_api import FakeBotAPI
from harness import REPO, TOKEN, USER_ID, BotProcess, launch
from test_deploy_files import healthcheck_command
from test_e2e import say, shown

UNSEEN = REPO / "tests" / "data" / "unseen" / "101_brazil_india.txt"
WAIT = 60.0


def citebot(process: BotProcess, *args: str) -> subprocess.CompletedProcess[str]:
    """Another `citebot` command run beside the bot, with its settings (as an operator's shell would)."""
    return subprocess.run([sys.executable, "-m", "bot", *args], env=process.env, cwd=process.workdir,
                          capture_output=True, text=True, timeout=120)


def health(process: BotProcess) -> subprocess.CompletedProcess[str]:
    command = healthcheck_command()
    assert command[0] == "citebot"
    return citebot(process, *command[1:])


def until(condition, what: str, timeout: float = WAIT) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.1)


@pytest.fixture
def api() -> FakeBotAPI:
    with FakeBotAPI(TOKEN) as fake:
        yield fake


def stop(process: BotProcess) -> None:
    assert process.stop() == 0, process.output()[-3000:]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_what_a_user_wrote_while_the_bot_was_down_is_answered(
    api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory, mode: str
) -> None:
    api.send_text(USER_ID, "/who Patrushev")  # queued at Telegram before the bot starts
    process = launch(api, tmp_path_factory.mktemp(f"pending-{mode}"), mode)
    try:
        reply = api.wait_for(
            lambda c: c.ok and c.method == "sendMessage" and c.params.get("chat_id") == USER_ID, WAIT,
            what="the answer to the message sent while the bot was down",
        )
        assert "Nikolai Patrushev" in shown(reply)
    finally:
        stop(process)


def test_drop_pending_updates_drops_them(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> None:
    api.send_text(USER_ID, "/who Patrushev")
    process = launch(api, tmp_path_factory.mktemp("dropped"), DROP_PENDING_UPDATES="true")
    try:
        delete = api.wait_for_method("deleteWebhook", timeout=1)
        assert delete.params.get("drop_pending_updates") is True
        assert "I hold 2 articles" in shown(say(api, USER_ID, "/start"))
        replies = [c for c in api.calls if c.method == "sendMessage" and c.params.get("chat_id") == USER_ID]
        assert len(replies) == 1  # the answer to /start, none to the dropped message
    finally:
        stop(process)


def test_citebot_index_beside_the_running_bot_is_switched_to(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> None:
    process = launch(api, tmp_path_factory.mktemp("switch"), INDEX_CHECK_INTERVAL="0.3")
    try:
        assert "I hold 2 articles" in shown(say(api, USER_ID, "/start"))
        until(lambda: "watching " in process.output(), "the bot watching its index file")
        shutil.copy(UNSEEN, Path(process.env["SEEDS_DIR"]) / UNSEEN.name)
        built = citebot(process, "index")
        assert built.returncode == 0, built.stderr[-2000:]
        assert "Files read anew: 1, unchanged and taken from the cache: 2" in built.stdout
        until(lambda: "I hold 3 articles" in shown(say(api, USER_ID, "/start")), "the switch to the new index")
        until(lambda: "switched to the index file written beside the bot (3 articles)" in process.output(), "the log line")
    finally:
        stop(process)


def test_the_health_check_fails_while_the_bot_is_stuck_and_passes_again_after(
    api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory
) -> None:
    process = launch(api, tmp_path_factory.mktemp("health"), HEARTBEAT_INTERVAL="0.2")
    assert process.process is not None
    try:
        until(lambda: health(process).returncode == 0, "a healthy heartbeat")
        assert "ok: heartbeat" in health(process).stdout and "2 articles indexed" in health(process).stdout
        os.kill(process.process.pid, signal.SIGSTOP)  # alive, but handling nothing
        try:
            until(lambda: health(process).returncode == 1, "the health check failing")
            assert "stuck or stopped" in health(process).stderr
        finally:
            os.kill(process.process.pid, signal.SIGCONT)
        until(lambda: health(process).returncode == 0, "the health check passing again")
        assert "I hold 2 articles" in shown(say(api, USER_ID, "/start"))
    finally:
        stop(process)
