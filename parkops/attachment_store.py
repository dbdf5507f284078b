"""Where attachment files live: the instance folder (the default) or an S3-compatible bucket.

``store()`` gives the app's store, built once per process. Both stores keep a file under
its ``stored_name`` (``<32 hex>.jpg``, ``….thumb.jpg``, ``….pdf``) and answer the same
five calls: ``put`` (bytes already validated in memory, written without another copy),
``send`` (a streamed response, never read whole), ``delete``, ``exists`` and ``read``.

The bucket is used when ``S3_BUCKET`` is set (``PARKOPS_S3_BUCKET``), with
``S3_ENDPOINT_URL`` (MinIO, Ceph, any S3 API; empty for AWS itself), ``S3_ACCESS_KEY``,
``S3_SECRET_KEY`` and ``S3_REGION``: then web workers on several machines share the files.
Errors of the backend raise ``StoreError`` (an OSError, as a full disk does).
"""

from pathlib import Path

from flask import Flask, current_app, send_file

CHUNK_BYTES = 64 * 1024  # what one read of a streamed download holds


class StoreError(OSError):
    """The storage backend refused or could not be reached."""


class FolderStore:
    """Files in one folder (``<instance>/attachments``), shared by the workers of one machine
    or through a shared file system."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self._path(name).write_bytes(data)

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def send(self, name: str, *, mimetype: str, disposition: str):
        """Sent by the server from the file (ranges and If-None-Match answered);
        ``disposition`` is the Content-Disposition (``downloads.content_disposition``)."""
        response = send_file(self._path(name), mimetype=mimetype, max_age=3600, conditional=True)
        response.headers["Content-Disposition"] = disposition
        return response


class S3Store:
    """Objects ``<stored_name>`` in one bucket; the boto3 client is shared by threads."""

    def __init__(self, bucket: str, **client_args):
        import boto3  # only installations that use a bucket pay for importing it
        from botocore.config import Config

        self.bucket = bucket
        config = Config(retries={"mode": "standard", "max_attempts": 3})
        self.client = boto3.client("s3", config=config, **client_args)

    def _call(self, method: str, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"S3 {method} failed: {exc}") from exc

    def put(self, name: str, data: bytes, content_type: str) -> None:
        # put_object sends the bytes as they are: no second copy of a 10 MiB file.
        self._call("put_object", Key=name, Body=data, ContentType=content_type)

    def read(self, name: str) -> bytes:
        return self._call("get_object", Key=name)["Body"].read()

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StoreError(f"S3 head_object failed: {exc}") from exc
        return True

    def delete(self, name: str) -> None:
        self._call("delete_object", Key=name)  # S3 answers 204 for a missing key too

    def send(self, name: str, *, mimetype: str, disposition: str):
        """Streamed from the bucket in CHUNK_BYTES pieces; the object's ETag and date make
        an If-None-Match or If-Modified-Since request a 304."""
        found = self._call("get_object", Key=name)
        body = found["Body"]
        response = send_file(
            _Chunks(body),
            mimetype=mimetype,
            etag=found["ETag"].strip('"'),
            last_modified=found["LastModified"],
            max_age=3600,
            conditional=True,
        )
        response.headers["Content-Disposition"] = disposition
        if response.status_code == 200:
            response.headers["Content-Length"] = str(found["ContentLength"])
        else:  # 304: nothing of the body is sent
            body.close()
        return response


class _Chunks:
    """A file-like view of boto3's StreamingBody that reads at most CHUNK_BYTES at a time
    (werkzeug's file wrapper asks for 8 KiB; a bare read() would take the whole object)."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        if size is None or size < 0 or size > CHUNK_BYTES:
            size = CHUNK_BYTES
        return self.body.read(size)

    def close(self) -> None:
        self.body.close()


def build(app: Flask) -> FolderStore | S3Store:
    config = app.config
    if not config.get("S3_BUCKET"):
        return FolderStore(Path(app.instance_path) / "attachments")
    return S3Store(
        config["S3_BUCKET"],
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        aws_access_key_id=config.get("S3_ACCESS_KEY") or None,
        aws_secret_access_key=config.get("S3_SECRET_KEY") or None,
        region_name=config.get("S3_REGION") or None,
    )


def store() -> FolderStore | S3Store:
    """The current app's store (built on first use, then kept for the process)."""
    app = current_app._get_current_object()
    found = app.extensions.get("parkops_attachment_store")
    if found is None:
        found = app.extensions["parkops_attachment_store"] = build(app)
    return found
