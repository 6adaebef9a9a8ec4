"""`python -m asnatlas` runs the command line."""

from asnatlas.cli import console

console()
