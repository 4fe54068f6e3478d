//! A password-protected client certificate (`certificate` authentication with `certPassword`):
//! a PKCS#12 file, or PEM with an encrypted PKCS#8 private key, decrypted once when the client
//! is built and handed to rustls as unencrypted PEM (kept only in wiped buffers).
//!
//! Errors say what is wrong with the file, never the password nor anything decrypted.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use zeroize::Zeroizing;

/// Why a protected certificate file cannot be used (the file itself is named by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The password does not open it (PKCS#12 MAC, or the key does not decrypt).
    WrongPassword,
    /// Neither a PKCS#12 file nor PEM with an encrypted private key, or damaged.
    Malformed,
    /// An encrypted PKCS#8 key whose scheme is not PBES2 with AES, or a traditional key in
    /// OpenSSL's own encrypted PEM.
    Unsupported,
    /// A PKCS#12 file without a private key and the certificate it belongs to.
    NoKey,
    /// PEM with an encrypted key but no certificate (and no `keyPath` file holding one).
    NoCertificate,
    /// PEM whose private key is not encrypted: `certPassword` would be silently ignored.
    NotEncrypted,
    /// A PKCS#12 file holds its own key: `keyPath` has nothing to add.
    KeyPathWithPkcs12,
}

impl Refused {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Refused::WrongPassword => {
                "it cannot be decrypted with the password `certPassword` gives (wrong password?)"
            }
            Refused::Malformed => {
                "it is neither a PKCS#12 file (.p12/.pfx) nor PEM with an encrypted PKCS#8 private key (`BEGIN ENCRYPTED PRIVATE KEY`), or it is damaged"
            }
            Refused::Unsupported => {
                "its private key is encrypted with a scheme not supported here (PBES2 with AES is: `openssl pkcs8 -topk8 -v2 aes-256-cbc`)"
            }
            Refused::NoKey => {
                "this PKCS#12 file holds no private key with the certificate it belongs to"
            }
            Refused::NoCertificate => "it holds an encrypted private key but no certificate",
            Refused::NotEncrypted => {
                "its private key is not encrypted (`BEGIN ENCRYPTED PRIVATE KEY`), so `certPassword` does not apply: drop it"
            }
            Refused::KeyPathWithPkcs12 => {
                "a PKCS#12 file holds its own private key: drop `keyPath`"
            }
        }
    }
}

/// Unencrypted PEM (certificate chain, then the PKCS#8 private key) for
/// `reqwest::Identity::from_pem`, from the `certPath` file (`cert`), the `keyPath` file if
/// any, and the password.
pub(crate) fn decrypt(
    cert: &[u8],
    key: Option<&[u8]>,
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, Refused> {
    if looks_like_pem(cert) {
        let mut text = Zeroizing::new(cert.to_vec());
        if let Some(key) = key {
            text.push(b'\n');
            text.extend_from_slice(key);
        }
        return from_pem(&text, password);
    }
    if key.is_some() {
        return Err(Refused::KeyPathWithPkcs12);
    }
    from_pkcs12(cert, password)
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"-----BEGIN ")
}

fn from_pkcs12(der: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, Refused> {
    let store = p12_keystore::KeyStore::from_pkcs12(
        der,
        password,
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .map_err(|e| match e {
        p12_keystore::error::Error::MacError(_) | p12_keystore::error::Error::UnpadError => {
            Refused::WrongPassword
        }
        _ => Refused::Malformed,
    })?;
    let (_, chain) = store.private_key_chain().ok_or(Refused::NoKey)?;
    if chain.certs().is_empty() {
        return Err(Refused::NoKey);
    }
    let mut pem = Zeroizing::new(Vec::new());
    for cert in chain.certs() {
        write_pem(&mut pem, "CERTIFICATE", cert.as_der());
    }
    write_pem(&mut pem, "PRIVATE KEY", chain.key().as_der());
    Ok(pem)
}

/// Keeps every PEM block but the encrypted key as it is; the key is decrypted and written
/// back as `PRIVATE KEY`.
fn from_pem(text: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, Refused> {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
    let text = std::str::from_utf8(text).map_err(|_| Refused::Malformed)?;
    let mut out = Zeroizing::new(Vec::new());
    let (mut keys, mut certs, mut plain_keys) = (0, 0, 0);
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let label_end = after.find("-----").ok_or(Refused::Malformed)?;
        let label = &after[..label_end];
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("{END}{label}-----");
        let body_end = body_and_rest.find(&end_marker).ok_or(Refused::Malformed)?;
        let body = &body_and_rest[..body_end];
        let block_end = start + BEGIN.len() + label_end + 5 + body_end + end_marker.len();
        match label {
            "ENCRYPTED PRIVATE KEY" => {
                keys += 1;
                let b64: String = body.split_ascii_whitespace().collect();
                let der = BASE64.decode(b64).map_err(|_| Refused::Malformed)?;
                let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(der.as_slice())
                    .map_err(|_| Refused::Malformed)?;
                let plain = info.decrypt(password).map_err(|e| match e {
                    // A bad password shows as bad padding or as plaintext that is no key.
                    pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed)
                    | pkcs8::Error::Asn1(_) => Refused::WrongPassword,
                    pkcs8::Error::EncryptedPrivateKey(_) => Refused::Unsupported,
                    _ => Refused::Malformed,
                })?;
                write_pem(&mut out, "PRIVATE KEY", plain.as_bytes());
            }
            "CERTIFICATE" => {
                certs += 1;
                out.extend_from_slice(&rest.as_bytes()[start..block_end]);
                out.push(b'\n');
            }
            // OpenSSL's own encryption of a traditional key (`Proc-Type: 4,ENCRYPTED`).
            l if l.ends_with("PRIVATE KEY") && body.contains("ENCRYPTED") => {
                return Err(Refused::Unsupported);
            }
            l if l.ends_with("PRIVATE KEY") => plain_keys += 1,
            // Parameters and the like: rustls has no use for them.
            _ => {}
        }
        rest = &rest[block_end..];
    }
    match (keys, certs) {
        _ if plain_keys > 0 && keys == 0 => Err(Refused::NotEncrypted),
        (0, _) => Err(Refused::Malformed),
        (_, 0) => Err(Refused::NoCertificate),
        _ => Ok(out),
    }
}

fn write_pem(out: &mut Vec<u8>, label: &str, der: &[u8]) {
    let b64 = Zeroizing::new(BASE64.encode(der));
    out.extend_from_slice(format!("-----BEGIN {label}-----\n").as_bytes());
    for line in b64.as_bytes().chunks(64) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(format!("-----END {label}-----\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_without_an_encrypted_key_is_refused() {
        let pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(decrypt(pem, None, "pw"), Err(Refused::NotEncrypted));
    }

    #[test]
    fn a_traditional_encrypted_key_is_unsupported_not_unencrypted() {
        let pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(decrypt(pem, None, "pw"), Err(Refused::Unsupported));
    }

    #[test]
    fn garbage_is_malformed_not_a_wrong_password() {
        assert_eq!(
            decrypt(b"\x30\x03\x02\x01\x05", None, "pw"),
            Err(Refused::Malformed)
        );
        assert_eq!(
            decrypt(
                b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n!!\n-----END ENCRYPTED PRIVATE KEY-----\n",
                None,
                "pw"
            ),
            Err(Refused::Malformed)
        );
    }

    #[test]
    fn pem_blocks_are_rewritten_in_64_column_lines() {
        let mut out = Vec::new();
        write_pem(&mut out, "X", &[0u8; 60]);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN X-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 16);
        assert_eq!(lines[3], "-----END X-----");
    }
}
