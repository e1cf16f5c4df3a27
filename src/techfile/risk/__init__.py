"""One risk management file for safety, AI and security risks (ISO 14971:2019; AI Act Art 9).

`load_risks` reads and checks a project's ``risks.yaml`` (located errors for bad input);
`check_risks` / `check_project` run the completeness, verification, acceptability and
threat-model checks; `risk_draft` makes the signed-record draft of kind ``risk``;
`write_matrices` draws the risk matrix before and after controls; `risk_xlsx` exports it.
The AI hazard library and the checks' citations are data in ``catalog/data/risk/``.
"""

from techfile.risk._check import Problem, RiskReport, VulnerabilityScan, check_risks
from techfile.risk._evidence import EvidenceState, Resolution, describe, resolve
from techfile.risk._export import risk_xlsx
from techfile.risk._file import Evaluation, RiskFile
from techfile.risk._json import RiskReportJson, report_json, risk_check_schema, risks_schema
from techfile.risk._library import AiHazard, CheckId, CheckRule, RiskData, load_risk_data
from techfile.risk._load import RISKS_NAME, dump_risks, load_risks, parse_risks, risks_path
from techfile.risk._matrix import matrix_svg, write_matrices
from techfile.risk._model import ControlType, EvidenceRef, Region, RiskFileModel, Stride
from techfile.risk._project import ProjectRisks, check_project, risk_draft
from techfile.risk._vulns import Finding, findings_from_details, load_findings

__all__ = [
    "RISKS_NAME",
    "AiHazard",
    "CheckId",
    "CheckRule",
    "ControlType",
    "Evaluation",
    "EvidenceRef",
    "EvidenceState",
    "Finding",
    "Problem",
    "ProjectRisks",
    "Region",
    "Resolution",
    "RiskData",
    "RiskFile",
    "RiskFileModel",
    "RiskReport",
    "RiskReportJson",
    "Stride",
    "VulnerabilityScan",
    "check_project",
    "check_risks",
    "describe",
    "dump_risks",
    "findings_from_details",
    "load_findings",
    "load_risk_data",
    "load_risks",
    "matrix_svg",
    "parse_risks",
    "report_json",
    "resolve",
    "risk_check_schema",
    "risk_draft",
    "risk_xlsx",
    "risks_path",
    "risks_schema",
    "write_matrices",
]
