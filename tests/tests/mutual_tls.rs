//! Issue 12, outbound `certificate`: a client presents the PEM identity its binds name to a TLS
//! server that requires one (mutual TLS); without it the handshake fails. Certificates are
//! made by `openssl` for the test (a CA, a server certificate for 127.0.0.1, a client one);
//! without `openssl` the test says so and checks nothing. With `certPassword`, the identity is
//! a PKCS#12 file (`openssl pkcs12 -export`) or PEM with an encrypted PKCS#8 key (`openssl
//! pkcs8 -topk8`), decrypted when the client is built; a wrong password stops the build.

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
use generated::{cert_api, protected_cert_api};
use naftiko_runtime::client::ConfigError;

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A CA, and a server and a client certificate signed by it, in a directory of their own for
/// each test (`tag`); `None` without openssl.
fn certificates(tag: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("naftiko-mtls-{tag}-{}", std::process::id()));
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
    let Some(dir) = certificates("pem") else {
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

/// Builds the `protected-cert-api` client from the file and password given; its error shown.
fn protected(
    url: &str,
    ca: &reqwest::Certificate,
    file: &Path,
    password: &str,
) -> Result<protected_cert_api::Client, ConfigError> {
    protected_cert_api::Client::builder()
        .base_uri(url)
        .root_certificate(ca.clone())
        .var("KEY", file.to_string_lossy())
        .var("CLIENT_SECRET", password)
        .build()
}

/// A refused start-up: the file is named, the password is not (neither in the message nor in
/// Debug).
fn assert_refused(err: ConfigError, file: &Path, password: &str, reason: &str) {
    let shown = format!("{err} {err:?}");
    assert!(
        matches!(&err, ConfigError::CertificateFile { path, var, .. }
            if Path::new(path) == file && var == "KEY"),
        "{shown}"
    );
    assert!(shown.contains(reason), "{shown}");
    assert!(!shown.contains(password), "{shown}");
}

#[tokio::test]
async fn a_password_protected_certificate_is_decrypted_at_start_up() {
    let Some(dir) = certificates("protected") else {
        eprintln!("openssl is not available: protected certificates are not checked");
        return;
    };
    let verified = Arc::new(AtomicUsize::new(0));
    let url = server(&dir, verified.clone()).await;
    let ca = reqwest::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).expect("CA"))
        .expect("CA certificate");
    const PASSWORD: &str = "correct horse";
    const WRONG: &str = "battery staple";

    // PKCS#12, as OpenSSL 3 writes it (PBES2: AES-256-CBC, PBKDF2-HMAC-SHA256).
    assert!(openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-in",
            "client.pem",
            "-inkey",
            "client.key",
            "-passout",
            &format!("pass:{PASSWORD}"),
            "-out",
            "client.p12",
        ],
    ));
    let p12 = dir.join("client.p12");
    let client = protected(&url, &ca, &p12, PASSWORD).expect("the PKCS#12 client");
    let reply = client.ping().await.expect("mutual TLS from PKCS#12");
    assert_eq!(reply.json(), &serde_json::json!({"ok": true}));
    assert_eq!(verified.load(Ordering::SeqCst), 1);
    // A wrong password is a start-up error naming the file.
    let err = protected(&url, &ca, &p12, WRONG).expect_err("a wrong password");
    assert_refused(err, &p12, WRONG, "wrong password");

    // PKCS#12 in the legacy form (3DES and RC2, OpenSSL 1.x, Windows exports), where this
    // OpenSSL can still write it.
    if openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-legacy",
            "-in",
            "client.pem",
            "-inkey",
            "client.key",
            "-passout",
            &format!("pass:{PASSWORD}"),
            "-out",
            "legacy.p12",
        ],
    ) {
        let legacy = dir.join("legacy.p12");
        let client = protected(&url, &ca, &legacy, PASSWORD).expect("the legacy PKCS#12 client");
        client.ping().await.expect("mutual TLS from legacy PKCS#12");
        assert_eq!(verified.load(Ordering::SeqCst), 2);
        let err = protected(&url, &ca, &legacy, WRONG).expect_err("a wrong password");
        assert_refused(err, &legacy, WRONG, "wrong password");
    } else {
        eprintln!("this openssl writes no legacy PKCS#12: that form is not checked");
    }
    let before = verified.load(Ordering::SeqCst);

    // PEM: the certificate, then its key encrypted (PKCS#8, PBES2 with AES-256-CBC).
    assert!(openssl(
        &dir,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "client.key",
            "-passout",
            &format!("pass:{PASSWORD}"),
            "-out",
            "client-encrypted.key",
        ],
    ));
    let encrypted = std::fs::read_to_string(dir.join("client-encrypted.key")).expect("key");
    assert!(encrypted.contains("BEGIN ENCRYPTED PRIVATE KEY"));
    let mut pem = std::fs::read_to_string(dir.join("client.pem")).expect("client cert");
    pem.push_str(&encrypted);
    let pem_file = dir.join("client-encrypted.pem");
    std::fs::write(&pem_file, pem).expect("write");
    let client = protected(&url, &ca, &pem_file, PASSWORD).expect("the encrypted PEM client");
    client
        .ping()
        .await
        .expect("mutual TLS from an encrypted PEM key");
    assert_eq!(verified.load(Ordering::SeqCst), before + 1);
    let err = protected(&url, &ca, &pem_file, WRONG).expect_err("a wrong password");
    assert_refused(err, &pem_file, WRONG, "wrong password");

    // An unencrypted key with a password, and a file that is neither form: refused, named.
    let mut plain = std::fs::read(dir.join("client.pem")).expect("client cert");
    plain.extend(std::fs::read(dir.join("client.key")).expect("client key"));
    let plain_file = dir.join("client-plain.pem");
    std::fs::write(&plain_file, plain).expect("write");
    let err = protected(&url, &ca, &plain_file, PASSWORD).expect_err("an unencrypted key");
    assert_refused(err, &plain_file, PASSWORD, "not encrypted");
    let junk = dir.join("junk.p12");
    std::fs::write(&junk, b"not a certificate at all").expect("write");
    let err = protected(&url, &ca, &junk, PASSWORD).expect_err("a malformed file");
    assert_refused(err, &junk, PASSWORD, "neither a PKCS#12 file");
    // A missing file names its variable, as for PEM certificates.
    let err = protected(&url, &ca, &dir.join("absent.p12"), PASSWORD).expect_err("no file");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert_eq!(verified.load(Ordering::SeqCst), before + 1);
    let _ = std::fs::remove_dir_all(&dir);
}
