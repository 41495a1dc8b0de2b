"""`python -m omstallning`."""

from .cli import main

main()
