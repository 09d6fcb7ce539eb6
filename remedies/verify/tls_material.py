"""A throwaway certificate authority and a certificate for 127.0.0.1, made with `openssl`, so
the stand-in can answer over TLS and a proof can ask whether the client trusts a CA given in
the place the user gives theirs (NODE_EXTRA_CA_CERTS in a shell, or only in settings.json).

The user's own CA cannot sign anything here (no key), so the value of the variable is swapped
for the throwaway CA wherever it is set; the place stays, which is what the proof is about.
Measured: Claude Code before 2.1.70 ignores NODE_EXTRA_CA_CERTS set only in settings.json (2.0.50,
2.1.20, 2.1.63, 2.1.69: "Connection error" / "SSL certificate verification failed"); 2.1.70
and later honour it there too (2.1.70 to 2.1.111).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from remedies.context import Context
from remedies.errors import RemedyError


@dataclass(frozen=True)
class TlsMaterial:
    ca: Path  # what the client is told to trust
    cert: Path  # the stand-in's, signed by the CA, for IP 127.0.0.1
    key: Path


def make_tls_material(ctx: Context, folder: Path) -> TlsMaterial:
    openssl = ctx.which("openssl")
    if openssl is None:
        raise RemedyError("proving where a CA is trusted needs `openssl` on PATH; it is not")
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    cert, key, request = folder / "standin.pem", folder / "standin.key", folder / "standin.csr"
    extensions = folder / "san.cnf"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n")
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca),
         "-days", "1", "-subj", "/CN=remedy throwaway CA"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(request),
         "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key),
         "-CAcreateserial", "-out", str(cert), "-days", "1", "-extfile", str(extensions)],
    ]  # fmt: skip
    for step in steps:
        done = ctx.runner.run([openssl, *step], env={"PATH": ctx.env.get("PATH", "")}, cwd=folder)
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise RemedyError(f"openssl {step[0]} failed: {' '.join(said) or 'no message'}")
    return TlsMaterial(ca, cert, key)
