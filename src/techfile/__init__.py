"""techfile: the technical file of an AI medical device as a build product.

The package is split by concept (see ``DESIGN.md``): ``techfile.classify`` says what the
device is under the MDR/IVDR and the AI Act, ``techfile.project`` reads the manufacturer's
``techfile.yaml``, ``techfile.catalog`` holds the law as data. Import from those packages,
never from their private modules.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
