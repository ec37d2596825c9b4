"""The "good matches" cut-off is each text model's own (issue 27): the one chosen on MiniLM's cosines is
carried to another model through both models' score distributions (scripts/calibrate_cut_off.py), pinned
beside the model, and searches are cut at the cut-off of the model that scored them."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.jobs import run_job
from desktop.core.embed.known_models import ACCURATE, FAST
from desktop.core.embed.model_folders import find_folder
from desktop.core.library import GOOD_MATCH, Library
from desktop.core.retrieval.cut_off import model_good_match
from scripts.calibrate_cut_off import carried_cut_off
from tests.conftest import index
from tests.reliability.helpers import write_corpus


def test_the_cut_off_is_carried_through_the_score_distributions() -> None:
    rng = np.random.default_rng(3)
    reference = rng.normal(0.1, 0.12, 20_000)
    # The same distribution keeps the cut-off; one squeezed and shifted moves it with it.
    assert carried_cut_off(reference, 0.42, reference) == pytest.approx(0.42, abs=0.005)
    other = reference * 0.6 + 0.05
    assert carried_cut_off(reference, 0.42, other) == pytest.approx(0.42 * 0.6 + 0.05, abs=0.005)


def test_each_model_has_its_own_cut_off_a_copy_is_known_by_its_files(tmp_path: Path) -> None:
    from desktop.core.embed.text import default_text_model_path

    assert FAST.good_match == GOOD_MATCH
    assert ACCURATE.good_match != FAST.good_match  # its cosines are on a scale of their own
    assert model_good_match(FAST.name) == FAST.good_match
    assert model_good_match(ACCURATE.hf_repo) == ACCURATE.good_match
    copy = tmp_path / "my model"
    shutil.copytree(default_text_model_path(), copy)
    assert model_good_match(str(copy)) == FAST.good_match
    unknown = tmp_path / "unknown"
    unknown.mkdir()
    assert model_good_match(str(unknown)) == FAST.good_match  # a model semdesk does not know: Fast's


def test_a_library_on_fast_cuts_at_fasts(library: Library, tmp_path: Path) -> None:
    index(library, write_corpus(tmp_path / "docs", notes=2))
    assert library.good_match() == FAST.good_match


@pytest.mark.skipif(find_folder(ACCURATE, join=False) is None,
                    reason="the Accurate model is not on this computer (scripts/fetch-accurate-model)")
def test_a_library_switched_to_accurate_cuts_at_accurates(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib:
        lib.set_setting("text_encoder", "pytorch")  # no encoder measurement for Accurate (minutes on first use)
        index(lib, write_corpus(tmp_path / "docs", notes=2))
        run_job(lib.switch_text_model("accurate"))
        assert lib.good_match() == ACCURATE.good_match
        run_job(lib.switch_text_model("fast"))  # back: its vectors were kept
        assert lib.good_match() == FAST.good_match

