"""A corpus of malformed manifests: each is refused with exit 2 and a message that says where.

One file per defect in ``tests/assets/manifests/bad/``, named by the defect (STYLE F3). The table
below gives, for each file, the line the first problem must be reported on and a field, key or
phrase the message must name. A defect of ``src/`` that a case exposes is marked ``xfail`` with
the reason, so the suite stays green and the case turns red once the defect is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from techfile.cli import app
from techfile.errors import InputError, LocatedInputError
from techfile.project import load_manifest

runner = CliRunner()

EXIT_INPUT = 2
MIN_CORPUS = 35


@dataclass(frozen=True, slots=True)
class Expected:
    """What the report of one bad manifest must say."""

    line: int
    """The 1-based line the (first) problem is reported on."""
    names: str
    """A field, key or phrase the message must contain."""
    bug: str | None = None
    """Why the case fails today: a defect of ``src/`` it exposes (the case is then xfail)."""


EXPECTED: dict[str, Expected] = {
    # YAML syntax
    "yaml-tab-indent": Expected(12, "YAML syntax error"),
    "yaml-unclosed-quote": Expected(13, "YAML syntax error"),
    "yaml-mapping-value-not-allowed": Expected(13, "YAML syntax error"),
    "yaml-unclosed-flow-list": Expected(9, "YAML syntax error"),
    "yaml-bad-indent": Expected(13, "YAML syntax error"),
    "yaml-undefined-alias": Expected(13, "undefined alias 'ai'"),
    "yaml-control-character": Expected(3, "device.name"),
    "yaml-explicit-tag-bad-value": Expected(6, "device.version"),
    "multiple-documents": Expected(11, "single document"),
    "not-utf8": Expected(3, "UTF-8"),
    "duplicate-key": Expected(14, "is_software"),
    "duplicate-device-section": Expected(11, "device"),
    # The document's shape
    "empty-file": Expected(1, "expected a mapping"),
    "comments-only": Expected(1, "expected a mapping"),
    "top-level-list": Expected(2, "expected a mapping"),
    "top-level-scalar": Expected(2, "expected a mapping"),
    "unknown-top-level-key": Expected(13, "risk_management"),
    "device-missing": Expected(2, "field 'device': required key is missing"),
    "device-not-mapping": Expected(2, "device"),
    "classification-not-mapping": Expected(11, "classification"),
    "facts-file-classification-null": Expected(2, "classification"),
    # Device identity
    "device-name-empty": Expected(3, "device.name"),
    "manufacturer-missing": Expected(2, "device.manufacturer"),
    "manufacturer-as-string": Expected(4, "device.manufacturer"),
    "manufacturer-unknown-key": Expected(6, "did you mean 'address'"),
    "unknown-device-key": Expected(8, "did you mean 'intended_purpose'"),
    "version-as-float": Expected(6, "device.version"),
    "version-as-date": Expected(6, "device.version"),
    "version-impossible-date": Expected(6, "device.version"),
    "udi-di-bad-chars": Expected(7, "device.udi_di"),
    "intended-purpose-too-short": Expected(7, "device.intended_purpose"),
    "intended-users-empty-list": Expected(8, "device.intended_users"),
    "intended-users-as-string": Expected(8, "device.intended_users"),
    "use-environment-item-not-string": Expected(12, "device.use_environment.1"),
    # Classification facts
    "unknown-fact-typo": Expected(14, "did you mean 'worst_case_impact'"),
    "facts-file-unknown-key": Expected(4, "did you mean 'is_ai_system'"),
    "bool-as-string": Expected(12, "classification.is_software"),
    "bool-as-int": Expected(13, "classification.is_ai_system"),
    "bool-as-list": Expected(13, "classification.sterile"),
    "enum-out-of-range": Expected(13, "classification.worst_case_impact"),
    "enum-wrong-case": Expected(13, "classification.data_sources"),
    "driven-class-invalid": Expected(13, "classification.driven_device_class"),
    "trigger-unknown": Expected(14, "classification.special_rule_triggers.1"),
    "trigger-typo": Expected(12, "did you mean 'rule_22_closed_loop'"),
    "ivd-trigger-typo": Expected(15, "did you mean 'rule_3h_cancer'"),
    "trigger-list-as-string": Expected(12, "classification.special_rule_triggers"),
    "annex-iii-invalid-point": Expected(13, "classification.annex_iii_use_case"),
    "annex-iii-as-int": Expected(13, "classification.annex_iii_use_case"),
    # Contradictions (facts.yaml "contradictions"), located at the rule's first field
    "contradiction-ivd-md-only": Expected(13, "classification.ivd_information"),
    "contradiction-worst-case-not-applicable": Expected(13, "classification.information_use"),
    "contradiction-driven-class-without-driving": Expected(
        13, "classification.drives_or_influences_device"
    ),
    "contradiction-exception-triggers": Expected(13, "classification.special_rule_triggers"),
    "contradiction-ai-not-software": Expected(12, "classification.is_software"),
    "contradiction-ivdd-legacy-without-ivd": Expected(13, "classification.legacy_device"),
}


def _cases() -> list[object]:
    return [
        pytest.param(
            name,
            expected,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=expected.bug)] if expected.bug else [],
        )
        for name, expected in sorted(EXPECTED.items())
    ]


def test_every_bad_manifest_has_an_expectation(asset: Callable[..., Path]) -> None:
    folder = asset("manifests", "bad")
    assert {path.stem for path in folder.glob("*.yaml")} == set(EXPECTED)
    assert len(EXPECTED) >= MIN_CORPUS


@pytest.mark.parametrize(("name", "expected"), _cases())
def test_load_manifest_raises_a_located_input_error(
    asset: Callable[..., Path], name: str, expected: Expected
) -> None:
    path = asset("manifests", "bad", f"{name}.yaml")
    with pytest.raises(InputError) as info:
        load_manifest(path)
    error = info.value
    assert isinstance(error, LocatedInputError)
    assert error.location.path == path
    assert error.location.line == expected.line, str(error)
    assert expected.names in error.diagnostics()


@pytest.mark.parametrize(("name", "expected"), _cases())
def test_classify_exits_2_and_says_where(
    asset: Callable[..., Path], name: str, expected: Expected
) -> None:
    path = asset("manifests", "bad", f"{name}.yaml")
    result = runner.invoke(app, ["classify", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == EXIT_INPUT, result.output
    assert result.stderr.startswith(f"error: {path}:{expected.line}:"), result.stderr
    assert expected.names in result.stderr


def test_located_message_is_one_line(asset: Callable[..., Path]) -> None:
    # Editors and CI annotate "FILE:LINE:COL: message" only when it is not wrapped, however long.
    path = asset("manifests", "bad", "contradiction-driven-class-without-driving.yaml")
    result = runner.invoke(app, ["classify", str(path)])
    first = result.stderr.splitlines()[0]
    assert first.startswith(
        f"error: {path}:13:3: field 'classification.drives_or_influences_device, "
        "classification.driven_device_class': contradictory facts:"
    )
