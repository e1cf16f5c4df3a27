"""What the manufacturer publishes about security: disclosure policy, security.txt, support.

From the ``security:`` section of ``techfile.yaml``, `write_security_docs` writes the
coordinated vulnerability disclosure policy (Markdown; SOTA.CVD), an RFC 9116 security.txt,
and the support-period statement for the instructions for use and the technical file
(SOTA.SUPPORT-PERIOD; MDCG 2019-16 rev.1 §3.8), comparing the device's end of support with
each component's declared in ``sbom.support``. `check_security_txt` checks any security.txt
against RFC 9116's field rules.
"""

from techfile.security._docs import (
    CVD_POLICY,
    SECURITY_TXT,
    SUPPORT_STATEMENT,
    SecurityDocs,
    WrittenFile,
    render_security_docs,
    write_security_docs,
)
from techfile.security._json import security_docs_json, security_docs_schema
from techfile.security._securitytxt import SecurityTxt, check_security_txt, security_txt
from techfile.security._support import ComponentSupport, Coverage, SupportPeriod, support_period
from techfile.security.errors import SecurityDocsError

__all__ = [
    "CVD_POLICY",
    "SECURITY_TXT",
    "SUPPORT_STATEMENT",
    "ComponentSupport",
    "Coverage",
    "SecurityDocs",
    "SecurityDocsError",
    "SecurityTxt",
    "SupportPeriod",
    "WrittenFile",
    "check_security_txt",
    "render_security_docs",
    "security_docs_json",
    "security_docs_schema",
    "security_txt",
    "support_period",
    "write_security_docs",
]
