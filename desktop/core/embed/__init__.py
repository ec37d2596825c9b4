"""Encoders behind one small interface. Importing this package is cheap: torch,
sentence-transformers and open_clip load on first use, off the UI thread."""

from desktop.core.embed.clip import ClipEncoder
from desktop.core.embed.text import TextEncoder, default_text_model_path, set_threads

__all__ = ["ClipEncoder", "TextEncoder", "default_text_model_path", "set_threads"]
