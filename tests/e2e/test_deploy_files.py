"""The deploy files, .env.example and the README agree with each other and with docs/INTERFACES.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat import runner
from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def interface_variables() -> set[str]:
    """The variables of the environment table in docs/INTERFACES.md."""
    text = (REPO / "docs" / "INTERFACES.md").read_text()
    table = text[text.index("## Environment") :]
    table = table[: table.index("\n## ", 1)] if "\n## " in table[1:] else table
    first_cells = re.findall(r"^\| ([^|]+) \|", table, re.M)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def test_env_example_names_every_variable_and_parses() -> None:
    example = (REPO / ".env.example").read_text()
    assigned = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.M))
    missing = interface_variables() - assigned
    assert not missing, f".env.example lacks {sorted(missing)}"
    settings = Settings(_env_file=REPO / ".env.example")
    assert settings.bot_token is None and settings.webhook_url is None and settings.log_level == "INFO"


def test_dockerfile() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^USER citebot$", dockerfile, re.M), "the bot must not run as root"
    assert "pip install --no-deps -r deploy/requirements.lock" in dockerfile, "the locked versions, nothing else"
    assert "pip install --no-deps ." in dockerfile and "citebot index" in dockerfile
    assert 'ENTRYPOINT ["tini", "--", "citebot"]' in dockerfile and 'CMD ["run"]' in dockerfile
    assert re.search(r'^HEALTHCHECK .* CMD \["citebot", "health"\]$', dockerfile, re.M)
    assert not re.search(r"^COPY \. ", dockerfile, re.M), "copy named paths only: never a local .env"


def test_the_lock_file_pins_every_dependency_within_pyproject() -> None:
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins: dict[str, str] = {}
    for line in (DEPLOY / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[A-Za-z0-9._-]+", name), f"not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for dependency in map(Requirement, dependencies):
        name = canonicalize_name(dependency.name)
        assert name in pins, f"{dependency.name} is not in deploy/requirements.lock"
        assert dependency.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {dependency.specifier}"
        for extra in dependency.extras:  # what the extras bring: the webhook server, the rate limiter
            assert {"webhooks": "tornado", "rate-limiter": "aiolimiter"}.get(extra, extra) in pins


def test_compose_matches_the_image() -> None:
    compose = (DEPLOY / "compose.yaml").read_text()
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for variable in ("SEEDS_DIR", "DB_PATH"):
        image_value = re.search(rf"{variable}=(\S+)", dockerfile).group(1)  # type: ignore[union-attr]
        assert f"{variable}: {image_value}" in compose
    assert "env_file: ../.env" in compose and "dockerfile: deploy/Dockerfile" in compose
    assert "../seeds:/app/seeds" in compose and "citebot-data:/app/data" in compose


def test_compose_does_not_restart_what_restarting_cannot_fix() -> None:
    """Docker's restart policies cannot leave out an exit code: tini maps 2 (a bad setting) and 78 (a token
    Telegram rejects) to 0, which `on-failure` does not restart; any other failure is restarted."""
    for name in ("compose.yaml", "compose.replicas.yaml"):
        compose = (DEPLOY / name).read_text()
        entrypoint = f'entrypoint: ["tini", "-e", "2", "-e", "{runner.EXIT_TOKEN_REJECTED}", "--", "citebot"]'
        assert entrypoint in compose, name
        service = compose[compose.index(entrypoint):]
        service = service[: service.index("\n  nginx:")] if "\n  nginx:" in service else service
        assert "restart: on-failure" in service and "unless-stopped" not in service, name


def test_replicas_share_one_read_only_index_built_once_behind_nginx() -> None:
    compose = (DEPLOY / "compose.replicas.yaml").read_text()
    index_job = compose[compose.index("\n  index:"):compose.index("\n  citebot:")]
    replicas = compose[compose.index("\n  citebot:"):compose.index("\n  nginx:")]
    assert 'command: ["index"]' in index_job and "citebot-index:/app/data\n" in index_job
    assert 'command: ["run"]' in replicas and "replicas: 2" in replicas
    assert 'INDEX_READ_ONLY: "true"' in replicas and "citebot-index:/app/data:ro" in replicas
    assert "condition: service_completed_successfully" in replicas and "HEARTBEAT_FILE: /tmp/" in replicas
    nginx = (DEPLOY / "nginx" / "citebot-replicas.conf").read_text()
    assert "./nginx/citebot-replicas.conf:/etc/nginx/conf.d/default.conf:ro" in compose
    assert "server citebot:8443" in nginx and "proxy_pass http://citebot;" in nginx


def test_nginx_examples_use_http2_on() -> None:
    """`listen 443 ssl http2` is deprecated since nginx 1.25.1; `http2 on;` is the directive."""
    examples = [(DEPLOY / "nginx" / "citebot-replicas.conf").read_text()]
    examples += re.findall(r"```nginx\n(.*?)```", (DEPLOY / "README.md").read_text(), re.S)
    assert len(examples) >= 2
    for example in examples:
        assert re.search(r"^\s*http2 on;", example, re.M) and not re.search(r"listen [^;]*http2", example)


def test_systemd_unit() -> None:
    unit = (DEPLOY / "citebot.service").read_text()
    for directive in (
        "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/citebot", "PrivateTmp=yes", "EnvironmentFile=/etc/citebot/citebot.env", "User=citebot",
    ):
        assert re.search(rf"^{re.escape(directive)}$", unit, re.M), directive
    assert re.search(r"^ExecStart=\S+/citebot run$", unit, re.M)
    prevented = re.search(r"^RestartPreventExitStatus=(.*)$", unit, re.M).group(1).split()  # type: ignore[union-attr]
    assert {"2", str(runner.EXIT_TOKEN_REJECTED)} <= set(prevented)


def test_readmes_show_the_same_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert "./citebot.sh test" in readme and "&& ./citebot.sh\n" in readme
    assert "./citebot.sh test" in (REPO / ".ci" / "run").read_text()
    deploy = (DEPLOY / "README.md").read_text()
    assert "docker compose -f deploy/compose.yaml up" in deploy and "docker build -f deploy/Dockerfile" in deploy
    for variable in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "BOT_TOKEN", "ADMIN_IDS"):
        assert variable in deploy



def healthcheck_command() -> list[str]:
    """The image's HEALTHCHECK command (test_operations runs it against a running, then a stuck, bot)."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    return json.loads(re.search(r"^HEALTHCHECK .* CMD (\[.*\])$", dockerfile, re.M).group(1))  # type: ignore[union-attr]


def test_image_healthcheck_fails_without_a_running_bot(tmp_path: Path) -> None:
    db = tmp_path / "citebot.sqlite3"
    env = {**os.environ, "DB_PATH": str(db), "SEEDS_DIR": str(REPO / "seeds"), "PYTHONPATH": str(REPO)}
    built = subprocess.run([sys.executable, "-m", "bot", "index"], env=env, capture_output=True, timeout=120, cwd=tmp_path)
    if built.returncode != 0:
        pytest.fail(f"citebot index failed: {built.stderr.decode()[-2000:]}")
    command = healthcheck_command()
    assert command[0] == "citebot"
    checked = subprocess.run([sys.executable, "-m", "bot", *command[1:]], env=env, capture_output=True, timeout=30,
                             cwd=tmp_path, text=True)
    assert checked.returncode == 1 and "no heartbeat file" in checked.stderr
