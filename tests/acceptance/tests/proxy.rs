//! The proxy setting: mutual TLS through an HTTP CONNECT proxy (a small one started here),
//! `no_proxy` bypassing it, and this computer never reached through a proxy. The test server is
//! reached through the proxy by a name only the proxy knows (`nll_sim::pki::PROXIED_HOST`),
//! since a loopback address is never proxied.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use acceptance::start;
use nll::Flow;
use nll_client::config::{ClientConfig, TokenConfig};
use nll_client::LookupRequest;
use nll_sim::pki::PROXIED_HOST;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CONNECT-only proxy on loopback; counts the tunnels it opened.
async fn connect_proxy() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let text = String::from_utf8_lossy(&head);
                let Some(target) = text
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("CONNECT "))
                    .and_then(|l| l.split(' ').next())
                else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                // The test server's proxy-only name is this computer.
                let target = target.replace(PROXIED_HOST, "127.0.0.1");
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (port, tunnels)
}

/// The configuration with the test server named by its proxy-only name.
fn by_proxied_name(mut cfg: ClientConfig) -> ClientConfig {
    let rename = |u: &str| u.replace("127.0.0.1", PROXIED_HOST);
    cfg.base_url = rename(&cfg.base_url);
    cfg.fullmakt_url = cfg.fullmakt_url.as_deref().map(rename);
    if let TokenConfig::Oauth2Exchange { token_url, .. } = &mut cfg.token {
        *token_url = rename(token_url);
    }
    cfg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_through_the_configured_proxy_and_no_proxy_bypasses_it() {
    let env = start().await;
    let (port, tunnels) = connect_proxy().await;
    let mut cfg = by_proxied_name(env.config("farmaceut"));
    cfg.proxy.disabled = false;
    cfg.proxy.url = Some(format!("http://127.0.0.1:{port}"));
    let r = env
        .counter_with(&cfg)
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap();
    assert_eq!(r.round_trips, 2);
    assert!(
        tunnels.load(Ordering::SeqCst) >= 1,
        "the proxy carried the TLS"
    );
    assert!(env
        .nll_requests()
        .iter()
        .all(|q| q.client_cert_subject.is_some()));
    env.check_log();

    // no_proxy: the name is tried directly (and, known only to the proxy, not found).
    let before = tunnels.load(Ordering::SeqCst);
    let mut bypass = cfg.clone();
    bypass.proxy.no_proxy = Some(format!("{PROXIED_HOST},.apotek.local"));
    bypass.connect_timeout_ms = 2_000;
    let direct = env
        .counter_with(&bypass)
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await;
    assert!(direct.is_err(), "the proxy-only name was reached directly");
    assert_eq!(
        tunnels.load(Ordering::SeqCst),
        before,
        "no_proxy bypasses the proxy"
    );

    // This computer is never reached through the proxy, whatever no_proxy says: the token and
    // the test server's answers stay on loopback.
    let mut local = env.config("farmaceut");
    local.proxy.disabled = false;
    local.proxy.url = cfg.proxy.url.clone();
    env.counter_with(&local)
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap();
    assert_eq!(
        tunnels.load(Ordering::SeqCst),
        before,
        "a loopback address went through the proxy"
    );

    // A proxy that is not there: unreachable, with the proxy named in the advice.
    cfg.proxy.no_proxy = None;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    cfg.proxy.url = Some(format!(
        "http://127.0.0.1:{}",
        closed.local_addr().unwrap().port()
    ));
    drop(closed);
    let e = env
        .counter_with(&cfg)
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap_err();
    assert_eq!(e.code, nll_client::ErrorCode::Unreachable, "{e:?}");
    assert!(e.message.contains("proxyinställningarna"));
}
