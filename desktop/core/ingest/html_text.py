"""Readable text from HTML (and XML): what a browser would show, in reading order.

The standard library parser is used on purpose: it never fetches anything, copes
with tag soup, and has no native code for hostile pages to poke at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Their content is never shown to a reader.
# (<head> is not among them: pages often never close it, and its <title> is read apart.)
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object"})
_PARAGRAPH = frozenset({
    "p", "div", "section", "article", "aside", "header", "footer", "nav", "main", "blockquote",
    "pre", "table", "ul", "ol", "dl", "figure", "figcaption", "form", "fieldset", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "details", "summary",
})
_LINE = frozenset({"br", "li", "tr", "dt", "dd", "caption", "option"})
_CELL = frozenset({"td", "th"})
_BREAKS = {**dict.fromkeys(_PARAGRAPH, "\n\n"), **dict.fromkeys(_LINE, "\n"), **dict.fromkeys(_CELL, "\t")}
_BREAKS_ORDER = ["", " ", "\t", "\n", "\n\n"]
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ROW = frozenset({"tr", "table", "caption"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed",
                   "source", "track", "wbr", "param"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\n]+")


def _is_permalink(attrs: list[tuple[str, str | None]]) -> bool:
    """Sphinx's and MkDocs' "¶" after each heading: a link to the heading, never text to read."""
    classes = next((value or "" for name, value in attrs if name == "class"), "").split()
    return "headerlink" in classes or "anchorjs-link" in classes


def _is_main(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The ARIA main landmark: the page author's own statement of where its content is."""
    return tag == "main" or any(name == "role" and (value or "").strip().lower() == "main" for name, value in attrs)


def declared_charset(data: bytes) -> str | None:
    """The encoding a page names in its first few KB (<meta charset=...>), if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # Breaks wait until the next text: "</li><li>" or "</td><td>" then give one break,
        # the strongest asked for, not two.
        self.pending = ""
        self.hidden_depth = 0
        self.permalink_open = False
        self.pre_depth = 0
        self.cell_depth = 0  # inside a table cell, a paragraph is a space: a row reads as one line
        self.in_title = False
        self.title_parts: list[str] = []
        self.heading_parts: list[str] | None = None  # collecting an <h1>..<h6>
        self.headings: list[str] = []
        self.levels: list[int] = []
        self.first_h1 = ""
        # The page's own mark of its main content (<main>, role="main"): where it starts and ends in `parts`.
        self.main_tag = ""
        self.main_depth = 0
        self.main_span: tuple[int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN or (tag == "a" and not self.permalink_open and _is_permalink(attrs)):
            self.permalink_open = self.permalink_open or tag == "a"  # links do not nest: one flag is enough
            self.hidden_depth += 1
            return
        if self.hidden_depth:
            return  # e.g. an <svg>'s own <title> is not the page's
        if tag == "title":
            self.in_title = True
            return
        if tag == "pre":
            self.pre_depth += 1
        if tag in _CELL:
            self.cell_depth += 1
        if tag in _HEADINGS and self.heading_parts is None:
            self.heading_parts = []
        if self.main_depth and tag == self.main_tag:
            self.main_depth += 1
        elif self.main_span is None and not self.main_depth and _is_main(tag, attrs):
            self.main_tag, self.main_depth = tag, 1
            self.main_span = (len(self.parts), -1)
        self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden_depth:
            self._break(tag)  # <br/>: never opens a section

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN or (tag == "a" and self.permalink_open):
            self.permalink_open = self.permalink_open and tag != "a"
            self.hidden_depth = max(0, self.hidden_depth - 1)
            return
        if self.hidden_depth:
            return
        if tag == "title":
            self.in_title = False
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag in _CELL:
            self.cell_depth = max(0, self.cell_depth - 1)
        if tag in _HEADINGS and self.heading_parts is not None:
            heading = _SPACES.sub(" ", "".join(self.heading_parts)).strip()
            self.headings.append(heading)
            self.levels.append(int(tag[1]))
            if tag == "h1" and not self.first_h1:
                self.first_h1 = heading
            self.heading_parts = None
        if self.main_depth and tag == self.main_tag:
            self.main_depth -= 1
            if not self.main_depth and self.main_span is not None:
                self.main_span = (self.main_span[0], len(self.parts))
        if tag not in _VOID:
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.hidden_depth:
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        if not self.pre_depth:
            data = _SPACES.sub(" ", data)
            if data == " " and (self.pending or not self.parts):
                return  # layout whitespace between blocks
        if self.pending:
            if self.parts:
                self.parts.append(self.pending)
            self.pending = ""
        self.parts.append(data)

    def _break(self, tag: str) -> None:
        strength = _BREAKS.get(tag)
        if strength and self.cell_depth and not self.pre_depth and tag not in _CELL and tag not in _ROW:
            strength = " "
        if strength and _BREAKS_ORDER.index(strength) > _BREAKS_ORDER.index(self.pending):
            self.pending = strength


@dataclass(frozen=True)
class PageText:
    title: str  # "" when the page has none
    text: str  # every word the page shows
    main: str  # the part the page marks as its main content (<main>, role="main"); "" when unmarked
    headings: tuple[str, ...] = ()  # the text of every <h1>..<h6>, in order
    levels: tuple[int, ...] = ()  # and its level (1 for <h1>)


def html_to_text(markup: str) -> tuple[str, str]:
    """(title, text) of an HTML document; title is "" when the page has none."""
    page = read_page(markup)
    return page.title, page.text


def read_page(markup: str) -> PageText:
    """Title, whole text and marked main content of an HTML document, in one parse."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    main = ""
    if collector.main_span is not None:
        start, end = collector.main_span
        main = _joined(collector.parts[start : end if end >= 0 else len(collector.parts)])
    title = _own_title(_SPACES.sub(" ", "".join(collector.title_parts)).strip(), collector.first_h1)
    named = [(h, level) for h, level in zip(collector.headings, collector.levels, strict=True) if h]
    return PageText(title, _joined(collector.parts), main, tuple(h for h, _ in named), tuple(lv for _, lv in named))


_SITE_SEPARATOR = re.compile(r"^\s*[—–|·:-]\s*\S")


def _own_title(title: str, h1: str) -> str:
    """The page's title without the site's name: "venv — Creation of virtual environments — Python 3.11.2
    documentation" is its <h1> plus the name every page of the site carries, which tells its pages apart
    from nothing. A <title> that is not the <h1> plus such a tail stays as it is."""
    if not title:
        return h1
    if h1 and title.startswith(h1) and _SITE_SEPARATOR.match(title[len(h1):]):
        return h1
    return title


def _joined(parts: list[str]) -> str:
    lines = [line.strip(" \t") for line in "".join(parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
