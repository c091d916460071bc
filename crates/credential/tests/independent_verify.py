"""Checks Leerweek's VC-JWTs and status list with implementations that share
no code with the crate: PyJWT + cryptography (PyPI) for the EdDSA JWS, Python's
gzip/base64 for the Bitstring Status List and, when installed, the
openbadgeslib (PyPI) Open Badges 3.0 verifier.

Called by tests/independent.rs:
    independent_verify.py DIR
where DIR holds jwk.json, credential.jwt, status.jwt and expect.json.
Prints "SKIPPED: ..." to stderr for an optional verifier that is missing;
exits non-zero on any failed check.
"""

import base64
import gzip
import json
import pathlib
import sys

import jwt  # PyJWT
from cryptography.hazmat.primitives import serialization


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main(directory):
    d = pathlib.Path(directory)
    jwk = json.loads((d / "jwk.json").read_text())
    token = (d / "credential.jwt").read_text().strip()
    status_token = (d / "status.jwt").read_text().strip()
    expect = json.loads((d / "expect.json").read_text())

    assert "d" not in jwk, "the published JWK holds a private key"
    key = jwt.PyJWK(jwk)
    options = {"require": ["iss", "jti", "nbf", "sub"], "verify_aud": False}

    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": jwk["kid"], "typ": "JWT"}, header
    payload = jwt.decode(token, key=key.key, algorithms=["EdDSA"], options=options)
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"]
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    name = payload["credentialSubject"]["identifier"][0]["identityHash"]
    assert name == expect["person_name"], name
    print("OK PyJWT %s verified the OpenBadgeCredential (EdDSA)" % jwt.__version__)

    header_b64, payload_b64, signature_b64 = token.split(".")
    forged = dict(payload, credentialSubject=dict(payload["credentialSubject"], id="urn:x"))
    forged_b64 = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    try:
        jwt.decode("%s.%s.%s" % (header_b64, forged_b64, signature_b64),
                   key=key.key, algorithms=["EdDSA"], options=options)
    except jwt.InvalidSignatureError:
        print("OK PyJWT refused the changed payload")
    else:
        raise AssertionError("PyJWT accepted a changed payload")

    status = jwt.decode(status_token, key=key.key, algorithms=["EdDSA"],
                        options={"require": ["iss", "jti", "nbf"], "verify_aud": False})
    subject = status["credentialSubject"]
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u") and "=" not in encoded
    bits = gzip.decompress(b64url(encoded[1:]))
    assert len(bits) >= 16 * 1024, len(bits)

    def bit(i):
        return (bits[i // 8] >> (7 - i % 8)) & 1

    for i in expect["revoked"]:
        assert bit(i) == 1, i
    for i in expect["not_revoked"]:
        assert bit(i) == 0, i
    assert sum(bin(b).count("1") for b in bits) == len(set(expect["revoked"]))
    entry = payload["credentialStatus"]
    assert entry["statusListCredential"] == status["id"]
    assert bit(int(entry["statusListIndex"])) == expect["credential_revoked"]
    print("OK Python gzip/base64 read the status list: %d bytes, bits %s set"
          % (len(bits), expect["revoked"]))

    try:
        from openbadgeslib.ob3.verifier import OB3Verifier
        import openbadgeslib
    except ImportError:
        print("SKIPPED: openbadgeslib is not installed; its OB 3.0 verifier did not run",
              file=sys.stderr)
        return
    pem = key.key.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)
    credential = OB3Verifier(pubkey_pem=pem).verify(token)
    assert credential.issuer.id == payload["issuer"]["id"]
    print("OK openbadgeslib %s OB3Verifier accepted the credential"
          % getattr(openbadgeslib, "__version__", "?"))


if __name__ == "__main__":
    main(sys.argv[1])
