#!/usr/bin/env bash
# Build the Rekam bundle and the Linux .deb (docs/it-guide.md, "Membangun paket / Building").
#
#   bash packaging/build.sh              bundle + .deb
#   bash packaging/build.sh --no-deb     only the bundle
#
# Output (never committed; see .gitignore):
#   build/dist/rekam/                    the one-folder bundle: rekam, rekam-receiver, _internal/
#   build/rekam_VERSION_ARCH.deb         installs the bundle under /opt/rekam
#
# Environment:
#   REKAM_BUILD_PYTHON   the Python 3.11+ to build with (default: python3); it must have its
#                        shared library (pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared)
#   REKAM_BUILD_VENV     where the build's virtual environment lives (default: build/venv)
#   REKAM_DEB_VERSION    the .deb's version (default: the project's version)
#
# The build installs the project with its pinned bundle constraints into its own virtual
# environment (not the developer's .venv), runs PyInstaller on packaging/rekam.spec, strips
# the libraries, prints the size and the largest parts, and fails when the bundle is over
# 300 MB or the .deb over 150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BUNDLE_LIMIT_MB=300
DEB_LIMIT_MB=150
MAKE_DEB=1
for arg in "$@"; do
    case "$arg" in
        --no-deb) MAKE_DEB=0 ;;
        *) echo "build.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

PY=${REKAM_BUILD_PYTHON:-python3}
VENV=${REKAM_BUILD_VENV:-$ROOT/build/venv}
DIST=$ROOT/build/dist
BUNDLE=$DIST/rekam
started=$(date +%s)

step() { printf '\n== %s\n' "$*"; }
mb() { du -sm "$1" | cut -f1; }

step "build environment ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
# The project itself is reinstalled every time (its version number does not change per commit).
"$VENV/bin/python" -m pip install --quiet -c packaging/bundle-constraints.txt \
    -r packaging/bundle-requirements.txt .
"$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall .
VERSION=$("$VENV/bin/python" -c "import station; print(station.__version__)")
DEB_VERSION=${REKAM_DEB_VERSION:-$VERSION}

step "icon"
"$VENV/bin/python" packaging/tools/make_icon.py build/icons/rekam.ico

step "PyInstaller (rekam $VERSION)"
rm -rf "$BUNDLE"
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" \
    --workpath "$ROOT/build/pyinstaller" packaging/rekam.spec

# Strip symbols from the libraries (30-40 MB) except numpy's: its BLAS was rewritten by
# auditwheel and strip(1) corrupts it ("ELF load command address/offset not page-aligned").
find "$BUNDLE/_internal" -type f -name '*.so*' ! -path '*/numpy.libs/*' \
    -exec strip --strip-unneeded {} + 2>/dev/null || true
# One program, two names: the entry point is the receiver when started as rekam-receiver.
ln -sf rekam "$BUNDLE/rekam-receiver"

step "libraries from the system"
needed=$(find "$BUNDLE" -type f -name '*.so*' -o -type f -name rekam | while read -r f; do
    readelf -d "$f" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'; done | sort -u)
inside=$(find "$BUNDLE" \( -type f -o -type l \) -name '*.so*' -printf '%f\n' | sort -u)
declared=$(grep -v '^#' packaging/deb/system-libs.txt | awk 'NF {print $1}' | sort -u)
missing=$(comm -23 <(comm -23 <(echo "$needed") <(echo "$inside")) <(echo "$declared"))
if [ -n "$missing" ]; then
    echo "build.sh: the bundle needs libraries that are neither inside it nor declared in" >&2
    echo "packaging/deb/system-libs.txt (add them with their Debian package):" >&2
    echo "$missing" | sed 's/^/    /' >&2
    exit 1
fi
echo "$(echo "$needed" | wc -l) libraries needed; the system provides $(comm -23 <(echo "$needed") <(echo "$inside") | wc -l), declared in packaging/deb/system-libs.txt"

step "size"
size=$(mb "$BUNDLE")
echo "bundle: $size MB in $BUNDLE (limit $BUNDLE_LIMIT_MB MB)"
echo "largest parts:"
(cd "$BUNDLE" && du -sm rekam _internal/* | sort -rn | head -12 | sed 's/^/    /; s/\t/ MB  /')
if [ "$size" -gt "$BUNDLE_LIMIT_MB" ]; then
    echo "build.sh: the bundle is $size MB, over the $BUNDLE_LIMIT_MB MB limit" >&2
    exit 1
fi

if [ "$MAKE_DEB" = 1 ]; then
    step ".deb"
    ARCH=$(dpkg --print-architecture)
    STAGE=$ROOT/build/deb/rekam
    rm -rf "$STAGE"
    mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
        "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/doc/rekam"
    cp -a "$BUNDLE" "$STAGE/opt/rekam"
    ln -s /opt/rekam/rekam "$STAGE/usr/bin/rekam"
    ln -s /opt/rekam/rekam "$STAGE/usr/bin/rekam-receiver"
    install -m 644 packaging/deb/rekam.desktop "$STAGE/usr/share/applications/rekam.desktop"
    install -m 644 ui/icons/rekam.png "$STAGE/usr/share/icons/hicolor/256x256/apps/rekam.png"
    printf 'Rekam %s. Installed under /opt/rekam; data stays in each user'"'"'s data directory\n(~/.local/share/Rekam) and is never touched by installing, upgrading or removing\nthis package. See docs/it-guide.md in the source.\n' \
        "$VERSION" > "$STAGE/usr/share/doc/rekam/README"
    depends=$(grep -v '^#' packaging/deb/system-libs.txt | awk 'NF {$1=""; sub(/^ /, ""); print}' \
        | sort -u | paste -sd, - | sed 's/,/, /g')
    installed_kb=$(du -sk "$STAGE" --exclude=DEBIAN | cut -f1)
    cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: rekam
Version: $DEB_VERSION
Section: misc
Priority: optional
Architecture: $ARCH
Maintainer: Rekam developers <rekam@localhost>
Installed-Size: $installed_kb
Depends: $depends
Description: KTP-el recording station (Rekam) and its reference receiver
 Offline-first desktop station for the Indonesian electronic ID card: captures
 face, signature, fingerprints and irises, keeps records encrypted, and delivers
 sealed, signed packets to the collection server. Includes rekam-receiver.
 Data lives in each user's data directory and survives upgrades; the database
 is migrated when the new version first opens it.
CONTROL
    DEB=$ROOT/build/rekam_${DEB_VERSION}_${ARCH}.deb
    rm -f "$DEB"
    dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
    deb_size=$(mb "$DEB")
    echo "deb: $deb_size MB in $DEB (limit $DEB_LIMIT_MB MB)"
    if [ "$deb_size" -gt "$DEB_LIMIT_MB" ]; then
        echo "build.sh: the .deb is $deb_size MB, over the $DEB_LIMIT_MB MB limit" >&2
        exit 1
    fi
fi
echo
echo "built in $(( $(date +%s) - started )) s"
