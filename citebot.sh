#!/usr/bin/env bash
# citebot in one command, on a machine with Python 3.11+, pip and git:
#   ./citebot.sh            set up .venv, then run the bot: in Telegram when BOT_TOKEN is set (environment or .env),
#                           otherwise `citebot console` on the bundled seeds, after building the index
#   ./citebot.sh test       set up .venv with the test extras, then run the whole test suite (what .ci/run runs)
#   ./citebot.sh ARGS...    set up, then `citebot ARGS...` (e.g. ./citebot.sh index, ./citebot.sh console --admin)
# Settings that do not parse (e.g. ADMIN_IDS=me) stop it with one line naming the variable, exit code 2.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

# Install (editable) when the venv is new or pyproject.toml changed since the last install with these extras.
setup() {
    local extras=$1
    if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        rm -rf "$VENV"  # half made (e.g. an earlier attempt without ensurepip): start again
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        if ! "$PYTHON" -m venv "$VENV"; then
            rm -rf "$VENV"
            echo "citebot: '$PYTHON -m venv' failed; on Debian/Ubuntu install it first: sudo apt-get install python3-venv" >&2
            exit 1
        fi
    fi
    local stamp="$VENV/.citebot-installed$extras"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$extras"
        touch "$stamp"
    fi
}

# 0: BOT_TOKEN is set; 1: it is not; 2: the settings do not parse (runner.token_status has printed one line).
token_status() {
    "$VENV/bin/python" -c 'import sys; from bot.chat.runner import token_status; sys.exit(token_status())'
}

case "${1:-}" in
    test)
        shift
        setup "[test]"
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    "")
        setup ""
        status=0
        token_status || status=$?
        case "$status" in
            0) exec "$VENV/bin/citebot" run ;;
            1) ;;
            *) exit 2 ;;
        esac
        echo "citebot: no BOT_TOKEN, so this is the bot offline (citebot console) on the bundled seeds; to run it in Telegram, ask @BotFather for a token (/newbot), put BOT_TOKEN=<token> in .env and run ./citebot.sh again." >&2
        "$VENV/bin/citebot" index --if-stale  # its summary only when it builds
        exec "$VENV/bin/citebot" console
        ;;
    *)
        setup ""
        exec "$VENV/bin/citebot" "$@"
        ;;
esac
