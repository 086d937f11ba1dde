//! Email over STARTTLS to a local relay whose certificate is signed by an authority of its
//! own (as an office's internal relay is): delivered when `GROUNDWORK_SMTP_CA_FILE` names
//! that authority, refused — never sent in the clear — when it does not.
//!
//! The certificates in `tls/` were made once with openssl for this test (an EC authority
//! and a server certificate for 127.0.0.1, valid for a century); the key is a test key.

use crate::fakes::Fakes;
use crate::{drain, fresh, queue, worker_with};
use domain::platform::notify::{Channel, State};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use store::platform::notify as ob;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/tls")
}

/// What the relay saw: mails accepted after the upgrade, handshakes that failed, and
/// commands refused before it.
#[derive(Default)]
struct Relay {
    mail: Vec<String>,
    handshake_failures: usize,
    refused_in_clear: usize,
}

/// A relay on 127.0.0.1 that offers STARTTLS and takes mail only after it; its URL.
async fn start_relay(seen: Arc<Mutex<Relay>>) -> String {
    let certs = vec![CertificateDer::from_pem_file(tls_dir().join("server.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(tls_dir().join("server.key")).unwrap();
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(session(tcp, acceptor.clone(), seen.clone()));
        }
    });
    format!("smtp://{addr}?tls=required")
}

fn verb(line: &str) -> String {
    line.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// One client: the clear part up to STARTTLS, the handshake, then the mail dialogue.
async fn session(tcp: tokio::net::TcpStream, acceptor: TlsAcceptor, seen: Arc<Mutex<Relay>>) {
    let (r, mut w) = tokio::io::split(tcp);
    let mut reader = BufReader::new(r);
    let _ = w.write_all(b"220 relay.local ESMTP\r\n").await;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let reply: &[u8] = match verb(&line).as_str() {
            "EHLO" => b"250-relay.local\r\n250 STARTTLS\r\n",
            "STARTTLS" => {
                let _ = w.write_all(b"220 ready to start TLS\r\n").await;
                break;
            }
            "QUIT" => {
                let _ = w.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => {
                seen.lock().unwrap().refused_in_clear += 1;
                b"530 5.7.0 Must issue a STARTTLS command first\r\n"
            }
        };
        let _ = w.write_all(reply).await;
    }
    let tcp = reader.into_inner().unsplit(w);
    let Ok(tls) = acceptor.accept(tcp).await else {
        seen.lock().unwrap().handshake_failures += 1;
        return;
    };
    let (r, mut w) = tokio::io::split(tls);
    let mut lines = BufReader::new(r).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let reply: &[u8] = match verb(&line).as_str() {
            "EHLO" => b"250-relay.local\r\n250 8BITMIME\r\n",
            "DATA" => {
                let _ = w.write_all(b"354 go ahead\r\n").await;
                let mut data = String::new();
                while let Ok(Some(l)) = lines.next_line().await {
                    if l == "." {
                        break;
                    }
                    data.push_str(&l);
                    data.push('\n');
                }
                seen.lock().unwrap().mail.push(data);
                b"250 OK queued over TLS\r\n"
            }
            "QUIT" => {
                let _ = w.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"250 OK\r\n",
        };
        let _ = w.write_all(reply).await;
    }
}

#[tokio::test]
async fn email_goes_over_starttls_to_a_relay_signed_by_the_configured_authority() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let seen = Arc::new(Mutex::new(Relay::default()));
    let url = start_relay(seen.clone()).await;
    let id = queue(&db, Channel::Email, "jw@jiande.test", "审计摘要", "tls-1").await;
    let mut w = worker_with(
        &db,
        notify::Settings {
            smtp_url: url,
            smtp_ca_file: tls_dir().join("ca.pem").display().to_string(),
            ..fakes.settings()
        },
    );
    drain(&mut w).await;
    let m = ob::get(&db, id).await.unwrap();
    assert_eq!(m.state, State::Sent, "{}", m.last_error);
    assert!(
        m.provider_id.contains("queued over TLS"),
        "{}",
        m.provider_id
    );
    let relay = seen.lock().unwrap();
    assert_eq!(relay.mail.len(), 1);
    assert!(
        relay.mail[0].contains(m.key.as_str()),
        "the key is the Message-ID"
    );
    assert_eq!((relay.handshake_failures, relay.refused_in_clear), (0, 0));
}

#[tokio::test]
async fn a_relay_whose_authority_is_not_trusted_gets_nothing() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let seen = Arc::new(Mutex::new(Relay::default()));
    let url = start_relay(seen.clone()).await;
    let id = queue(&db, Channel::Email, "jw@jiande.test", "审计摘要", "tls-2").await;
    let mut w = worker_with(
        &db,
        notify::Settings {
            smtp_url: url,
            ..fakes.settings()
        },
    );
    drain(&mut w).await;
    let m = ob::get(&db, id).await.unwrap();
    assert_ne!(m.state, State::Sent);
    let relay = seen.lock().unwrap();
    assert!(relay.mail.is_empty());
    assert!(relay.handshake_failures > 0);
    assert_eq!(
        relay.refused_in_clear, 0,
        "nothing is sent before the upgrade"
    );
}
