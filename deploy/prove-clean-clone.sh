#!/usr/bin/env bash
# Issue 4's proof, automated: a clean clone in a temporary folder, a new virtual environment, the README's two
# commands, nothing else.
#
#   deploy/prove-clean-clone.sh           clone this repository's HEAD (committed work only) into a temporary folder;
#                                         run `./citebot.sh` there without a token, fed `/who Patrushev`, and check the
#                                         answer quotes a sentence of the bundled seeds with its outlet and date; then
#                                         `./citebot.sh test --co` (the whole suite collects with the test extras) and
#                                         `./citebot.sh test -k test_who` (the real `citebot run` over HTTP, both modes)
#   deploy/prove-clean-clone.sh --full    the same, but the second command runs the whole test suite
#   deploy/prove-clean-clone.sh --keep    keep the temporary folder (its path is printed)
#
# Needs what the README needs: Python 3.11+ with venv, pip (and its package index), git. The machine's pip
# configuration and cache are used as they are; no citebot setting, active virtual environment or PYTHONPATH of
# this shell reaches the clone. Exit 0 when everything passed. Takes about a minute plus the install (--full: plus
# the suite, about a minute more).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
full=0
keep=0
for arg in "$@"; do
    case "$arg" in
        --full) full=1 ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "prove-clean-clone: unknown argument $arg (try --help)" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/citebot-clean-clone.XXXXXX")
cleanup() {
    if [ "$keep" -eq 1 ]; then echo "prove-clean-clone: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Run a command in a shell that has none of citebot's settings, no active venv and no PYTHONPATH.
settings=(BOT_TOKEN ADMIN_IDS SEEDS_DIR DB_PATH TELEGRAM_API_BASE_URL WEBHOOK_URL WEBHOOK_PORT WEBHOOK_SECRET
          WEBHOOK_LISTEN WEBHOOK_MAX_BODY LOG_LEVEL VIRTUAL_ENV PYTHONPATH PYTHONHOME PYTHONSTARTUP)
unset_args=()
for name in "${settings[@]}"; do unset_args+=(-u "$name"); done
clean() { env "${unset_args[@]}" "$@"; }

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
fail() { echo "prove-clean-clone: FAILED: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    echo "prove-clean-clone: note: uncommitted changes in $repo are not part of the proof (it clones HEAD)"
fi
started=$(now)

step "1. git clone $repo citebot && cd citebot && ./citebot.sh   (no BOT_TOKEN; input: /who Patrushev)"
t=$(now)
git clone --quiet "$repo" "$work/citebot"
cd "$work/citebot"
echo "clone of $(git log -1 --format='%h %s')"
[ ! -e .venv ] && [ ! -e .env ] || fail "the clone already has a .venv or .env"
status=0
printf '/who Patrushev\n' | clean ./citebot.sh >"$work/run.out" 2>"$work/run.err" || status=$?
echo "exit code $status, $(took "$t") (including the set-up of a new .venv)"
sed 's/^/   | /' "$work/run.out"
[ "$status" -eq 0 ] || { sed 's/^/   ! /' "$work/run.err" | tail -30; fail "./citebot.sh exited with $status"; }
[ -x .venv/bin/citebot ] || fail "./citebot.sh made no .venv with citebot in it"
grep -q "BotFather" "$work/run.err" || fail "no word on how to get a token from @BotFather"
grep -q "Patrushev" "$work/run.out" || fail "the answer does not name Patrushev"
grep -Eq '^— .+, [0-9]{4}-[0-9]{2}-[0-9]{2}$' "$work/run.out" || fail "no citation line (— outlet, date)"
quotes=0
while IFS= read -r sentence; do
    grep -rqF -- "$sentence" seeds/ || fail "quoted, but not in the seeds verbatim: $sentence"
    quotes=$((quotes + 1))
done < <(sed -n 's/^  │ //p' "$work/run.out")
[ "$quotes" -gt 0 ] || fail "the answer quotes no sentence"
echo "ok: the answer quotes $quotes sentence(s), each verbatim in seeds/, with outlet and date"

step "2. ./citebot.sh test$([ "$full" -eq 1 ] && echo "   (the whole suite)" || echo " --co, then ./citebot.sh test -k test_who")"
t=$(now)
if [ "$full" -eq 1 ]; then
    clean ./citebot.sh test -q -p no:cacheprovider || fail "./citebot.sh test failed (exit $?)"
else
    status=0
    clean ./citebot.sh test --co -q -p no:cacheprovider >"$work/collect.out" 2>&1 || status=$?
    tail -1 "$work/collect.out"
    [ "$status" -eq 0 ] || { tail -30 "$work/collect.out"; fail "./citebot.sh test --co exited with $status"; }
    clean ./citebot.sh test -q -p no:cacheprovider -k test_who || fail "./citebot.sh test -k test_who failed (exit $?)"
fi
echo "ok: $(took "$t") (including the install of the test extras)"

echo
echo "prove-clean-clone: PASSED in $(took "$started") ($work/citebot, $(clean "$work/citebot/.venv/bin/python" --version))"
