#!/usr/bin/env python3
"""boto3 against `kmsim serve --sigv4 strict --credentials FILE`: botocore's signatures verify
(the smoke calls, session credentials, the admin endpoints), and every wrong one is refused
with AWS's error.

Usage: boto3_sigv4_strict.py ENDPOINT CREDENTIALS [--ca-bundle CA.pem]
CREDENTIALS is the server's file: its first entry without a session token and its first
entry with one are used.
Exits non-zero (with the failing assertion) if any call or check fails.
"""
import argparse
import json
import ssl
import urllib.error
import urllib.request

import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from boto3_smoke import client, expect_error, smoke

MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
BAD_TOKEN = "The security token included in the request is invalid."


def entries(path):
    """(access key, secret, account, session token or None) of each line of a credentials file."""
    found = []
    with open(path) as lines:
        for line in lines:
            fields = []
            for field in line.split():
                if field.startswith("#"):
                    break
                fields.append(field)
            if fields:
                found.append((fields[0], fields[1], fields[2], fields[3] if len(fields) > 3 else None))
    return found


def admin(endpoint, method, path, credentials, ca_bundle, body=b""):
    """An admin request signed by botocore's SigV4 signer (or unsigned): (status, JSON body)."""
    request = AWSRequest(method=method, url=endpoint + path, data=body)
    if credentials is not None:
        SigV4Auth(credentials, "kms", "us-east-1").add_auth(request)
    prepared = request.prepare()
    context = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else None
    http = urllib.request.Request(prepared.url, data=prepared.body or None, method=method,
                                  headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(http, context=context) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("credentials")
    parser.add_argument("--ca-bundle", help="CA certificates (PEM) for an https:// endpoint")
    args = parser.parse_args()
    keys = entries(args.credentials)
    key, secret, account, _ = next(e for e in keys if e[3] is None)
    s_key, s_secret, s_account, s_token = next(e for e in keys if e[3] is not None)
    kms = lambda **kw: client(args.endpoint, ca_bundle=args.ca_bundle, **kw)  # noqa: E731

    # Correctly signed: every call of the smoke works, in the credentials' account.
    count = smoke(kms(access_key_id=key, secret_access_key=secret), account=account)
    session = kms(access_key_id=s_key, secret_access_key=s_secret, session_token=s_token, region="eu-west-1")
    made = session.create_key()["KeyMetadata"]
    assert made["Arn"].startswith(f"arn:aws:kms:eu-west-1:{s_account}:key/"), made

    # Wrongly signed: AWS's exceptions, as botocore raises them.
    wrong = kms(access_key_id=key, secret_access_key=secret + "x")
    expect_error(wrong.list_keys, "InvalidSignatureException", MISMATCH)
    stranger = kms(access_key_id="AKIDNOSUCHKEY", secret_access_key=secret)
    expect_error(stranger.list_keys, "UnrecognizedClientException", BAD_TOKEN)
    forged_token = kms(access_key_id=s_key, secret_access_key=s_secret, session_token=s_token + "x")
    expect_error(forged_token.list_keys, "UnrecognizedClientException", BAD_TOKEN)
    unsigned = kms(config=botocore.config.Config(signature_version=botocore.UNSIGNED))
    expect_error(unsigned.list_keys, "MissingAuthenticationTokenException")

    # The admin endpoints take botocore's signatures too, and nothing less.
    signer = Credentials(key, secret)
    status, now = admin(args.endpoint, "GET", "/kmsim/clock", signer, args.ca_bundle)
    assert status == 200 and "Now" in now, (status, now)
    status, refused = admin(args.endpoint, "GET", "/kmsim/clock", None, args.ca_bundle)
    assert (status, refused["__type"]) == (400, "MissingAuthenticationTokenException"), refused
    status, refused = admin(args.endpoint, "POST", "/moto-api/reset", Credentials(key, "guess"), args.ca_bundle)
    assert (status, refused["__type"]) == (400, "InvalidSignatureException"), refused

    print(
        f"boto3 SigV4 strict: {count} keys in {account}, session credentials in {s_account}: ok; "
        "wrong secret, unknown key, forged token, unsigned, unsigned admin: refused as AWS does"
    )


if __name__ == "__main__":
    main()
