"""What every room of the GUI shares: worker threads, the error log, style, desktop hand-offs, thumbnails."""
