"""`python -m ombud` runs the `ombud` command."""
from ombud.cli import main

main()
