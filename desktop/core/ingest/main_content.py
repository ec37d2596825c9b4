"""The main content of a web page: its text, not the navigation, table of contents and footer around it.

In order (issue 26, measured on the 530 pages of Debian's python3.11-doc):
1. the part the page itself marks as main (`<main>`, `role="main"`: the ARIA landmark that screen readers
   jump to) - the author's statement, rendered by our own reader so code blocks keep their lines, tables
   their rows and definition lists their terms;
2. else trafilatura's choice: of the well-kept extractors it kept the most of each page's own text with the
   least navigation (readability-lxml and jusText dropped a third or more of the text), as in its own
   published comparison. It is not first because it drops whole sections of some pages (the Python FAQ's
   "How do I share global variables across modules?", IDLE's "Menus"), drops headings (the Debian FAQ's
   questions) and joins code lines inside lists. So it judges, and our reader writes: a line of the whole
   text is kept when trafilatura kept its words, in order, and a heading when the line after it is kept;
3. the whole text, when both give too little (an index page that is all links), so no page loses its words.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from desktop.core.ingest.html_text import PageText

# Permalink anchors after each heading (Sphinx's and MkDocs' "¶", "#"): never text a reader reads.
_PRUNE = ["//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]",
          "//a[contains(concat(' ', normalize-space(@class), ' '), ' anchorjs-link ')]"]
# Below this share of the whole page's words, trafilatura is taken to have missed the content.
MIN_SHARE = 0.3
# Fewer words than this in a marked main part: a landmark around a stub, not the content.
_MIN_MAIN_WORDS = 20
_WORD = re.compile(r"\w+")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def main_text(markup: str, page: PageText) -> str:
    """The page's main content as text, or its whole text when no extractor finds enough of it."""
    whole = _words(page.text)
    if page.main and _words(page.main) >= min(_MIN_MAIN_WORDS, whole):
        return page.main
    if whole < _MIN_MAIN_WORDS:
        return page.text  # a stub page: nothing to choose between

    import trafilatura  # lazy: lxml and its date and language helpers are only needed for web pages

    # One line per odd page ("discarding data", "empty HTML tree") is noise, not a problem for the user.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        main = trafilatura.extract(
            markup, include_tables=True, include_comments=False, favor_recall=True, deduplicate=False,
            prune_xpath=_PRUNE, output_format="txt",
        )
    except Exception:  # a parser's bug on a strange page costs the page its navigation filter, not its text
        return page.text
    if not main or _words(main) < MIN_SHARE * whole:
        return page.text
    return _lines_kept(page, main)


# A line this short is kept only where trafilatura's text continues: "Next" or "Up" also occur in sentences.
_SHORT_LINE = 4
_NEAR_WORDS = 6


def _lines_kept(page: PageText, main: str) -> str:
    """The whole text's lines whose words trafilatura kept (in order), and the headings above them.

    Word positions are looked up by a line's first words, so a page costs time in proportion to its size
    however many of its lines trafilatura left out.
    """
    kept = [w.lower() for w in _WORD.findall(main)]
    starts: dict[tuple[str, ...], list[int]] = {}
    for at in range(len(kept)):
        starts.setdefault(tuple(kept[at : at + _SHORT_LINE]), []).append(at)
    lines = page.text.split("\n")
    keep = [False] * len(lines)
    cursor = 0  # in words of `kept`
    for i, line in enumerate(lines):
        words = [w.lower() for w in _WORD.findall(line)]
        if not words:
            continue
        if len(words) >= _SHORT_LINE:
            places = [at for at in starts.get(tuple(words[:_SHORT_LINE]), ()) if kept[at : at + len(words)] == words]
            later = [at for at in places if at >= cursor]
            if later:
                keep[i], cursor = True, later[0] + len(words)
            elif places:
                keep[i] = True  # a line trafilatura put elsewhere: still the page's text
        else:
            for at in range(cursor, min(cursor + _NEAR_WORDS, len(kept))):
                if kept[at : at + len(words)] == words:
                    keep[i], cursor = True, at + len(words)
                    break
    # Each heading once, from the end: a table of contents repeats the headings above the real ones.
    headings = Counter(" ".join(h.split()) for h in page.headings)
    following = False  # is the next line with words kept?
    for i in range(len(lines) - 1, -1, -1):
        if not _WORD.search(lines[i]):
            continue
        text = " ".join(lines[i].split())
        if not keep[i] and following and headings[text] > 0:
            keep[i] = True
            headings[text] -= 1
        following = keep[i]
    out = [line for line, k in zip(lines, keep, strict=True) if k or not line.strip()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
