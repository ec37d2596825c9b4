# Shared by scripts/run, scripts/test and scripts/bench: make .venv with Python 3.11 and install
# the project into it when pyproject.toml changed since the last install. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
EXTRAS="${SEMDESK_EXTRAS:-}"

find_python() {
    for candidate in python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "semdesk needs Python 3.11 (python3.11 was not found on PATH)." >&2
    return 1
}

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        python="$(find_python)"
        echo "Creating $VENV with $python ..." >&2
        "$python" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    fi
    # Reinstall only when the project's requirements changed (a stamp of pyproject.toml + extras).
    local stamp="$VENV/.semdesk-installed"
    local want
    want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)-$EXTRAS"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "Installing semdesk and its dependencies into .venv (the first time takes several minutes) ..." >&2
        local target="$ROOT"
        [ -n "$EXTRAS" ] && target="$ROOT[$EXTRAS]"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target" >&2
        echo "$want" > "$stamp"
    fi
}
