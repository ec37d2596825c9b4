"""Whether the file system can tell us about changes in a folder, and if not, why not.

inotify only hears changes made by this machine: on a network file system another computer's
writes are never reported, so such folders are checked by a periodic scan instead. Removable
drives come and go (and an unplugged one must not look like deleted files), so they are
scanned too. The answer comes from the mount table; anywhere else (no /proc) says "watch".
"""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_TYPES = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "lustre",
    "davfs", "fuse.sshfs", "sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "fuse.davfs2", "gvfsd-fuse",
    "fuse.gvfsd-fuse", "fuse.smbnetfs", "fuse.curlftpfs",
}
REMOVABLE_PLACES = ("/media/", "/run/media/", "/mnt/usb")


def _unescape(field: str) -> str:
    # The mount table writes spaces, tabs and backslashes in octal (\040).
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mount_of(path: str, mounts_text: str) -> tuple[str, str, str] | None:
    """(mount point, file system type, source) of the mount holding `path`, from /proc/mounts text."""
    best: tuple[str, str, str] | None = None
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        source, point, fstype = _unescape(fields[0]), _unescape(fields[1]), fields[2]
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, fstype, source)
    return best


def unwatchable_reason(path: str, mounts_text: str | None = None, sys_block: Path = Path("/sys/block")) -> str | None:
    """A plain reason why change notices cannot cover `path`, or None when they can."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/self/mounts").read_text(errors="replace")
        except OSError:
            return None
    real = os.path.realpath(path)
    mount = mount_of(real, mounts_text)
    if mount is None:
        return None
    point, fstype, source = mount
    if fstype in NETWORK_TYPES or fstype.startswith("fuse.sshfs"):
        return f"on a network file system ({fstype}), which does not report changes made elsewhere"
    if _removable(source, sys_block) or any(point.startswith(p) for p in REMOVABLE_PLACES):
        return "on a removable drive"
    return None


def _removable(source: str, sys_block: Path) -> bool:
    if not source.startswith("/dev/"):
        return False
    name = os.path.basename(os.path.realpath(source))
    for disk in (name, name.rstrip("0123456789"), name.split("p")[0] if name.startswith("nvme") else name):
        flag = sys_block / disk / "removable"
        try:
            return flag.read_text().strip() == "1"
        except OSError:
            continue
    return False
