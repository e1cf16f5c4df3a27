"""The link graphs of a risk file must end: no hazard refines itself, no control loops back.

A hazard may refine a broader one (``parent``); a control may introduce risks (ISO 14971:2019
clause 7.5), which have controls of their own. Either chain must end, or the analysis never
closes. A cycle is bad input, located at its first item (stdlib ``graphlib`` finds it).
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping, Sequence

from techfile.errors import LocatedInputError
from techfile.located import LocatedDocument
from techfile.risk._model import RiskFileModel

__all__ = ["check_acyclic"]


def check_acyclic(document: LocatedDocument, model: RiskFileModel) -> None:
    """Reject hazard-refinement and control/risk cycles.

    Raises:
        LocatedInputError: A cycle, located at the link of its first item.
    """
    hazards = {h.id: [h.parent] if h.parent else [] for h in model.hazards}
    _acyclic(document, hazards, "hazard", [h.id for h in model.hazards], ("hazards", "parent"))
    graph: dict[str, list[str]] = {c.id: list(c.introduces) for c in model.controls}
    for risk in model.risks:
        graph[risk.id] = list(risk.controls)
    controls = [c.id for c in model.controls]
    _acyclic(document, graph, "control/risk", controls, ("controls", "introduces"))


def _acyclic(
    document: LocatedDocument,
    graph: Mapping[str, list[str]],
    what: str,
    ids: Sequence[str],
    where: tuple[str, str],
) -> None:
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as e:
        cycle: list[str] = list(e.args[1])
        start = next((n for n in cycle if n in ids), cycle[0])
        index = ids.index(start) if start in ids else 0
        key, field = where
        raise LocatedInputError(
            document.locate((key, index, field)),
            f"{what} links form a cycle",
            field=f"{key}.{index}.{field}",
            found=" -> ".join(cycle),
            hint="a chain of links must end; remove one link",
        ) from e
