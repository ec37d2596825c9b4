"""semdesk: search your own folders of documents and photos by meaning."""

__version__ = "0.1.0"
