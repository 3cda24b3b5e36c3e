"""Resumable HTTP downloads (BACI releases are 1–3 GB zips).

The file grows in ``<dest>.part``; an interrupted transfer resumes with an HTTP ``Range`` request from the
bytes already on disk, and the ``.part`` file becomes ``<dest>`` only once it is complete (and, for zips,
readable). A server that ignores ``Range`` (answers 200) restarts the file from zero.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from exportpilot.errors import ExportPilotError

#: Where CEPII publishes BACI (the "Download" links of the BACI page). Override with the
#: ``--url-template`` option or the ``EXPORTPILOT_BACI_URL_TEMPLATE`` environment variable.
BACI_URL_TEMPLATE = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_{hs}_V{release}.zip"

ProgressCallback = Callable[[int, int | None], None]


class DownloadError(ExportPilotError):
    """A download failed after its retries; the ``.part`` file is kept for the next attempt."""

    status_code = 502


@dataclass
class DownloadResult:
    """What a download did.

    Attributes
    ----------
    path : Path
        The complete file.
    bytes : int
        Its size.
    resumed_from : int
        Bytes already on disk when the call started (0 for a fresh download).
    attempts : int
        HTTP requests made (1 when nothing went wrong).
    """

    path: Path
    bytes: int
    resumed_from: int
    attempts: int


def baci_url(release: str, hs: str, template: str = BACI_URL_TEMPLATE) -> str:
    """Return the URL of a BACI release, e.g. ``baci_url("202401b", "HS17")``.

    Raises
    ------
    ValueError
        ``hs`` is not ``HS92``…``HS22`` or ``release`` is not like ``202401`` / ``202401b``.
    """
    hs = hs.upper()
    if not re.fullmatch(r"HS\d{2}", hs):
        raise ValueError(f"HS revision must look like HS17, got {hs!r}")
    if not re.fullmatch(r"\d{6}[a-z]?", release):
        raise ValueError(f"BACI release must look like 202401 or 202401b, got {release!r}")
    return template.format(hs=hs, release=release)


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def _total_from(response: httpx.Response, offset: int) -> int | None:
    content_range = response.headers.get("content-range", "")
    match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", content_range.strip())
    if match and match.group(3) != "*":
        return int(match.group(3))
    length = response.headers.get("content-length")
    return offset + int(length) if length is not None else None


def download(
    url: str,
    dest: Path,
    *,
    progress: ProgressCallback | None = None,
    retries: int = 5,
    backoff: float = 1.0,
    chunk_size: int | None = None,
    timeout: float = 60.0,
    client: httpx.Client | None = None,
    check_zip: bool | None = None,
) -> DownloadResult:
    """Download ``url`` to ``dest``, resuming from ``dest.part`` when it exists.

    Parameters
    ----------
    url : str
    dest : Path
        Final path; an existing complete file is returned as is.
    progress : callable, optional
        Called as ``progress(bytes_done, bytes_total_or_None)`` after every chunk.
    retries : int
        Further attempts after a dropped connection or a 5xx answer; each resumes where the last stopped.
    backoff : float
        Seconds to wait before the first retry, doubled for each next one.
    chunk_size : int, optional
        Bytes per write; default: as they arrive (so a dropped connection loses nothing already received).
    timeout : float
        Seconds without data before an attempt is abandoned.
    client : httpx.Client, optional
        A client to reuse (tests pass one); by default a new one that follows redirects.
    check_zip : bool, optional
        Check that the result opens as a zip; default: when ``dest`` ends in ``.zip``.

    Returns
    -------
    DownloadResult

    Raises
    ------
    DownloadError
        The server answered 4xx, or every attempt failed; a partial ``.part`` file stays for resuming.
    """
    dest = Path(dest)
    if dest.is_file():
        size = dest.stat().st_size
        return DownloadResult(path=dest, bytes=size, resumed_from=size, attempts=0)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    resumed_from = part.stat().st_size if part.is_file() else 0
    own_client = client is None
    http = client or httpx.Client(follow_redirects=True, timeout=timeout)
    attempts = 0
    last_error = ""
    try:
        while attempts <= retries:
            if attempts:
                time.sleep(backoff * 2 ** (attempts - 1))
            attempts += 1
            offset = part.stat().st_size if part.is_file() else 0
            headers = {"Range": f"bytes={offset}-"} if offset else {}
            try:
                with http.stream("GET", url, headers=headers) as response:
                    if response.status_code == 416 and offset:
                        # Nothing left to send: the .part file may already be whole, or stale.
                        total = _total_from(response, 0)
                        if total is not None and total == offset:
                            break
                        part.unlink()
                        last_error = "server refused the resume range; restarting"
                        continue
                    if 400 <= response.status_code < 500:
                        raise DownloadError(f"{url}: HTTP {response.status_code}", status_code=502)
                    if response.status_code >= 500:
                        last_error = f"HTTP {response.status_code}"
                        continue
                    if offset and response.status_code == 200:
                        offset = 0  # Range ignored: the body is the whole file
                    total = _total_from(response, offset)
                    with part.open("ab" if offset else "wb") as out:
                        done = offset
                        if progress:
                            progress(done, total)
                        for chunk in response.iter_raw(chunk_size):  # raw bytes: Range counts them
                            out.write(chunk)
                            done += len(chunk)
                            if progress:
                                progress(done, total)
                    if total is not None and done < total:
                        last_error = f"connection closed at {done:,} of {total:,} bytes"
                        continue
                    break
            except httpx.TransportError as exc:  # dropped connection, timeout, truncated body
                last_error = f"{type(exc).__name__}: {exc}"
                continue
        else:
            raise DownloadError(
                f"{url}: gave up after {attempts} attempt(s) ({last_error}); "
                f"{part.stat().st_size if part.is_file() else 0:,} bytes kept in {part} for the next try",
                status_code=502,
            )
    finally:
        if own_client:
            http.close()
    if check_zip if check_zip is not None else dest.suffix.lower() == ".zip":
        if not zipfile.is_zipfile(part):
            part.unlink()
            raise DownloadError(f"{url}: the download is not a readable zip; removed it", status_code=502)
    os.replace(part, dest)
    return DownloadResult(path=dest, bytes=dest.stat().st_size, resumed_from=resumed_from, attempts=attempts)
