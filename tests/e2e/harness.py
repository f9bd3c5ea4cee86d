"""The pieces the end-to-end fixtures share: the test token and ids, and `citebot run` as a subprocess."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from fake_bot_api import Call, FakeBotAPI

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuv"
ADMIN_ID = 9001
USER_ID = 4242
WEBHOOK_SECRET = "e2e-webhook-secret_0123456789"
START_TIMEOUT = 60.0  # the first start builds the index from the seeds
STOP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BotProcess:
    """`python -m bot run` pointed at the fake API; output goes to files so a full pipe never blocks it."""

    api: FakeBotAPI
    workdir: Path
    env: dict[str, str]
    mode: str = "polling"
    process: subprocess.Popen[bytes] | None = None
    returncode: int | None = None
    started_at: float = field(default_factory=time.monotonic)

    @property
    def stdout_path(self) -> Path:
        return self.workdir / "stdout.log"

    @property
    def stderr_path(self) -> Path:
        return self.workdir / "stderr.log"

    def start(self) -> None:
        self.started_at = time.monotonic()
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=self.env, stdout=out, stderr=err
            )

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")

    def assert_alive(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"citebot exited with {self.process.returncode}:\n{self.output()[-4000:]}")

    def wait_ready(self, method: str) -> Call:
        """Ready when the bot makes its first `method` request (getUpdates or setWebhook), answered or not."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.assert_alive()
            try:
                return self.api.wait_for(lambda c: c.method == method, 0.5, arrived=True, what=method)
            except AssertionError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"citebot made no {method} call within {START_TIMEOUT:.0f}s:\n{self.output()[-4000:]}"
                    ) from None

    def wait_listening(self, port: int) -> None:
        """The webhook server accepts connections (PTB may call setWebhook before it listens)."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.assert_alive()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"nothing listens on 127.0.0.1:{port}:\n{self.output()[-4000:]}") from None
                time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
                raise AssertionError(f"citebot did not stop within {STOP_TIMEOUT:.0f}s:\n{self.output()[-4000:]}")
        self.returncode = self.process.returncode
        return self.returncode


def bot_env(api: FakeBotAPI, workdir: Path, **extra: str) -> dict[str, str]:
    seeds = workdir / "seeds"
    if not seeds.exists():
        shutil.copytree(REPO / "seeds", seeds)
        for path in seeds.iterdir():
            path.chmod(0o644)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {
            "BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_PORT", "WEBHOOK_SECRET", "WEBHOOK_LISTEN", "WEBHOOK_MAX_BODY", "ADMIN_IDS",
        }
    }
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        DB_PATH=str(workdir / "data" / "citebot.sqlite3"),
        SEEDS_DIR=str(seeds),
        ADMIN_IDS=str(ADMIN_ID),
        LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env



def launch(api: FakeBotAPI, workdir: Path, mode: str = "polling", **settings: str) -> BotProcess:
    """Start `citebot run` in `mode` ("polling" or "webhook" on a free local port) with these settings (environment
    variables) and wait until it is serving."""
    extra: dict[str, str] = {}
    if mode == "webhook":
        port = int(settings.pop("WEBHOOK_PORT", 0)) or free_port()
        extra = dict(
            WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_PORT=str(port), WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
    extra.update(settings)
    bot = BotProcess(api, workdir, bot_env(api, workdir, **extra), mode=mode)
    bot.start()
    bot.wait_ready("setWebhook" if mode == "webhook" else "getUpdates")
    if mode == "webhook":
        bot.wait_listening(int(extra["WEBHOOK_PORT"]))
    return bot
