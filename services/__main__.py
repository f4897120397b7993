"""`python -m services ...` is the `buurt` command, for environments without the script installed."""

from services.cli import main

main()
