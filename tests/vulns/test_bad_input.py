"""Bad input gives a located error (file, member, line or field), never a traceback."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.errors import Location
from techfile.sbom.vulns import OsvInputError, load_database, parse_advisory


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_corrupt_zip_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "all.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(OsvInputError) as caught:
        load_database(path, ["requests"])
    assert caught.value.location.path == path
    assert "not a readable zip file" in str(caught.value)


def test_a_truncated_member_names_the_member(tmp_path: Path, osv: Path) -> None:
    data = (osv / "PyPI" / "all.zip").read_bytes()
    path = tmp_path / "all.zip"
    path.write_bytes(data[:3000] + b"\0" * 200 + data[3200:])  # damage the first member
    with pytest.raises(OsvInputError) as caught:
        load_database(path, ["jinja2"])
    assert "all.zip!" in str(caught.value.location.path)
    assert "corrupt zip member" in str(caught.value)


def test_invalid_json_is_located_by_member_line_and_column(tmp_path: Path) -> None:
    bad = b'{\n  "id": "X-1",\n  "affected": [{"package": {"name": "requests",}}]\n}'
    path = _zip(tmp_path / "all.zip", {"X-1.json": bad})
    with pytest.raises(OsvInputError) as caught:
        load_database(path, ["requests"])
    error = caught.value
    assert str(error.location.path).endswith("all.zip!X-1.json")
    assert (error.location.line, error.location.column) == (
        3,
        48,
    )  # the '}' after the trailing comma
    assert "invalid JSON" in str(error)


def test_a_record_without_the_osv_shape_names_the_field(
    tmp_path: Path, record: Callable[[str], dict[str, object]]
) -> None:
    data = record("PYSEC-2023-74")
    data["affected"][1:] = []  # type: ignore[index]
    data["affected"][0]["ranges"][1]["events"][0] = {"introduced": "2.3.0", "fixed": "2.31.0"}  # type: ignore[index]
    path = _zip(tmp_path / "all.zip", {"PYSEC-2023-74.json": json.dumps(data).encode()})
    with pytest.raises(OsvInputError) as caught:
        load_database(path, ["requests"])
    assert caught.value.field == "affected.0.ranges.1.events.0"
    assert "exactly one of introduced" in str(caught.value)
    with pytest.raises(OsvInputError, match="field 'modified'"):
        parse_advisory({"id": "X"}, Location(Path("x.json")))


def test_records_of_other_packages_are_not_parsed(tmp_path: Path) -> None:
    path = _zip(tmp_path / "all.zip", {"BAD.json": b'{"name": "left-pad", "oops'})
    database = load_database(path, ["requests"])
    assert (database.info.records, database.info.parsed) == (1, 0)


def test_an_escaped_name_still_reaches_the_full_parse(
    tmp_path: Path, record: Callable[[str], dict[str, object]]
) -> None:
    text = json.dumps(record("GHSA-h75v-3vvj-5mfj")).replace('"Jinja2"', '"Jinja\\u0032"')
    path = _zip(tmp_path / "all.zip", {"GHSA.json": text.encode()})
    database = load_database(path, ["jinja2"])
    assert database.info.parsed == 1
    assert [a.id for a in database.by_name["jinja2"]] == ["GHSA-h75v-3vvj-5mfj"]


def test_an_escaped_name_key_still_reaches_the_full_parse(
    tmp_path: Path, record: Callable[[str], dict[str, object]]
) -> None:
    text = json.dumps(record("GHSA-h75v-3vvj-5mfj")).replace(
        '"name": "Jinja2"', '"n\\u0061me": "Jinja2"'
    )
    assert '"n\\u0061me"' in text
    path = _zip(tmp_path / "all.zip", {"GHSA.json": text.encode()})
    database = load_database(path, ["jinja2"])
    assert [a.id for a in database.by_name["jinja2"]] == ["GHSA-h75v-3vvj-5mfj"]
