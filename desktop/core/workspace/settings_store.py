"""A library's settings: values in the catalog's `settings` table, rules in common/settings.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.catalog import Catalog, reads
from desktop.core.catalog.reader import reading
from desktop.core.common.errors import SemdeskError
from desktop.core.common.settings import SETTINGS, Setting


def definition(key: str) -> Setting:
    found = SETTINGS.get(key)
    if found is None:
        raise SemdeskError(f"There is no setting called {key!r}. Known settings: {', '.join(SETTINGS)}.")
    return found


class LibrarySettings:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._listeners: list[Callable[[Setting], None]] = []

    def on_change(self, listener: Callable[[Setting], None]) -> None:
        """Call `listener` after a setting was stored (encoders made from it are forgotten there)."""
        self._listeners.append(listener)

    def get(self, key: str) -> Any:
        setting = definition(key)
        with reading(self._catalog) as reader:
            stored, value = reads.setting(reader, key)
        return value if stored else setting.default

    def all(self) -> dict[str, Any]:
        with reading(self._catalog) as reader:
            stored = reads.settings(reader)
        return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}

    def set(self, key: str, value: Any) -> None:
        setting = definition(key)
        try:
            value = setting.check(value)
        except ValueError as error:
            raise SemdeskError(str(error)) from None
        if setting.picks_file and value:
            value = str(Path(value).expanduser().resolve())
            if not Path(value).is_file():
                raise SemdeskError(f"There is no file at {value}.")
        from desktop.core.catalog.tables import SettingRow

        with self._catalog.session() as session:
            session.merge(SettingRow(key=key, value=json.dumps(value)))
        for listener in self._listeners:
            listener(setting)
