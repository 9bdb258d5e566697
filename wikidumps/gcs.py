"""Google Cloud Storage access for publishing and downloading datasets (the `gcp` extra).

With `STORAGE_EMULATOR_HOST` set (tests, local emulators) the client is anonymous, as
google-cloud-storage does by itself. Otherwise the application-default credentials are used, and
where there are none the client is anonymous, which is enough to read a public bucket.
"""
from __future__ import annotations

from wikidumps.transfer import TransferError


def split_gs_url(url: str) -> tuple[str, str]:
    """("bucket", "prefix/without/slashes/around") of a gs:// URL."""
    if not url.startswith("gs://"):
        raise ValueError(f"{url}: not a gs:// URL")
    bucket, _, prefix = url[len("gs://"):].partition("/")
    if not bucket:
        raise ValueError(f"{url}: no bucket name")
    return bucket, prefix.strip("/")


def client():
    """A storage client: default credentials when there are any, else anonymous."""
    try:
        from google.auth.exceptions import DefaultCredentialsError
        from google.cloud import storage
    except ImportError:
        raise TransferError("gs:// needs google-cloud-storage: pip install 'wikidumps[gcp]'") from None
    try:
        return storage.Client()
    except DefaultCredentialsError:
        return storage.Client.create_anonymous_client()
