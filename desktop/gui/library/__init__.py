"""The library's folders and files: sidebar, indexing queue, status, skipped files, settings, the photo model."""
