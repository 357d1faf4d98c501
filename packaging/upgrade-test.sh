#!/usr/bin/env bash
# Installing a newer .deb over an older one keeps the data and the keys and migrates the
# database (issue 13). What it does:
#   1. builds the .deb of an older revision (default: the last one before the newest database
#      migration, so that the upgrade has a migration to run) with today's packaging recipe;
#   2. installs it with dpkg into a throw-away root (dpkg --root; nothing on this machine
#      changes), provisions a station and a demo station with records, writes down what it sees;
#   3. installs the new .deb (build/rekam_VERSION_ARCH.deb from packaging/build.sh) over it;
#   4. checks with the new program: same records, still decryptable, same station key, audit
#      chain intact, database at the newest revision, dpkg shows the upgrade.
#
#   bash packaging/upgrade-test.sh [OLD_REVISION]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/build/upgrade
ARCH=$(dpkg --print-architecture)
PY=${REKAM_BUILD_PYTHON:-python3}

newest_migration=$(git log -n1 --format=%H -- storage/migrations/versions 2>/dev/null || true)
if [ -z "${1:-}" ] && ! git rev-parse -q --verify "${newest_migration:-none}^" >/dev/null; then
    echo "upgrade-test.sh: SKIPPED: no git history here to find the revision before the newest"
    echo "migration (a shallow clone?); pass OLD_REVISION to run it"
    exit 0
fi
OLD=${1:-$(git rev-parse "$newest_migration^")}
old_short=$(git rev-parse --short "$OLD")
new_deb=$(ls -t "$ROOT"/build/rekam_*_"$ARCH".deb 2>/dev/null | grep -v '~old' | head -1 || true)
if [ -z "$new_deb" ]; then
    echo "upgrade-test.sh: build the new .deb first (bash packaging/build.sh)" >&2
    exit 2
fi
fail() { echo "upgrade-test.sh: FAILED: $*" >&2; exit 1; }

OLD_SRC=$ROOT/build/upgrade-old-$old_short  # kept: a second run reuses the old .deb
old_deb=$(ls "$OLD_SRC"/build/rekam_*~old."$old_short"_"$ARCH".deb 2>/dev/null || true)
rm -rf "$WORK"
mkdir -p "$WORK"
if [ -z "$old_deb" ]; then
    echo "== the older revision $old_short, built with today's recipe"
    rm -rf "$OLD_SRC"
    mkdir -p "$OLD_SRC"
    git archive "$OLD" | tar -x -C "$OLD_SRC"
    # Today's recipe and what it needs of the tree (the frozen entry point's child dispatch,
    # the icon); the program itself is the old revision's.
    rm -rf "$OLD_SRC/packaging"
    cp -a packaging "$OLD_SRC/packaging"
    cp -n station/frozen.py "$OLD_SRC/station/frozen.py"
    mkdir -p "$OLD_SRC/ui/icons" && cp -n ui/icons/rekam.png "$OLD_SRC/ui/icons/"
    old_version=$(cd "$OLD_SRC" && "$PY" -c "import station; print(station.__version__)")
    (cd "$OLD_SRC" && REKAM_DEB_VERSION="$old_version~old.$old_short" \
        REKAM_BUILD_VENV="$OLD_SRC/build/venv" bash packaging/build.sh) \
        > "$WORK/old-build.log" 2>&1 || { tail -30 "$WORK/old-build.log"; fail "old build"; }
    old_deb=$(ls "$OLD_SRC"/build/rekam_*~old."$old_short"_"$ARCH".deb)
fi
old_version=$(dpkg-deb -f "$old_deb" Version)
version=$(dpkg-deb -f "$new_deb" Version)

R=$WORK/root
H=$WORK/home
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$H"
touch "$R/var/lib/dpkg/status"
dpkg_() { dpkg --root="$R" --force-depends --force-script-chrootless "$@"; }
rekam() {  # the installed program, with nothing of this shell's environment
    env -i HOME="$H" PATH=/nonexistent LANG=C.UTF-8 REKAM_PASSWORD="${PASSWORD:-}" \
        REKAM_NEW_PASSWORD=ani-password-1 "$R/opt/rekam/rekam" "$@"
}
revision() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
    'select version_num from alembic_version').fetchone()[0])" "$1/station.sqlite"; }

echo "== install $(basename "$old_deb")"
dpkg_ -i "$old_deb" > "$WORK/dpkg-old.log" 2>&1
S=$H/station
D=$H/demo
PASSWORD=boss-password-1 rekam --data-dir "$S" init --station-id UPG-01 --region 35.05 \
    --admin boss --kdf fast > "$WORK/init.txt"
PASSWORD=boss-password-1 rekam --data-dir "$S" operators add ani --operator boss > /dev/null
rekam --data-dir "$S" station-key --export "$WORK/key-before.json" > /dev/null
rekam --data-dir "$D" demo seed --count 2 > /dev/null
PASSWORD=rekam-supervisor rekam --data-dir "$D" records list --operator supervisor \
    | awk 'length($1) == 36 && $1 ~ /^[0-9a-f-]+$/ {print $1}' | sort > "$WORK/records-before.txt"
[ "$(wc -l < "$WORK/records-before.txt")" = 2 ] || fail "the old version did not save 2 records"
rev_before=$(revision "$D")
echo "old version: station UPG-01 provisioned, 2 records, database at revision $rev_before"

echo "== upgrade to $(basename "$new_deb")"
dpkg_ -i "$new_deb" > "$WORK/dpkg-new.log" 2>&1
grep -q "over ($old_version)" "$WORK/dpkg-new.log" \
    || fail "dpkg did not upgrade over the old version: $(cat "$WORK/dpkg-new.log")"
dpkg --root="$R" -s rekam | grep -q "^Version: $version$" || fail "new version not installed"

echo "== the new program on the old data"
PASSWORD=rekam-supervisor rekam --data-dir "$D" records list --json --operator supervisor \
    > "$WORK/records-after.json" || fail "records list after the upgrade"
"$PY" -c "import json,sys; print('\n'.join(sorted(r['record_id'] for r in
    json.load(open(sys.argv[1]))['records'])))" "$WORK/records-after.json" \
    > "$WORK/records-after.txt"
cmp -s "$WORK/records-before.txt" "$WORK/records-after.txt" \
    || fail "records differ: $(diff "$WORK/records-before.txt" "$WORK/records-after.txt")"
first=$(head -1 "$WORK/records-after.txt")
PASSWORD=rekam-supervisor rekam --data-dir "$D" records show "$first" --json \
    --operator supervisor > "$WORK/show.json" || fail "record $first cannot be decrypted"
grep -q '"nik"' "$WORK/show.json" || fail "record $first shows no applicant"
rekam --data-dir "$S" station-key --export "$WORK/key-after.json" > /dev/null
cmp -s "$WORK/key-before.json" "$WORK/key-after.json" || fail "the station key changed"
PASSWORD=ani-password-1 rekam --data-dir "$S" operators list --operator ani > /dev/null \
    || fail "operator ani cannot sign in after the upgrade"
for d in "$S" "$D"; do
    rekam --data-dir "$d" audit verify > /dev/null || fail "audit chain of $d broken"
done
rev_after=$(revision "$D")
head_rev=$(ls "$ROOT"/storage/migrations/versions/*.py | sed 's#.*/\([0-9]*\)_.*#\1#' | sort | tail -1)
[ "$rev_after" = "$head_rev" ] || fail "database at $rev_after, newest is $head_rev"
[ "$rev_before" != "$rev_after" ] || echo "note: revision $OLD had the same schema"
echo "upgrade OK: records, keys, operators and audit chain kept; database $rev_before -> $rev_after"
