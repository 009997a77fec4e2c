#!/usr/bin/env python3
"""boto3 against `kmsim serve`: the calls an application makes, as the AWS SDK makes them.

Usage: boto3_smoke.py http://127.0.0.1:PORT
Exits non-zero (with the failing assertion) if any call or check fails.
"""
import base64
import sys

import boto3
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
kms = boto3.client(
    "kms",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDKMSIMSMOKE",
    aws_secret_access_key="not-checked",
)

key = kms.create_key(Description="boto3 smoke")["KeyMetadata"]
assert key["KeyState"] == "Enabled", key
assert key["KeySpec"] == "SYMMETRIC_DEFAULT", key
key_id = key["KeyId"]
other = kms.create_key()["KeyMetadata"]["KeyId"]
context = {"purpose": "smoke", "tenant": "t-1"}

sealed = kms.encrypt(KeyId=key_id, Plaintext=b"attack at dawn", EncryptionContext=context)
assert sealed["KeyId"] == key["Arn"], sealed
opened = kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], EncryptionContext=context)
assert opened["Plaintext"] == b"attack at dawn", opened
assert opened["KeyId"] == key["Arn"], opened

data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
assert len(data_key["Plaintext"]) == 32, data_key
unwrapped = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context)
assert unwrapped["Plaintext"] == data_key["Plaintext"]

moved = kms.re_encrypt(
    CiphertextBlob=sealed["CiphertextBlob"],
    SourceEncryptionContext=context,
    DestinationKeyId=other,
    DestinationEncryptionContext={"purpose": "moved"},
)
assert moved["SourceKeyId"] == key["Arn"], moved
reopened = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"purpose": "moved"})
assert reopened["Plaintext"] == b"attack at dawn"
assert reopened["KeyId"].endswith(other)

# AWS's errors arrive as botocore ClientErrors with AWS's codes.
for call, code in [
    (lambda: kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"]), "InvalidCiphertextException"),
    (lambda: kms.describe_key(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab"), "NotFoundException"),
]:
    try:
        call()
    except ClientError as error:
        assert error.response["Error"]["Code"] == code, error.response
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, error.response
    else:
        raise AssertionError(f"expected {code}")

kms.disable_key(KeyId=key_id)
try:
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
except ClientError as error:
    assert error.response["Error"]["Code"] == "DisabledException", error.response
else:
    raise AssertionError("a disabled key encrypted")

keys = {k["KeyId"] for k in kms.get_paginator("list_keys").paginate().build_full_result()["Keys"]}
assert {key_id, other} <= keys, keys
print(f"boto3 smoke: {len(keys)} keys; create_key, encrypt, decrypt, generate_data_key, re_encrypt, errors: ok")
