"""Before opening the window: check that Qt's X11 plugin can load, and say exactly what to install if not.

Qt's own message ("could not load the Qt platform plugin "xcb"") names no package; this does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Shared library -> Debian/Ubuntu package that provides it.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-randr.so": "libxcb-randr0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libICE.so.6": "libice6",
    "libSM.so.6": "libsm6",
}


def missing_libraries() -> list[str]:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return []
    output = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout
    return sorted({line.split()[0] for line in output.splitlines() if "not found" in line})


def main() -> int:
    if sys.argv[1:] == ["--packages"]:
        # .ci/run installs exactly these, so the list of what Qt's X11 plugin needs lives here alone.
        print(" ".join(sorted(set(PACKAGES.values()))))
        return 0
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform in ("offscreen", "minimal", "vnc"):
        return 0
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print(
            "semdesk: there is no graphical display here (DISPLAY is not set). Start it from a desktop "
            "session, or use the command line: scripts/run --help",
            file=sys.stderr,
        )
        return 1
    if platform.startswith("wayland") or (os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY")):
        return 0
    missing = missing_libraries()
    if not missing:
        return 0
    packages = sorted({PACKAGES.get(lib, lib) for lib in missing})
    print(
        "semdesk cannot open its window: Qt's X11 support needs system libraries that are not installed:\n  "
        + " ".join(missing)
        + "\nInstall them with:\n  sudo apt-get install "
        + " ".join(packages)
        + "\n(on Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms "
        "xcb-util-image xcb-util-renderutil libxkbcommon-x11)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
