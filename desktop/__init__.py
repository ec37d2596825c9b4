"""semdesk: search your own folders of documents and photos by meaning."""


def __getattr__(name: str) -> str:
    # The version lives in pyproject.toml only; this reads the installed package's metadata.
    if name == "__version__":
        from desktop.core.common.version import app_version

        return app_version()
    raise AttributeError(name)
