#!/usr/bin/env bash
# The frozen bundle's smoke test, the way a fresh laptop runs it: no Python on PATH (PATH is an
# empty directory), no variables from the build, a throw-away HOME.
#
#   bash packaging/frozen-smoke.sh [BUNDLE_DIR]     (default: build/dist/rekam)
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=$(cd "${1:-build/dist/rekam}" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/empty-path" "$scratch/home"
if PATH="$scratch/empty-path" command -v python3 python >/dev/null 2>&1; then
    echo "frozen-smoke.sh: a Python is on the test PATH; the test would prove nothing" >&2
    exit 1
fi
run() {
    env -i HOME="$scratch/home" PATH="$scratch/empty-path" LANG=C.UTF-8 "$@"
}
echo "+ rekam --smoke-test (PATH has no Python)"
run "$BUNDLE/rekam" --smoke-test
echo "+ rekam-receiver --help"
run "$BUNDLE/rekam-receiver" --help >/dev/null
echo "frozen smoke test OK"
