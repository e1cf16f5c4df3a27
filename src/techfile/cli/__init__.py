"""The ``techfile`` command line: thin commands over the library (STYLE E1).

One module per command group; each parses, calls the library, renders and exits.
"""

from techfile.cli import (
    _build,
    _catalog,
    _classify,
    _evidence,
    _export,
    _gaps,
    _init,
    _keys,
    _schema,
)
from techfile.cli._app import app

__all__ = ["app", "main"]

_COMMANDS = (
    _build,
    _catalog,
    _classify,
    _evidence,
    _export,
    _gaps,
    _init,
    _keys,
    _schema,
)  # imported for their @app.command registrations


def main() -> None:
    """Run the ``techfile`` command."""
    app()
