#!/usr/bin/env python3
"""boto3 against `kmsim serve`: the calls an application makes, as the AWS SDK makes them.

Usage: boto3_smoke.py ENDPOINT [--ca-bundle CA.pem]
       (ENDPOINT: http://127.0.0.1:PORT, or https://… with the CA that signed its certificate)
Exits non-zero (with the failing assertion) if any call or check fails.
boto3_sigv4_strict.py runs the same calls against `kmsim serve --sigv4 strict`.
"""
import argparse

import boto3
from botocore.exceptions import ClientError


def client(endpoint, access_key_id="AKIDKMSIMSMOKE", secret_access_key="not-checked",
           session_token=None, region="us-east-1", ca_bundle=None, **config):
    """A KMS client for `endpoint`; `ca_bundle` is the CA file for an https:// endpoint."""
    return boto3.client(
        "kms",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=session_token,
        verify=ca_bundle if ca_bundle else True,
        **config,
    )


def expect_error(call, code, message=None):
    """`call()` must raise a ClientError with AWS error code `code` (and `message`), HTTP 400."""
    try:
        call()
    except ClientError as error:
        assert error.response["Error"]["Code"] == code, error.response
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, error.response
        if message is not None:
            assert error.response["Error"]["Message"] == message, error.response
        return error
    raise AssertionError(f"expected {code}")


def smoke(kms, account=None):
    """The calls of an application; `account`, if given, must own the keys. Returns the key count."""
    key = kms.create_key(Description="boto3 smoke")["KeyMetadata"]
    assert key["KeyState"] == "Enabled", key
    assert key["KeySpec"] == "SYMMETRIC_DEFAULT", key
    if account is not None:
        assert key["AWSAccountId"] == account, key
        assert f":{account}:key/" in key["Arn"], key
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
    expect_error(lambda: kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"]), "InvalidCiphertextException")
    expect_error(lambda: kms.describe_key(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab"), "NotFoundException")

    kms.disable_key(KeyId=key_id)
    expect_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "DisabledException")

    keys = {k["KeyId"] for k in kms.get_paginator("list_keys").paginate().build_full_result()["Keys"]}
    assert {key_id, other} <= keys, keys
    return len(keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--ca-bundle", help="CA certificates (PEM) for an https:// endpoint")
    args = parser.parse_args()
    keys = smoke(client(args.endpoint, ca_bundle=args.ca_bundle))
    print(f"boto3 smoke: {keys} keys; create_key, encrypt, decrypt, generate_data_key, re_encrypt, errors: ok")


if __name__ == "__main__":
    main()
