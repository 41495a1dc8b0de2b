"""Writers: a document tree to bytes in one output format, and atomic file writes."""
