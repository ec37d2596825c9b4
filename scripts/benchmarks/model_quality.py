"""One quality set with a chosen text model: `python -m scripts.benchmarks.model_quality accurate --set faq`.

`--set zh` indexes the Chinese FAQ's answers once (scripts/quality_sets_cjk.py) and asks three sets of
questions of them: the Chinese questions (zh_faq), the English FAQ's questions of the same sections that
share no word with their answer (en_zh_faq), and all the English questions (en_zh_faq_all).

The shipped ranking's nDCG@10 (and the other semdesk runs: dense, keyword) on one leak-free set
(scripts/quality_sets.py), indexed with Fast, Accurate or a model folder, and the indexing rate. Both
models run on the same encoder (the text_encoder setting, pytorch fp32 by default) so that the
comparison is of the models, not of their runtimes; it measures once, small (the faq set's files).
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path


def run(model: str, set_name: str, encoder: str) -> dict[str, object]:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from desktop.core.tuning.model_switch import setting_value
    from scripts import quality_sets, quality_sets_cjk
    from scripts.benchmarks.quality import figures, semdesk_runs

    builders = {"faq": quality_sets.faq_set, "kernel": quality_sets.kernel_set, "exact": quality_sets.exact_term_set}
    if set_name == "zh":  # one corpus, three sets of questions
        asked = [quality_sets_cjk.zh_faq_set(), quality_sets_cjk.en_zh_faq_set(),
                 quality_sets_cjk.en_zh_faq_set(strict=False)]
    else:
        asked = [builders[set_name]()]
    s = asked[0]
    with tempfile.TemporaryDirectory(prefix="semdesk-model-quality-") as work:
        folder = s.write(Path(work) / s.name)
        lib = Library.open(Path(work) / "lib")
        try:
            lib.set_setting("text_encoder", encoder)
            lib.set_setting("text_model", setting_value(model))
            t0 = time.perf_counter()
            run_job(lib.index([folder]))
            seconds = time.perf_counter() - t0
            passages = lib.status().chunks
            out: dict[str, object] = {"model": model, "set": s.name, "files": len(s.files), "passages": passages,
                                      "index_s": round(seconds, 1), "passages_per_s": round(passages / seconds, 2),
                                      "encoder": lib.workspace.encoders.query().__class__.__name__ + " " + encoder}
            for one in asked:
                queries = [q for q, _ in one.queries]
                relevant = [rel for _, rel in one.queries]
                figures_of = {"queries": len(queries)}
                for method, rankings in semdesk_runs(lib, queries).items():
                    figures_of[method] = {k: round(v, 3) for k, v in figures(rankings, relevant).items()}
                out[one.name] = figures_of
        finally:
            lib.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", help="fast, accurate or a model folder")
    parser.add_argument("--set", default="faq", choices=["faq", "kernel", "exact", "zh"])
    parser.add_argument("--encoder", default="pytorch", help="the text_encoder setting for both models")
    args = parser.parse_args()
    result = run(args.model, args.set, args.encoder)
    print(platform.processor() or platform.machine(), time.strftime("%Y-%m-%d"), result, flush=True)


if __name__ == "__main__":
    main()
