"""Documents: the document tree, shared blocks, and one module per document kind."""
