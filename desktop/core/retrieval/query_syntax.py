"""The query language, parsed once here for the window and the command line alike.

    "exact phrase"      documents must hold these words in this order
    -word  -"a phrase"  leave out what holds it (keywords) and steer the meaning away from it
    kind:photo|document type:pdf|md|jpg...  folder:NAME
    person:NAME  person:"Anna Smith"        photos of a named person (both, when two are given)
    after:DATE  before:DATE  year:2023      DATE: 2023-07-14, 2023-07, 2023, today, yesterday,
                                            "last week", "last month", "last year", "july 2023"
    july 2023           a month name and a year in plain text narrow to that month

Nothing here raises: what does not parse (an unknown operator, an unbalanced quote, a lone
"-", `after:2023-13-45`) stays ordinary query text, because a search box that refuses what
someone typed is worse than one that searches for it literally. Each recognised operator keeps
its span in the original text, so the window can show it as a chip and remove exactly it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

KINDS = {"photo": "image", "photos": "image", "image": "image", "images": "image", "picture": "image",
         "document": "text", "documents": "text", "doc": "text", "docs": "text", "text": "text"}
# A type names a suffix; a few names stand for the suffixes people mean by them.
TYPE_ALIASES = {"jpg": ("jpg", "jpeg"), "jpeg": ("jpg", "jpeg"), "tif": ("tif", "tiff"), "tiff": ("tif", "tiff"),
                "md": ("md", "markdown"), "markdown": ("md", "markdown"), "html": ("html", "htm"),
                "htm": ("html", "htm"), "heic": ("heic", "heif"), "txt": ("txt", "text"), "yaml": ("yaml", "yml"),
                "yml": ("yaml", "yml")}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
OPERATORS = ("kind", "type", "folder", "after", "before", "year", "person")
RELATIVE = ("today", "yesterday", "last week", "last month", "last year", "this week", "this month", "this year")

# One token: an optional "-", then a "quoted phrase" or a key:"quoted value" or a bare word.
_TOKEN = re.compile(r'(?P<neg>-?)(?:"(?P<phrase>[^"]*)"|(?P<key>[A-Za-z]+):"(?P<qvalue>[^"]*)"|(?P<word>[^\s"]+))')
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_YEAR = re.compile(r"^(19|20)\d\d$")


class Token(NamedTuple):
    """One piece of the typed query, as _TOKEN cut it: a phrase, a key:value or a bare word."""

    neg: str  # "-" when it is to be left out, else ""
    phrase: str | None  # the words inside "quotes"
    key: str | None  # the key of key:value
    value: str | None  # the value of key:value, or the bare word
    raw: str  # exactly as typed
    start: int  # span in the original text
    end: int


@dataclass(frozen=True)
class Operator:
    """One recognised piece of the query: what the window shows as a chip."""

    key: str  # "phrase", "not", "kind", "type", "folder", "after", "before", "year", "month"
    value: str  # normalised: "image", "pdf", "2023-07-01", the phrase's words
    raw: str  # exactly as typed
    start: int  # span in the original text
    end: int

    @property
    def label(self) -> str:
        if self.key == "phrase":
            return f"“{self.value}”"
        if self.key == "not":
            return f"not “{self.value}”" if " " in self.value else f"not {self.value}"
        if self.key == "kind":
            return "photos" if self.value == "image" else "documents"
        if self.key == "month":
            return self.value
        return f"{self.key}: {self.value}"


@dataclass(frozen=True)
class ParsedQuery:
    original: str
    text: str = ""  # what meaning and keywords search for: the words and phrases, operators removed
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # words and phrases to leave out
    kind: str | None = None  # "text" or "image"
    types: tuple[str, ...] = ()  # lower-case suffixes without the dot
    folders: tuple[str, ...] = ()  # folder names
    people: tuple[str, ...] = ()  # names of people, all of whom a photo must show
    date_from: float | None = None  # timestamps: on or after
    date_to: float | None = None  # before
    operators: tuple[Operator, ...] = field(default_factory=tuple)

    @property
    def has_filters(self) -> bool:
        return bool(self.types or self.folders or self.excluded or self.phrases or self.people
                    or self.date_from is not None or self.date_to is not None)

    def without(self, operator: Operator) -> str:
        """The original text with one operator taken out (a chip's close button)."""
        before, after = self.original[:operator.start].rstrip(), self.original[operator.end:].lstrip()
        return f"{before} {after}".strip() if before and after else (before or after)


def parse(query: str, *, today: dt.date | None = None) -> ParsedQuery:
    today = today or dt.date.today()
    found = _Found()
    tokens = list(_tokens(query))
    i = 0
    while i < len(tokens):
        token, i = tokens[i], i + 1
        if token.phrase is not None:
            found.phrase(token)
            continue
        if token.key is not None and not token.neg and token.key.lower() in OPERATORS:
            token, i = _joined_date(query, token, tokens, i)
            if found.operator(token, today):
                continue
        if found.left_out(token):
            continue
        # A month name followed by a year, in plain text: "kids on the beach july 2023".
        if (not token.neg and token.key is None and token.value and token.value.lower() in MONTHS
                and i < len(tokens) and found.month(query, token, tokens[i])):
            i += 1
            continue
        found.words.append(token.raw)
    return found.parsed(query)


@dataclass
class _Found:
    """What `parse` has found so far, one token at a time."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    kind: str | None = None
    types: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    date_from: float | None = None
    date_to: float | None = None

    def phrase(self, token: Token) -> None:
        phrase_text = " ".join((token.phrase or "").split())
        if not phrase_text:
            return  # "" or -"" says nothing
        if token.neg:
            self.excluded.append(phrase_text)
            self.operators.append(Operator("not", phrase_text, token.raw, token.start, token.end))
        else:
            self.phrases.append(phrase_text)
            self.words.append(f'"{phrase_text}"')
            self.operators.append(Operator("phrase", phrase_text, token.raw, token.start, token.end))

    def operator(self, token: Token, today: dt.date) -> bool:
        """Take in a key:value token whose key is lower-case; False when its value means nothing."""
        key = token.key or ""
        recognised = _operator(key, token.value or "", today)
        if recognised is None:
            return False
        normalised, span = recognised
        self.operators.append(Operator(key, normalised, token.raw, token.start, token.end))
        if key == "kind":
            self.kind = normalised
        elif key == "type":
            self.types.extend(span)  # type: ignore[arg-type]
        elif key == "folder":
            self.folders.append(normalised)
        elif key == "person":
            self.people.append(normalised)
        else:
            low, high = span  # type: ignore[misc]
            if key in ("after", "year"):
                self.narrow(low, None)
            if key == "before":
                self.narrow(None, low)
            if key == "year":
                self.narrow(None, high)
        return True

    def narrow(self, low: float | None, high: float | None) -> None:
        if low is not None:
            self.date_from = low if self.date_from is None else max(self.date_from, low)
        if high is not None:
            self.date_to = high if self.date_to is None else min(self.date_to, high)

    def left_out(self, token: Token) -> bool:
        # "-22 // 10" is a number, not "leave out 22": a minus before a digit stays query text.
        value = token.value
        if token.neg and value and _has_word(value) and token.key is None and not value[0].isdigit():
            self.excluded.append(value)
            self.operators.append(Operator("not", value, token.raw, token.start, token.end))
            return True
        return False

    def month(self, query: str, token: Token, follower: Token) -> bool:
        """A month name (`token`) and the year that follows it, as a date range; False when no year follows."""
        if follower.neg or follower.value is None or follower.key is not None or not _YEAR.match(follower.value):
            return False
        month, year = MONTHS[(token.value or "").lower()], int(follower.value)
        self.narrow(*_month_span(year, month))
        label = f"{calendar.month_name[month]} {year}"
        self.operators.append(Operator("month", label, query[token.start:follower.end], token.start, follower.end))
        return True

    def parsed(self, query: str) -> ParsedQuery:
        return ParsedQuery(
            original=query,
            text=" ".join(w for w in self.words if _has_word(w)),
            phrases=tuple(dict.fromkeys(self.phrases)),
            excluded=tuple(dict.fromkeys(self.excluded)),
            kind=self.kind,
            types=tuple(dict.fromkeys(self.types)),
            folders=tuple(dict.fromkeys(self.folders)),
            people=tuple(dict.fromkeys(self.people)),
            date_from=self.date_from,
            date_to=self.date_to,
            operators=tuple(self.operators),
        )


def _joined_date(query: str, token: Token, tokens: list[Token], i: int) -> tuple[Token, int]:
    """The key:value token with its key lower-cased; a date of two words typed without quotes
    (after:last week, before:july 2023) takes the next token in too."""
    token = token._replace(key=(token.key or "").lower())
    if token.key in ("after", "before") and i < len(tokens) and _joinable(token.value or "", tokens[i]):
        end = tokens[i].end
        token = token._replace(value=f"{token.value} {tokens[i].value}", raw=query[token.start:end], end=end)
        i += 1
    return token, i


def _tokens(query: str) -> Iterator[Token]:
    position = 0
    while position < len(query):
        if query[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(query, position)
        if match is None:  # an unbalanced quote: the quote mark itself is plain text
            yield Token("", None, None, query[position], query[position], position, position + 1)
            position += 1
            continue
        neg = match.group("neg")
        raw = match.group(0)
        if match.group("phrase") is not None:
            yield Token(neg, match.group("phrase"), None, None, raw, match.start(), match.end())
        elif match.group("key") is not None:
            yield Token(neg, None, match.group("key"), match.group("qvalue"), raw, match.start(), match.end())
        else:
            word = match.group("word")
            key, sep, value = word.partition(":")
            if sep and key.isalpha() and value:
                yield Token(neg, None, key, value, raw, match.start(), match.end())
            else:
                yield Token(neg, None, None, word, raw, match.start(), match.end())
        position = match.end()


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _joinable(value: str, token: Token) -> bool:
    if token.neg or token.phrase is not None or token.key is not None or token.value is None:
        return False
    first, second = value.lower(), token.value.lower()
    return (first in ("last", "this") and second in ("week", "month", "year")) or (
        first in MONTHS and bool(_YEAR.match(second)))


def _operator(key: str, value: str, today: dt.date) -> tuple[str, object] | None:
    value = " ".join(value.split())
    if not value:
        return None
    if key == "kind":
        kind = KINDS.get(value.lower())
        return None if kind is None else (kind, None)
    if key == "type":
        suffix = value.lower().lstrip(".")
        if not suffix.isalnum():
            return None
        return suffix, TYPE_ALIASES.get(suffix, (suffix,))
    if key == "folder":
        name = value.strip("/")
        return (name, None) if name else None
    if key == "person":
        return value, None
    if key == "year":
        if not _YEAR.match(value):
            return None
        year = int(value)
        return value, (_stamp(dt.date(year, 1, 1)), _stamp(dt.date(year + 1, 1, 1)))
    span = date_span(value, today)
    if span is None:
        return None
    return _describe(value, span), span


def date_span(value: str, today: dt.date) -> tuple[float, float] | None:
    """[start, end) timestamps (local time) of a date written as ISO or in a few plain words."""
    text = value.lower().replace("_", " ").replace("-", " ") if not _ISO.match(value) else value
    if text in ("today", "this day"):
        return _days(today, 1)
    if text == "yesterday":
        return _days(today - dt.timedelta(days=1), 1)
    if text == "last week":  # the past seven days, today included
        return _stamp(today - dt.timedelta(days=7)), _stamp(today + dt.timedelta(days=1))
    if text == "this week":
        monday = today - dt.timedelta(days=today.weekday())
        return _stamp(monday), _stamp(today + dt.timedelta(days=1))
    if text == "last month":
        return _stamp(_months_back(today, 1)), _stamp(today + dt.timedelta(days=1))
    if text == "this month":
        return _stamp(today.replace(day=1)), _stamp(today + dt.timedelta(days=1))
    if text == "last year":
        return _stamp(_months_back(today, 12)), _stamp(today + dt.timedelta(days=1))
    if text == "this year":
        return _stamp(today.replace(month=1, day=1)), _stamp(today + dt.timedelta(days=1))
    iso = _ISO.match(value)
    if iso:
        year, month, day = int(iso.group(1)), iso.group(2), iso.group(3)
        try:
            if day is not None:
                return _days(dt.date(year, int(month), int(day)), 1)
            if month is not None:
                return _month_span(year, int(month))
            return _stamp(dt.date(year, 1, 1)), _stamp(dt.date(year + 1, 1, 1))
        except ValueError:  # 2023-13-45: no such day
            return None
    parts = text.split()
    if len(parts) == 2 and parts[0] in MONTHS and _YEAR.match(parts[1]):
        return _month_span(int(parts[1]), MONTHS[parts[0]])
    return None


def _describe(value: str, span: tuple[float, float]) -> str:
    if _ISO.match(value):
        return value
    parts = value.lower().split()
    if len(parts) == 2 and parts[0] in MONTHS:
        return f"{calendar.month_name[MONTHS[parts[0]]]} {parts[1]}"
    return value.lower().replace("_", " ").replace("-", " ")


def _stamp(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day).timestamp()


def _days(day: dt.date, count: int) -> tuple[float, float]:
    return _stamp(day), _stamp(day + dt.timedelta(days=count))


def _month_span(year: int, month: int) -> tuple[float, float]:
    if not 1 <= month <= 12:
        raise ValueError(month)
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return _stamp(start), _stamp(end)


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
