"""The archive in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, SeaweedFS, …), shared by
every machine that runs a daemon or a web desk on the same database.

Raw mail and attachments are content-addressed: `PREFIX/raw/<sha256>` and
`PREFIX/files/<sha256>`, and those keys are what the rows keep as their path. So a mail that
joins another order does not move (nothing to copy, nothing to remove after the commit), the
same attachment sent twice is one object, and raw mail may be kept under S3 Object Lock:
written once, never overwritten (an object already there is not written again), never
deleted before its time. `order.json` and quarantined mail keep the folder layout under the
prefix (`orders/<folder>/order.json`, `quarantine/<month>/…`): they are rewritten, or
repaired by a person, in place.

Every upload carries its SHA-256 (`ChecksumSHA256`): the store refuses bytes that arrive
otherwise. A PUT that returned is durable, so `sync` has nothing left to do, and the object is
written before the rows that point at it are committed (the store's `put` comes first): a
crash leaves an object nothing points at, never a row without its object.

Credentials come from boto3's standard chain (the environment, ~/.aws, an instance role),
never from mailflow.yaml.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from mailflow.errors import StoreError
from mailflow.model import Attachment, Direction
from mailflow.store.archive import CHUNK, Archive, LocalArchive

if TYPE_CHECKING:
    from mailflow.config import Config, S3Settings
    from mailflow.store.store import Store

log = logging.getLogger(__name__)
logging.getLogger("botocore.credentials").setLevel(logging.WARNING)  # not "found credentials in …" each time

RAW, FILES = "raw", "files"  # the content-addressed kinds of object
# Raw mail under retention is evidence: in COMPLIANCE mode nobody, not even the bucket's
# owner, deletes or shortens it before its date (GOVERNANCE could be bypassed by a
# privileged user, which is what evidence must not allow).
LOCK_MODE = "COMPLIANCE"
_MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchVersion"}


def open_archive(config: Config) -> Archive:
    """The archive the config names: its S3 bucket, else the local folder."""
    s3 = config.archive.s3
    return S3Archive.from_settings(s3) if s3 is not None else LocalArchive(config.archive_root)


def open_store(config: Config) -> Store:
    """The store a process of the desk works on: the database, the archive the config names,
    the follow-up plans."""
    from mailflow.follow import follower_from
    from mailflow.store.store import Store

    return Store(config.database_url, open_archive(config), config.lease_seconds,
                 history_days=config.correlation.history_days, follower=follower_from(config))


def reachability(archive: Archive) -> dict[str, Any]:
    """For `mailflow status`: where the archive is, whether it answers, and how fast (one HEAD
    of the bucket; a local folder is reachable when it is a folder)."""
    if isinstance(archive, S3Archive):
        try:
            seconds = archive.ping()
        except StoreError as exc:
            return {"where": archive.describe(), "reachable": False, "latency_ms": None, "error": str(exc)}
        return {"where": archive.describe(), "reachable": True, "latency_ms": round(seconds * 1000, 1),
                "error": None}
    root = getattr(archive, "root", None)
    ok = root is not None and (root.is_dir() or not root.exists())  # made at the first file
    return {"where": archive.describe(), "reachable": ok, "latency_ms": None,
            "error": None if ok else "not a folder"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """s3://BUCKET/PREFIX -> (bucket, prefix)."""
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise StoreError(f"not an S3 location: {url!r} (s3://BUCKET/PREFIX)")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix.strip("/")


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


class S3Archive(Archive):
    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, retain_days: int | None = None) -> None:
        import boto3
        from botocore.config import Config as ClientConfig

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.endpoint_url, self.retain_days = endpoint_url, retain_days
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            config=ClientConfig(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5,
                                read_timeout=60))
        self._lock_checked = False

    @classmethod
    def from_settings(cls, s3: S3Settings) -> S3Archive:
        return cls(s3.bucket, s3.prefix, s3.endpoint_url, s3.region, s3.retain_days)

    def describe(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        return f"{where} at {self.endpoint_url}" if self.endpoint_url else where

    def key(self, rel: str | PurePosixPath) -> str:
        """The object's key: `rel` under the prefix, refused when it could leave it."""
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or any(p in ("..", ".", "") for p in parts):
            raise ValueError(f"refusing to use a key outside the archive: {rel}")
        return "/".join((self.prefix, *parts)) if self.prefix else "/".join(parts)

    # --- names: by content ----------------------------------------------------------------

    def mail_path(self, folder: PurePosixPath, date: dt.datetime | None, direction: Direction,
                  sha256: str) -> PurePosixPath:
        return PurePosixPath(RAW) / sha256

    def attachment_path(self, folder: PurePosixPath, attachment: Attachment) -> PurePosixPath:
        return PurePosixPath(FILES) / attachment.sha256

    def moved_attachment(self, folder: PurePosixPath, rel: str, sha256: str) -> PurePosixPath:
        return PurePosixPath(rel) if content_addressed(rel) else PurePosixPath(FILES) / sha256

    # --- writing ----------------------------------------------------------------------------

    def put(self, rel: PurePosixPath, data: bytes, *, together: bool = False) -> tuple[str, bool]:
        """Uploaded and durable. A content-addressed object already there is these bytes
        (its key is their sha256): it is not written again, so retention is never met by a
        second version."""
        key = self.key(rel)
        addressed = content_addressed(rel)
        if addressed and self._size(key) == len(data):
            return key, False
        extra: dict[str, Any] = {}
        if self.retain_days and str(rel).startswith(RAW + "/"):
            self._check_lock()
            extra = {"ObjectLockMode": LOCK_MODE, "ObjectLockRetainUntilDate":
                     dt.datetime.now(dt.UTC) + dt.timedelta(days=self.retain_days)}
        self._call(f"write {key}", self.client.put_object, Bucket=self.bucket, Key=key, Body=data,
                   ChecksumSHA256=sha256_b64(data), Metadata={"sha256": hashlib.sha256(data).hexdigest()},
                   **extra)
        return key, True

    def sync(self, written: Iterable[tuple[Any, bool]], *, together: bool = False) -> None:
        """Nothing: an upload that returned is on the store's disks."""

    def discard(self, written: Iterable[tuple[Any, bool]]) -> None:
        """Nothing: what was uploaded is durable and whole (its checksum was checked), and a
        mail filed again finds it; an object nothing points at is harmless."""

    def _check_lock(self) -> None:
        """`retain_days` on a bucket without Object Lock: refused, not written unprotected."""
        if self._lock_checked:
            return
        try:
            answer = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
        except (ClientError, BotoCoreError) as exc:
            if _code(exc) not in ("ObjectLockConfigurationNotFoundError", "NotImplemented"):
                raise self._failed("read the Object Lock setting of", exc) from None
            enabled = False
        if not enabled:
            raise StoreError(f"archive.s3.retain_days is set but the bucket {self.bucket} has no Object Lock: "
                             "create it with Object Lock enabled (ObjectLockEnabledForBucket), or remove "
                             "retain_days")
        self._lock_checked = True

    # --- reading ----------------------------------------------------------------------------

    def read(self, rel: str | PurePosixPath) -> bytes:
        return b"".join(self.chunks(rel))

    def chunks(self, rel: str | PurePosixPath) -> Iterator[bytes]:
        key = self.key(rel)
        body = self._call(f"read {key}", self.client.get_object, Bucket=self.bucket, Key=key)["Body"]

        def pieces() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            except BotoCoreError as exc:  # the connection broke while the object was read
                raise self._failed(f"read {key} from", exc) from None
            finally:
                body.close()
        return pieces()

    def exists(self, rel: str | PurePosixPath) -> bool:
        return self._size(self.key(rel)) is not None

    def _size(self, key: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            if _code(exc) in _MISSING:
                return None
            raise self._failed(f"look up {key} in", exc) from None
        return int(head["ContentLength"])

    def remove(self, rel: str | PurePosixPath) -> None:
        """Removed; an object under retention stays until its date (said in the log)."""
        key = self.key(rel)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            if _code(exc) == "AccessDenied":
                log.warning("%s not removed from %s: under retention or not allowed", key, self.describe())
                return
            raise self._failed(f"remove {key} from", exc) from None

    def ping(self) -> float:
        """Seconds one HEAD of the bucket took (StoreError when the store cannot be reached)."""
        started = time.monotonic()
        self._call("reach", self.client.head_bucket, Bucket=self.bucket)
        return time.monotonic() - started

    # --- errors -----------------------------------------------------------------------------

    def _call(self, what: str, call: Any, **kw: Any) -> Any:
        try:
            return call(**kw)
        except (ClientError, BotoCoreError) as exc:
            if _code(exc) in _MISSING:
                raise FileNotFoundError(f"{kw.get('Key', what)}: not in {self.describe()}") from None
            raise self._failed(what + (" in" if "Key" in kw else ""), exc) from None

    def _failed(self, what: str, exc: Exception) -> StoreError:
        return StoreError(f"cannot {what} the archive {self.describe()}: {exc}")


def content_addressed(rel: str | PurePosixPath) -> bool:
    parts = PurePosixPath(rel).parts
    return len(parts) == 2 and parts[0] in (RAW, FILES) and len(parts[1]) == 64


def _code(exc: Exception) -> str:
    """The S3 error code of a botocore ClientError ("" for anything else: a connection fault)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""
