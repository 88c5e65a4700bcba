"""`python -m gsync` runs the same command as `gsync`."""

from gsync.cli import main

main(prog_name="gsync")
