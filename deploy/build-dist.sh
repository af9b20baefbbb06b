#!/usr/bin/env bash
# Build crossdesk's sdist and wheel (the wheel from the sdist) into OUTDIR (default dist/).
# .ci/run and the Dockerfile's builder stage run this same script, so the image installs what
# CI tested.
set -euo pipefail
out=$(realpath -m "${1:-dist}")
cd "$(dirname "$0")/.."
if ! python3 -m build --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --no-cache-dir --disable-pip-version-check "build>=1.2"
fi
python3 -m build --quiet --outdir "$out" .
ls "$out"
