"""Snippets and previews end at sentence or word boundaries and carry no markup (issue 26)."""

from __future__ import annotations

from desktop.core.common.text import clip
from desktop.gui.common.readable import readable

PASSAGE = ("Virtual environments keep a project's packages apart. Create one with python3 -m venv tutorial-env, "
           "then activate it. Packages installed while it is active go into it and nowhere else, whatever "
           "virtualisation the system also uses.")


def test_clip_ends_after_a_sentence_when_one_is_near() -> None:
    assert clip(PASSAGE, 120) == ("Virtual environments keep a project's packages apart. Create one with python3 -m "
                                  "venv tutorial-env, then activate it. …")


def test_clip_ends_between_words_otherwise() -> None:
    shown = clip(PASSAGE, 40)
    assert shown == "Virtual environments keep a project's …"
    assert clip("short text\n\nkept   whole", 40) == "short text kept whole"
    assert clip("x" * 50, 10) == "x" * 9 + " …"  # one endless word: cut where it must be


def test_permalink_marks_are_not_shown() -> None:
    assert readable("4.7. Defining Functions¶\n\nWe can create a function ¶").text == (
        "4.7. Defining Functions\n\nWe can create a function")
