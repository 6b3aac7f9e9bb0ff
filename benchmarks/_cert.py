"""A throwaway TLS certificate for 127.0.0.1, made when a benchmark run starts.

Every real download is https, so figures compare ours and curl over TLS too. The certificate
is self-signed for the IP address 127.0.0.1 (hostname checks stay on), lives in the run's
temporary folder and is trusted only by the benchmark's own clients: curl through
``--cacert``, ours by adding it to the run's one TLS context (``_core.tls.tls_context``), which
changes no code path the measurement goes through. Made with the ``openssl`` command, or
the ``cryptography`` package when that is installed instead; with neither, ``None`` and why.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def make_certificate(folder: Path) -> tuple[Path, Path] | str:
    """``(certificate, key)`` PEM files for 127.0.0.1 under ``folder``, or why there are none."""
    cert, key = folder / "loopback-cert.pem", folder / "loopback-key.pem"
    openssl = shutil.which("openssl")
    if openssl is not None:
        done = subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode == 0:
            return cert, key
        return f"openssl could not make a certificate: {done.stderr.strip()[-200:]}"
    try:
        return _with_cryptography(cert, key)
    except ImportError:
        return "neither the openssl command nor the cryptography package is available"


def _with_cryptography(cert: Path, key: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509  # type: ignore[import-not-found, unused-ignore]
    from cryptography.hazmat.primitives import hashes, serialization  # type: ignore[import-not-found, unused-ignore]
    from cryptography.hazmat.primitives.asymmetric import ec  # type: ignore[import-not-found, unused-ignore]
    from cryptography.x509.oid import NameOID  # type: ignore[import-not-found, unused-ignore]

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key
