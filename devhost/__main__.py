"""`python -m devhost [--app-dir DIR] [--port N] [--workers N]`: see docs/devhost.md."""

from devhost.host import main

main()
