"""`python -m pinrender` is the `pinrender` command, with every subcommand it has.

The edge service adds `serve` and `keys` when it is installed; this dispatch is the only place the
core names it, and the core alone still offers `render` and `fonts`.
"""

import sys
from importlib.util import find_spec


def main() -> int:
    if find_spec("pinrender_server") is not None:
        from pinrender_server.cli import main as server_main

        return server_main()
    from .cli import main as core_main

    return core_main()


sys.exit(main())
