//! A test PKI for mutual TLS against the test server: a CA, a server certificate for
//! `127.0.0.1`/`localhost`, and client certificates (like a pharmacy's SITHS function
//! certificate, e.g. CN "Apotek Kronan kassa 1"), exported as PEM and PKCS#12.
//!
//! Used by the sim's own tests, the client's acceptance tests, the app's training mode and
//! `nllc sim --tls` without certificate files. Keys are generated fresh each time (ECDSA P-256);
//! nothing here is meant for production.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// The test server's name for clients that reach it through a proxy (which maps it to
/// loopback). `.test` is reserved: it never resolves anywhere else.
pub const PROXIED_HOST: &str = "nll-sim.test";

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("certifikatet kunde inte skapas: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("PKCS#12-filen kunde inte skapas: {0}")]
    Pkcs12(String),
    #[error("filen {path} kunde inte skrivas: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A certificate with its private key.
#[derive(Clone)]
pub struct CertAndKey {
    pub cert_pem: String,
    /// PKCS#8.
    pub key_pem: String,
    pub cert_der: Vec<u8>,
    /// PKCS#8.
    pub key_der: Vec<u8>,
}

impl std::fmt::Debug for CertAndKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of debug output and logs.
        f.debug_struct("CertAndKey")
            .field("cert_pem", &self.cert_pem)
            .finish_non_exhaustive()
    }
}

impl CertAndKey {
    /// Certificate then key in one PEM buffer (what `reqwest::Identity::from_pem` takes).
    pub fn identity_pem(&self) -> String {
        format!("{}{}", self.cert_pem, self.key_pem)
    }
}

/// The test CA plus the server certificate it issued.
pub struct TestPki {
    ca: CertifiedIssuer<'static, KeyPair>,
    server: CertAndKey,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki").finish_non_exhaustive()
    }
}

/// Name of the test CA (shown by tools that print the chain).
pub const CA_NAME: &str = "Receptdisk Test-CA (endast för test)";

impl TestPki {
    /// A new CA and a server certificate for `127.0.0.1` and `localhost`, and for
    /// [`PROXIED_HOST`] (a name no resolver knows: tests reach the server by it through a proxy,
    /// since loopback addresses are never proxied).
    pub fn generate() -> Result<TestPki, PkiError> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params
            .distinguished_name
            .push(DnType::CommonName, CA_NAME);
        ca_params
            .distinguished_name
            .push(DnType::OrganizationName, "Receptdisk");
        ca_params.distinguished_name.push(DnType::CountryName, "SE");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;

        let server_key = KeyPair::generate()?;
        let mut server_params = CertificateParams::new(vec![
            "127.0.0.1".to_string(),
            "localhost".to_string(),
            PROXIED_HOST.to_string(),
        ])?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "NLL testserver (Receptdisk)");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server_params.signed_by(&server_key, &ca)?;
        let server = CertAndKey {
            cert_pem: server_cert.pem(),
            key_pem: server_key.serialize_pem(),
            cert_der: server_cert.der().to_vec(),
            key_der: server_key.serialize_der(),
        };
        Ok(TestPki { ca, server })
    }

    /// The CA certificate (trust it on the client; give it to the server as the client CA).
    pub fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    pub fn ca_der(&self) -> Vec<u8> {
        self.ca.der().to_vec()
    }

    /// The server certificate and key.
    pub fn server(&self) -> &CertAndKey {
        &self.server
    }

    /// A client certificate (EKU clientAuth) with the given common name, e.g.
    /// "Apotek Kronan kassa 1", and the organisation "Apotek Kronan AB".
    pub fn client(&self, common_name: &str) -> Result<CertAndKey, PkiError> {
        self.client_with(common_name, "Apotek Kronan AB")
    }

    pub fn client_with(
        &self,
        common_name: &str,
        organisation: &str,
    ) -> Result<CertAndKey, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, organisation);
        params.distinguished_name.push(DnType::CountryName, "SE");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let cert = params.signed_by(&key, &self.ca)?;
        Ok(CertAndKey {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        })
    }

    /// The identity as a PKCS#12 file (leaf, then the CA) protected by `password` — the form a
    /// pharmacy's function certificate usually comes in.
    pub fn pkcs12(&self, identity: &CertAndKey, password: &str) -> Result<Vec<u8>, PkiError> {
        use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
        let err = |e: p12_keystore::error::Error| PkiError::Pkcs12(e.to_string());
        let key = PrivateKey::from_der(&identity.key_der).map_err(err)?;
        let leaf = Certificate::from_der(&identity.cert_der).map_err(err)?;
        let ca = Certificate::from_der(self.ca.der()).map_err(err)?;
        let chain = PrivateKeyChain::new("receptdisk-test", key, [leaf, ca]);
        let mut store = KeyStore::new();
        store.add_entry("receptdisk-test", KeyStoreEntry::PrivateKeyChain(chain));
        store.writer(password).write().map_err(err)
    }

    /// Writes `ca.pem`, `server.pem`, `server-key.pem`, and for each client common name
    /// `client-N.pem`, `client-N-key.pem`, `client-N.p12` (password `test`) into `dir`. Keys
    /// and PKCS#12 files are readable by their owner only (0600 on Unix).
    pub fn write_to_dir(&self, dir: &Path, clients: &[&str]) -> Result<PkiFiles, PkiError> {
        let write = |name: &str, bytes: &[u8]| -> Result<PathBuf, PkiError> {
            let path = dir.join(name);
            write_file(
                &path,
                bytes,
                name.ends_with("-key.pem") || name.ends_with(".p12"),
            )
            .map_err(|source| PkiError::Io {
                path: path.clone(),
                source,
            })?;
            Ok(path)
        };
        std::fs::create_dir_all(dir).map_err(|source| PkiError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut files = PkiFiles {
            ca: write("ca.pem", self.ca_pem().as_bytes())?,
            server_cert: write("server.pem", self.server.cert_pem.as_bytes())?,
            server_key: write("server-key.pem", self.server.key_pem.as_bytes())?,
            clients: Vec::new(),
        };
        for (i, cn) in clients.iter().enumerate() {
            let id = self.client(cn)?;
            let n = i + 1;
            files.clients.push(ClientFiles {
                common_name: cn.to_string(),
                cert: write(&format!("client-{n}.pem"), id.cert_pem.as_bytes())?,
                key: write(&format!("client-{n}-key.pem"), id.key_pem.as_bytes())?,
                pkcs12: write(
                    &format!("client-{n}.p12"),
                    &self.pkcs12(&id, PKCS12_PASSWORD)?,
                )?,
            });
        }
        Ok(files)
    }
}

/// Writes a file; a private one (a key) is created 0600 on Unix, never readable by others even
/// for a moment.
fn write_file(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let _ = std::fs::remove_file(path);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    use std::io::Write;
    o.open(path)?.write_all(bytes)
}

impl PkiFiles {
    /// The files `write_to_dir` wrote into `dir` for `clients` client certificates, if they are
    /// all there (`nllc sim --tls` keeps its PKI across restarts).
    pub fn existing(dir: &Path, clients: &[&str]) -> Option<PkiFiles> {
        let files = PkiFiles {
            ca: dir.join("ca.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server-key.pem"),
            clients: clients
                .iter()
                .enumerate()
                .map(|(i, cn)| ClientFiles {
                    common_name: cn.to_string(),
                    cert: dir.join(format!("client-{}.pem", i + 1)),
                    key: dir.join(format!("client-{}-key.pem", i + 1)),
                    pkcs12: dir.join(format!("client-{}.p12", i + 1)),
                })
                .collect(),
        };
        let all = [&files.ca, &files.server_cert, &files.server_key]
            .into_iter()
            .chain(
                files
                    .clients
                    .iter()
                    .flat_map(|c| [&c.cert, &c.key, &c.pkcs12]),
            )
            .all(|p| p.is_file());
        all.then_some(files)
    }
}

/// Password of the `.p12` files `write_to_dir` writes.
pub const PKCS12_PASSWORD: &str = "test";

#[derive(Debug, Clone)]
pub struct PkiFiles {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub clients: Vec<ClientFiles>,
}

#[derive(Debug, Clone)]
pub struct ClientFiles {
    pub common_name: String,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub pkcs12: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_cert_carries_its_name_and_client_auth() {
        let pki = TestPki::generate().unwrap();
        let id = pki.client("Apotek Kronan kassa 1").unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&id.cert_der).unwrap();
        assert!(cert
            .subject()
            .to_string()
            .contains("CN=Apotek Kronan kassa 1"));
        assert!(cert.issuer().to_string().contains("Receptdisk Test-CA"));
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.client_auth && !eku.server_auth);
    }

    #[test]
    fn pkcs12_round_trips_key_and_chain() {
        let pki = TestPki::generate().unwrap();
        let id = pki.client("Apotek Kronan kassa 2").unwrap();
        let p12 = pki.pkcs12(&id, "hemligt").unwrap();
        let store = p12_keystore::KeyStore::from_pkcs12(
            &p12,
            "hemligt",
            p12_keystore::Pkcs12ImportPolicy::Strict,
        )
        .unwrap();
        let (_, chain) = store.private_key_chain().unwrap();
        assert_eq!(chain.key().as_der(), id.key_der.as_slice());
        assert_eq!(chain.certs()[0].as_der(), id.cert_der.as_slice());
        assert_eq!(chain.certs().len(), 2);
        assert!(p12_keystore::KeyStore::from_pkcs12(
            &p12,
            "fel",
            p12_keystore::Pkcs12ImportPolicy::Strict
        )
        .is_err());
    }
}
