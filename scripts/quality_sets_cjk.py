"""Chinese and Japanese sets from Debian packages (issue 28), built as scripts/quality_sets.py builds
the English ones: files with neutral names, queries whose answers are files.

- `zh_faq_set`: Debian's FAQ in Chinese (debian-faq-zh-cn, the .txt): every question's answer is a
  file zhfaq-NNN.txt, its question heading removed, and the cross-references that quote another
  question's heading ("请阅读第 12.1 节 “…”") cut out of every answer; the questions are the queries.
- `ja_man_set`: Japanese manual pages (manpages-ja), roff markup stripped, as files jaman-NNN.txt.
- `phrase_set`: phrase recall: phrases of 2-6 CJK characters and Latin words inside CJK sentences
  (a CJK character next to them, or one space away), sampled from the files of those sets; each
  query's answers are every file that holds it. Which files hold it is found here with plain string matching (its own
  character classes, not the app's), so the figure checks the keyword index against the text.
"""

from __future__ import annotations

import gzip
import random
import re
from pathlib import Path

from scripts.quality_sets import QualitySet

ZH_FAQ = Path("/usr/share/doc/debian/FAQ/debian-faq.zh-cn.txt.gz")
EN_FAQ = Path("/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz")  # the same FAQ, the same section numbers
JA_MAN = Path("/usr/share/man/ja")

# Han and kana only, written out here on purpose (see the module's doc).
_HAN_KANA = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RUN = re.compile(f"(?:(?![\u30fb\u30a0])[{_HAN_KANA}])+")  # ・ and ゠ are punctuation
_WRAP = re.compile(f"(?<=[{_HAN_KANA}])[^\\S\\n]*\\n[^\\S\\n]*(?=[{_HAN_KANA}])")
_LATIN = "(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]{2,}(?![A-Za-z0-9])"
# A Latin word inside a CJK sentence: a CJK character right before or after it (a space between at most).
_LATIN_INSIDE = re.compile(f"(?:(?<=[{_HAN_KANA}])|(?<=[{_HAN_KANA}][ \t])){_LATIN}|{_LATIN}(?=[ \t]?[{_HAN_KANA}])")
_HEADING = re.compile(r"^(\d+\.\d+)\.\s+(.+(?:\n(?!\s)(?!\d+\.)\S.*)*)", re.M)
_CHAPTER = re.compile(r"^第 \d+ 章.*$", re.M)
_EN_CHAPTER = re.compile(r"^Chapter\s+1\.", re.M)
_CROSS_REF = re.compile(r"第\s*[\d.]+\s*节\s*“[^”]*”", re.S)


def available() -> dict[str, bool]:
    return {"zh_faq": ZH_FAQ.is_file(), "ja_man": JA_MAN.is_dir()}


def unwrapped(text: str) -> str:
    """Text with the line breaks inside Chinese and Japanese lines taken out (wrapped at a width)."""
    return _WRAP.sub("", text)


def zh_faq_set() -> QualitySet:
    result = QualitySet(
        "zh_faq",
        "each answer of Debian's Chinese FAQ is a file zhfaq-NNN.txt with its question heading removed; "
        "the cross-references that quote a heading are cut out of every answer, and answers that repeat "
        "their question are left out, so no query appears in any file",
    )
    text = gzip.decompress(ZH_FAQ.read_bytes()).decode("utf-8")
    first = _CHAPTER.search(text)
    text = text[first.start() if first else 0 :]  # after the table of contents
    text = _CROSS_REF.sub("", text)
    found = list(_HEADING.finditer(text))
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        chapter = _CHAPTER.search(text, match.end(), end)
        body = text[match.end() : chapter.start() if chapter else end].strip("\n") + "\n"
        question = unwrapped(match.group(2)).replace("\n", " ").strip()
        if len(body.strip()) < 40 or question in unwrapped(body):
            continue
        name = f"zhfaq-{len(result.files):03d}.txt"
        result.files[name] = body
        result.queries.append((question, {name}))
        result.origins[name] = (ZH_FAQ, match.group(1))  # the section number, shared with the English FAQ
    return result


def en_faq_questions() -> dict[str, str]:
    """The English FAQ's questions by section number ("1.2" -> "What is Debian GNU/Linux?")."""
    text = gzip.decompress(EN_FAQ.read_bytes()).decode("utf-8")
    first = _EN_CHAPTER.search(text)
    text = text[first.start() if first else 0 :]  # after the table of contents
    return {m.group(1): " ".join(m.group(2).split()) for m in _HEADING.finditer(text)}


_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


def en_zh_faq_set(strict: bool = True) -> QualitySet:
    """Cross-language: the Chinese FAQ's answers (as zh_faq_set makes them) queried with the English FAQ's
    question of the same section. `strict`: a question any of whose words (runs of Latin letters and digits,
    any case) is written in its answer is left out, so the keyword list cannot find an answer by a shared
    word ("Debian", "dpkg"): what is found is found by meaning across the languages. Most answers quote
    commands or English names, so that keeps a fifth of the questions; `strict=False` keeps them all (the
    keyword list's figure then says how much shared words alone find)."""
    zh = zh_faq_set()
    english = en_faq_questions()
    result = QualitySet(
        "en_zh_faq" if strict else "en_zh_faq_all",
        "the Chinese FAQ's answers (headings and quoted headings removed) queried with the English FAQ's "
        "question of the same section" + ("; questions sharing any Latin word with their answer are left out"
                                           if strict else ""),
        files=dict(zh.files), origins=dict(zh.origins))
    for name, (_, number) in zh.origins.items():
        question = english.get(str(number))
        if question is None:
            continue
        answer_words = {w.lower() for w in _LATIN_WORD.findall(zh.files[name])}
        if strict and any(w.lower() in answer_words for w in _LATIN_WORD.findall(question)):
            continue
        result.queries.append((question, {name}))
    return result


_ROFF_FONT = re.compile(r"\\f(?:\[[^\]]*\]|\(..|.)")
_ROFF_ESCAPE = re.compile(r"\\(?:\(..|\*\(..|\*\[[^\]]*\]|\*.|s[+-]?\d+|[&|^%:]|n\(..|n.)")


def roff_text(source: str) -> str:
    """The words of a manual page's roff source: macros' arguments kept, markup dropped."""
    out: list[str] = []
    for line in source.splitlines():
        if line.startswith((".\\\"", "'\\\"", '.\\"')) or line.startswith(".TH"):
            continue
        if line.startswith((".", "'")):
            macro, _, args = line[1:].partition(" ")
            if macro in ("BR", "RB", "BI", "IB", "IR", "RI"):
                args = "".join(part.strip('"') for part in re.findall(r'"[^"]*"|\S+', args))
            line = args.strip().strip('"') if args.strip() else ""
            if macro in ("SH", "SS", "PP", "P", "LP", "TP", "IP", "sp"):
                out.append("")
        line = _ROFF_FONT.sub("", line)
        line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ")
        out.append(_ROFF_ESCAPE.sub("", line).replace("\\", ""))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def ja_man_set(limit_files: int = 150, seed: int = 3) -> QualitySet:
    result = QualitySet("ja_man", "Japanese manual pages as files jaman-NNN.txt (roff markup stripped); "
                                  "phrase recall only: the queries are made by phrase_set")
    pages = sorted(p for p in JA_MAN.rglob("*") if p.is_file())
    rng = random.Random(seed)
    rng.shuffle(pages)
    for page in pages:
        if len(result.files) >= limit_files:
            break
        try:
            raw = gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes()
        except (OSError, EOFError):
            continue
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError:
            source = raw.decode("euc-jp", "replace")
        text = roff_text(source)
        if len(_CJK_RUN.findall(text)) >= 10:
            result.files[f"jaman-{len(result.files):03d}.txt"] = text
    return result


def holders(files: dict[str, str], query: str) -> set[str]:
    """Files that hold `query`: a CJK phrase as written (across wrapped lines), a Latin word as a
    word (not inside a longer Latin word; CJK characters around it are no part of it)."""
    if _CJK_RUN.fullmatch(query):
        return {name for name, text in files.items() if query in unwrapped(text)}
    word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(query)}(?![A-Za-z0-9])", re.IGNORECASE)
    return {name for name, text in files.items() if word.search(text)}


def phrase_set(sources: list[QualitySet], phrases: int = 200, latin: int = 50, seed: int = 28) -> QualitySet:
    """Phrases of 2-6 CJK characters and Latin words glued to CJK text, sampled from the files of
    `sources` (half of the phrases from each); a query's answers are every file that holds it."""
    files = {name: text for s in sources for name, text in s.files.items()}
    result = QualitySet("phrases", "phrases sampled from the files themselves: recall, not ranking "
                                   "(a query's answers are all the files that hold it)", files)
    rng = random.Random(seed)
    seen: set[str] = set()
    for n, source in enumerate(sources):
        share = phrases // len(sources) + (n < phrases % len(sources))
        runs = [run for text in source.files.values() for run in _CJK_RUN.findall(unwrapped(text)) if len(run) >= 2]
        picked = 0
        while runs and picked < share:
            run = rng.choice(runs)
            size = rng.randint(2, min(6, len(run)))
            start = rng.randint(0, len(run) - size)
            phrase = run[start : start + size]
            if phrase not in seen:
                seen.add(phrase)
                result.queries.append((phrase, holders(files, phrase)))
                picked += 1
    words = sorted({m.group() for text in files.values() for m in _LATIN_INSIDE.finditer(text)})
    for word in rng.sample(words, min(latin, len(words))):
        result.queries.append((word, holders(files, word)))
    return result
