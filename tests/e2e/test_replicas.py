"""Beyond one machine: the index is built once by a job (`citebot index`), and two `citebot run` processes in
webhook mode open that one file read-only behind a round-robin proxy (what nginx does in
deploy/compose.replicas.yaml). Both answer; when the job builds again, both switch to the new file; neither
writes anything beside the index."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from fake_bot_api import SECRET_HEADER, FakeBotAPI
from harness import ADMIN_ID, REPO, TOKEN, BotProcess, free_port, launch
from test_e2e import shown

UNSEEN = REPO / "tests" / "data" / "unseen" / "101_brazil_india.txt"
WAIT = 60.0


class RoundRobin:
    """A load balancer: each POST goes to the next backend in turn; which backend got which chat is recorded."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.turns = itertools.cycle(range(len(backends)))
        self.routed: list[tuple[int, int, int]] = []  # (backend, chat id, status)
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                backend = next(balancer.turns)
                request = urllib.request.Request(
                    f"http://127.0.0.1:{balancer.backends[backend]}{self.path}", data=body, method="POST",
                    headers={"Content-Type": "application/json", SECRET_HEADER: self.headers.get(SECRET_HEADER, "")},
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status, answer = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, answer = error.code, error.read()
                chat = (json.loads(body).get("message") or {}).get("chat", {}).get("id", 0)
                balancer.routed.append((backend, chat, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def replies_to(api: FakeBotAPI, chat: int) -> list[str]:
    return [shown(c) for c in api.calls if c.ok and c.method == "sendMessage" and c.params.get("chat_id") == chat]


def healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_two_webhook_replicas_on_one_read_only_index_both_answer_and_both_follow_a_rebuild(tmp_path: Path) -> None:
    shared = tmp_path / "index"
    shared.mkdir()
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    db_path = shared / "citebot.sqlite3"

    def job() -> str:
        """The build job: `citebot index` into the shared folder."""
        built = subprocess.run([sys.executable, "-m", "bot", "index", "--seeds", str(seeds), "--db", str(db_path)],
                               capture_output=True, text=True, timeout=180, cwd=tmp_path,
                               env={**_clean_env(), "PYTHONPATH": str(REPO)})
        assert built.returncode == 0, built.stderr[-2000:]
        return built.stdout

    assert "Indexed 2 articles" in job()
    ports = [free_port(), free_port()]
    balancer = RoundRobin(ports)
    replicas: list[BotProcess] = []
    with FakeBotAPI(TOKEN) as api:
        try:
            for number, port in enumerate(ports):
                replicas.append(launch(
                    api, tmp_path / f"replica-{number}", "webhook", WEBHOOK_PORT=str(port),
                    WEBHOOK_URL=f"http://127.0.0.1:{balancer.port}/hook", DB_PATH=str(db_path),
                    INDEX_READ_ONLY="true", INDEX_CHECK_INTERVAL="0.3",
                    HEARTBEAT_FILE=str(tmp_path / f"replica-{number}" / "heartbeat"),
                ))
            assert api.webhook["url"] == f"http://127.0.0.1:{balancer.port}/hook"  # both told Telegram the same

            answered: dict[int, set[str]] = {0: set(), 1: set()}
            chats = itertools.count(7001)

            def ask_both(expect: str) -> None:
                """Users write until each replica has answered one of them with `expect`."""
                deadline = time.monotonic() + WAIT
                while not all(expect in texts for texts in answered.values()):
                    assert time.monotonic() < deadline, f"not both replicas answered {expect!r}: {answered}"
                    chat = next(chats)
                    routed = len(balancer.routed)
                    api.send_text(chat, "/start")
                    api.wait_for(lambda c, chat=chat: c.ok and c.method == "sendMessage" and c.params.get("chat_id") == chat,
                                 WAIT, what=f"the answer in chat {chat}")
                    backend = next(b for b, c, _ in balancer.routed[routed:] if c == chat)
                    answered[backend].update(t for t in ("I hold 2 articles", "I hold 3 articles") if t in replies_to(api, chat)[0])

            ask_both("I hold 2 articles")
            assert all(status == 200 for _, _, status in balancer.routed)
            for number, replica in enumerate(replicas):  # each handled its share itself
                handled = {c for b, c, _ in balancer.routed if b == number}
                until_logged = time.monotonic() + WAIT  # a handler's log line comes after its reply was sent
                while not all(f"user={chat} command=start" in replica.output() for chat in handled):
                    assert time.monotonic() < until_logged, (handled, replica.output()[-2000:])
                    time.sleep(0.05)
                assert handled
                until_healthy = time.monotonic() + WAIT
                while healthz(ports[number])[0] != 200:
                    assert time.monotonic() < until_healthy, healthz(ports[number])
                    time.sleep(0.1)

            shutil.copy(UNSEEN, seeds / UNSEEN.name)
            assert "Files read anew: 1" in job()  # the job again: one new article
            answered = {0: set(), 1: set()}
            ask_both("I hold 3 articles")
            for replica in replicas:  # the line is logged once the old index is closed, after the new one answers
                until_logged = time.monotonic() + WAIT
                while "switched to the index file written beside the bot (3 articles)" not in replica.output():
                    assert time.monotonic() < until_logged, replica.output()[-2000:]
                    time.sleep(0.05)

            since = api.mark()
            api.send_text(ADMIN_ID, "/reload")  # a replica says where the index is built, and builds nothing
            refused = api.wait_for(lambda c: c.ok and c.method == "editMessageText" and "INDEX_READ_ONLY" in shown(c),
                                   WAIT, since, what="the refusal of /reload")
            assert "still answering" in shown(refused)
            written = sorted(p.name for p in shared.iterdir())
            assert written == ["citebot.sqlite3", "citebot.sqlite3.cache"], written  # the job's files only
        finally:
            for replica in replicas:
                assert replica.stop() == 0, replica.output()[-3000:]
            balancer.close()


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DB_PATH", "SEEDS_DIR", "WEBHOOK_URL")}
