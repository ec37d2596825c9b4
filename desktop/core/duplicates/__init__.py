"""Find Duplicates: exact copies, near copies and similar shots; moving the unwanted ones to the trash."""

from desktop.core.duplicates.job import find_duplicates
from desktop.core.duplicates.trash import TrashReport, move_to_trash

__all__ = ["TrashReport", "find_duplicates", "move_to_trash"]
