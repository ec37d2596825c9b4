"""The desktop file, AppStream metainfo and icons that ship in the package, and their installation.

They live in `desktop/resources/` (package data, so a wheel carries them). Installing copies them
into the user's XDG data dir with `Exec=` pointing at this installation's `semdesk-gui` (a menu
launch has no virtualenv on PATH), then refreshes the menu and icon caches where the tools exist.
No Qt here: `scripts/install-desktop-entry` runs it before any display is needed.

Usage: python -m desktop.gui.common.desktop_entry [--uninstall] [--launcher PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

APP_ID = "io.github.semdesk.Semdesk"  # reverse-DNS: desktop file, icon, StartupWMClass, metainfo id
RESOURCES = Path(__file__).resolve().parents[2] / "resources"
DESKTOP_FILE = RESOURCES / f"{APP_ID}.desktop"
METAINFO_FILE = RESOURCES / f"{APP_ID}.metainfo.xml"
ICON_SVG = RESOURCES / f"{APP_ID}.svg"
ICON_PNG = RESOURCES / f"{APP_ID}.png"
OLD_NAMES = ("semdesk.desktop",)  # entries of earlier versions, which claimed inode/directory
# What the menus call the desktop file's main category: the freedesktop menus (GNOME's Utility.directory,
# LXDE's lxde-utility.directory, Xfce's) all show Utility as "Accessories" (issue 24: the installer said
# "Utilities" while LXDE's menu showed "Accessories").
MENU_SECTIONS = {"Utility": "Accessories", "Office": "Office", "Graphics": "Graphics", "System": "System Tools"}


def icon_path() -> Path | None:
    return next((p for p in (ICON_SVG, ICON_PNG) if p.is_file()), None)


def main_category() -> str:
    """The first of the shipped desktop file's Categories: the menu section it is listed under."""
    for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("Categories="):
            return line.split("=", 1)[1].split(";")[0]
    return ""


def menu_section() -> str:
    """The name a menu shows for the main category, for the installer's message."""
    category = main_category()
    return MENU_SECTIONS.get(category, category)


def data_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("XDG_DATA_HOME") or Path(env.get("HOME", "~")).expanduser() / ".local" / "share")


def default_launcher() -> Path:
    """This installation's semdesk-gui: beside the running Python (a venv's or pip --user's bin)."""
    here = Path(sys.executable).parent / "semdesk-gui"
    return here if here.exists() else Path(shutil.which("semdesk-gui") or here)


def _quoted(path: Path) -> str:
    # Desktop Entry spec: an argument with spaces is double-quoted, and inside quotes \ " ` $ are escaped.
    text = str(path)
    if not any(c in text for c in ' \t"\'\\`$'):
        return text
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in text) + '"'


def entry_text(launcher: Path) -> str:
    """The shipped desktop file with every Exec= (main and actions) and TryExec= made absolute."""
    lines = []
    for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec=semdesk-gui"):
            line = "Exec=" + _quoted(launcher) + line[len("Exec=semdesk-gui"):]
        elif line.startswith("TryExec="):
            line = f"TryExec={launcher}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def targets(data: Path) -> dict[str, Path]:
    icons = data / "icons" / "hicolor"
    return {
        "desktop": data / "applications" / f"{APP_ID}.desktop",
        "metainfo": data / "metainfo" / f"{APP_ID}.metainfo.xml",
        "svg": icons / "scalable" / "apps" / f"{APP_ID}.svg",
        "png": icons / "256x256" / "apps" / f"{APP_ID}.png",
    }


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o644)
    temporary.replace(path)  # a menu reading the folder never sees half a file


def _refresh(data: Path) -> None:
    """Menus pick up the change on their own; these make it immediate where the tools exist."""
    for command in (["update-desktop-database", "-q", str(data / "applications")],
                    ["gtk-update-icon-cache", "-q", "-t", "-f", str(data / "icons" / "hicolor")]):
        if shutil.which(command[0]):
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def install(launcher: Path, data: Path | None = None) -> dict[str, Path]:
    data = data or data_home()
    paths = targets(data)
    _write(paths["desktop"], entry_text(launcher).encode())
    _write(paths["metainfo"], METAINFO_FILE.read_bytes())
    _write(paths["svg"], ICON_SVG.read_bytes())
    _write(paths["png"], ICON_PNG.read_bytes())
    for old in OLD_NAMES:  # an older semdesk.desktop would keep claiming folders
        (data / "applications" / old).unlink(missing_ok=True)
    (data / "icons" / "hicolor" / "scalable" / "apps" / "semdesk.svg").unlink(missing_ok=True)
    (data / "icons" / "hicolor" / "256x256" / "apps" / "semdesk.png").unlink(missing_ok=True)
    _refresh(data)
    return paths


def uninstall(data: Path | None = None) -> None:
    data = data or data_home()
    for path in targets(data).values():
        path.unlink(missing_ok=True)
    for old in OLD_NAMES:
        (data / "applications" / old).unlink(missing_ok=True)
    _refresh(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="install-desktop-entry",
                                     description="Put semdesk in the desktop's application menu (per user).")
    parser.add_argument("--uninstall", action="store_true", help="remove it again")
    parser.add_argument("--launcher", type=Path, help="the semdesk-gui to start (default: this installation's)")
    args = parser.parse_args(argv)
    if args.uninstall:
        uninstall()
        print("Removed semdesk from the application menu.")
        return 0
    launcher = (args.launcher or default_launcher()).absolute()
    if not launcher.exists():
        print(f"{launcher} is missing: install semdesk (scripts/run sets up .venv) and try again.", file=sys.stderr)
        return 1
    paths = install(launcher)
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(paths["desktop"])], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"warning: desktop-file-validate reported problems:\n{result.stdout}{result.stderr}", file=sys.stderr)
    print(f"Installed {paths['desktop']}")
    print(f"semdesk is now in the application menu ({menu_section()}); double-click to start it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
