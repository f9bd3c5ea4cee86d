"""The deploy files, .env.example and the README agree with each other and with docs/INTERFACES.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert "pip install ." in dockerfile and "citebot index" in dockerfile
    assert 'ENTRYPOINT ["citebot"]' in dockerfile and 'CMD ["run"]' in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert not re.search(r"^COPY \. ", dockerfile, re.M), "copy named paths only: never a local .env"


def test_compose_matches_the_image() -> None:
    compose = (DEPLOY / "compose.yaml").read_text()
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for variable in ("SEEDS_DIR", "DB_PATH"):
        image_value = re.search(rf"{variable}=(\S+)", dockerfile).group(1)  # type: ignore[union-attr]
        assert f"{variable}: {image_value}" in compose
    assert "env_file: ../.env" in compose and "dockerfile: deploy/Dockerfile" in compose
    assert "../seeds:/app/seeds" in compose and "citebot-data:/app/data" in compose


def test_systemd_unit() -> None:
    unit = (DEPLOY / "citebot.service").read_text()
    for directive in (
        "Restart=on-failure", "RestartPreventExitStatus=2", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/citebot", "PrivateTmp=yes", "EnvironmentFile=/etc/citebot/citebot.env", "User=citebot",
    ):
        assert re.search(rf"^{re.escape(directive)}$", unit, re.M), directive
    assert re.search(r"^ExecStart=\S+/citebot run$", unit, re.M)


def test_readmes_show_the_same_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert "./citebot.sh test" in readme and "&& ./citebot.sh\n" in readme
    assert "./citebot.sh test" in (REPO / ".ci" / "run").read_text()
    deploy = (DEPLOY / "README.md").read_text()
    assert "docker compose -f deploy/compose.yaml up" in deploy and "docker build -f deploy/Dockerfile" in deploy
    for variable in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "BOT_TOKEN", "ADMIN_IDS"):
        assert variable in deploy


def healthcheck_command() -> list[str]:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    return json.loads(re.search(r"CMD (\[\"python\".*\])", dockerfile).group(1))  # type: ignore[union-attr]


def test_image_healthcheck_passes_on_a_built_index_and_fails_without(tmp_path: Path) -> None:
    db = tmp_path / "citebot.sqlite3"
    env = {**os.environ, "DB_PATH": str(db), "SEEDS_DIR": str(REPO / "seeds"), "PYTHONPATH": str(REPO)}
    command = [sys.executable, *healthcheck_command()[1:]]
    assert subprocess.run(command, env=env, capture_output=True, timeout=30).returncode != 0
    built = subprocess.run([sys.executable, "-m", "bot", "index"], env=env, capture_output=True, timeout=120, cwd=tmp_path)
    if built.returncode != 0:
        pytest.fail(f"citebot index failed: {built.stderr.decode()[-2000:]}")
    assert subprocess.run(command, env=env, capture_output=True, timeout=30).returncode == 0
