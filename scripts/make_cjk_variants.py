"""Write desktop/core/common/cjk_variants.txt: each traditional Chinese or Japanese (shinjitai) character
that has a one-character simplified form, and that form (圖 図 -> 图, 書 -> 书, 發 髮 -> 发), from OpenCC's
own tables (`jp2t` then `t2s`, one character at a time, so that no phrase rule joins neighbours).

Keyword search folds both the text and the query through it (common/cjk.fold), so 图书馆 finds 圖書館 and
図書館. The table is a file in the project, made once: semdesk does not need OpenCC to run.

    PYTHONPATH=. python scripts/make_cjk_variants.py    (needs `pip install opencc==1.4.2`)
"""

from __future__ import annotations

from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "desktop" / "core" / "common" / "cjk_variants.txt"
# The CJK Unified Ideographs, extension A, the compatibility ideographs and extension B.
RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))


def variants() -> dict[str, str]:
    import opencc

    chars = [chr(code) for start, end in RANGES for code in range(start, end + 1)]
    traditional = opencc.OpenCC("jp2t").convert("\n".join(chars)).split("\n")
    simplified = opencc.OpenCC("t2s").convert("\n".join(traditional)).split("\n")
    if not len(chars) == len(traditional) == len(simplified):
        raise SystemExit("OpenCC changed the number of lines: the table would be misaligned")
    return {c: s for c, s in zip(chars, simplified, strict=True) if len(s) == 1 and s != c}


def main() -> None:
    table = variants()
    TARGET.write_text("".join(table) + "\n" + "".join(table.values()) + "\n", encoding="utf-8")
    print(f"{len(table)} characters -> {TARGET}")


if __name__ == "__main__":
    main()
