"""The encoders one library uses, made lazily from its settings and active model versions.

Heavy libraries (torch, OpenVINO, open_clip) load only when an encoder is first used, which
the GUI does off the UI thread. The encoders themselves are shared process-wide (embed.registry).
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from desktop.core.common.errors import ClipUnavailable
from desktop.core.common.settings import SETTINGS, Setting
from desktop.core.embed.registry import shared_encoder, shared_text_encoder
from desktop.core.workspace.settings_store import LibrarySettings
from desktop.core.workspace.versions import ModelVersions

# The settings each encoder is made from, read off the declarations: changing one forgets it.
CLIP_SETTINGS = tuple(key for key, s in SETTINGS.items() if s.resets == "clip")


class Encoders:
    def __init__(self, settings: LibrarySettings, versions: ModelVersions) -> None:
        self._settings = settings
        self._versions = versions
        self._lock = threading.RLock()
        self._text: Any = None
        self._clip: Any = None
        settings.on_change(self._setting_changed)

    def _setting_changed(self, setting: Setting) -> None:
        if setting.key in ("text_int8", "text_encoder"):
            self._versions.follow_precision()
        if setting.resets == "text":
            self._text = None
        elif setting.resets == "clip":
            self._clip = None

    def text(self) -> Any:
        """The indexer's text encoder for the active text model version."""
        with self._lock:
            if self._text is not None:
                return self._text
        runtime = self._text_runtime()  # outside the lock: see query()
        with self._lock:
            if self._text is None:
                self._text = shared_text_encoder(*runtime)
            return self._text

    def _text_runtime(self) -> tuple[str, str]:
        """(model, runtime) of the active text version: int8 versions run in int8, others on the
        fastest full-precision encoder measured on this CPU (embed.encoder_choice)."""
        model, int8 = self._versions.active_text_model()
        return model, self._versions.text_runtime(model, int8)

    def query(self) -> Any:
        """A second copy of the text model for queries: the indexer's copy is busy for seconds per
        batch, and typing must not wait for it."""
        # Which runtime may take the one-time preparation (a minute on a first start): outside the
        # lock, so that clip() and clip_problem() (the status view) do not wait for it.
        runtime = self._text_runtime()
        with self._lock:
            return shared_text_encoder(*runtime, queries=True)

    def text_preparation_needed(self) -> bool:
        """True when the query encoder must first be prepared for this computer (once per
        installation and CPU, about a minute; embed.encoder_choice.preparation_needed). Files are
        only read: the active version is asked only once the measurement exists (asking measures)."""
        from desktop.core.common.errors import ModelUnavailable
        from desktop.core.embed.encoder_choice import preparation_needed
        from desktop.core.embed.text import resolve_source

        setting = self._settings.get("text_encoder")
        try:
            if preparation_needed(resolve_source(self._settings.get("text_model")), setting):
                return True
            model, int8 = self._versions.active_text_model()
            return preparation_needed(resolve_source(model), setting, self._versions.text_runtime(model, int8))
        except ModelUnavailable:  # the encoder says what is missing, in its own words, when it loads
            return False

    def clip(self) -> Any:
        with self._lock:
            if self._clip is None:
                from desktop.core.embed.tuned_clip import make_clip_encoder

                s = self._settings.all()
                tower = self._versions.active_clip_tower()  # a tuned text side changes queries only
                key = ("clip", *(s[name] for name in CLIP_SETTINGS), tower)
                self._clip = shared_encoder(key, lambda: make_clip_encoder(s, tower))
            return self._clip

    def reset(self) -> None:
        """Forget the encoders after the active model version changed (tuning, rollback)."""
        with self._lock:
            self._text = None
            self._clip = None

    def clip_problem(self) -> str | None:
        """None when photo search can work; otherwise a sentence saying what is missing."""
        try:
            return self.clip().problem()
        except ClipUnavailable as error:
            return str(error)

    def check_clip_weights(self, path: str) -> None:
        """Refuse, in plain words (ClipUnavailable), a weights file the photo model cannot load: checked
        when it is chosen, not half a minute into indexing (issue 24). Loads it once with PyTorch, seconds."""
        from desktop.core.embed.tuned_clip import make_clip_encoder

        make_clip_encoder(self._settings.all() | {"clip_weights": path, "clip_openvino": False}, None).load()

    def download_clip(self) -> Path:
        """Fetch CLIP weights into the Hugging Face cache (network, only when the user asks)."""
        path = self.clip().download()
        self._clip = None  # the next use resolves the freshly cached weights
        return path

    def check_text_encoder(self, value: str) -> None:
        """Raise ModelUnavailable (saying why) when `value`, a text_encoder setting, names an encoder
        set aside for the text model on this CPU: a crash is refused, not run. Reads the record only."""
        from desktop.core.embed.encoder_choice import ENCODERS, refuse_set_aside
        from desktop.core.embed.text import resolve_source

        if value in ENCODERS:
            refuse_set_aside(resolve_source(self._settings.get("text_model")), value)

    def encoder_status(self) -> tuple[str, str, tuple[str, ...]]:
        """(which text encoder runs and why, its name alone ("" when none runs or none is chosen yet),
        the encoders set aside on this CPU with why, the photo model's OpenVINO precisions and
        conversion included). Reads records only: never measures."""
        import os

        from desktop.core.common.errors import ModelUnavailable
        from desktop.core.embed.encoder_choice import ENCODERS, ENV_PIN, read_record, set_aside_lines
        from desktop.core.embed.text import resolve_source

        setting = self._settings.get("text_encoder")
        name = ""
        try:
            record = read_record(resolve_source(self._settings.get("text_model")))
            if self.text_preparation_needed():
                running = "not chosen yet: the text encoders are measured on first use (about a minute)"
            else:
                _, name = self._text_runtime()
                why = ("the Text encoder setting" if setting in ENCODERS else
                       f"pinned by {ENV_PIN}" if os.environ.get(ENV_PIN) in ENCODERS else
                       "the fastest that works, measured on this CPU" if record else "not measured")
                running = f"{name} ({why})"
        except ModelUnavailable as error:
            running, record = f"none: {error}", None
        try:
            clip_lines = self.clip().set_aside()
        except ClipUnavailable:
            clip_lines = []
        return running, name, (*set_aside_lines(record), *clip_lines)

    def photo_runtime(self) -> str:
        """What encodes photos here ("openvino-fp32", "openvino-bf16", "pytorch"), or "not chosen yet"
        before the photo model's first use. Reads records only: never converts or tries."""
        try:
            return str(self.clip().runtime_name())
        except ClipUnavailable:
            return ""

    def text_encoder_report(self) -> str:
        """Plain lines: the text encoders measured on this CPU, their speed and quality, the one in use.
        Reads the record only: never measures (that happens on first use)."""
        from desktop.core.common.errors import ModelUnavailable
        from desktop.core.embed.encoder_choice import describe_record, read_record
        from desktop.core.embed.text import resolve_source

        try:
            source = resolve_source(self._settings.get("text_model"))
        except ModelUnavailable as error:
            return str(error)
        report = describe_record(read_record(source))
        with contextlib.suppress(ClipUnavailable):
            report += "".join(f"\nSet aside: {line}" for line in self.clip().set_aside())
        setting = self._settings.get("text_encoder")
        if setting != "auto":
            report += f"\nThe Text encoder setting fixes it to {setting}."
        return report
