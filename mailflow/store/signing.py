"""Ed25519 keys for signing evidence bundles (`order export --sign`, `verify --key`).

A manifest lists every file's sha256, so changing a file shows; but whoever changes a file can
also rewrite the manifest. A signature made with the desk's private key ties the manifest to
the desk: a rewritten manifest no longer matches its public key.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mailflow.errors import ConfigError


def generate(private_path: Path, public_path: Path) -> None:
    """A new key pair; the private key readable by its owner only."""
    for path in (private_path, public_path):
        if path.exists():
            raise ConfigError("already exists; not overwritten", path)
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private)
    public_path.write_bytes(public)


def sign(private_pem: bytes, data: bytes) -> bytes:
    """The base64 signature of `data`."""
    try:
        key = serialization.load_pem_private_key(private_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("the signing key must be an Ed25519 key (mailflow keys generate)")
    return base64.b64encode(key.sign(data))


def load_public(public_pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError("the public key must be an Ed25519 key (mailflow keys generate)")
    return key
