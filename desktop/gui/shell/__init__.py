"""The main window: the one place where the panes are put together and their signals connected."""
