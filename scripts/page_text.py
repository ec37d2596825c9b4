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


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"'})


def prose_words(text: str) -> list[str]:
    """Words as a reader compares them: accents, typographic quotes and case aside (PDF fonts draw a
    straight quote as ’, inside a word too, "it’s", and a backquote as a combining accent). A token with
    no letter or digit is no word: a bullet ("•", "*"), an arrow ("->"), a rule ("-----")."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    out = []
    for token in text.translate(_QUOTES).split():
        token = token.strip(".,;:!?()[]{}\"'`*").lower()
        if any(c.isalnum() for c in token):
            out.append(token)
    return out


def _matched(a: list[str], b: list[str]) -> int:
    return sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def words_in_order(extracted: str, reference: str) -> float:
    """SequenceMatcher ratio of the two texts' word lists: 1.0 when the same words come in the same order."""
    return difflib.SequenceMatcher(None, prose_words(extracted), prose_words(reference), autojunk=False).ratio()


def words_in_order_with_notes(extracted: str, reference: str, notes: list[str]) -> float:
    """`words_in_order` where each of the reference's footnotes is a unit of its own that may sit anywhere
    (a PDF sets a footnote at its page's foot, or splits it over two pages; a text twin may gather them at
    a chapter's end): a note's words count where they come in order among the extracted words, then the
    rest against the rest. Every word of both texts is in the denominator, as in `words_in_order`."""
    left = prose_words(extracted)
    total = len(left) + len(prose_words(reference))
    matched = 0
    for note in notes:
        note_words = prose_words(note)
        total += len(note_words)
        blocks = difflib.SequenceMatcher(None, left, note_words, autojunk=False).get_matching_blocks()
        taken = set()
        for block in blocks:
            if block.size >= 3:  # a run, not a stray common word
                matched += block.size
                taken.update(range(block.a, block.a + block.size))
        left = [word for index, word in enumerate(left) if index not in taken]
    return 2 * (matched + _matched(left, prose_words(reference))) / max(1, total)


# The Debian FAQ's text twin (w3m over the HTML, debian-faq's Makefile) differs from its PDF (DBLaTeX) by
# itself: the twin gathers footnotes ("^[3] …") at a chapter's end, the PDF sets them at the page's foot;
# the twin spells a cross-reference's title out (Section 12.1, “What other documentation exists …”), the
# PDF prints "Section 12.1"; the PDF ends with an index of packages, which the twin has not.
# A note: from its "^[N]" to the next note or the next line not indented (a note may have paragraphs).
_TWIN_NOTE = re.compile(r"^[^\S\n]+\^\[\d+\].*?(?=^[^\S\n]+\^\[\d+\]|^\S|\Z)", re.MULTILINE | re.DOTALL)
_TWIN_CROSS_TITLE = re.compile(r"(Section\s[\d.]*\d),\s+“[^”]*”")
_PDF_INDEX = re.compile(r"\nIndex\n(?!.*\nIndex\n).*\Z", re.DOTALL)


def faq_pdf_figures(extracted: str, twin: str) -> dict[str, float]:
    """The Debian FAQ's PDF text against its .txt twin: `strict` (every word of both, footnotes where each
    puts them) and `shared` (footnotes as units; only what both hold: the twin's spelt-out cross-reference
    titles and the PDF's index left out)."""
    notes = _TWIN_NOTE.findall(twin)
    body = _TWIN_CROSS_TITLE.sub(r"\1", _TWIN_NOTE.sub("", twin))
    return {"strict": words_in_order(extracted, twin),
            "shared": words_in_order_with_notes(_PDF_INDEX.sub("\n", extracted), body, notes)}


DEBIAN_FAQ_PDF = Path("/usr/share/doc/debian/FAQ/debian-faq.en.pdf.gz")
DEBIAN_FAQ_TXT = Path("/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz")


def groff_pdf_and_text(page: str, folder: Path) -> tuple[bytes, str] | None:
    """A man page typeset by groff twice: to PostScript (then ps2pdf) and to plain text, unhyphenated;
    None when the page, groff (Debian package groff) or ps2pdf (ghostscript) is absent."""
    import gzip
    import shutil
    import subprocess

    source = Path(f"/usr/share/man/man1/{page}.1.gz")
    if not source.exists() or shutil.which("groff") is None or shutil.which("ps2pdf") is None:
        return None
    roff = gzip.decompress(source.read_bytes())
    ps = subprocess.run(["groff", "-man", "-Tps"], input=roff, capture_output=True, check=True).stdout
    pdf = folder / f"{page}.pdf"
    subprocess.run(["ps2pdf", "-", str(pdf)], input=ps, capture_output=True, check=True)
    text = subprocess.run(["groff", "-man", "-Tutf8", "-rHY=0", "-rLL=300n", "-P-c", "-P-b", "-P-u"],
                          input=roff, capture_output=True, check=True).stdout.decode("utf-8", "replace")
    return pdf.read_bytes(), text
