"""``export_oscal`` on the example device: trestle reads every file back, and the content holds.

The example project is copied with a fresh key and its own evidence, so the tests do not depend
on the example's reports: a document record for MDR.AI.17.2 (met), one for MDR.AII.1.1.a whose
artefact is then edited (stale), and one signed by a foreign key (untrusted). Each document is
read with trestle's own models (``oscal_read``), then checked against the catalog and the
assessment it came from.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from trestle.core.profile_resolver import ProfileResolver
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog as OscalCatalog
from trestle.oscal.catalog import Control
from trestle.oscal.common import Finding, Property
from trestle.oscal.profile import Profile

from techfile.assess import Met, NotApplicable, ProjectAssessment, assess_project, status_name
from techfile.catalog import Catalog, EvidenceKind, load_catalog
from techfile.evidence import (
    Draft,
    FolderStore,
    Outcome,
    generate_key,
    load_signer,
    sign_draft,
    subject_of,
)
from techfile.export import (
    ASSESSMENT_RESULTS_FILE,
    CATALOG_FILE,
    PROFILE_FILE,
    PROPERTY_NS,
    ExtraMissingError,
    control_id,
    export_oscal,
)
from techfile.project import load_manifest

PASSPHRASE = b"export-test-passphrase"
RECORDED_AT = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
MET_DOC = "docs/software-development-plan.md"
STALE_DOC = "docs/intended-purpose.md"


@dataclass(frozen=True)
class Exported:
    """An exported project: its assessment, the catalog, the files and their folder."""

    root: Path
    catalog: Catalog
    result: ProjectAssessment
    out: Path
    files: list[Path]


def add_evidence(root: Path, catalog: Catalog) -> Path:
    """Give a project a new key and three records: one met, one stale, one by a foreign key."""
    stem = root / "keys" / "evidence"
    generate_key(stem, PASSPHRASE)
    signer = load_signer(stem, PASSPHRASE)
    drafts = [
        Draft(
            EvidenceKind.DOCUMENT,
            (subject_of(root / MET_DOC, root),),
            Outcome.PASS,
            "Software development plan SDP-001",
            requirement_ids=("MDR.AI.17.2",),
        ),
        Draft(
            EvidenceKind.DOCUMENT,
            (subject_of(root / STALE_DOC, root),),
            Outcome.INFO,
            "Intended purpose",
            requirement_ids=("MDR.AII.1.1.a",),
        ),
    ]
    envelopes = [sign_draft(d, signer, catalog=catalog, recorded_at=RECORDED_AT) for d in drafts]
    foreign = root.parent / "foreign-key"
    generate_key(foreign, PASSPHRASE)
    untrusted = load_signer(foreign, PASSPHRASE)
    envelopes.append(sign_draft(drafts[0], untrusted, catalog=catalog, recorded_at=RECORDED_AT))
    FolderStore(root / "evidence").put(envelopes)
    with (root / STALE_DOC).open("a", encoding="utf-8") as handle:
        handle.write("\nEdited after it was recorded.\n")
    return root


@pytest.fixture(scope="module")
def exported(
    tmp_path_factory: pytest.TempPathFactory, copy_example: Callable[[Path], Path]
) -> Exported:
    """The example project with its evidence, assessed and exported once for the module."""
    base = tmp_path_factory.mktemp("oscal")
    catalog = load_catalog()
    root = add_evidence(copy_example(base / "cardiorisk"), catalog)
    result = assess_project(load_manifest(root), catalog)
    out = base / "out"
    return Exported(root, catalog, result, out, export_oscal(result, catalog, out))


def _read_catalog(exported: Exported) -> OscalCatalog:
    model = OscalCatalog.oscal_read(exported.out / CATALOG_FILE)
    assert isinstance(model, OscalCatalog)
    return model


def _read_profile(exported: Exported) -> Profile:
    model = Profile.oscal_read(exported.out / PROFILE_FILE)
    assert isinstance(model, Profile)
    return model


def _read_results(exported: Exported) -> AssessmentResults:
    model = AssessmentResults.oscal_read(exported.out / ASSESSMENT_RESULTS_FILE)
    assert isinstance(model, AssessmentResults)
    return model


def _walk(controls: list[Control] | None) -> Iterator[Control]:
    for control in controls or []:
        yield control
        yield from _walk(control.controls)


def _controls(catalog: OscalCatalog) -> dict[str, Control]:
    found: dict[str, Control] = {}
    for group in catalog.groups or []:
        for control in _walk(getattr(group, "controls", None)):
            assert control.id not in found, f"duplicate control id {control.id}"
            found[control.id] = control
    return found


def _prop(props: list[Property] | None, name: str) -> list[str]:
    return [p.value for p in props or [] if p.name == name]


def test_writes_three_files_in_order(exported: Exported) -> None:
    names = [CATALOG_FILE, PROFILE_FILE, ASSESSMENT_RESULTS_FILE]
    assert exported.files == [exported.out / name for name in names]
    assert all(path.is_file() for path in exported.files)
    assert not [p for p in exported.out.iterdir() if p.name.startswith(".")]  # no temp files


def test_catalog_has_one_control_per_requirement(exported: Exported) -> None:
    controls = _controls(_read_catalog(exported))
    assert len(controls) == len(exported.catalog)
    assert set(controls) == {control_id(r.id) for r in exported.catalog}


def test_catalog_groups_are_the_sources(exported: Exported) -> None:
    catalog = _read_catalog(exported)
    groups = {group.id: group for group in catalog.groups or []}
    assert list(groups) == [source.id for source in exported.catalog.sources]
    for source in exported.catalog.sources:
        group = groups[source.id]
        assert group.title == source.title
        assert _prop(group.props, "version") == [source.version]
        assert _prop(group.props, "legal-status-as-of") == [source.legal_status_as_of.isoformat()]
    newest = max(source.legal_status_as_of for source in exported.catalog.sources)
    assert catalog.metadata.last_modified.date() == newest


def test_known_control_keeps_id_citation_and_summary(exported: Exported) -> None:
    requirement = exported.catalog.get("MDR.AI.17.2")
    assert requirement is not None
    control = _controls(_read_catalog(exported))["mdr.ai.17.2"]
    assert _prop(control.props, "techfile-id") == ["MDR.AI.17.2"]
    assert _prop(control.props, "citation") == [requirement.citation]
    assert _prop(control.props, "label") == ["MDR.AI.17.2"]
    assert sorted(_prop(control.props, "evidence-kind")) == sorted(requirement.evidence_kinds)
    techfile_props = [p for p in control.props or [] if p.name != "label"]
    assert all(str(p.ns) == PROPERTY_NS for p in techfile_props)
    assert control.title == requirement.title
    [statement] = control.parts or []
    assert (statement.name, statement.id) == ("statement", "mdr.ai.17.2_smt")
    assert statement.prose == requirement.summary.strip()


def test_controls_nest_under_their_parent(exported: Exported) -> None:
    controls = _controls(_read_catalog(exported))
    nested = 0
    for requirement in exported.catalog:
        children = {c.id for c in controls[control_id(requirement.id)].controls or []}
        assert children == {control_id(c.id) for c in exported.catalog.children(requirement.id)}
        nested += len(children)
    assert nested == sum(1 for r in exported.catalog if r.parent is not None)


def test_crosswalk_links_connect_controls(exported: Exported) -> None:
    controls = _controls(_read_catalog(exported))
    links = {
        (control.id, link.href, link.rel)
        for control in controls.values()
        for link in control.links or []
    }
    expected = {
        (control_id(k.source), f"#{control_id(k.target)}", k.relation.value)
        for k in exported.catalog.links
    }
    assert exported.catalog.links
    assert links == expected


def test_profile_includes_exactly_the_applicable_controls(exported: Exported) -> None:
    profile = _read_profile(exported)
    [imported] = profile.imports
    assert imported.href == CATALOG_FILE
    included = [i for s in getattr(imported, "include_controls", []) for i in s.with_ids or []]
    excluded = [i for s in imported.exclude_controls or [] for i in s.with_ids or []]
    assessments = exported.result.report.assessments
    applicable = [a for a in assessments if not isinstance(a.status, NotApplicable)]
    assert included == [control_id(a.requirement.id) for a in applicable]
    assert len(included) + len(excluded) == len(assessments)
    assert "mdr.ai.14.5" not in included
    assert "mdr.ai.14.5" in excluded


def test_profile_keeps_the_justification_of_excluded_controls(exported: Exported) -> None:
    profile = _read_profile(exported)
    assert profile.back_matter is not None
    by_control = {
        _prop(r.props, "control-id")[0]: r
        for r in profile.back_matter.resources or []
        if _prop(r.props, "control-id")
    }
    [imported] = profile.imports
    excluded = {i for s in imported.exclude_controls or [] for i in s.with_ids or []}
    assert set(by_control) == excluded
    resource = by_control["mdr.ai.14.5"]
    justification = exported.result.manifest.not_applicable["MDR.AI.14.5"]
    assert resource.description == justification.strip()
    assert _prop(resource.props, "basis") == ["manifest"]
    scopes = [r for r in profile.back_matter.resources or [] if _prop(r.props, "source-id")]
    assert [_prop(r.props, "source-id")[0] for r in scopes] == ["ivdr-2017-746"]


def test_trestle_resolves_the_profile_to_the_applicable_controls(
    exported: Exported, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # trestle resolves a relative import href against the working directory (not the
    # profile's folder) and caches in <root>/.trestle: resolve a copy, from its folder.
    for name in (CATALOG_FILE, PROFILE_FILE):
        shutil.copy(exported.out / name, tmp_path / name)
    (tmp_path / ".trestle").mkdir()
    monkeypatch.chdir(tmp_path)
    resolved = ProfileResolver.get_resolved_profile_catalog(tmp_path, str(tmp_path / PROFILE_FILE))
    applicable = {
        control_id(a.requirement.id)
        for a in exported.result.report.assessments
        if not isinstance(a.status, NotApplicable)
    }
    assert set(_controls(resolved)) == applicable


def test_one_finding_per_assessed_requirement(exported: Exported) -> None:
    [result] = _read_results(exported).results
    findings = result.findings or []
    assessments = exported.result.report.assessments
    assert len(findings) == len(assessments)
    statements = {f"{cid}_smt" for cid in _controls(_read_catalog(exported))}
    for finding, assessment in zip(findings, assessments, strict=True):
        assert _prop(finding.props, "techfile-id") == [assessment.requirement.id]
        assert _prop(finding.props, "status") == [status_name(assessment.status).value]
        assert finding.target.type.value == "statement-id"
        assert finding.target.target_id == f"{control_id(assessment.requirement.id)}_smt"
        assert finding.target.target_id in statements
        assert finding.target.status is not None
        expected = "satisfied" if isinstance(assessment.status, Met) else "not-satisfied"
        assert finding.target.status.state.value == expected
    reviewed = result.reviewed_controls.control_selections[0]
    assert len(getattr(reviewed, "include_controls", [])) == len(assessments)


def _finding(exported: Exported, requirement_id: str) -> Finding:
    [result] = _read_results(exported).results
    [finding] = [
        f for f in result.findings or [] if _prop(f.props, "techfile-id") == [requirement_id]
    ]
    return finding


@pytest.mark.parametrize(
    ("requirement_id", "status", "state"),
    [
        ("MDR.AI.17.2", "met", "satisfied"),
        ("MDR.AII.1.1.a", "stale", "not-satisfied"),
        ("MDR.AI.14.5", "not_applicable", "not-satisfied"),
    ],
    ids=["met-by-record", "stale-after-edit", "not-applicable-by-manifest"],
)
def test_finding_states(exported: Exported, requirement_id: str, status: str, state: str) -> None:
    finding = _finding(exported, requirement_id)
    assert _prop(finding.props, "status") == [status]
    assert finding.target.status is not None
    assert finding.target.status.state.value == state


def test_not_applicable_finding_says_why(exported: Exported) -> None:
    finding = _finding(exported, "MDR.AI.14.5")
    assert finding.target.implementation_status is not None
    assert finding.target.implementation_status.state == "not-applicable"
    assert "interoperability" in finding.description


def test_observations_are_the_evidence_records(exported: Exported) -> None:
    results = _read_results(exported)
    [result] = results.results
    observations = result.observations or []
    records = {v.record.digest: v.record for v in exported.result.ledger.verified}
    assert len(records) == 2
    by_digest = {_prop(o.props, "record-digest")[0]: o for o in observations}
    assert set(by_digest) == set(records)
    for digest, observation in by_digest.items():
        record = records[digest]
        assert observation.collected == RECORDED_AT
        [subject] = observation.subjects or []
        [pinned] = record.subjects
        assert _prop(subject.props, "artefact") == [pinned.name]
        assert _prop(subject.props, "sha256") == [pinned.sha256]
        assert results.back_matter is not None
        resources = {r.uuid: r for r in results.back_matter.resources or []}
        assert resources[subject.subject_uuid].title == pinned.name
    assert {s.title for o in observations for s in o.subjects or []} == {MET_DOC, STALE_DOC}
    related = _finding(exported, "MDR.AI.17.2").related_observations or []
    met_digest = next(d for d, r in records.items() if r.subjects[0].name == MET_DOC)
    assert [r.observation_uuid for r in related] == [by_digest[met_digest].uuid]


def test_results_are_dated_by_the_evidence(exported: Exported) -> None:
    results = _read_results(exported)
    [result] = results.results
    assert result.start == RECORDED_AT
    assert result.end == RECORDED_AT
    assert results.metadata.last_modified == RECORDED_AT
    assert results.import_ap.href.startswith("#")
    assert results.back_matter is not None
    plan = results.import_ap.href.removeprefix("#")
    assert plan in {r.uuid for r in results.back_matter.resources or []}


def test_exporting_twice_gives_identical_bytes(exported: Exported, tmp_path: Path) -> None:
    again = export_oscal(exported.result, exported.catalog, tmp_path / "again")
    for first, second in zip(exported.files, again, strict=True):
        assert first.name == second.name
        assert first.read_bytes() == second.read_bytes()


def test_missing_trestle_gives_an_install_hint(
    exported: Exported, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in sys.modules if n == "trestle" or n.startswith("trestle.")]:
        monkeypatch.setitem(sys.modules, name, None)  # None makes `import trestle...` fail
    for module in ("_catalog", "_profile", "_results", "_document"):
        monkeypatch.delitem(sys.modules, f"techfile.export.{module}", raising=False)
    with pytest.raises(ExtraMissingError, match=r"pip install 'techfile\[oscal\]'"):
        export_oscal(exported.result, exported.catalog, tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_untrusted_records_are_named_not_observed(exported: Exported) -> None:
    [rejected] = exported.result.ledger.rejected
    [result] = _read_results(exported).results
    assert result.remarks is not None
    assert "1 evidence record(s) were not trusted" in result.remarks
    assert rejected.name in result.remarks
    observed = {_prop(o.props, "record-digest")[0] for o in result.observations or []}
    assert rejected.name.removesuffix(".json") not in observed
