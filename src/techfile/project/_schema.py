"""JSON Schemas of the manifest and of its ``classification:`` facts, enriched from the rule data.

Each fact's description is its question and legal test from ``facts.yaml``; the trigger lists
and Annex III points are published as enums, so the schema is the complete contract.
"""

from __future__ import annotations

from typing import Any

from techfile.classify import Regulation, load_rulebook
from techfile.project._models import FactsModel, ManifestModel

__all__ = ["facts_schema", "manifest_schema"]


def facts_schema() -> dict[str, Any]:
    """Return the JSON Schema of the ``classification:`` section."""
    schema = FactsModel.model_json_schema()
    _enrich(schema["properties"])
    schema["title"] = "techfile classification facts"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "techfile.facts/1"
    return schema


def manifest_schema() -> dict[str, Any]:
    """Return the JSON Schema of a whole ``techfile.yaml``."""
    schema = ManifestModel.model_json_schema()
    _enrich(schema["$defs"]["FactsModel"]["properties"])
    schema["title"] = "techfile manifest (techfile.yaml)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "techfile.manifest/1"
    return schema


def _enrich(properties: dict[str, Any]) -> None:
    book = load_rulebook()
    for spec in book.facts:
        prop = properties[spec.name]
        text = f"{spec.question} Legal test: {spec.citation}."
        if spec.has_default:
            default = sorted(spec.default) if isinstance(spec.default, frozenset) else spec.default
            prop["default"] = default
            text += f" Default when absent: {default!r}."
        else:
            prop.pop("default", None)  # absent means "not answered": the step asks
        prop["description"] = text
    enums = {
        "special_rule_triggers": sorted(book.rule_sets[Regulation.MDR].triggers),
        "ivd_rule_triggers": sorted(book.rule_sets[Regulation.IVDR].triggers),
    }
    for name, values in enums.items():
        properties[name]["anyOf"][0]["items"] = {"type": "string", "enum": values}
    properties["annex_iii_use_case"]["anyOf"][0]["enum"] = list(book.annex_iii_points)
