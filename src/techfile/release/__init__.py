"""Signed release bundles for local media, and their verification before install (TUF).

`generate_key` makes encrypted PKCS#8 signing keys; `create_root` writes the root of trust
the devices keep; `sign_bundle` writes a bundle (the release's files with TUF targets,
snapshot and timestamp metadata); `verify_bundle` checks one offline against the trusted
root and the device's saved state, refusing rollback, freeze, mix-and-match, wrong keys and
tampered files; `release_draft` makes a verification evidence (SOTA.SIGNED-UPDATES, MDCG
2019-16 rev.1 §3.3 CSUP). python-tuf and securesystemslib do the cryptography and the client
workflow; this package arranges files and explains results.
"""

from techfile.release._evidence import release_draft
from techfile.release._json import (
    key_json,
    key_schema,
    root_json,
    root_schema,
    sign_json,
    sign_schema,
    verify_json,
    verify_schema,
)
from techfile.release._keys import (
    GeneratedKey,
    KeyType,
    Passphrase,
    generate_key,
    load_key,
    load_signer,
    public_key_path,
)
from techfile.release._result import (
    Failure,
    ReleaseRejected,
    ReleaseVerified,
    RoleState,
    SignedBundle,
    Target,
    Verification,
)
from techfile.release._roles import (
    BUNDLE_ROLES,
    KeySpec,
    Role,
    RoleKey,
    expiry_from,
    parse_key_spec,
    time_from,
)
from techfile.release._root import RootInfo, create_root, root_info
from techfile.release._sign import TargetSource, sign_bundle
from techfile.release._verify import verify_bundle
from techfile.release.errors import ReleaseError, ReleaseInputError, ReleaseKeyError

__all__ = [
    "BUNDLE_ROLES",
    "Failure",
    "GeneratedKey",
    "KeySpec",
    "KeyType",
    "Passphrase",
    "ReleaseError",
    "ReleaseInputError",
    "ReleaseKeyError",
    "ReleaseRejected",
    "ReleaseVerified",
    "Role",
    "RoleKey",
    "RoleState",
    "RootInfo",
    "SignedBundle",
    "Target",
    "TargetSource",
    "Verification",
    "create_root",
    "expiry_from",
    "generate_key",
    "key_json",
    "key_schema",
    "load_key",
    "load_signer",
    "parse_key_spec",
    "public_key_path",
    "release_draft",
    "root_info",
    "root_json",
    "root_schema",
    "sign_bundle",
    "sign_json",
    "sign_schema",
    "time_from",
    "verify_bundle",
    "verify_json",
    "verify_schema",
]
