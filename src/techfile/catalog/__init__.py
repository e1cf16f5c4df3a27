"""The law as data: requirement catalogs and classification rule tables.

The data files live in ``techfile/catalog/data/``: ``rules/`` holds the classification tables
(one file per legal source), ``requirements/`` the requirement catalogs.
"""

__all__: list[str] = []
