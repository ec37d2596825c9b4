"""The desktop file, the AppStream metainfo and the icons: valid, consistent, shipped, installed politely.

The validators and xdg-mime are Debian packages (desktop-file-utils, appstream, xdg-utils; `.ci/run`
installs them); each test skips with the reason when its tool is absent.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from desktop.gui.common import desktop_entry
from desktop.gui.common.desktop_entry import APP_ID, DESKTOP_FILE, METAINFO_FILE

ROOT = Path(__file__).resolve().parents[2]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (Debian package: see the apt line in .ci/run)")
    return path


def read_entry(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_desktop_file_validates() -> None:
    result = subprocess.run([need("desktop-file-validate"), str(DESKTOP_FILE)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_desktop_file_validator_catches_the_old_faults(tmp_path: Path) -> None:
    """The check above can fail: the entry as it was (Version=1.5, two main categories) is rejected."""
    bad = tmp_path / f"{APP_ID}.desktop"
    text = DESKTOP_FILE.read_text(encoding="utf-8").replace("Version=1.4", "Version=1.5")
    bad.write_text(text.replace("Categories=Utility;FileTools;", "Categories=Utility;Office;FileTools;"))
    result = subprocess.run([need("desktop-file-validate"), str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "Version" in result.stdout and "main categor" in result.stdout


def test_metainfo_validates(tmp_path: Path) -> None:
    result = subprocess.run([need("appstreamcli"), "validate", "--no-net", str(METAINFO_FILE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / METAINFO_FILE.name  # the check can fail: a metainfo without its launchable's id
    broken.write_text(METAINFO_FILE.read_text(encoding="utf-8").replace(f"<id>{APP_ID}</id>", "<id></id>"))
    check = subprocess.run([need("appstreamcli"), "validate", "--no-net", str(broken)], capture_output=True, text=True)
    assert check.returncode != 0 and "id" in check.stdout


def test_one_application_id_everywhere() -> None:
    """Desktop file name, Icon, metainfo id and launchable, and the app's desktop file name; StartupWMClass is
    the WM_CLASS Qt gives the window on X11 (its application name; test_window_manager_drag.py reads it with
    xprop from the running window)."""
    from desktop import app

    entry = read_entry(DESKTOP_FILE)["Desktop Entry"]
    assert DESKTOP_FILE.name == f"{APP_ID}.desktop"
    assert entry["StartupWMClass"] == app.APP_NAME and entry["Icon"] == APP_ID
    assert "MimeType" not in entry, "semdesk must not claim folders (or anything else)"
    assert entry["Version"] == "1.4" and entry["Categories"].split(";")[0] == "Utility"
    component = ET.parse(METAINFO_FILE).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert component.findtext("icon") == APP_ID
    assert app.APP_ID == APP_ID  # what QGuiApplication.setDesktopFileName is given
    action = read_entry(DESKTOP_FILE)["Desktop Action add-folder"]
    assert action["Exec"] == "semdesk-gui --add-folder"


def test_the_icon_has_no_svg_filter() -> None:
    """LXDE's menu drew the icon as a blank tile because of its drop-shadow filter (issue 24)."""
    root = ET.parse(desktop_entry.ICON_SVG).getroot()
    filters = [e.tag for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "filter" or "filter" in e.attrib]
    assert not filters, f"the icon uses SVG filters: {filters}"
    assert len(list(root.iter())) > 10, "the icon draws something"


LXDE_MENU = Path("/etc/xdg/menus/lxde-applications.menu")


def test_the_installer_names_the_menu_section_the_menu_shows(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The installer said "Utilities" while LXDE's menu listed semdesk under "Accessories" (issue 24). The
    section is read from LXDE's own menu definition (Debian package lxmenu-data): the submenu that
    includes the desktop file's main category, and that submenu's directory entry's Name."""
    if not LXDE_MENU.is_file():
        pytest.skip("needs LXDE's menu definition (Debian package lxmenu-data)")
    category = desktop_entry.main_category()
    menu = ET.parse(LXDE_MENU).getroot()
    def included(submenu: ET.Element) -> set[str | None]:
        include = submenu.find("Include")
        if include is None:
            return set()
        excluded = {c.text for n in include.iter("Not") for c in n.iter("Category")}
        return {c.text for c in include.iter("Category")} - excluded

    section = next(m for m in menu.iter("Menu") if category in included(m))
    directory = Path("/usr/share/desktop-directories") / section.findtext("Directory", "")
    shown = next(line.split("=", 1)[1] for line in directory.read_text(encoding="utf-8").splitlines()
                 if line.startswith("Name="))
    assert desktop_entry.menu_section() == shown
    launcher = tmp_path / "semdesk-gui"
    launcher.write_text("#!/bin/sh\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert desktop_entry.main(["--launcher", str(launcher)]) == 0
    assert f"application menu ({shown})" in capsys.readouterr().out


def test_wheel_carries_the_desktop_files(tmp_path: Path) -> None:
    """Build a wheel from a copy of the sources (the checkout stays untouched) and list it."""
    source = tmp_path / "src"
    shutil.copytree(ROOT / "desktop", source / "desktop", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
         str(source)], capture_output=True, text=True, timeout=240,
    )
    if result.returncode != 0 and "No module named" in result.stderr:
        pytest.skip(f"cannot build a wheel here: {result.stderr.strip()[-200:]}")
    assert result.returncode == 0, result.stderr
    wheel = next((tmp_path / "dist").glob("semdesk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for suffix in (".desktop", ".metainfo.xml", ".svg", ".png"):
        assert f"desktop/resources/{APP_ID}{suffix}" in names


def xdg_env(home: Path) -> dict[str, str]:
    """A private desktop: its own HOME, data and config dirs, and a 'system' with one file manager."""
    system = home / "system"
    (system / "applications").mkdir(parents=True, exist_ok=True)
    (system / "applications" / "pcmanfm.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Files\nExec=true %U\nMimeType=inode/directory;\n")
    if shutil.which("update-desktop-database"):
        subprocess.run(["update-desktop-database", str(system / "applications")], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_DIRS=str(system), DE="", XDG_CURRENT_DESKTOP="")
    return env


def folder_handler(env: dict[str, str]) -> str:
    return subprocess.run([need("xdg-mime"), "query", "default", "inode/directory"], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def test_install_leaves_folders_to_the_file_manager(tmp_path: Path) -> None:
    need("xdg-mime")
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("scripts/install-desktop-entry needs the checkout's .venv")
    env = xdg_env(tmp_path)
    assert folder_handler(env) == "pcmanfm.desktop"
    # An older semdesk.desktop that claimed folders is cleaned away by the install.
    old = tmp_path / "data" / "applications" / "semdesk.desktop"
    old.parent.mkdir(parents=True)
    claims = DESKTOP_FILE.read_text(encoding="utf-8").replace("Terminal=false\n",
                                                              "Terminal=false\nMimeType=inode/directory;\n")
    old.write_text(claims)
    subprocess.run(["update-desktop-database", str(old.parent)], check=True)
    assert folder_handler(env) == "semdesk.desktop", "the control: an entry that claims folders does take them"

    result = subprocess.run([str(ROOT / "scripts" / "install-desktop-entry")], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    data = tmp_path / "data"
    installed = data / "applications" / f"{APP_ID}.desktop"
    assert installed.is_file() and not old.exists()
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    entry = read_entry(installed)
    assert entry["Desktop Entry"]["Exec"] == f"{ROOT / '.venv' / 'bin' / 'semdesk-gui'} %F"
    assert entry["Desktop Action add-folder"]["Exec"].endswith("semdesk-gui --add-folder")
    assert folder_handler(env) == "pcmanfm.desktop"
    if shutil.which("desktop-file-validate"):
        assert subprocess.run(["desktop-file-validate", str(installed)]).returncode == 0

    subprocess.run([str(ROOT / "scripts" / "install-desktop-entry"), "--uninstall"], env=env, check=True,
                   capture_output=True)
    assert not installed.exists() and folder_handler(env) == "pcmanfm.desktop"


def test_exec_with_spaces_is_quoted(tmp_path: Path) -> None:
    launcher = tmp_path / "my apps" / "semdesk-gui"
    text = desktop_entry.entry_text(launcher)
    assert f'Exec="{launcher}" %F' in text and f"TryExec={launcher}" in text
