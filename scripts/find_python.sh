#!/usr/bin/env bash
# Print the path of a Python >= 3.12 that can make a venv (Mesa 3.5 needs 3.12+), or explain and fail.
#
# Order: $PYTHON if set; python3.12, python3.13, python3.14, python3 on PATH; then pyenv's installed
# versions (3.12 first, then newer). A name on PATH is not enough: pyenv puts *shims* for every
# version it has on PATH, and a shim for a version that is not the selected one exists but fails
# ("pyenv: python3.13: command not found"). So each candidate is run and asked for its version.
set -euo pipefail

ok() {  # does "$1" run, is it >= 3.12, and can it make a venv with pip?
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

candidates=()
[[ -n "${PYTHON:-}" ]] && candidates+=("$PYTHON")
for name in python3.12 python3.13 python3.14 python3; do
    if path=$(command -v "$name"); then candidates+=("$path"); fi
done
# pyenv's versions folder, without going through its shims.
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
if [[ -d "$root/versions" ]]; then
    # 3.12.x first (newest patch first), then 3.13.x, 3.14.x, ...
    while IFS= read -r dir; do
        candidates+=("$dir/bin/python3")
    done < <(find "$root/versions" -mindepth 1 -maxdepth 1 -name '3.1[2-9]*' \
             | awk -F/ '{split($NF, v, "."); print v[2] "\t" $0}' | sort -t$'\t' -k1,1n -k2,2Vr \
             | cut -f2)
fi

if [[ -n "${PYTHON:-}" ]] && ! ok "$PYTHON"; then
    echo "warning: PYTHON=$PYTHON is not a working Python >= 3.12 with venv; looking further" >&2
fi
for cand in "${candidates[@]}"; do
    if ok "$cand"; then
        echo "$cand"
        exit 0
    fi
done

echo "error: Python >= 3.12 (with venv) is needed and none was found; install one, e.g." \
     "'pyenv install 3.12', or point to it with 'make PYTHON=/path/to/python3.12 ...'" >&2
exit 1
