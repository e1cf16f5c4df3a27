"""Benchmark: does an offline vulnerability scan cost little more than reading the OSV export?

Run ``.venv/bin/python bench/vulns.py``. It writes a 300-component CycloneDX SBOM and a
synthetic OSV export of 50,000 records as a zip (the ``PyPI/all.zip`` layout). The records are
the five real advisories of ``shared/testdata/osv/json`` with their ids, package names and
versions mutated: about 2% name a package of the SBOM (in the spellings real data use:
``Some_Pkg``, ``some.pkg``), the rest name 20,000 other packages. Then, alternately, it times

    read+parse   open the zip, read every member and ``json.loads`` it (the floor any
                 scanner that decodes the export pays)
    scan         ``techfile.sbom.vulns.scan``: read the export, pre-check and index it, parse the
                 relevant records, match and triage (the SBOM is read beforehand)

each ``--runs`` times (median, wall clock, and process CPU time, which other load on the
machine does not inflate). The target is scan <= 1.5 x read+parse; the script prints PASS or
FAIL and exits 1 on FAIL. It also checks that the scan found exactly the findings the
generator planted, so a fast but wrong scan cannot pass.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import re
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from techfile.sbom import Device, Package, build_sbom, read_sbom
from techfile.sbom.vulns import ScanReport, normalise_name, scan

OSV = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "osv" / "json"
COMPONENTS = 300
RECORDS = 50_000
OTHER_PACKAGES = 20_000
RELEVANT_SHARE = 0.02
TARGET = 1.5
SEED = 20260105
_NUMBER = re.compile(r"^(\d+)")


def _shift(version: str, offset: int) -> str:
    """Move a version's first number by ``offset`` ("0" stays "0"; commit hashes unchanged)."""
    if version == "0" or not _NUMBER.match(version) or len(version) >= 40:  # noqa: PLR2004  # a git hash
        return version
    return _NUMBER.sub(lambda m: str(int(m.group(1)) + offset), version, count=1)


def _mutate(template: dict[str, Any], n: int, name: str, offset: int) -> dict[str, Any]:
    record = copy.deepcopy(template)
    record["id"] = f"BENCH-{n:06d}"
    record["modified"] = (
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    ).isoformat()
    for entry in record["affected"]:
        entry["package"]["name"] = name
        entry["package"].pop("purl", None)
        for range_ in entry.get("ranges", []):
            for event in range_["events"]:
                for key, value in event.items():
                    event[key] = _shift(value, offset)
        entry["versions"] = [_shift(v, offset) for v in entry.get("versions", [])]
    return record


def _spelling(name: str, rng: random.Random) -> str:
    return rng.choice([name, name.replace("-", "_").title(), name.replace("-", ".")])


def prepare(base: Path) -> tuple[Path, Path, set[str]]:
    """Write the SBOM and the export; return them and the ids of the planted findings."""
    rng = random.Random(SEED)
    templates = [json.loads(p.read_text("utf-8")) for p in sorted(OSV.glob("*.json"))]
    ours = [f"bench-pkg-{i}" for i in range(COMPONENTS)]
    versions = {
        name: f"{rng.randint(1, 3)}.{rng.randint(0, 30)}.{rng.randint(0, 5)}" for name in ours
    }
    packages = [Package(name, versions[name]) for name in ours]
    when = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    sbom = base / "sbom.json"
    sbom.write_text(build_sbom(packages, device=Device("bench", "1"), timestamp=when), "utf-8")
    planted: set[str] = set()
    export = base / "all.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(RECORDS):
            template = templates[n % len(templates)]
            relevant = rng.random() < RELEVANT_SHARE
            name = rng.choice(ours) if relevant else f"other-pkg-{rng.randrange(OTHER_PACKAGES)}"
            record = _mutate(template, n, _spelling(name, rng), rng.randint(-1, 1))
            if relevant and _affected(record, versions[name]):
                planted.add(f"{record['id']}:{name}")
            archive.writestr(f"{record['id']}.json", json.dumps(record, indent=2))
    return sbom, export, planted


def _affected(record: dict[str, Any], version: str) -> bool:
    """A plain reading of the record for the planted-findings check (ECOSYSTEM ranges, lists)."""
    from packaging.version import Version  # noqa: PLC0415  # only for the check

    v = Version(version)
    for entry in record["affected"]:
        if any(Version(x) == v for x in entry.get("versions", []) if _valid(x)):
            return True
        for range_ in entry.get("ranges", []):
            if range_["type"] != "ECOSYSTEM":
                continue
            points = sorted(
                (
                    (
                        Version("0")
                        if e.get("introduced") == "0"
                        else Version(next(iter(e.values())))
                    ),
                    next(iter(e)),
                )
                for e in range_["events"]
            )
            inside = False
            for bound, kind in points:
                if kind == "introduced" and (v >= bound or bound == Version("0")):
                    inside = True
                elif (kind == "fixed" and v >= bound) or (kind == "last_affected" and v > bound):
                    inside = False
            if inside:
                return True
    return False


def _valid(text: str) -> bool:
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415  # only for the check

    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def read_and_parse(export: Path) -> int:
    """The floor: read every member and decode it."""
    count = 0
    with zipfile.ZipFile(export) as archive:
        for info in archive.infolist():
            json.loads(archive.read(info))
            count += 1
    return count


def _timed(action: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> int:
    """Time read+parse and the scan, print the table and the verdict; 1 when the target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="techfile-bench-vulns-") as tmp:
        started = time.perf_counter()
        sbom_path, export, planted = prepare(Path(tmp))
        setup = time.perf_counter() - started
        sbom = read_sbom(sbom_path)
        base: list[tuple[float, float]] = []
        scans: list[tuple[float, float]] = []
        reports: list[ScanReport] = []
        for _ in range(args.runs):
            wall, cpu, _count = _timed(lambda: read_and_parse(export))
            base.append((wall, cpu))
            wall, cpu, result = _timed(lambda: scan(sbom, export))
            scans.append((wall, cpu))
            reports.append(cast("ScanReport", result))
        size = export.stat().st_size
    report = reports[-1]
    found = {f"{f.id}:{normalise_name(f.package)}" for f in report.findings}
    correct = found == planted
    rows = [("read+parse", base), ("scan", scans)]
    print(f"SBOM: {COMPONENTS} components; export: {RECORDS:,} records, {size / 1e6:.1f} MB zip")
    print(f"setup (writing both): {setup:.1f} s; {args.runs} runs, medians")
    print(f"{'phase':<12}{'wall s':>10}{'cpu s':>10}")
    for label, runs in rows:
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{label:<12}{wall:>10.3f}{cpu:>10.3f}")
    ratio = statistics.median(s[0] for s in scans) / statistics.median(b[0] for b in base)
    ratio_cpu = statistics.median(s[1] for s in scans) / statistics.median(b[1] for b in base)
    info = report.database
    print(
        f"records parsed in full: {info.parsed:,}; findings: {len(found)} "
        f"(planted {len(planted)}: {'same' if correct else 'DIFFERENT'})"
    )
    verdict = "PASS" if ratio <= TARGET and correct else "FAIL"
    print(f"{verdict}: scan is {ratio:.2f} x read+parse, wall clock (target <= {TARGET:g})")
    print(f"process CPU time: {ratio_cpu:.2f} x")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
