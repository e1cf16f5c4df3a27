"""The ``techfile`` command line: thin commands over the library (STYLE E1).

One module per command group; each parses, calls the library, renders and exits.
"""

import gc

from techfile.cli import (
    _build,
    _catalog,
    _classify,
    _datagov,
    _evaluate,
    _evidence,
    _export,
    _gaps,
    _init,
    _keys,
    _log,
    _release,
    _risk,
    _sbom,
    _schema,
    _security,
    _vulns,
)
from techfile.cli._app import app

__all__ = ["app", "main"]

_COMMANDS = (
    _build,
    _catalog,
    _classify,
    _datagov,
    _evaluate,
    _evidence,
    _export,
    _gaps,
    _init,
    _keys,
    _log,
    _release,
    _risk,
    _sbom,
    _schema,
    _security,
    _vulns,
)  # imported for their @app.command registrations


def main() -> None:
    """Run the ``techfile`` command."""
    # Builds keep large, long-lived object graphs (catalog, document, workbook); collecting
    # the oldest generation less often keeps their cost linear in the catalog's size.
    gc.set_threshold(10_000, 10, 10)
    app()
