#!/usr/bin/env bash
# Build the one-folder PackStation application (Linux) and smoke-test it.
#
#   scripts/build_app.sh            -> dist/packstation/packstation
#   DIST=/tmp/ps-dist WORK=/tmp/ps-work scripts/build_app.sh   (build outside the checkout)
#
# Installs PyInstaller into the project venv (.venv, created by ./dev), compiles the translations,
# builds from build.spec, then runs the built app's `doctor` on a throwaway data folder: the frozen
# app must find its fonts, translations, migrations and embedded PostgreSQL without a source checkout.
# Exits non-zero when the bundle's database or schema check does not say OK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
DIST=${DIST:-$ROOT/dist}
WORK=${WORK:-$ROOT/build/pyinstaller}
log() { printf '[build] %s\n' "$*" >&2; }

if [ ! -x "$PY" ]; then
  log "no .venv yet: run ./dev test (or ./dev demo) once to create it"
  exit 2
fi
"$PY" -m pip install -q "pyinstaller>=6.10" "babel>=2.14" 2>&1 | { grep -v "is ignored: it is neither" || true; }

log "compiling translations"
"$PY" scripts/update_translations.py --compile-only

log "building (this takes a few minutes)"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "$WORK" build.spec

APP="$DIST/packstation/packstation"
log "built $(du -sh "$DIST/packstation" | cut -f1) in $DIST/packstation"

# Smoke test from outside the checkout, so a path that silently points into the source tree shows up.
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
cat > "$SMOKE/config.toml" <<TOML
[station]
name = "build-smoke"
data_dir = "$SMOKE/data"
language = "en"
[printer]
uri = "file://$SMOKE/spool"
TOML
mkdir -p "$SMOKE/spool"
log "smoke test: packstation doctor (starts the embedded PostgreSQL from the bundle)"
set +e
report=$(cd "$SMOKE" && "$APP" --config "$SMOKE/config.toml" doctor 2>&1)
code=$?
set -e
printf '%s\n' "$report"
# doctor exits 1 when any check fails, and some may on a build machine (no secure keyring when
# headless): its exit code alone says nothing about the bundle. The database and schema lines do:
# the bundled PostgreSQL started and the bundled migrations ran. Each must say OK.
log "doctor exit code: $code"
for check in database schema; do
  if ! grep -Eq "^OK +$check " <<<"$report"; then
    log "smoke test FAILED: the bundle's $check check does not say OK"
    exit 1
  fi
done
log "smoke test passed: the bundle's database and schema checks say OK"
