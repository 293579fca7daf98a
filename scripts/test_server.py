"""The NLL test server in its own process, as a counter meets NLL: `nllc sim --tls` on loopback
(mutual TLS, its test PKI in a folder) and a client configuration with a fixed token from its
token exchange, so no keyring is needed. Shared by scripts/bench_heavy.py, scripts/measure.py and
tests/e2e/test_live.py."""
import json
import os
import ssl
import subprocess
import urllib.parse
import urllib.request


def start(nllc, pki):
    """Starts `nllc sim --tls` with its PKI in `pki`; returns (process, base URL) once it listens."""
    p = subprocess.Popen([nllc, "sim", "--tls", "--port", "0", "--pki-dir", pki],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = p.stdout.readline().strip()
    for line in p.stdout:
        if line.startswith("Avsluta med Ctrl-C"):
            break
    return p, base


def stop(p):
    p.send_signal(2)
    p.wait(timeout=20)


def token(base, pki):
    """The test server's token exchange as the test pharmacist (mutual TLS, like NLL's)."""
    ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    ctx.load_cert_chain(os.path.join(pki, "client-1.pem"), os.path.join(pki, "client-1-key.pem"))
    form = urllib.parse.urlencode({
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": "farmaceut",
        "subject_token_type": "urn:ietf:params:oauth:token-type:saml2",
        "client_id": "receptdisk",
        "client_secret": "test",
    }).encode()
    with urllib.request.urlopen(f"{base}/oauth/token", form, context=ctx) as r:
        return json.load(r)["access_token"]


def write_config(path, base, pki, access_log=None):
    """A client configuration (`receptdisk.toml`) for the server at `base` with a fixed token."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'base_url = "{base}/fhir"\nextra_ca_pem = "{pki}/ca.pem"\n')
        if access_log:
            f.write(f'access_log = "{access_log}"\n')
        f.write(f'[client_certificate]\npem = "{pki}/client-1.pem"\nkey_pem = "{pki}/client-1-key.pem"\n'
                f'[token]\nsource = "static"\ntoken = "{token(base, pki)}"\n')
    return path
