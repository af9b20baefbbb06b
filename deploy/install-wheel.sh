#!/usr/bin/env bash
# Install crossdesk from the wheel in DISTDIR into a fresh virtual environment VENV (not
# editable, nothing from the checkout). .ci/run and the Dockerfile run this same script.
set -euo pipefail
venv=${1:?usage: install-wheel.sh VENV DISTDIR}
dist=${2:?usage: install-wheel.sh VENV DISTDIR}
shopt -s nullglob
wheels=("$dist"/crossdesk-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "install-wheel.sh: expected one crossdesk wheel in $dist, found ${#wheels[@]}" >&2
  exit 1
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "${wheels[0]}"
"$venv/bin/crossdesk" --version
