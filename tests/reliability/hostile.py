"""Generators of hostile files: broken images, bombs, odd encodings, binary junk named as text."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    from PIL import Image

    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_1bit(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A black 1-bit PNG streamed row by row: 20000x20000 costs a few MB of CPU, not 1.2 GB of RAM.

    `rows` < height writes only that many rows: a header that claims more than the data holds.
    """
    row = b"\x00" + bytes((width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height if rows is None else rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def write_hostile(folder: Path) -> dict[str, tuple[str, str]]:
    """Write every hostile file into `folder`; returns name -> (expected status, reason fragment)."""
    folder.mkdir(parents=True, exist_ok=True)
    jpeg, png, heic = image_bytes("JPEG"), image_bytes("PNG"), image_bytes("HEIF")
    files: dict[str, tuple[bytes, str, str]] = {
        "corrupt.jpg": (jpeg[:20] + os.urandom(len(jpeg) - 20), "skipped", "image"),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], "skipped", "damaged"),
        "corrupt.png": (png[:16] + os.urandom(len(png) - 16), "skipped", "image"),
        "truncated.png": (png[: len(png) // 2], "skipped", "damaged"),
        "corrupt.heic": (heic[:32] + os.urandom(len(heic) - 32), "skipped", "image"),
        "truncated.heic": (heic[: len(heic) // 2], "skipped", "image"),
        "heic-named.jpg": (heic, "indexed", ""),  # detected by content, not by its name
        "bomb.png": (png_1bit(100_000, 100_000, rows=8), "skipped", "too large to decode safely"),
        "one-pixel.png": (image_bytes("PNG", (1, 1)), "indexed", ""),
        "huge-20000x20000.png": (png_1bit(20_000, 20_000), "skipped", "too large to decode safely"),
        "empty.txt": (b"", "skipped", "empty file"),  # not zero.txt: beside zero.jpg that is its caption
        "zero.jpg": (b"", "skipped", "empty file"),
        "binary.txt": (bytes(range(256)) * 64 + b"\x00" * 4096, "skipped", "binary"),
        "elf.md": (b"\x7fELF\x02\x01\x01" + os.urandom(8192), "skipped", ""),
        "utf16.txt": ("Kaffee und Kuchen am Nachmittag, schön.\n".encode("utf-16"), "indexed", ""),
        "latin1.txt": ("Crème brûlée à la façon de grand-mère.\n".encode("latin-1"), "indexed", ""),
        "invalid-utf8.md": (b"# Notes\n\nvalid text then \xff\xfe\xc3\x28 broken bytes \xe2\x82 end.\n", "indexed", ""),
        "name\nwith newline.txt": (b"a file whose name holds a newline\n", "indexed", ""),
        # NULs that get past the binary sniff (its first 8 KB): PostgreSQL text cannot hold them.
        "late-nul.txt": (b"plain words here. " * 500 + b"\x00 then the old lighthouse on the cliff.\n", "indexed", ""),
        "nul-title.md": (
            "# Harbour\x00 beacon\n\nThe keeper climbs the stairs at dusk.\n".encode("utf-16"), "indexed", ""
        ),
        os.fsdecode(b"caf\xe9-latin1-name.txt"): (b"a file whose name is not UTF-8\n", "indexed", ""),
    }
    for name, (data, _, _) in files.items():
        (folder / name).write_bytes(data)
    loop = folder / "loop"
    loop.mkdir()
    (loop / "inside.txt").write_text("a note inside a folder that links to itself\n")
    os.symlink("..", loop / "parent")  # a directory cycle: walked once
    os.symlink("self-link.txt", folder / "self-link.txt")  # a link to itself: ELOOP
    expected = {name: (status, reason) for name, (_, status, reason) in files.items()}
    expected["loop/inside.txt"] = ("indexed", "")
    expected["self-link.txt"] = ("skipped", "loop")
    return expected
