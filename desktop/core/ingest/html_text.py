"""Readable text from HTML (and XML): what a browser would show, in reading order.

The standard library parser is used on purpose: it never fetches anything, copes
with tag soup, and has no native code for hostile pages to poke at.
"""

from __future__ import annotations

import re
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
_BREAKS_ORDER = ["", "\t", "\n", "\n\n"]
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed",
                   "source", "track", "wbr", "param"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\n]+")


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
        self.pre_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.h1_parts: list[str] | None = None  # collecting the first <h1>
        self.first_h1 = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
            return
        if self.hidden_depth:
            return  # e.g. an <svg>'s own <title> is not the page's
        if tag == "title":
            self.in_title = True
            return
        if tag == "pre":
            self.pre_depth += 1
        if tag == "h1" and not self.first_h1 and self.h1_parts is None:
            self.h1_parts = []
        self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden_depth:
            self._break(tag)  # <br/>: never opens a section

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
            return
        if self.hidden_depth:
            return
        if tag == "title":
            self.in_title = False
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag == "h1" and self.h1_parts is not None:
            self.first_h1 = _SPACES.sub(" ", "".join(self.h1_parts)).strip()
            self.h1_parts = None
        if tag not in _VOID:
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.hidden_depth:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(data)
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
        if strength and _BREAKS_ORDER.index(strength) > _BREAKS_ORDER.index(self.pending):
            self.pending = strength


def html_to_text(markup: str) -> tuple[str, str]:
    """(title, text) of an HTML document; title is "" when the page has none."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    lines = [line.strip(" \t") for line in "".join(collector.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    title = _SPACES.sub(" ", "".join(collector.title_parts)).strip() or collector.first_h1
    return title, text
