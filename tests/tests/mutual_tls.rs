//! Issue 12, outbound `certificate`: a client presents the PEM identity its binds name to a TLS
//! server that requires one (mutual TLS); without it the handshake fails. Certificates are
//! made by `openssl` for the test (a CA, a server certificate for 127.0.0.1, a client one);
//! without `openssl` the test says so and checks nothing.

use naftiko_runtime::client::Error;
use naftiko_runtime::reqwest;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/outbound-auth.yaml");
}
use generated::cert_api;

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A CA, and a server and a client certificate signed by it; `None` without openssl.
fn certificates() -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("naftiko-mtls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let ok = openssl(
        &dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-days",
                "1",
                "-subj",
                "/CN=test-ca",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        ]
        .concat(),
    ) && openssl(
        &dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        ]
        .concat(),
    ) && std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .is_ok()
        && openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                "server.ext",
                "-out",
                "server.pem",
            ],
        )
        && openssl(
            &dir,
            &[
                &["req"][..],
                &ec,
                &[
                    "-subj",
                    "/CN=naftiko-client",
                    "-keyout",
                    "client.key",
                    "-out",
                    "client.csr",
                ],
            ]
            .concat(),
        )
        && std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").is_ok()
        && openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                "client.ext",
                "-out",
                "client.pem",
            ],
        );
    ok.then_some(dir)
}

/// Serves TLS on 127.0.0.1, requiring a client certificate signed by the CA; answers each
/// request `{"ok":true}` and counts the handshakes that presented one.
async fn server(dir: &Path, verified: Arc<AtomicUsize>) -> String {
    let ca = CertificateDer::from_pem_file(dir.join("ca.pem")).expect("CA");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).expect("root");
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
        .build()
        .expect("verifier");
    let chain = vec![CertificateDer::from_pem_file(dir.join("server.pem")).expect("cert")];
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).expect("key");
    let config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let verified = verified.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .is_some_and(|c| !c.is_empty())
                {
                    verified.fetch_add(1, Ordering::SeqCst);
                }
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let body = br#"{"ok":true}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.write_all(body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

#[tokio::test]
async fn the_client_certificate_is_presented_and_required() {
    let Some(dir) = certificates() else {
        eprintln!("openssl is not available: mutual TLS is not checked");
        return;
    };
    let verified = Arc::new(AtomicUsize::new(0));
    let url = server(&dir, verified.clone()).await;
    let ca = reqwest::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).expect("CA"))
        .expect("CA certificate");
    // The key and the certificate in two files: certPath and keyPath of the spec are one
    // variable here (`KEY`), so they go in one PEM file.
    let mut pem = std::fs::read(dir.join("client.pem")).expect("client cert");
    pem.extend(std::fs::read(dir.join("client.key")).expect("client key"));
    std::fs::write(dir.join("client-both.pem"), pem).expect("write");
    let client = cert_api::Client::builder()
        .base_uri(&url)
        .root_certificate(ca.clone())
        .var("KEY", dir.join("client-both.pem").to_string_lossy())
        .build()
        .expect("client");
    let reply = client.ping().await.expect("mutual TLS");
    assert_eq!(reply.json(), &serde_json::json!({"ok": true}));
    assert_eq!(verified.load(Ordering::SeqCst), 1);

    // A client that trusts the server but presents no certificate is refused in the
    // handshake.
    let anonymous = reqwest::Client::builder()
        .tls_certs_merge([ca])
        .build()
        .expect("client");
    let refused = anonymous.get(format!("{url}/Ping")).send().await;
    assert!(refused.is_err(), "{refused:?}");
    // And the generated client with another CA's certificate is refused as well.
    let other = cert_api::Client::builder()
        .base_uri(&url)
        .var("KEY", dir.join("client-both.pem").to_string_lossy())
        .build()
        .expect("client");
    let err = other
        .ping()
        .await
        .expect_err("the server's CA is not trusted");
    assert!(
        matches!(err, Error::Connect { .. } | Error::Transport { .. }),
        "{err}"
    );
    assert_eq!(verified.load(Ordering::SeqCst), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
