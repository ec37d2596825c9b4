"""Leak-free retrieval sets made from documentation that Debian packages ship.

Each set is a folder of files with neutral names (`faq-000.txt`, ...) and queries whose right
answers are files. What makes a set leak-free is said in its `why`: the query's own text is taken
out of the corpus (a question heading, a section title, the labels made from it), and no file name
is made from it, so a hit needs understanding of the text, not a copy of the query. The exact-term
set is the one place where the query's words *are* meant to be in the answer: it checks that
meaning never drowns a precise identifier.

Used by `scripts/bench --only quality` (whole sets) and by tests/core/test_quality.py (small ones).
"""

from __future__ import annotations

import gzip
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

PYTHON_DOCS = Path("/usr/share/doc/python3.11/html/_sources")
KERNEL_DOCS = Path("/usr/share/doc/linux-doc-6.1/Documentation")

# A reST section title: a line, then a line of one repeated punctuation mark at least as long.
_TITLE = re.compile(r"^(?:([=\-~^*#\"'+`])\1{2,}\n)?(?P<title>[^\n]*\S[^\n]*)\n([=\-~^*#\"'+`])\3{2,}[ \t]*$", re.M)
_QUESTION = re.compile(r"^(?P<q>[A-Z][^\n]{10,120}\?)\n-{5,}[ \t]*$", re.M)
_LABEL = re.compile(r"^\.\. _[^:\n]+:[ \t]*$\n?", re.M)  # `.. _label:` is often the title as a slug
_DIRECTIVE = re.compile(r"^\.\. (?:py:)?(function|method|class|exception|data|attribute)::[ \t]+([\w.]+)", re.M)
_MODULE = re.compile(r"^\.\. (?:py:)?module::[ \t]+([\w.]+)", re.M)
_GENERIC = {"introduction", "overview", "description", "examples", "example", "usage", "notes", "summary",
            "references", "see also", "contents", "todo", "authors", "credits", "background", "history",
            "configuration", "options", "limitations", "requirements", "testing", "changelog", "api"}


@dataclass
class QualitySet:
    name: str
    why: str  # why the set cannot leak
    files: dict[str, str] = field(default_factory=dict)  # neutral file name -> text
    queries: list[tuple[str, set[str]]] = field(default_factory=list)  # query -> relevant file names
    # file name -> (the .rst page it was cut from, the section's question or its index among the page's
    # titles): what the HTML versions are cut from the same way
    origins: dict[str, tuple[Path, str | int]] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    def small(self, queries: int, extra_files: int, seed: int = 7) -> QualitySet:
        """A few queries with their answers plus some other files: the tests' fast version."""
        rng = random.Random(seed)
        chosen = rng.sample(self.queries, min(queries, len(self.queries)))
        needed = {f for _, rel in chosen for f in rel}
        others = sorted(set(self.files) - needed)
        keep = needed | set(rng.sample(others, min(extra_files, len(others))))
        return QualitySet(self.name, self.why, {f: self.files[f] for f in sorted(keep)}, chosen,
                          {f: self.origins[f] for f in sorted(keep) if f in self.origins})


def _clean(text: str) -> str:
    return _LABEL.sub("", text).strip() + "\n"


def _sections(text: str) -> list[tuple[str, str]]:
    """(title, body) of every section of a reST text, the title and its underline left out."""
    found = list(_TITLE.finditer(text))
    out = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        out.append((" ".join(match["title"].split()), text[match.end() : end]))
    return out


def faq_set() -> QualitySet:
    """Python FAQ: every question's answer is a file; the question is the query."""
    result = QualitySet(
        "faq",
        "each answer is its own file named faq-NNN.txt; the question heading (and the `.. _label:` lines, "
        "often made from it) is removed from the text, and answers that repeat their question are left "
        "out, so no query appears in its answer",
    )
    n = 0
    for page in sorted((PYTHON_DOCS / "faq").glob("*.rst.txt")):
        text = page.read_text(encoding="utf-8")
        found = list(_QUESTION.finditer(text))
        for i, match in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(text)
            nxt = _TITLE.search(text, match.end())
            if nxt is not None and nxt.start() < end:
                end = nxt.start()  # a chapter heading between two questions is not the answer
            body = _clean(text[match.end() : end])
            if len(body.split()) < 8 or match["q"].strip().lower() in body.lower():
                continue  # too short to answer, or the answer repeats its question
            name = f"faq-{n:03d}.txt"
            result.files[name] = body
            result.origins[name] = (page, match["q"].strip())
            result.queries.append((match["q"].strip(), {name}))
            n += 1
    return result


def kernel_set(limit_files: int = 1500, limit_queries: int = 300, seed: int = 11) -> QualitySet:
    """Linux kernel documentation sections as files; their titles are the queries."""
    result = QualitySet(
        "kernel",
        "each section of the kernel's reST documentation is a file named kdoc-NNNN.txt with its title, "
        "underline and labels removed; only titles of 3-12 words that name one section in the whole "
        "collection, and that its text does not repeat, are used as queries",
    )
    sections: list[tuple[str, str]] = []
    for page in sorted(KERNEL_DOCS.rglob("*.rst.gz")):
        try:
            text = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        except (OSError, EOFError):
            continue
        for title, body in _sections(text):
            body = _clean(body)
            if 40 <= len(body.split()) <= 3000:
                sections.append((title, body))
    counts: dict[str, int] = {}
    for title, _ in sections:
        counts[title.lower()] = counts.get(title.lower(), 0) + 1
    rng = random.Random(seed)
    rng.shuffle(sections)
    sections = sections[:limit_files]
    for n, (title, body) in enumerate(sections):
        name = f"kdoc-{n:04d}.txt"
        result.files[name] = body
        words = re.findall(r"[A-Za-z][\w-]*", title)
        if (3 <= len(words) <= 12 and counts[title.lower()] == 1 and title.lower() not in _GENERIC
                and title.lower() not in body.lower() and len(result.queries) < limit_queries):
            result.queries.append((title, {name}))
    return result


def exact_term_set(pages: int = 60, limit_queries: int = 150, seed: int = 5) -> QualitySet:
    """Identifiers of the Python library reference; the section that defines one is its answer."""
    result = QualitySet(
        "exact",
        "library reference sections as files lib-NNNN.txt (titles removed); a query is an identifier "
        "as a user types it (`shutil.copytree`, `O_CLOEXEC`) and its answer the section whose directive "
        "defines it; other sections that only mention it are not answers. Here the words must match",
    )
    rng = random.Random(seed)
    library = sorted((PYTHON_DOCS / "library").glob("*.rst.txt"))
    chosen = sorted(rng.sample(library, min(pages, len(library))))
    candidates: list[tuple[str, str]] = []
    seen_ids: set[str] = set()
    n = 0
    for page in chosen:
        text = page.read_text(encoding="utf-8")
        module_match = _MODULE.search(text)
        module = module_match.group(1) if module_match else ""
        for index, (_title, body) in enumerate(_sections(text)):
            body = _clean(body)
            if len(body.split()) < 20:
                continue
            name = f"lib-{n:04d}.txt"
            result.files[name] = body
            result.origins[name] = (page, index)
            n += 1
            for kind, ident in _DIRECTIVE.findall(body):
                bare = kind in ("data", "attribute") or "." in ident or not module  # as users type them
                query = ident if bare else f"{module}.{ident}"
                if len(ident) >= 4 and query not in seen_ids:
                    seen_ids.add(query)
                    candidates.append((query, name))
    rng.shuffle(candidates)
    result.queries = [(q, {f}) for q, f in candidates[:limit_queries]]
    return result


_SEEALSO = re.compile(r"^\.\. seealso::[^\n]*\n(?:(?:[ \t]+[^\n]*)?\n)*", re.M)
_MOD_REF = re.compile(r":mod:`~?([\w.]+)`")


def related_pages_set() -> QualitySet:
    """'More like this' judged by people: the library reference's `.. seealso::` links.

    Each module page of the library reference is a file page-NNN.txt; a query is one page (its file
    name) and its answers are the pages of the modules its authors listed under "see also". Every
    see-also block is cut out of every page, so the judgement is not in the text it judges.
    """
    result = QualitySet(
        "related",
        "each library-reference module page is a file page-NNN.txt with every `.. seealso::` block removed; "
        "a page's answers are the module pages its authors linked under 'see also', so the judgement "
        "is made by the docs' authors and is no longer in the text",
    )
    pages: dict[str, tuple[str, str]] = {}  # module -> (file name, text)
    links: dict[str, set[str]] = {}
    for page in sorted((PYTHON_DOCS / "library").glob("*.rst.txt")):
        text = page.read_text(encoding="utf-8")
        module = _MODULE.search(text)
        if module is None or module.group(1) in pages:
            continue
        name = f"page-{len(pages):03d}.txt"
        seealso = " ".join(m.group(0) for m in _SEEALSO.finditer(text))
        links[module.group(1)] = {m for m in _MOD_REF.findall(seealso) if m != module.group(1)}
        body = _clean(_SEEALSO.sub("", text))
        if len(body.split()) >= 100:
            pages[module.group(1)] = (name, body)
    for module, (name, body) in pages.items():
        result.files[name] = body
        answers = {pages[m][0] for m in links.get(module, ()) if m in pages}
        if answers:
            result.queries.append((name, answers))
    return result


def available() -> dict[str, bool]:
    return {"faq": (PYTHON_DOCS / "faq").is_dir(), "kernel": KERNEL_DOCS.is_dir(),
            "exact": (PYTHON_DOCS / "library").is_dir(), "related": (PYTHON_DOCS / "library").is_dir()}


# -- The same sets over the HTML that python3.11-doc ships --------------------------------------------

PYTHON_HTML = PYTHON_DOCS.parent
_BODY_MARK = "<!--semdesk-quality-body-->"
_LETTERS = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    """A heading as letters and digits only: reST's ``-22 // 10`` and the HTML's -22 // 10 compare equal."""
    return _LETTERS.sub("", text.lower())


def html_version(rst_set: QualitySet, name: str) -> QualitySet:
    """The set's files cut from the HTML pages instead: each a whole page as python3.11-doc ships it
    (sidebar, navigation bars, footer) whose `div.body` holds only that file's section, its heading
    removed, nested sections left to their own files. Same file numbers and queries as `rst_set`; a
    section the HTML does not have as the .rst does is left out with its queries."""
    import copy

    import lxml.html

    result = QualitySet(name, "", origins={})
    by_page: dict[Path, list[str]] = {}
    for file_name, (page, _) in rst_set.origins.items():
        by_page.setdefault(page, []).append(file_name)
    for rst_page, file_names in sorted(by_page.items()):
        html_page = PYTHON_HTML / rst_page.relative_to(PYTHON_DOCS).with_suffix("").with_suffix(".html")
        if not html_page.exists():
            continue
        tree = lxml.html.fromstring(html_page.read_bytes())
        bodies = tree.xpath("//div[@role='main']")
        if not bodies:
            continue
        sections = bodies[0].xpath(".//section")
        for child in list(bodies[0]):
            bodies[0].remove(child)
        bodies[0].text = None
        bodies[0].append(lxml.html.fragment_fromstring(f"<span>{_BODY_MARK}</span>"))
        before, after = lxml.html.tostring(tree, encoding="unicode").split(f"<span>{_BODY_MARK}</span>")
        headings = [_section_heading(section) for section in sections]
        for file_name in file_names:
            _, where = rst_set.origins[file_name]
            if isinstance(where, str):  # a question: the section whose heading it is
                found = [i for i, h in enumerate(headings) if _key(h) == _key(where)]
                index = found[0] if len(found) == 1 else -1
            else:  # the n-th title of the page: the n-th section, when the page has as many as the .rst titles
                index = where if len(sections) == _title_count(rst_page) else -1
            if index < 0:
                continue
            body = copy.deepcopy(sections[index])
            for part in body.xpath("./h1|./h2|./h3|./h4|./h5|./h6|./section"):
                body.remove(part)
            html_name = file_name.rsplit(".", 1)[0] + ".html"
            result.files[html_name] = before + lxml.html.tostring(body, encoding="unicode") + after
            result.origins[html_name] = rst_set.origins[file_name]
    renamed = {f.rsplit(".", 1)[0] + ".html" for f in rst_set.files}
    for query, relevant in rst_set.queries:
        answers = {f.rsplit(".", 1)[0] + ".html" for f in relevant}
        if answers <= set(result.files) and answers <= renamed:
            result.queries.append((query, answers))
    return result


def _section_heading(section: object) -> str:
    heading = section.xpath("./h1|./h2|./h3|./h4|./h5|./h6")  # type: ignore[attr-defined]
    if not heading:
        return ""
    for link in heading[0].xpath(".//a[contains(@class, 'headerlink')]"):
        link.drop_tree()
    return heading[0].text_content()


def _title_count(rst_page: Path) -> int:
    return len(_sections(rst_page.read_text(encoding="utf-8")))


def faq_html_set() -> QualitySet:
    result = html_version(faq_set(), "faq-html")
    result.why = (
        "the FAQ set's answers cut from python3.11-doc's HTML pages: each file faq-NNN.html is its page "
        "with the sidebar, navigation bars and footer, and only that answer in the page's body (heading "
        "removed). The question is still in the sidebar's table of contents, as on the real page, but "
        "there it is on every file cut from that page alike, so it cannot tell the answer from its "
        "siblings; that navigation is what the extractor must leave out"
    )
    return result


def exact_html_set() -> QualitySet:
    result = html_version(exact_term_set(), "exact-html")
    result.why = (
        "the exact-term set's sections cut from python3.11-doc's HTML pages (lib-NNNN.html: the page's "
        "navigation around one section, its title removed); same queries; here the words must match"
    )
    return result
