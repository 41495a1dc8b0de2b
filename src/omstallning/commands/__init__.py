"""The commands behind the CLI: build, status, scaffold (new) and schema."""
