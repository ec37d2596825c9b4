"""Words inside text written without spaces (Chinese, Japanese, Korean): the one rule every keyword
index and query follows, for SQLite's FTS5 and PostgreSQL's full-text search alike.

Neither `unicode61` (FTS5) nor PostgreSQL's parser knows where a Chinese or Japanese word ends: a
whole run of CJK characters, and a Latin word glued to it, became one token, so no word inside such
text could be found (issue 28). Python's sqlite3 cannot register an FTS5 tokenizer, so, as Lucene's
CJKAnalyzer does in its tokenizer, the text given to the keyword tables is rewritten here:

- every run of CJK letters becomes its overlapping bigrams, then its last character alone
  ("对比学习" -> "对比 比学 学习 习"); a lone character stays itself. So a run of n characters is
  n tokens (bm25's document length counts characters), every character begins some token (a
  one-character query is the prefix query `习*`), and no word can be missed for want of a dictionary;
- a Latin word touching CJK text is cut from it ("使用Jaccard" -> "使用 用 Jaccard"), so it is a
  word of its own;
- a line break between two CJK letters (text wrapped at a fixed width) does not end the run;
- full-width Latin letters, digits and signs (ＪＳＯＮ, １２３, as CJK text writes them) and the
  ideographic space are folded to their ASCII forms (NFKC's width folding, character for character, so
  positions do not move), in the index and in queries: `json` finds ＪＳＯＮ and the reverse;
- text without CJK letters is returned unchanged: an English library's index is the same as before.

The chunk's own text stays in the chunks table; only the keyword copy is rewritten. Queries are
rewritten the same way (`query_tokens`): a CJK word becomes the phrase of its bigrams ("对比学习" ->
"对比 比学 学习"), which holds exactly where the characters stand in that order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Han (with extensions and compatibility ideographs), kana, Hangul, and the marks that live in those
# blocks as letters (々 〆 〇 ー). Only letters and digits among them count (see _RUN): 、。・ stay punctuation.
_RANGES = (
    (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035),
    (0x3038, 0x303C), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
    (0xFFA0, 0xFFDC), (0x1B000, 0x1B16F), (0x20000, 0x3134F),
)
# The ranges as the inside of a regular-expression character class, for other modules' patterns.
CJK_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in _RANGES)
_ANY = re.compile(f"[{CJK_CLASS}]")
_LETTERS = rf"(?:(?=[{CJK_CLASS}])[^\W_])+"  # letters and digits of the CJK blocks
_RUN = re.compile(_LETTERS)
# In the index a run goes on across one line break: text wrapped at a fixed width (Debian's FAQ as
# .txt) breaks Chinese lines inside words ("拷\n    贝"), and a line end there is no word boundary.
_WRAPPED_RUN = re.compile(rf"{_LETTERS}(?:[^\S\n]*\n[^\S\n]*{_LETTERS})*")  # any indent: NBSPs too
_SPACE = re.compile(r"\s+")
# Full-width ASCII (U+FF01-FF5E) and the ideographic space onto ASCII: one character for one.
_WIDE_START, _WIDE_COUNT = 0xFF01, 0x5E
_NARROW = str.maketrans({**{_WIDE_START + i: 0x21 + i for i in range(_WIDE_COUNT)}, 0x3000: 0x20})
# The characters a keyword copy is rewritten for (the catalog's migrations select rows by them).
WIDE_CLASS = "\uff01-\uff5e\u3000"
_WIDE = re.compile(f"[{WIDE_CLASS}]")


def narrow(text: str) -> str:
    """`text` with full-width ASCII and the ideographic space folded to ASCII (the same length; `text`
    itself when it has none)."""
    return text.translate(_NARROW) if _WIDE.search(text) else text


# Traditional Chinese and Japanese forms onto simplified ones, one character for one (圖 図 -> 图): made from
# OpenCC's tables by scripts/make_cjk_variants.py (line 1 the characters, line 2 their simplified forms).
_VARIANTS_FILE = Path(__file__).with_name("cjk_variants.txt")


@functools.cache
def _variants() -> dict[int, int]:
    source, target = _VARIANTS_FILE.read_text(encoding="utf-8").split("\n")[:2]
    return str.maketrans(source, target)


def simplify(text: str) -> str:
    """`text` with traditional and Japanese character forms written simplified (the same length)."""
    return text.translate(_variants()) if has_cjk(text) else text


def fold(text: str) -> str:
    """What keyword search compares: full-width folded (narrow) and character forms simplified (simplify),
    one character for one, so that every position in `text` holds. 图书馆 finds 圖書館 and 図書館; json finds
    ＪＳＯＮ. Some distinct traditional characters share a simplified form (髮, 發 -> 发): they match each other."""
    return simplify(narrow(text))


def has_cjk(text: str) -> bool:
    return _ANY.search(text) is not None


def is_cjk(char: str) -> bool:
    return _RUN.fullmatch(char) is not None


def _pieces(text: str) -> list[tuple[str, str]]:
    """A query's pieces in order: ("cjk", a run of CJK letters) and ("word", other letters, digits
    and the marks that sit on them: Devanagari's vowel signs are part of a word to FTS5's unicode61,
    which separates at spaces and punctuation only); "_" and punctuation separate. Nothing in a
    piece is FTS5 or tsquery syntax."""
    out: list[tuple[str, str]] = []
    previous = ""
    for ch in fold(text):
        kind = "cjk" if is_cjk(ch) else "word" if ch.isalnum() or unicodedata.category(ch)[0] == "M" else ""
        if kind and kind == previous:
            out[-1] = (kind, out[-1][1] + ch)
        elif kind:
            out.append((kind, ch))
        previous = kind
    return out


def _grams(run: str) -> list[str]:
    """A run's tokens in the index: its bigrams and its last character; a lone character itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """The copy of `text` the keyword tables hold (see the module's doc); unchanged without CJK."""
    text = fold(text)
    if not has_cjk(text):
        return text
    out: list[str] = []
    last = 0
    for match in _WRAPPED_RUN.finditer(text):
        out.append(text[last : match.start()])
        out.append(" " + " ".join(_grams(_SPACE.sub("", match.group()))) + " ")
        last = match.end()
    out.append(text[last:])
    return "".join(out)


@dataclass(frozen=True)
class Phrase:
    """What a query word or phrase asks the index for: these tokens in a row; when `prefix`, the last
    one only has to begin a token (a single CJK character at the end: it may begin a bigram)."""

    tokens: tuple[str, ...]
    prefix: bool = False


def query_tokens(text: str) -> Phrase | None:
    """The tokens of a query word or phrase as the index holds them, or None when it has none.

    A CJK run followed by more of the phrase ends there in a matching text too, so it is written
    as the index writes it (bigrams and the last character); a run at the phrase's end may go on
    in the text, so only its bigrams are asked for - or, for one character, a token it begins."""
    pieces = _pieces(text)
    tokens: list[str] = []
    prefix = False
    for n, (kind, piece) in enumerate(pieces):
        if kind == "word":
            tokens.append(piece)
        elif n < len(pieces) - 1:
            tokens.extend(_grams(piece))
        else:
            tokens.extend(_bigrams(piece))
            prefix = len(piece) == 1
    return Phrase(tuple(tokens), prefix) if tokens else None


def split_words(word: str) -> list[str]:
    """A query word as looser words: its Latin words, and each bigram of its CJK runs (a lone
    character as itself). For a long CJK word no text holds whole (a question typed as one run
    of characters), which then counts the bigrams it shares, as Lucene's CJK analyzer does."""
    out: list[str] = []
    for kind, piece in _pieces(word):
        out.extend([piece] if kind == "word" else _bigrams(piece))
    return list(dict.fromkeys(out))


def fts5_match(text: str) -> str | None:
    """An FTS5 expression for a query word or phrase: one quoted phrase (the tokens are letters and
    digits only, so nothing the user typed is FTS5 syntax), `*` when its last token is a prefix."""
    phrase = query_tokens(text)
    if phrase is None:
        return None
    return '"' + " ".join(phrase.tokens) + '"' + (" *" if phrase.prefix else "")


def tsquery_parts(text: str) -> tuple[str, str] | None:
    """The same for PostgreSQL (server/keywords.py): (the phrase's text, its tokens apart, which the
    server reads as it reads the documents; the character a token must begin with, or "")."""
    phrase = query_tokens(text)
    if phrase is None:
        return None
    if phrase.prefix:
        return " ".join(phrase.tokens[:-1]), phrase.tokens[-1]
    return " ".join(phrase.tokens), ""


def text_units(text: str) -> int:
    """The size of a text in words where a CJK character counts as one: for passages and
    snippets where there are no spaces to count by."""
    cjk = sum(len(m.group()) for m in _RUN.finditer(text))
    return cjk + len(re.findall(rf"[^\W{CJK_CLASS}]+", text))


def mostly_cjk(text: str) -> bool:
    """True when most of a text's words (a CJK character counting as one) are CJK characters."""
    cjk = sum(len(m.group()) for m in _RUN.finditer(text))
    return cjk > 0 and 2 * cjk >= text_units(text)
