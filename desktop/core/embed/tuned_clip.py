"""A CLIP encoder whose text side was fine-tuned: a small safetensors file of text-side tensors
laid over the base weights at load time. The image side is the base one, so photo vectors stay valid."""

from __future__ import annotations

import logging
from typing import Any

from desktop.core.embed.clip import ClipEncoder

log = logging.getLogger(__name__)

TOWER_FILE = "text_tower.safetensors"


def is_text_param(name: str) -> bool:
    """open_clip keeps the image tower under `visual.`; the temperature is not the text side's."""
    return not name.startswith("visual.") and not name.startswith("logit_")


class TunedClipEncoder(ClipEncoder):
    """A ClipEncoder whose text tower comes from a tuned file; images encode exactly as the base."""

    def __init__(self, tower: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tower = tower

    def _load(self) -> None:
        super()._load()
        from safetensors.torch import load_file

        try:
            state = load_file(self.tower, device="cpu")
            expected = self._model.state_dict()
            if not state or any(not is_text_param(k) or expected[k].shape != v.shape for k, v in state.items()):
                raise ValueError("its tensors do not fit this CLIP model's text side")
            self._model.load_state_dict(state, strict=False)
        except Exception as error:  # a damaged tuned file must not take photo search down with it
            log.warning("tuned CLIP text tower %s not used (%s); using the base model", self.tower, error)


def make_clip_encoder(settings: dict[str, Any], tower: str | None) -> ClipEncoder:
    kwargs = {
        "pretrained": settings["clip_pretrained"] or None,
        "weights": settings["clip_weights"] or None,
        "openvino": bool(settings["clip_openvino"]),
    }
    if tower is None:
        return ClipEncoder(settings["clip_model"], **kwargs)
    return TunedClipEncoder(tower, settings["clip_model"], **kwargs)
