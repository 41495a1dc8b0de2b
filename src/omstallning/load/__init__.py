"""Loading: YAML with source positions, and the repository loader (files -> model + findings)."""
