"""Benchmark: does a technical-file build scale linearly with the size of the catalog?

Run ``.venv/bin/python bench/build.py``. For catalogs of 100, 1,000 and 10,000 synthetic
requirements it writes real catalog files (nested parents, ``applies_when`` conditions, a
crosswalk, one source out of the device's scope), signs real evidence records over real artefact
files so that every requirement has five records, then times each phase of a build:

    load      load_catalog of the synthetic folder
    assess    applicability + assess (artefact digests read from disk, as in a real project)
    build     BuildContext.create + build_document with an outline listing every requirement
    html      render_html
    xlsx      XlsxWriter.write

Each size is built three times and each phase's median (wall clock) is shown, with the time
CPython's cyclic garbage collector took within the run (``gc``, part of the phases) and the
process CPU time of the run (``cpu``, which other load on the machine does not inflate). The
target (issue: the build must stay near-linear) is that the total at 10,000 requirements is at
most 12 times the total at 1,000; the script prints PASS or FAIL and exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from securesystemslib.signer import Signer

from techfile.assess import ProjectAssessment, assess, device_lookup
from techfile.catalog import Catalog, EvidenceKind, applicability, load_catalog
from techfile.classify import classify
from techfile.evidence import Draft, Ledger, Outcome, Subject, file_digest, read_ledger, sign_draft
from techfile.project import Manifest, load_manifest
from techfile.render import DocumentControl, TechnicalFile
from techfile.render._build import build_document
from techfile.render._context import BuildContext
from techfile.render._structure import Content, Outline, OutlineSection
from techfile.render.writers import render_html
from techfile.render.writers.xlsx import XlsxWriter
from techfile.testing import MemoryStore, throwaway_signer

EXAMPLE_MANIFEST = Path(__file__).resolve().parents[1] / "examples" / "cardiorisk" / "techfile.yaml"
SIZES = (100, 1_000, 10_000)
PHASES = ("load", "assess", "build", "html", "xlsx")
RECORDS_PER_REQUIREMENT = 5
TARGET_FACTOR = 12.0
GROUP = 10  # requirements per top-level entry: 1 section, 3 points, 6 sub-points
START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
# (prefix, source id, share of the groups, scope): the IVDR-like source is out of scope.
SOURCES = (
    ("MDR.AI", "bench-mdr", 6, {"fact": "regulation", "equals": "MDR"}),
    ("AIA", "bench-aia", 3, None),
    ("IVDR.AI", "bench-ivdr", 1, {"fact": "regulation", "equals": "IVDR"}),
)
# (level, every, offset, condition): entry n at that level has it when n % every == offset.
CONDITIONS: tuple[tuple[int, int, int, dict[str, object]], ...] = (
    (0, 7, 3, {"fact": "connected", "equals": True}),  # false for the device: not applicable
    (1, 5, 1, {"fact": "has_ml_model", "equals": True}),
    (
        2,
        9,
        4,
        {
            "all_of": [
                {"fact": "software_only", "equals": True},
                {"fact": "implantable", "equals": False},  # not stated: assumed
            ]
        },
    ),
)
FAIL_EVERY = 17  # every 17th record reports a failure
SMALL, LARGE = 1_000, 10_000  # the sizes the target compares
KINDS = (
    EvidenceKind.JUNIT,
    EvidenceKind.DOCUMENT,
    EvidenceKind.COVERAGE,
    EvidenceKind.SARIF,
    EvidenceKind.RISK,
    EvidenceKind.EVALUATION,
)


@dataclass(frozen=True, slots=True)
class Fixture:
    """One synthetic project on disk: catalog folder, artefacts and verified evidence."""

    root: Path
    """Project root (manifest and artefacts)."""
    catalog_dir: Path
    """The synthetic catalog files."""
    manifest: Manifest
    """The example device's manifest."""
    ledger: Ledger
    """The signed records, verified."""
    outline: Outline
    """An outline that places every synthetic requirement."""
    roots: dict[str, list[str]]
    """Top-level requirement ids by source id."""


# ---- synthetic catalog ------------------------------------------------------------------------


def _condition(index: int, level: int) -> dict[str, object] | None:
    """Some entries apply only under conditions; a few read facts the manifest leaves open."""
    for at, every, offset, condition in CONDITIONS:
        if level == at and index % every == offset:
            return condition
    return None


def _entry(  # noqa: PLR0913, PLR0917  # one synthetic entry's fields
    rid: str, source: str, n: int, level: int, parent: str | None, kinds: list[str]
) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": rid,
        "citation": f"{source} synthetic section {rid.rsplit('.', 3)[-1]}",
        "title": f"Synthetic requirement {rid}",
        "summary": f"What the manufacturer must show for {rid} (benchmark data, level {level}).",
    }
    if parent is not None:
        entry["parent"] = parent
    condition = _condition(n, level)
    if condition is not None:
        entry["applies_when"] = condition
    entry["evidence_kinds"] = kinds
    return entry


def write_catalog(folder: Path, size: int) -> dict[str, list[str]]:
    """Write ``size`` requirements as catalog files; return the top-level ids by source."""
    folder.mkdir(parents=True)
    groups = size // GROUP
    shares = sum(s[2] for s in SOURCES)
    roots: dict[str, list[str]] = {}
    first = 0
    for number, (prefix, source, share, scope) in enumerate(SOURCES):
        count = groups - first if number == len(SOURCES) - 1 else groups * share // shares
        entries: list[dict[str, object]] = []
        roots[source] = []
        for n in range(first, first + count):
            kinds = [k.value for k in KINDS[n % 3 : n % 3 + 3]]
            root = f"{prefix}.{n + 1}"
            roots[source].append(root)
            entries.append(_entry(root, source, n, 0, None, kinds))
            for point in "abc":
                child = f"{root}.{point}"
                entries.append(_entry(child, source, n, 1, root, kinds))
                entries.extend(
                    _entry(f"{child}.{sub}", source, n, 2, child, kinds[:1]) for sub in (1, 2)
                )
        first += count
        data: dict[str, object] = {
            "source": {
                "id": source,
                "title": f"Benchmark source {source}",
                "kind": "law",
                "version": "bench 1",
                "legal_status_as_of": dt.date(2026, 9, 30),
            }
        }
        if scope is not None:
            data["applies_when"] = scope
        data["requirements"] = entries
        _dump(folder / f"{source}.yaml", data)
    mdr, aia = roots["bench-mdr"], roots["bench-aia"]
    links = [
        {
            "from": m,
            "to": a,
            "relation": "equivalent" if i % 3 == 0 else "overlaps",
            "rationale": "Benchmark link.",
        }
        for i, (m, a) in enumerate(zip(mdr, aia, strict=False))
    ]
    crosswalk: dict[str, object] = {
        "source": {
            "id": "crosswalk",
            "title": "Benchmark crosswalk",
            "kind": "guidance",
            "version": "bench 1",
            "legal_status_as_of": dt.date(2026, 9, 30),
        },
        "links": links,
    }
    _dump(folder / "crosswalk.yaml", crosswalk)
    return roots


def _dump(path: Path, data: dict[str, object]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


# ---- evidence ---------------------------------------------------------------------------------


def _draft(index: int, subject: Subject, linked: tuple[str, ...]) -> Draft:
    kind = KINDS[index % len(KINDS)]
    failed = index % FAIL_EVERY == 0
    outcome = (
        Outcome.FAIL
        if failed
        else (Outcome.PASS if kind is not EvidenceKind.DOCUMENT else Outcome.INFO)
    )
    details: dict[str, object] = {"title": f"Report {index}", "version": "1"}
    if kind is EvidenceKind.JUNIT:
        details = {"tests": 40, "failures": int(failed), "errors": 0, "skipped": 0}
    elif kind is EvidenceKind.COVERAGE:
        details = {"line_rate": 0.91, "branch_rate": 0.84, "threshold": 0.8}
    elif kind is EvidenceKind.SARIF:
        details = {"levels": {"error": int(failed), "warning": 3}}
    return Draft(kind, (subject,), outcome, f"synthetic {kind.value} {index}", details, linked)


def sign_records(
    root: Path, catalog: Catalog, signer: Signer, count: int
) -> tuple[list[bytes], list[Path]]:
    """``count`` records over real artefact files, record i linking requirements i..i+4."""
    ids = [r.id for r in catalog]
    folder = root / "artefacts"
    folder.mkdir()
    envelopes: list[bytes] = []
    stale: list[Path] = []
    for index in range(count):
        path = folder / f"report-{index:05d}.txt"
        data = f"artefact {index}\n".encode()
        path.write_bytes(data)
        subject = Subject(path.relative_to(root).as_posix(), hashlib.sha256(data).hexdigest())
        linked = tuple(ids[(index + k) % len(ids)] for k in range(RECORDS_PER_REQUIREMENT))
        when = START + dt.timedelta(minutes=index)
        envelopes.append(
            sign_draft(_draft(index, subject, linked), signer, catalog=catalog, recorded_at=when)
        )
        if index % 50 in range(10, 15):  # five in a row: some requirements only have these
            stale.append(path)
    return envelopes, stale


# ---- outline ----------------------------------------------------------------------------------


def _section(  # noqa: PLR0913  # the fields of an outline section, most left empty
    key: str,
    number: str,
    title: str,
    content: tuple[Content, ...] = (),
    *,
    requirements: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
    children: tuple[OutlineSection, ...] = (),
) -> OutlineSection:
    return OutlineSection(key, number, title, "benchmark", content, requirements, sources, children)


def outline_for(roots: dict[str, list[str]]) -> Outline:
    """The real outline's shape, its chapters listing the synthetic top-level requirements."""
    listed = roots["bench-mdr"] + roots["bench-ivdr"]
    chapters = 10
    per = -(-len(listed) // chapters)
    chunks = [tuple(listed[i : i + per]) for i in range(0, len(listed), per)]
    return Outline(
        "bench outline",
        "Benchmark technical documentation of synthetic requirements.",
        (
            _section("control", "0", "Document control", (Content.DOCUMENT_CONTROL,)),
            _section(
                "description",
                "1",
                "Device description",
                (Content.DEVICE_IDENTITY, Content.INTENDED_PURPOSE, Content.CLASSIFICATION),
            ),
            _section("design", "3", "Design", (Content.EVIDENCE_DOCUMENTS,)),
            _section("gspr", "4", "GSPR", (Content.STANDARDS, Content.GSPR_CHECKLIST)),
            _section(
                "chapters",
                "5",
                "Requirements by chapter",
                children=tuple(
                    _section(f"chapter-{n}", f"5.{n}", f"Chapter {n}", requirements=chunk)
                    for n, chunk in enumerate(chunks, start=1)
                ),
            ),
            _section("verification", "6", "Verification", (Content.EVIDENCE_CHECKS,)),
            _section("ai-act", "10", "AI Act", sources=("bench-aia",)),
            _section("declaration", "8", "Declaration", (Content.DECLARATION,)),
            _section("changes", "9", "Changes", (Content.HISTORY,)),
            _section("traceability", "A", "Traceability matrix", (Content.TRACEABILITY,)),
            _section("evidence-register", "B", "Evidence register", (Content.EVIDENCE_REGISTER,)),
            _section("index", "C", "Index", (Content.INDEX,)),
        ),
    )


# ---- the benchmark ----------------------------------------------------------------------------


class CollectorClock:
    """Seconds spent in CPython's cyclic garbage collector, all generations (a gc callback)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        """Called by the collector at the start and stop of each collection."""
        del info
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


CLOCK = CollectorClock()


def prepare(base: Path, size: int) -> tuple[Fixture, float]:
    """Write the catalog, artefacts and signed records for one size; return the set-up time."""
    started = time.perf_counter()
    root = base / f"project-{size}"
    root.mkdir()
    shutil.copy(EXAMPLE_MANIFEST, root / "techfile.yaml")
    catalog_dir = base / f"catalog-{size}"
    roots = write_catalog(catalog_dir, size)
    catalog = load_catalog(catalog_dir)
    assert len(catalog) == size, len(catalog)  # noqa: S101  # the generator's own check
    signer, key = throwaway_signer()
    envelopes, stale = sign_records(root, catalog, signer, size)
    for path in stale:  # changed after recording: their evidence is stale
        path.write_bytes(path.read_bytes() + b"edited\n")
    store = MemoryStore()
    store.put(envelopes)
    ledger = read_ledger(store, [key])
    assert len(ledger.verified) == size and not ledger.rejected  # noqa: PT018, S101  # sanity
    fixture = Fixture(root, catalog_dir, load_manifest(root), ledger, outline_for(roots), roots)
    return fixture, time.perf_counter() - started


def run_once(fixture: Fixture, out: Path) -> dict[str, float]:
    """One build, timed phase by phase."""
    times: dict[str, float] = {}
    gc.collect()
    collected = CLOCK.seconds
    cpu = time.process_time()

    def timed(phase: str, step: Callable[[], object]) -> object:
        started = time.perf_counter()
        result = step()
        times[phase] = time.perf_counter() - started
        return result

    load_catalog.cache_clear()  # time the load itself, not the cache
    catalog = timed("load", lambda: load_catalog(fixture.catalog_dir))
    assert isinstance(catalog, Catalog)  # noqa: S101  # narrows the type for mypy
    manifest = fixture.manifest
    classification = classify(manifest.facts)

    def assessment() -> ProjectAssessment:
        decisions, excluded = applicability(
            catalog, device_lookup(manifest, classification), manifest.not_applicable
        )
        ledger = fixture.ledger
        report = assess(
            catalog,
            decisions,
            excluded,
            ledger.verified,
            ledger.rejected,
            file_digest(fixture.root),
        )
        return ProjectAssessment(manifest, classification, ledger, report)

    project = timed("assess", assessment)
    assert isinstance(project, ProjectAssessment)  # noqa: S101  # narrows the type
    newest = max(v.record.recorded_at for v in fixture.ledger.verified)
    control = DocumentControl("TF-bench-1", "1.0.0", newest.date(), None, "0" * 64)
    document = timed(
        "build",
        lambda: build_document(BuildContext.create(project, catalog, fixture.outline, control)),
    )
    assert isinstance(document, TechnicalFile)  # noqa: S101  # narrows the type
    timed("html", lambda: render_html(document))
    timed("xlsx", lambda: XlsxWriter().write(document, out))
    times["gc"] = CLOCK.seconds - collected
    times["cpu"] = time.process_time() - cpu
    return times


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median per phase, and the median of the runs' totals."""
    result = {p: statistics.median(r[p] for r in runs) for p in (*PHASES, "gc", "cpu")}
    result["total"] = statistics.median(sum(r[p] for p in PHASES) for r in runs)
    return result


def _rows(results: dict[int, dict[str, float]], setup: dict[int, float]) -> Iterator[str]:
    columns = (*PHASES, "total")
    extra = ("ratio", "gc", "cpu", "setup")
    header = f"{'size':>7} " + " ".join(f"{p:>8}" for p in (*columns, *extra))
    yield header
    yield "-" * len(header)
    previous: float | None = None
    for size, row in results.items():
        ratio = f"{row['total'] / previous:7.2f}x" if previous else f"{'':>8}"
        cells = " ".join(f"{row[p]:8.3f}" for p in columns)
        yield f"{size:>7} {cells} {ratio} {row['gc']:8.3f} {row['cpu']:8.3f} {setup[size]:7.1f}s"
        previous = row["total"]


def main() -> int:
    """Build each size three times, print the table and the verdict; 1 when the target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # The same collector setting as the techfile command (techfile.cli.main).
    gc.set_threshold(10_000, 10, 10)
    gc.callbacks.append(CLOCK)
    results: dict[int, dict[str, float]] = {}
    setup: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="techfile-bench-") as tmp:
        base = Path(tmp)
        for size in args.sizes:
            fixture, setup[size] = prepare(base, size)
            out = base / f"out-{size}"
            out.mkdir()
            runs = [run_once(fixture, out) for _ in range(args.runs)]
            results[size] = medians(runs)
            print(f"{size:>7} requirements: built {args.runs} times", flush=True)
    print()
    print(f"seconds, median of {args.runs} runs; {RECORDS_PER_REQUIREMENT} records per requirement")
    for line in _rows(results, setup):
        print(line)
    if SMALL not in results or LARGE not in results:
        print(f"target not checked: needs sizes {SMALL} and {LARGE}")
        return 0
    large, small = results[LARGE], results[SMALL]
    factor = large["total"] / small["total"]
    without = (large["total"] - large["gc"]) / (small["total"] - small["gc"])
    verdict = "PASS" if factor <= TARGET_FACTOR else "FAIL"
    target = f"target <= {TARGET_FACTOR:g}"
    print(f"{verdict}: total at {LARGE:,} is {factor:.2f} x total at {SMALL:,} ({target})")
    print(f"without the garbage collector's time: {without:.2f} x")
    cpu = large["cpu"] / small["cpu"]
    print(f"process CPU time (robust to other load on the machine): {cpu:.2f} x")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
