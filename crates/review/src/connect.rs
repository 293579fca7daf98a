//! One way to connect to the central log. Anything but this computer goes over TLS with the
//! server's certificate and host name verified (libpq's `verify-full`): the OS trust store plus
//! the configured `ca_pem`. The counter proves who it is with a password from the keyring or a
//! client certificate.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context};
use nll_client::{CentralLogConfig, SecretStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, NoTls};

/// Connects; the connection's driver runs on the current tokio runtime until the client drops.
pub async fn connect(cfg: &CentralLogConfig, secrets: &dyn SecretStore) -> anyhow::Result<Client> {
    let mut pg = tokio_postgres::Config::new();
    pg.host(&cfg.host)
        .port(cfg.port)
        .dbname(&cfg.dbname)
        .user(&cfg.user)
        .application_name(concat!("receptdisk ", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_millis(cfg.connect_timeout_ms));
    if cfg.client_pem.is_none() {
        match secrets.get(cfg.password_account()) {
            Ok(p) => {
                pg.password(p.expose());
            }
            // On this computer the server may trust the socket's user instead.
            Err(_) if cfg.is_local() => {}
            Err(e) => return Err(anyhow!("{}", e.message)),
        }
    }
    let place = format!("{}:{}/{}", cfg.host, cfg.port, cfg.dbname);
    let client = if cfg.is_local() && cfg.client_pem.is_none() {
        let (client, conn) = pg
            .connect(NoTls)
            .await
            .map_err(|e| connect_error(&place, e))?;
        tokio::spawn(conn);
        client
    } else {
        pg.ssl_mode(SslMode::Require);
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(cfg)?);
        let (client, conn) = pg
            .connect(tls)
            .await
            .map_err(|e| connect_error(&place, e))?;
        tokio::spawn(conn);
        client
    };
    Ok(client)
}

/// The server's own words (wrong password, no such database …) with where we tried.
fn connect_error(place: &str, e: tokio_postgres::Error) -> anyhow::Error {
    let why = e
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| format!("{e}"));
    anyhow!("kedjans logg ({place}) svarar inte som väntat: {why}")
}

fn tls_config(cfg: &CentralLogConfig) -> anyhow::Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(c);
    }
    if let Some(ca) = &cfg.ca_pem {
        for c in certs(ca)? {
            roots
                .add(c)
                .with_context(|| format!("ca_pem {}: ogiltigt certifikat", ca.display()))?;
        }
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots);
    Ok(match &cfg.client_pem {
        Some(pem) => {
            let chain = certs(pem)?;
            let key_file = cfg.client_key_pem.as_ref().unwrap_or(pem);
            let key = PrivateKeyDer::from_pem_file(key_file).map_err(|_| {
                anyhow!(
                    "client_key_pem {}: ingen privat nyckel i PEM-format",
                    key_file.display()
                )
            })?;
            builder
                .with_client_auth_cert(chain, key)
                .context("klientcertifikatet och nyckeln hör inte ihop")?
        }
        None => builder.with_no_client_auth(),
    })
}

fn certs(path: &std::path::Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let found: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|_| anyhow!("{} kunde inte läsas som PEM", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow!("{}: trasigt certifikat i PEM-filen", path.display()))?;
    if found.is_empty() {
        return Err(anyhow!("{}: inga certifikat i filen", path.display()));
    }
    Ok(found)
}
