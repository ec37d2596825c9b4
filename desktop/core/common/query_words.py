"""Which words of a query count: the one rule the keyword ranking searches by and the GUI marks.

Both sides ask here, so what lights up in a result row or the preview is exactly what the
keyword search looked for (a two-letter word like "os" in both, a stop word in neither).
"""

from __future__ import annotations

import re

from desktop.core.common import cjk

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that match nearly every passage and carry no meaning of their own: in a keyword query they
# pull up passages that share only "how do I" with it (measured: the fused ranking fell below the
# dense one until they went). A query made of nothing else keeps them.
STOP_WORDS = frozenset({
    "a", "about", "above", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "during", "each", "few", "for", "from", "further", "get", "got", "had", "has",
    "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it",
    "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours",
})


def query_words(query: str) -> list[str]:
    """Distinct lower-case words, stop words left out unless nothing else is left; single letters
    carry nothing but digits might, and a single CJK character is a word. A run of CJK characters
    (with a Latin word glued to it) is one word here: the phrase of its tokens (common/cjk.py)."""
    words = list(dict.fromkeys(w for w in _WORD.findall(query.lower())
                               if (len(w) > 1 or w.isdigit() or cjk.has_cjk(w)) and cjk.query_tokens(w)))
    content = [w for w in words if w not in STOP_WORDS]
    return content or words
