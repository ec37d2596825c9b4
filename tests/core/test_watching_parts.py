"""The watcher's parts on their own: how changes settle into batches, and which mounts it
cannot watch (read from mount-table text and a /sys/block-like folder on disk)."""

from __future__ import annotations

import threading
from pathlib import Path

from desktop.core.ingest.scan import skipped_by_walk
from desktop.core.watching import ChangeBuffer
from desktop.core.watching.coverage import mount_of, unwatchable_reason
from desktop.core.watching.poller import differences


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_changes_settle_into_one_batch_and_a_stream_is_cut_at_max_hold() -> None:
    clock = Clock()
    buffer = ChangeBuffer(settle=0.5, max_hold=10.0, clock=clock)
    for i in range(5000):  # a big copy: events every 1 ms
        buffer.touch(f"/d/photo{i}.jpg")
        clock.now += 0.001
    assert buffer.take(timeout=0) is None  # still coming in
    assert buffer.pending() == 5000
    clock.now += 0.6
    batch = buffer.take(timeout=0)
    assert batch is not None and len(batch) == 5000 and buffer.pending() == 0
    for _ in range(30):  # a copy that never pauses still gives a batch after max_hold
        buffer.touch("/d/growing.log.txt")
        clock.now += 0.4
    assert buffer.take(timeout=0) is not None


def test_renames_chain_and_a_batch_put_back_is_ready_at_once() -> None:
    clock = Clock()
    buffer = ChangeBuffer(settle=0.5, clock=clock)
    buffer.move("/d/a.txt", "/d/b.txt")
    buffer.move("/d/b.txt", "/d/c.txt")
    clock.now += 1
    batch = buffer.take(timeout=0)
    assert batch is not None and batch.moves == (("/d/a.txt", "/d/c.txt"),) and batch.paths == ["/d/c.txt"]
    buffer.put_back(batch)
    again = buffer.take(timeout=0)
    assert again == batch


def test_take_wakes_when_changes_settle() -> None:
    buffer = ChangeBuffer(settle=0.05)
    threading.Timer(0.05, buffer.touch, args=("/d/x.txt",)).start()
    batch = buffer.take(timeout=3)
    assert batch is not None and batch.touched == {"/d/x.txt"}


MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
server:/export/home /home/ann/Shared nfs4 rw,relatime 0 0
//nas/photos /home/ann/NAS\\040Photos cifs rw 0 0
ann@box: /home/ann/box fuse.sshfs rw 0 0
/dev/sdb1 /media/ann/USB\\040STICK vfat rw 0 0
/dev/sdc1 /srv/backup ext4 rw 0 0
"""


def test_network_and_removable_folders_are_not_watched(tmp_path: Path) -> None:
    sys_block = tmp_path / "block"
    for disk, flag in (("sda", "0"), ("sdb", "1"), ("sdc", "1")):
        (sys_block / disk).mkdir(parents=True)
        (sys_block / disk / "removable").write_text(flag + "\n")

    def reason(path: str) -> str | None:
        return unwatchable_reason(path, MOUNTS, sys_block)

    assert mount_of("/home/ann/NAS Photos/2024", MOUNTS) == ("/home/ann/NAS Photos", "cifs", "//nas/photos")
    assert reason("/home/ann/Documents") is None
    assert "network file system (nfs4)" in (reason("/home/ann/Shared/letters") or "")
    assert "network file system (cifs)" in (reason("/home/ann/NAS Photos") or "")
    assert "network" in (reason("/home/ann/box/notes") or "")
    assert reason("/media/ann/USB STICK/pics") == "on a removable drive"
    assert reason("/srv/backup/docs") == "on a removable drive"  # by /sys/block/sdc/removable


def test_the_watcher_skips_what_a_scan_skips() -> None:
    root = "/home/ann/docs"
    assert not skipped_by_walk(root, f"{root}/notes/a.txt")
    assert skipped_by_walk(root, f"{root}/.git/config.txt")
    assert skipped_by_walk(root, f"{root}/notes/.a.txt.swp")
    assert not skipped_by_walk(root, f"{root}/.hidden/a.txt", include_hidden=True)
    assert skipped_by_walk(root, f"{root}/build/node_modules/x/readme.md", exclude=["node_modules/"])
    assert skipped_by_walk(root, f"{root}/notes/draft.log", exclude=["*.log"])
    assert skipped_by_walk(root, "/home/ann/elsewhere/a.txt")


def test_the_periodic_scan_reports_only_what_differs() -> None:
    before = {"/d/a.txt": (10, 1.0), "/d/b.txt": (20, 2.0)}
    after = {"/d/a.txt": (10, 1.0), "/d/b.txt": (21, 3.0), "/d/c.txt": (5, 4.0)}
    assert differences("/d", before, after) == {"/d/b.txt", "/d/c.txt"}
    assert differences("/d", after, {"/d/a.txt": (10, 1.0)}) == {"/d/b.txt", "/d/c.txt"}
    assert differences("/d", before, None) == set()  # unplugged: nothing is reported deleted
    assert differences("/d", None, after) == {"/d"}  # plugged back: the folder is looked at once
