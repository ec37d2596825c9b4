"""reST and Markdown markup taken out of text for display, with a map back to the stored offsets.

Snippets and previews showed raw markup (`:file:`mathmodule.c``, ``chmod +x``, `====`
underlines, `.. _label:` lines; issue 13). The stored text keeps it (offsets of passages and
keyword matches refer to it), so what is shown is a readable copy plus `Readable.at(offset)`,
which turns an offset into the stored text into the matching offset into the shown one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Each pattern's group "keep" is what stays of the match (absent: the match goes entirely).
_PATTERNS = [
    # A title's underline or overline: a line of one repeated punctuation character.
    r"(?m)^[ \t]*([=\-~^*+#`:.'\"_])\1{2,}[ \t]*(?:\n|$)",
    # Explicit markup lines: targets, comments and directives (".. _label:", ".. note::", ".. code-block:: sh").
    r"(?m)^[ \t]*\.\. (?:_[^:\n]+:|[\w-]+::|\|[^|\n]+\|)[^\n]*(?:\n|$)",
    # Directive options under them (":linenos:").
    r"(?m)^[ \t]+:[\w-]+:(?: [^\n]*)?\n",
    # Sphinx's file-wide fields at a line's start (":tocdepth: 2", ":orphan:"); other field lists
    # (":param x:" in docstrings) are content and stay.
    r"(?m)^:(?:tocdepth|orphan|nocomments|nosearch|og:[\w:-]+):(?:[ \t][^\n]*)?(?:\n|$)",
    # Roles: :ref:`text <target>` or :file:`path` -> text / path.
    r":[\w.:+-]+:`(?P<keep>[^`<\n]*?)\s*(?:<[^>`\n]*>)?`",
    # Inline literals and interpreted text: ``code`` and `text`_ / `text <url>`_.
    r"``(?P<keep>[^`]+?)``",  # may wrap onto the next line
    r"`(?P<keep>[^`<\n]+?)\s*(?:<[^>`\n]*>)?`_{0,2}",
    # The tail of a link whose opening backtick lies in the passage before: " <https://…>`_".
    r" ?<(?:https?|ftp)://[^>\s`]*>`_{1,2}",
    # Markdown links [text](url) and images ![alt](url).
    r"!?\[(?P<keep>[^\]\n]+)\]\([^)\n]*\)",
    # Strong and emphasis: **text**, __text__, *text*.
    r"\*\*(?P<keep>[^*\n]+?)\*\*",
    r"(?<![\w*])\*(?P<keep>[^*\s][^*\n]*?)\*(?![\w*])",
    # Markdown heading marks at the start of a line.
    r"(?m)^ {0,3}#{1,6}[ \t]+(?P<keep>[^\n]*?)[ \t]*#*[ \t]*$",
    # A literal block's "::" at the end of a line reads as ":" (alone on its line, as nothing).
    r"(?m)(?<=\S) ?::$",
    r"(?m)^[ \t]*::[ \t]*\n",
    # Sphinx's permalink mark after a heading, in text indexed before issue 26 dropped it at extraction.
    r" ?¶",
]

def _renamed() -> re.Pattern[str]:
    """One pattern with a distinct "keep" group per alternative (Python forbids repeated names)."""
    parts = []
    for n, pattern in enumerate(_PATTERNS):
        body = pattern.replace("(?m)", "").replace("(?P<keep>", f"(?P<keep{n}>")
        # Back-references count groups across the joined pattern: name the underline's group too.
        body = body.replace(r"([=\-~^*+#`:.'\"_])\1", rf"(?P<rule{n}>[=\-~^*+#`:.'\"_])(?P=rule{n})")
        parts.append(f"(?:{body})")
    return re.compile("|".join(parts), re.MULTILINE)


_ALL = _renamed()


@dataclass(frozen=True)
class Readable:
    text: str  # what is shown
    # Piecewise map: stored offset `starts[i]` corresponds to shown offset `shown[i]`; between two
    # breakpoints offsets move together, except inside removed markup, which maps to its end.
    starts: list[int] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)
    removed_to: list[int] = field(default_factory=list)  # stored offset where the removed run ends

    def at(self, offset: int) -> int:
        """The shown offset for an offset into the stored text."""
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        out, gap_end = self.shown[i], self.removed_to[i]
        if offset < gap_end:  # inside markup that is not shown: its place in the shown text
            return out
        return out + (offset - gap_end)


def readable(text: str) -> Readable:
    """`text` with its markup taken out, and the offset map."""
    out: list[str] = []
    starts: list[int] = []
    shown: list[int] = []
    removed_to: list[int] = []
    position = 0  # in the stored text
    length = 0  # of the shown text so far
    for match in _ALL.finditer(text):
        if not match.group(0):
            continue
        start, end = match.span()
        out.append(text[position:start])
        length += start - position
        keep_name = next((k for k, v in match.groupdict().items() if k.startswith("keep") and v is not None), None)
        if keep_name is None:
            if match.group(0).endswith("::"):
                out.append(":")  # "as follows::" reads "as follows:"
                length += 1
            starts.append(start)
            shown.append(length)
            removed_to.append(end)
        else:
            k_start, k_end = match.span(keep_name)
            # Markup before the kept part, the kept part (offsets move together), markup after it.
            starts.append(start)
            shown.append(length)
            removed_to.append(k_start)
            out.append(text[k_start:k_end])
            length += k_end - k_start
            starts.append(k_end)
            shown.append(length)
            removed_to.append(end)
        position = end
    out.append(text[position:])
    return Readable("".join(out), starts, shown, removed_to)
