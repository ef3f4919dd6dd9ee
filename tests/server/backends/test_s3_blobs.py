"""What the S3 blob store adds to the conformance suite, on moto's S3 server: staged files go up whole
(large ones as a multipart upload read from the file), never over an existing object, under the
URL's prefix; and StoreUnavailable when the endpoint is down."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from pinrender_server.backends import Conflict, StoreUnavailable, open_blob_store
from pinrender_server.backends.s3_blobs import S3BlobStore
from tests.server.shared_backends import REGION, MotoS3, free_port, s3_environment, s3_store

MB = 2**20


def objects(bucket: str) -> dict[str, int]:
    client = boto3.client("s3", endpoint_url=MotoS3.start(), region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: item["Size"] for item in listing}


def staged(tmp_path: Path, data: bytes, name: str = ".upload-1") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_small_staged_file_goes_up_whole_and_never_over_another(tmp_path: Path) -> None:
    blobs = s3_store()
    data = os.urandom(300_000)
    blobs.put_file("originals/t1/a.jpg", staged(tmp_path, data))
    assert not (tmp_path / ".upload-1").exists()  # consumed
    assert blobs.get("originals/t1/a.jpg") == data
    second = staged(tmp_path, b"another", ".upload-2")
    with pytest.raises(Conflict):
        blobs.put_file("originals/t1/a.jpg", second)
    assert blobs.get("originals/t1/a.jpg") == data and second.exists()
    assert objects(blobs.bucket) == {"blobs/originals/t1/a.jpg": len(data)}  # under the prefix


def test_a_large_staged_file_goes_up_in_parts(tmp_path: Path) -> None:
    blobs = s3_store(part_size=5 * MB)  # S3's smallest part
    data = os.urandom(12 * MB)
    blobs.put_file("originals/t1/big.tif", staged(tmp_path, data))
    head = blobs._obs.head(blobs._store, "originals/t1/big.tif")
    assert head["e_tag"].strip('"').endswith("-3")  # a multipart upload of three parts
    assert b"".join(blobs.stream("originals/t1/big.tif", chunk_size=MB) or []) == data
    with pytest.raises(Conflict):
        blobs.put_file("originals/t1/big.tif", staged(tmp_path, data, ".upload-2"))


def test_the_url_and_the_aws_variables_choose_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    bucket = s3_environment(monkeypatch)
    blobs = open_blob_store(f"s3://{bucket}/deploy/one")
    assert isinstance(blobs, S3BlobStore) and blobs.staging() is None
    blobs.put("renders/ab/c.png", b"png")
    assert objects(bucket) == {"deploy/one/renders/ab/c.png": 3}
    assert list(blobs.keys("renders", before=2**40)) == ["renders/ab/c.png"]
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        S3BlobStore.from_url("s3:///nobucket")


def test_every_call_is_store_unavailable_when_the_endpoint_is_down(tmp_path: Path) -> None:
    blobs = S3BlobStore("gone", "p", endpoint=f"http://127.0.0.1:{free_port()}", region=REGION,
                        access_key_id="x", secret_access_key="y", retries=0, timeout=2)
    calls = [
        lambda: blobs.put("a/b", b"x"),
        lambda: blobs.put_file("a/b", staged(tmp_path, b"x")),
        lambda: blobs.get("a/b"),
        lambda: blobs.stream("a/b"),
        lambda: blobs.exists("a/b"),
        lambda: blobs.delete("a/b"),
        lambda: list(blobs.keys("a", before=2**40)),
    ]
    for call in calls:
        with pytest.raises(StoreUnavailable, match="unreachable"):
            call()
    assert (tmp_path / ".upload-1").exists()  # a failed upload leaves the staged file to its owner
