"""How clean the text semdesk takes out of real pages is: HTML navigation left in, PDF words in order.

Used by `scripts/bench --only quality` (printed next to the ranking figures) and by
tests/core/test_real_documents.py.

HTML (python3.11-doc's Sphinx pages). A page's *navigation* is every element of Sphinx's chrome:
classes `sphinxsidebar` (the table of contents, previous/next topic, "This Page"), `related` (the
"Navigation / index / modules | next | previous" bars), `footer`, `headerlink` (the "¶" after each
heading), and `<nav>`. Its *own text* is `div.body` without the headerlinks. Each word semdesk indexed
(lower-cased `\\w+`) is matched against the page's own words first, then against its navigation words,
each used once (multisets): a word left over from the navigation after the page's own copies are spent
counts as boilerplate. The figures are the boilerplate share of indexed words and the share of the
page's own words that were indexed (its recall).

PDF. Words (whitespace-separated, lower-cased, punctuation stripped at their ends) of the extracted
text against those of the `.txt` twin the same source was made into; the figure is difflib's
SequenceMatcher ratio over the two word lists (2 x words matched in order / both lengths).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

PYTHON_HTML = Path("/usr/share/doc/python3.11/html")
NAV_CLASSES = frozenset({"sphinxsidebar", "related", "footer", "headerlink"})
_WORD = re.compile(r"\w+")


@dataclass
class PageFigures:
    pages: int = 0
    indexed: int = 0  # words semdesk indexed
    boilerplate: int = 0  # of them, navigation words
    own: int = 0  # the pages' own words
    kept: int = 0  # of them, indexed

    @property
    def boilerplate_share(self) -> float:
        return self.boilerplate / max(1, self.indexed)

    @property
    def recall(self) -> float:
        return self.kept / max(1, self.own)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def page_words(data: bytes) -> tuple[Counter[str], Counter[str]]:
    """(own words, navigation words) of a Sphinx page, as multisets."""
    import lxml.html  # lxml comes with trafilatura

    doc = lxml.html.fromstring(data)
    for hidden in doc.xpath("//script|//style"):
        hidden.drop_tree()
    nav: Counter[str] = Counter()
    for element in doc.iter():
        classes = set((element.get("class") or "").split()) if isinstance(element.tag, str) else set()
        if element.tag == "nav" or classes & NAV_CLASSES:
            nav.update(words(element.text_content()))
    for link in doc.xpath("//a[contains(concat(' ', @class, ' '), ' headerlink ')]"):
        link.drop_tree()
    bodies = doc.xpath("//div[contains(concat(' ', @class, ' '), ' body ')]")
    own = Counter(words(bodies[0].text_content())) if bodies else Counter()
    return own, nav


def count_page(figures: PageFigures, data: bytes, indexed_text: str) -> None:
    own, nav = page_words(data)
    left_own, left_nav = own.copy(), nav.copy()
    for word in words(indexed_text):
        figures.indexed += 1
        if left_own[word] > 0:
            left_own[word] -= 1
            figures.kept += 1
        elif left_nav[word] > 0:
            left_nav[word] -= 1
            figures.boilerplate += 1
    figures.own += sum(own.values())
    figures.pages += 1


def html_figures(pages: Iterable[Path], extract: Callable[[bytes, str], str]) -> PageFigures:
    """Boilerplate share and own-text recall of `extract(data, name)` over Sphinx pages."""
    figures = PageFigures()
    for page in pages:
        data = page.read_bytes()
        count_page(figures, data, extract(data, page.name))
    return figures


def prose_words(text: str) -> list[str]:
    """Words as a reader compares them: accents, typographic quotes and case aside (PDF fonts draw a
    straight quote as ’ and a backquote as a combining accent)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    out = []
    for token in text.split():
        token = token.strip(".,;:!?()[]{}\"'“”‘’`*").lower()
        if token:
            out.append(token)
    return out


def words_in_order(extracted: str, reference: str) -> float:
    """SequenceMatcher ratio of the two texts' word lists: 1.0 when the same words come in the same order."""
    return difflib.SequenceMatcher(None, prose_words(extracted), prose_words(reference), autojunk=False).ratio()
