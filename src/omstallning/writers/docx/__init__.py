"""The DOCX writer: a document tree to a Word package."""
