"""The law as data: requirement catalogs, the crosswalk, and the condition language.

The data live in ``techfile/catalog/data/``: ``requirements/`` holds one file per legal source
(MDR, IVDR, AI Act, MDCG 2019-16, state of the art) plus the crosswalk; ``rules/`` holds the
classification tables read by `techfile.classify`. `load_catalog` returns a checked, frozen
`Catalog`; `applicability` decides which entries apply to a device and why.
"""

from techfile.catalog._applicability import (
    Applicability,
    Applies,
    Basis,
    Excluded,
    NotApplicableEntry,
    applicability,
    describe,
)
from techfile.catalog._conditions import (
    MISSING,
    AllOf,
    AnyOf,
    Condition,
    Contains,
    Equals,
    FactValue,
    In,
    IsSet,
    Missing,
    Not,
    Truth,
    condition_to_data,
    evaluate,
    fact_names,
)
from techfile.catalog._diff import CatalogDiff, Change, diff_catalogs
from techfile.catalog._load import (
    APPLICABILITY_FACTS,
    CatalogDataError,
    check_catalog,
    dump_catalog,
    load_catalog,
    requirements_dir,
)
from techfile.catalog._requirements import (
    Catalog,
    CrosswalkLink,
    EvidenceKind,
    Relation,
    Requirement,
    RequirementId,
)
from techfile.catalog._source import Amendment, Source

__all__ = [
    "APPLICABILITY_FACTS",
    "MISSING",
    "AllOf",
    "Amendment",
    "AnyOf",
    "Applicability",
    "Applies",
    "Basis",
    "Catalog",
    "CatalogDataError",
    "CatalogDiff",
    "Change",
    "Condition",
    "Contains",
    "CrosswalkLink",
    "Equals",
    "EvidenceKind",
    "Excluded",
    "FactValue",
    "In",
    "IsSet",
    "Missing",
    "Not",
    "NotApplicableEntry",
    "Relation",
    "Requirement",
    "RequirementId",
    "Source",
    "Truth",
    "applicability",
    "check_catalog",
    "condition_to_data",
    "describe",
    "diff_catalogs",
    "dump_catalog",
    "evaluate",
    "fact_names",
    "load_catalog",
    "requirements_dir",
]
