"""`semdesk tune` and `semdesk models`: the fine-tuning wizard's steps, headless."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from desktop.cli.output import ShownJobs, print_json
from desktop.core.common.errors import SemdeskError
from desktop.core.library import held_out, tune_defaults, tuning_report

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi, TrainedCandidate


def add_tune_commands(command: Callable[[str, str], argparse.ArgumentParser], positive: Any) -> None:
    tune = command("tune", "learn from your relevance marks: train, then compare before and after")
    tune.add_argument("--target", choices=["text", "image"], default="text", help="documents (text) or photos")
    tune.add_argument("--epochs", type=positive, metavar="N", help="passes over your marks")
    tune.add_argument("--keep", action="store_true", help="use the new model from now on (else it is discarded)")
    models = command("models",
                     "list the text models (Fast, Accurate, Multilingual, a folder) and model versions, or switch")
    models.add_argument("action", nargs="?", choices=["use"], help="use TARGET: switch to it")
    models.add_argument("target", nargs="?", metavar="TARGET",
                        help="fast, accurate, multilingual or a model folder (re-embeds in the background; search "
                             "keeps the current model until it is done), a version id from the list, or 'base'")
    models.add_argument("--use", metavar="VERSION", help="the same as `use VERSION`")


def cmd_tune(library: LibraryApi, args: argparse.Namespace) -> int:
    settings = tune_defaults()[args.target]
    if args.epochs:
        settings = replace(settings, epochs=args.epochs)
    with ShownJobs() as jobs:
        candidate = jobs(library.tune(args.target, settings=settings, cancel=jobs.cancel))
        kept = jobs(library.keep(candidate, cancel=jobs.cancel)) if args.keep else None
    if kept is None:
        library.discard(candidate)
    if args.json:
        print_json(candidate.to_json() | ({"kept": kept.to_json()} if kept else {}))
        return 0
    print(report_text(candidate))
    if kept is not None:
        print(f"Kept: version {kept.id} is now active ({kept.label}).")
    else:
        print("The new model was not kept (add --keep to use it).")
    return 0


def report_text(candidate: TrainedCandidate) -> str:
    """The before/after report in words, then in figures."""
    sentences, figures = tuning_report(candidate)
    lines = [*sentences, f"{'':<18}{'current':>9}{'new':>9}"]
    lines += [f"{label:<18}{old:>9.3f}{new:>9.3f}" for label, old, new in figures]
    return "\n".join(lines)


def cmd_models(library: LibraryApi, args: argparse.Namespace) -> int:
    use = args.target if args.action == "use" else args.use
    if args.action == "use" and not args.target:
        raise SemdeskError("Say what to use: `semdesk models use fast`, `accurate`, a model folder or a version id.")
    if use is not None:
        with ShownJobs() as jobs:
            if use == "base":
                jobs(library.use_base_model())
            elif use.isdigit():
                jobs(library.activate_model(int(use)))
            else:
                jobs(library.switch_text_model(use, cancel=jobs.cancel))
    choices = library.text_model_choices()
    listed = library.model_versions()
    if args.json:
        print_json({"text_models": [c.to_json() for c in choices], "versions": [v.to_json() for v in listed]})
        return 0
    print("Text models (`semdesk models use fast|accurate|multilingual|FOLDER`):")
    for c in choices:
        where = c.folder if c.available else c.problem
        dim = f", {c.dim} dimensions" if c.dim else ""
        print(f"{'*' if c.active else ' '} {c.label:<13}{c.name}{dim}: {'available' if c.available else 'not here'}")
        print(f"    {c.cost()}")
        print(f"    quality (nDCG@10): {c.quality}")
        print(f"    {where}")
    print("Model versions (`semdesk models use ID`, or `base`):")
    for v in listed:
        after = held_out(v)
        figures = f"  nDCG@10 {after['ndcg']:.3f} on {int(after['queries'])} held-out searches" if after else ""
        size = f"  {v.data_size} examples" if v.data_size else ""
        print(f"{'*' if v.active else ' '} {v.id:3d}  {v.label}{size}{figures}")
    if not any(v.active for v in listed if v.space == "cliptext"):
        print("  photos: CLIP's own text side (base)")
    return 0
