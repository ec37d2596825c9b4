"""A document's section headings, where they are in its text, and the one each passage stands under.

A passage carries the trail of headings above it ("Installing › From source"), so a result and the preview
say where in the document it is. The trail is shown, never embedded: a passage's vector is made from the
document's title and its own words only (common/embedding_input.py), as before headings were kept.

Where headings come from: a web page's <h1>..<h6> and a PDF's lines set larger than its body text are
found again as whole lines of the extracted text (`located`); Markdown's "#" and underlined headings and
reStructuredText's underlined (and overlined) titles are read from the text itself.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

SEPARATOR = " › "
MAX_TRAIL = 200  # characters: the nearest headings are kept, the outer ones give way
_MARKUP_ROOM = 12  # a heading's own marks and blank lines: "### ", an underline's start
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ADORNMENT = re.compile(r"^([=\-~^*+#`:.'\"_!$%&,;/<>?@\\|])\1{2,}[ \t]*$")


@dataclass(frozen=True)
class Heading:
    start: int  # offset of its line in the document's text
    level: int  # 1 the outermost
    text: str


def _lines(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def located(text: str, wanted: Sequence[tuple[int, str]]) -> list[Heading]:
    """The headings `wanted` ((level, text), in document order) found as whole lines of `text`, in order;
    one not found (left out with the page's navigation, say) is passed over. Matched from the end, so
    that a table of contents, which repeats the headings above the real ones, is not taken for them."""
    places: dict[str, list[int]] = {}
    for index, (_level, heading) in enumerate(wanted):
        places.setdefault(" ".join(heading.split()), []).append(index)
    found: list[Heading] = []
    before = len(wanted)  # headings of `wanted` before this one may still be found
    for start, line in reversed(_lines(text)):
        key = " ".join(line.split())
        if not key or key not in places:
            continue
        indexes = places[key]
        at = bisect.bisect_left(indexes, before) - 1
        if at >= 0:
            found.append(Heading(start + len(line) - len(line.lstrip()), wanted[indexes[at]][0], key))
            before = indexes[at]
    return found[::-1]


def markdown_headings(text: str) -> list[Heading]:
    """"# Title" headings and underlined ones ("Title" over "====" or "----"), not inside fenced code."""
    found: list[Heading] = []
    lines = _lines(text)
    fenced = False
    for index, (start, line) in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx:
            found.append(Heading(start, len(atx.group(1)), atx.group(2).strip()))
            continue
        below = lines[index + 1][1].strip() if index + 1 < len(lines) else ""
        if line.strip() and not line.startswith((" " * 4, "\t")) and below and set(below) <= {"="} | {"-"} \
                and len(set(below)) == 1 and len(below) >= 3 and (index == 0 or not lines[index - 1][1].strip()):
            found.append(Heading(start, 1 if below[0] == "=" else 2, line.strip()))
    return found


def rst_headings(text: str) -> list[Heading]:
    """reStructuredText's section titles: a line underlined (perhaps also overlined) by a repeated
    punctuation mark at least as long as it; levels in the order each style first appears."""
    found: list[Heading] = []
    styles: list[tuple[str, bool]] = []
    lines = _lines(text)
    for index, (start, line) in enumerate(lines):
        title = line.strip()
        if not title or _ADORNMENT.match(title) or index + 1 >= len(lines) or line[:1].isspace():
            continue
        under = lines[index + 1][1].rstrip()
        if not _ADORNMENT.match(under) or len(under) < min(len(title), 3):
            continue
        over = lines[index - 1][1].rstrip() if index > 0 else ""
        style = (under[0], bool(_ADORNMENT.match(over)) and over[0] == under[0])
        if style not in styles:
            styles.append(style)
        found.append(Heading(start, styles.index(style) + 1, title))
    return found


def passage_headings(headings: Sequence[Heading], spans: Sequence[tuple[int, int]], title: str = "") -> list[str]:
    """For each passage (start, end), the trail of headings it stands under, outermost first: those in
    force at its first word, or at the first heading in its first third (a passage that opens on the end
    of one section and goes on into the next is about the next; headings right under it count too).
    A heading that only repeats the document's title is left out: the title is shown anyway."""
    ordered = sorted(headings, key=lambda h: h.start)
    same_as_title = " ".join(title.split()).casefold()
    offsets = [h.start for h in ordered]
    points = []
    for start, end in spans:
        point, cut = start, start + (end - start) // 3
        at = bisect.bisect_left(offsets, start)
        if at < len(offsets) and offsets[at] <= cut:
            while at + 1 < len(offsets) and offsets[at + 1] - offsets[at] <= len(ordered[at].text) + _MARKUP_ROOM:
                at += 1  # "## Tomatoes" then at once "### Pruning": the passage is about pruning
            point = offsets[at]
        points.append(point)
    trails = [""] * len(spans)
    stack: list[Heading] = []
    taken = 0  # headings of `ordered` already on the stack's way
    for index in sorted(range(len(points)), key=lambda i: points[i]):
        while taken < len(ordered) and ordered[taken].start <= points[index]:
            heading = ordered[taken]
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            stack.append(heading)
            taken += 1
        trails[index] = _bounded([h.text for h in stack if h.text.casefold() != same_as_title])
    return trails


def _bounded(names: list[str]) -> str:
    trail = SEPARATOR.join(names)
    while len(trail) > MAX_TRAIL and len(names) > 1:
        names = names[1:]
        trail = "…" + SEPARATOR + SEPARATOR.join(names)
    return trail[:MAX_TRAIL]
