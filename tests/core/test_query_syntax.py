"""The query language: a table of queries (hostile ones included) and, end to end, that each
operator changes the results the way README documents."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from desktop.core.library import Library, parse_query
from tests.conftest import index
from tests.corpus import write_documents, write_photos

TODAY = dt.date(2024, 3, 15)


def stamp(year: int, month: int, day: int) -> float:
    return dt.datetime(year, month, day).timestamp()


# query -> (text searched for, phrases, excluded, kind, types, folders, date_from, date_to)
TABLE = [
    ("beach -people", ("beach", (), ("people",), None, (), (), None, None)),
    ('"exact phrase" rest', ('"exact phrase" rest', ("exact phrase",), (), None, (), (), None, None)),
    ('sunset -"red car"', ("sunset", (), ("red car",), None, (), (), None, None)),
    ("kind:photo dog", ("dog", (), (), "image", (), (), None, None)),
    ("kind:Documents tax", ("tax", (), (), "text", (), (), None, None)),
    ("type:JPG type:pdf x", ("x", (), (), None, ("jpg", "jpeg", "pdf"), (), None, None)),
    ("type:.md notes", ("notes", (), (), None, ("md", "markdown"), (), None, None)),
    ('folder:Holidays folder:"My Photos" sea', ("sea", (), (), None, (), ("Holidays", "My Photos"), None, None)),
    ("after:2023-07-14", ("", (), (), None, (), (), stamp(2023, 7, 14), None)),
    ("before:2023-07", ("", (), (), None, (), (), None, stamp(2023, 7, 1))),
    ("year:2023 cats", ("cats", (), (), None, (), (), stamp(2023, 1, 1), stamp(2024, 1, 1))),
    ("after:today", ("", (), (), None, (), (), stamp(2024, 3, 15), None)),
    ("after:yesterday", ("", (), (), None, (), (), stamp(2024, 3, 14), None)),
    ("after:last week", ("", (), (), None, (), (), stamp(2024, 3, 8), None)),
    ('after:"last month"', ("", (), (), None, (), (), stamp(2024, 2, 15), None)),
    ("before:july 2023", ("", (), (), None, (), (), None, stamp(2023, 7, 1))),
    ("kids on the beach july 2023", ("kids on the beach", (), (), None, (), (), stamp(2023, 7, 1),
                                     stamp(2023, 8, 1))),
    ("december 2023 party", ("party", (), (), None, (), (), stamp(2023, 12, 1), stamp(2024, 1, 1))),
    # Hostile input: all of it ordinary text, never an error.
    ('unbalanced "quote here', ("unbalanced quote here", (), (), None, (), (), None, None)),
    ('"', ("", (), (), None, (), (), None, None)),
    ("-", ("", (), (), None, (), (), None, None)),
    ("- - --", ("", (), (), None, (), (), None, None)),
    ('""  -""', ("", (), (), None, (), (), None, None)),
    ("foo:bar baz", ("foo:bar baz", (), (), None, (), (), None, None)),
    ("after:2023-13-45 cats", ("after:2023-13-45 cats", (), (), None, (), (), None, None)),
    ("after:2023-02-30", ("after:2023-02-30", (), (), None, (), (), None, None)),
    ("before:someday", ("before:someday", (), (), None, (), (), None, None)),
    ("year:23", ("year:23", (), (), None, (), (), None, None)),
    ("kind:banana", ("kind:banana", (), (), None, (), (), None, None)),
    ("type: folder:", ("type: folder:", (), (), None, (), (), None, None)),
    ("type:../etc", ("type:../etc", (), (), None, (), (), None, None)),
    ("http://example.com/a:b", ("http://example.com/a:b", (), (), None, (), (), None, None)),
    ("may the force", ("may the force", (), (), None, (), (), None, None)),  # a month name alone is a word
    ("C++ -std::move", ("C++ -std::move", (), (), None, (), (), None, None)),
    ("x AND y OR NEAR(z)", ("x AND y OR NEAR(z)", (), (), None, (), (), None, None)),
]


@pytest.mark.parametrize(("query", "expected"), TABLE, ids=[q for q, _ in TABLE])
def test_parser_table(query: str, expected: tuple) -> None:
    parsed = parse_query(query, today=TODAY)
    got = (parsed.text, parsed.phrases, parsed.excluded, parsed.kind, parsed.types, parsed.folders,
           parsed.date_from, parsed.date_to)
    assert got == expected


def test_operators_keep_their_spans_and_can_be_removed_one_by_one() -> None:
    query = 'dogs kind:photo -cats "on a beach" after:last week'
    parsed = parse_query(query, today=TODAY)
    assert [o.key for o in parsed.operators] == ["kind", "not", "phrase", "after"]
    assert [query[o.start:o.end] for o in parsed.operators] == [o.raw for o in parsed.operators]
    assert [o.label for o in parsed.operators] == ["photos", "not cats", "“on a beach”", "after: last week"]
    assert parsed.without(parsed.operators[0]) == 'dogs -cats "on a beach" after:last week'
    assert parsed.without(parsed.operators[3]) == 'dogs kind:photo -cats "on a beach"'


def test_fuzzed_queries_never_raise() -> None:
    import random

    rng = random.Random(7)
    alphabet = 'ab -":kindtypefolderafterbeforeyear2023-07 today\t\u00e9\U0001f600\\%_'
    for _ in range(2000):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        parsed = parse_query(query)
        for operator in parsed.operators:
            assert query[operator.start:operator.end] == operator.raw
            assert isinstance(parsed.without(operator), str)


# ---- end to end: each operator changes results as documented ----------------------------


@pytest.fixture
def documents_library(library: Library, tmp_path: Path) -> tuple[Library, Path]:
    write_documents(tmp_path / "home" / "Kitchen", ["bread.md", "garden.txt"])
    write_documents(tmp_path / "home" / "Garage", ["bicycle.txt", "taxes.rst"])
    (tmp_path / "home" / "Kitchen" / "cake.txt").write_text(
        "Baking a chocolate cake\n\nWhisk the eggs with sugar, fold in the flour, bake in a hot oven.\n")
    os.utime(tmp_path / "home" / "Garage" / "taxes.rst", (stamp(2023, 7, 10), stamp(2023, 7, 10)))
    index(library, tmp_path / "home")
    return library, tmp_path


def names(hits) -> list[str]:
    return [Path(h.path).name for h in hits]


def test_negative_word_drops_documents_that_hold_it(documents_library) -> None:
    lib, _ = documents_library
    assert {"bread.md", "cake.txt"} <= set(names(lib.search_documents("baking in the oven")))
    without = names(lib.search_documents("baking in the oven -chocolate"))
    assert "cake.txt" not in without and "bread.md" in without
    assert "bread.md" not in names(lib.search_documents('baking in the oven -"sourdough bread"'))


def test_phrase_must_be_there_in_that_order(documents_library) -> None:
    lib, _ = documents_library
    assert names(lib.search_documents('"chocolate cake"')) == ["cake.txt"]
    assert lib.search_documents('"cake chocolate"') == []


def test_kind_type_and_folder_operators(documents_library) -> None:
    lib, _ = documents_library
    assert lib.search("bread kind:photo") == []
    assert names(lib.search_documents("bread type:md")) == ["bread.md"]
    assert set(names(lib.search_documents("things type:txt"))) == {"garden.txt", "cake.txt", "bicycle.txt"}
    in_garage = names(lib.search_documents("bread folder:garage"))  # folder names ignore letter case
    assert in_garage and set(in_garage) <= {"bicycle.txt", "taxes.rst"}
    assert lib.search_documents("bread folder:Attic") == []
    assert lib.folder_names() == ["Garage", "home", "Kitchen"]


def test_date_operators_use_the_file_date(documents_library) -> None:
    lib, _ = documents_library
    assert names(lib.search_documents("money july 2023")) == ["taxes.rst"]
    assert names(lib.search_documents("money before:2024-01-01")) == ["taxes.rst"]
    assert "taxes.rst" not in names(lib.search_documents("money after:2024-01-01"))
    assert names(lib.search_documents("money year:2023")) == ["taxes.rst"]
    assert "taxes.rst" not in names(lib.search_documents("money after:last month"))


def test_operators_alone_list_what_they_allow_newest_first(documents_library) -> None:
    lib, _ = documents_library
    assert set(names(lib.search_documents("folder:Kitchen"))) == {"bread.md", "garden.txt", "cake.txt"}
    assert names(lib.search_documents("year:2023")) == ["taxes.rst"]
    assert lib.search_documents("after:2023-13-45") != []  # not an operator: ordinary words


def test_photo_operators_and_like_a_photo(clip_library: Library, tmp_path: Path) -> None:
    photos = write_photos(tmp_path / "pics" / "Summer", 4)
    (tmp_path / "pics" / "Summer" / "people_at_sea.png").write_bytes(photos[0].read_bytes() + b"")
    index(clip_library, tmp_path / "pics")
    assert {Path(h.path).suffix for h in clip_library.search_photos("a picture type:png")} == {".png"}
    assert "people_at_sea.png" not in names(clip_library.search_photos("a picture -people"))
    assert "people_at_sea.png" in names(clip_library.search_photos("a picture"))
    assert clip_library.search_photos("a picture kind:document") == []
    listed = clip_library.search_photos("kind:photo folder:summer")
    assert len(listed) == 5 and all(h.why == "filters" for h in listed)
    like = clip_library.search_photos("", like=photos[1])
    assert names(like)[0] == photos[1].name
    # Words and an example: ranked by the cosine to normalise(example + words), rclip's sum.
    import numpy as np

    from desktop.core.retrieval.like import example_vector
    from desktop.core.retrieval.meaning import query_vector

    ws = clip_library.workspace
    wanted = query_vector(ws.encoders.clip().encode_query, "glowing lights", like=example_vector(ws, photos[1])[1])
    cosines = {p.name: round(float(np.dot(example_vector(ws, p)[1], wanted)), 5)
               for p in (tmp_path / "pics" / "Summer").iterdir()}
    steered = names(clip_library.search_photos("glowing lights", like=photos[1], top=5))
    assert len(steered) == 5 and [cosines[n] for n in steered] == sorted(cosines.values(), reverse=True)


def test_query_vector_is_rclip_arithmetic() -> None:
    import numpy as np

    from desktop.core.retrieval.meaning import query_vector

    basis = {"a": np.array([1.0, 0, 0]), "b": np.array([0, 2.0, 0])}
    like = np.array([0, 0, 3.0])
    vector = query_vector(basis.__getitem__, "a", ["b"], like=like)
    assert np.allclose(vector, np.array([1.0, -1.0, 1.0]) / np.sqrt(3))
    assert query_vector(basis.__getitem__, "", ["b"]) is None  # nothing positive: nothing to look for


def test_cli_search_takes_operators_and_like(clip_library: Library, tmp_path: Path, capsys) -> None:
    import json

    from desktop.cli.main import main

    photos = write_photos(tmp_path / "pics", 3)
    write_documents(tmp_path / "docs", ["bread.md", "garden.txt"])
    index(clip_library, tmp_path / "pics")
    index(clip_library, tmp_path / "docs")
    path = str(clip_library.path)
    clip_library.close()
    assert main(["--library", path, "search", "--json", "--like", str(photos[2]), "--kind", "image"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["path"] == str(photos[2]) and {h["kind"] for h in hits} == {"image"}
    assert main(["--library", path, "search", "--json", "bread kind:photo"]) == 0
    assert {h["kind"] for h in json.loads(capsys.readouterr().out)} <= {"image"}
    assert main(["--library", path, "search", "--json", "tomatoes type:md"]) == 0
    assert [Path(h["path"]).name for h in json.loads(capsys.readouterr().out)
            if h["kind"] == "text"] == ["bread.md"]
    assert main(["--library", path, "search"]) == 1  # nothing to search for: one plain sentence
    assert "Say what to search for" in capsys.readouterr().err
