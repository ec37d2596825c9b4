"""PySide6 widgets, item models and workers over the Qt-free core (desktop.core)."""
