"""Where stored files live: a folder on this machine (`make run`, and the tests that need no object store), or a
bucket of an S3-compatible object store that every web and worker machine shares (production, with S3_BUCKET set).

Nothing in a bucket is public: the service reads each object with its own credentials and sends it only after its
own permission checks, so a leaked object name opens nothing. Files are written whole or not at all (a folder's
file is written beside its final name and moved into place; an object store keeps no partial upload).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from flask import Response, current_app, send_file, send_from_directory
from werkzeug.exceptions import NotFound

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

STREAM_CHUNK = 64 * 1024  # bytes read from the object store at a time while a file is sent


class StorageError(Exception):
    """The store could not be reached or refused the operation."""


class FileStore(Protocol):
    """A place for files named by the service (random names: no directory parts)."""

    def write(self, name: str, content: bytes) -> None:
        """Store `content` under `name`, whole or not at all (replacing what was there)."""

    def read(self, name: str) -> bytes:
        """The content stored under `name`; FileNotFoundError when there is none."""

    def delete(self, names: Iterable[str]) -> None:
        """Delete the files; a name with no file is not an error, nor is a store that cannot be reached (logged)."""

    def names(self) -> Iterator[str]:
        """The name of every stored file."""

    def send(self, name: str, *, mimetype: str, download_name: str) -> Response:
        """The file as a download; 404 when there is none."""

    def check(self) -> None:
        """Raise StorageError unless the store can be used now."""


class LocalFolder:
    """Files in a folder of this machine."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        if not name or os.path.basename(name) != name or name.startswith("."):
            raise FileNotFoundError(name)
        return self.folder / name

    def write(self, name: str, content: bytes) -> None:
        path = self._path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.part")
        try:
            partial.write_bytes(content)
            os.replace(partial, path)
        except OSError as error:  # a full disk leaves nothing behind
            partial.unlink(missing_ok=True)
            raise StorageError(f"could not write {name}: {error}") from error

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, names: Iterable[str]) -> None:
        for name in names:
            try:
                self._path(name).unlink(missing_ok=True)
            except FileNotFoundError:
                continue
            except OSError as error:
                log.warning("could not delete stored file %s: %s", name, error)

    def names(self) -> Iterator[str]:
        if self.folder.is_dir():
            yield from (path.name for path in self.folder.iterdir() if path.is_file() and not path.name.startswith("."))

    def send(self, name: str, *, mimetype: str, download_name: str) -> Response:
        return send_from_directory(
            self.folder, name, mimetype=mimetype, as_attachment=True, download_name=download_name
        )

    def check(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not os.access(self.folder, os.W_OK):
            raise StorageError(f"cannot write to {self.folder}")


class S3Bucket:
    """Objects in a bucket of an S3-compatible store (AWS S3, SeaweedFS, MinIO, Ceph), reached through boto3 with
    a connect and a read timeout, so that a store that hangs fails a request instead of holding a worker."""

    def __init__(self, config: dict[str, Any]) -> None:
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket: str = config["S3_BUCKET"]
        self.prefix: str = config["S3_PREFIX"]
        self.client = boto3.client(
            "s3",
            endpoint_url=config["S3_ENDPOINT_URL"] or None,
            region_name=config["S3_REGION"] or None,
            aws_access_key_id=config["S3_ACCESS_KEY_ID"] or None,
            aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"] or None,
            config=BotoConfig(
                connect_timeout=config["S3_CONNECT_TIMEOUT"],
                read_timeout=config["S3_READ_TIMEOUT"],
                retries={"max_attempts": 3, "mode": "standard"},
                # Most self-hosted stores answer on one host name: the bucket goes in the path.
                s3={"addressing_style": "path" if config["S3_ENDPOINT_URL"] else "auto"},
            ),
        )

    def _key(self, name: str) -> str:
        return self.prefix + name

    def write(self, name: str, content: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=content)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"could not store {name}: {error}") from error

    def _get(self, name: str) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(name) from None
            raise StorageError(f"could not read {name}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"could not read {name}: {error}") from error

    def read(self, name: str) -> bytes:
        body = self._get(name)["Body"]
        with body:
            return body.read()

    def delete(self, names: Iterable[str]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        for name in names:
            try:
                self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
            except (BotoCoreError, ClientError) as error:
                log.warning("could not delete stored object %s: %s", name, error)

    def names(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def send(self, name: str, *, mimetype: str, download_name: str) -> Response:
        try:
            found = self._get(name)
        except FileNotFoundError:
            raise NotFound() from None
        response = send_file(found["Body"], mimetype=mimetype, as_attachment=True, download_name=download_name)
        response.content_length = found["ContentLength"]
        return response

    def check(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"bucket {self.bucket} cannot be reached: {error}") from error


@dataclass
class MoveResult:
    """What `move_to_bucket` did: files copied, files the bucket already held, and files that failed (by name)."""

    moved: int = 0
    already: int = 0
    failed: list[str] = field(default_factory=list)


def move_to_bucket(folder: LocalFolder, bucket: S3Bucket, *, keep: bool = False) -> MoveResult:
    """Copy every file of `folder` into `bucket` (a file the bucket already holds with the same content is not sent
    again), then delete the folder's copy unless `keep`. A file is deleted only once the bucket holds it whole, so
    the command can be stopped and run again at any point."""
    result = MoveResult()
    for name in sorted(folder.names()):
        try:
            content = folder.read(name)
            try:
                there = bucket.read(name) == content
            except FileNotFoundError:
                there = False
            if there:
                result.already += 1
            else:
                bucket.write(name, content)
                if bucket.read(name) != content:
                    raise StorageError(f"{name} was not stored whole")
                result.moved += 1
        except (OSError, StorageError) as error:
            log.warning("could not move %s: %s", name, error)
            result.failed.append(name)
            continue
        if not keep:
            folder.delete([name])
    return result


def _settings(config: Any) -> tuple:
    return (config["S3_BUCKET"], config["S3_ENDPOINT_URL"], config["S3_PREFIX"], config["UPLOAD_FOLDER"])


def file_store(app: Flask | None = None) -> FileStore:
    """The application's store of uploaded files: its S3 bucket when S3_BUCKET is set, else UPLOAD_FOLDER. Made
    once per application (a boto3 client is safe to share between threads) and again if the settings change."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    settings = _settings(app.config)
    made = app.extensions.get("wananchi_file_store")
    if made is None or made[0] != settings:
        store: FileStore = S3Bucket(app.config) if app.config["S3_BUCKET"] else LocalFolder(app.config["UPLOAD_FOLDER"])
        made = app.extensions["wananchi_file_store"] = (settings, store)
    return made[1]
