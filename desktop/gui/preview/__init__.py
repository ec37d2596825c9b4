"""The preview pane: a document's passage in context or a photo shown large."""
