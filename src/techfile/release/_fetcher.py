"""A python-tuf fetcher that reads a release bundle from local media: no network at all.

``tuf.ngclient.Updater`` asks its fetcher for URLs; this one serves ``bundle:/metadata/...``
and ``bundle:/targets/...`` from the bundle folder and answers 404 for a file that is not
there, as a repository would (the updater then knows, e.g., that no newer root exists).

Rules enforced: a URL never reaches outside the bundle folder (no ``..``, no absolute paths,
no symbolic link leading out); any other scheme is refused. The files requested are
recorded in order, so a verification failure can say which file was being checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

from tuf.api.exceptions import DownloadError, DownloadHTTPError
from tuf.ngclient import FetcherInterface

__all__ = ["METADATA_URL", "TARGETS_URL", "BundleFetcher"]

_SCHEME = "bundle:/"
METADATA_URL = f"{_SCHEME}metadata/"
"""Base URL of the bundle's metadata folder."""
TARGETS_URL = f"{_SCHEME}targets/"
"""Base URL of the bundle's targets folder."""
_CHUNK = 1 << 20
_NOT_FOUND = 404


class BundleFetcher(FetcherInterface):
    """Serves the files of one bundle folder to ``tuf.ngclient.Updater``."""

    def __init__(self, bundle: Path) -> None:
        self._root = bundle.resolve()
        self.requested: list[str] = []
        """Bundle-relative paths asked for, in order."""

    def _fetch(self, url: str) -> Iterator[bytes]:
        if not url.startswith(_SCHEME):
            msg = f"{url}: only files of the bundle can be read"
            raise DownloadError(msg)
        relative = unquote(url.removeprefix(_SCHEME))
        self.requested.append(relative)
        path = (self._root / relative).resolve()
        if not path.is_relative_to(self._root) or Path(relative).is_absolute():
            msg = f"{relative}: lies outside the bundle"
            raise DownloadError(msg)
        try:
            handle = path.open("rb")
        except (FileNotFoundError, IsADirectoryError) as e:
            raise DownloadHTTPError(f"{relative}: not in the bundle", _NOT_FOUND) from e
        except OSError as e:
            msg = f"{relative}: cannot be read ({e.strerror or e})"
            raise DownloadError(msg) from e
        return _chunks(handle)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk
