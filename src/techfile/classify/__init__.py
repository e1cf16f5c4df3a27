"""Classification of AI medical device software under the MDR/IVDR and the AI Act.

`classify` takes the device's `Facts` and returns a `Classification`: qualification
(MDCG 2019-11), regulation, class and the rule that fired (Annex VIII), notified body and
conformity routes, AI Act high-risk status, post-market report and dates, each conclusion with a
trace of cited steps. The law lives in ``techfile/catalog/data/rules/*.yaml``; this package only
applies it.
"""

from techfile.classify._classify import ContradictoryFactsError, classify, find_contradictions
from techfile.classify._facts import (
    MISSING,
    AiRole,
    DataSources,
    DeviceClass,
    Facts,
    InformationUse,
    LegacyDevice,
    Regulation,
    WorstCaseImpact,
)
from techfile.classify._loading import RuleDataError, check_rulebook, load_rulebook
from techfile.classify._result import (
    AiActOutcome,
    Classification,
    FiredRule,
    FlagNote,
    LegalDate,
    PostMarketReport,
    Qualification,
    Question,
    TraceStep,
)
from techfile.classify._tables import FactSpec, RuleBook

__all__ = [
    "MISSING",
    "AiActOutcome",
    "AiRole",
    "Classification",
    "ContradictoryFactsError",
    "DataSources",
    "DeviceClass",
    "FactSpec",
    "Facts",
    "FiredRule",
    "FlagNote",
    "InformationUse",
    "LegacyDevice",
    "LegalDate",
    "PostMarketReport",
    "Qualification",
    "Question",
    "Regulation",
    "RuleBook",
    "RuleDataError",
    "TraceStep",
    "WorstCaseImpact",
    "check_rulebook",
    "classify",
    "find_contradictions",
    "load_rulebook",
]
