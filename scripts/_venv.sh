# Shared by scripts/run, scripts/test, scripts/bench and scripts/screenshots: make .venv with Python 3.11
# and install the project into it when pyproject.toml changed since the last install. Sourced, not run.
#
# Every script installs the same thing, the project with all its extras: were each script to install only
# what it needs, running them in turn would reinstall every time (15 s), into a venv that the running
# window may be using. So the stamp is pyproject.toml's hash alone, whichever script comes first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SEMDESK_VENV:-$ROOT/.venv}"
EXTRAS="dev"

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

install_if_changed() {
    local stamp="$VENV/.semdesk-installed"
    local want
    want="$(sha256sum < "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "Installing semdesk and its dependencies into .venv (the first time takes several minutes) ..." >&2
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[$EXTRAS]" >&2
        echo "$want" > "$stamp"
    fi
}

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        python="$(find_python)"
        echo "Creating $VENV with $python ..." >&2
        "$python" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    fi
    # Two scripts started together install once: the second waits for the first, then finds the stamp.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$VENV/.semdesk-install.lock"
        flock 9
        install_if_changed
        flock -u 9
        exec 9>&-
    else
        install_if_changed
    fi
}
