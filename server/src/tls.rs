//! `kmsim serve --tls-cert CERT.pem --tls-key KEY.pem`: HTTPS with rustls on the aws-lc-rs
//! provider, TLS 1.3 and 1.2, offering the hybrid post-quantum key exchange X25519MLKEM768
//! (as AWS KMS's endpoints do) before X25519 and secp256r1.
//!
//! rustls takes the first group of the client's list that the server also supports, so a
//! client that prefers X25519MLKEM768 (rustls, OpenSSL 3.5, current browsers) gets it, and
//! a classical-only client still connects with X25519 or secp256r1.
//!
//! ```no_run
//! # fn main() -> Result<(), server::tls::TlsError> {
//! let config = server::tls::server_config("cert.pem".as_ref(), "key.pem".as_ref())?;
//! assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::crypto::aws_lc_rs::{self, kx_group};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{RootCertStore, ServerConfig};

/// The key exchange groups offered, hybrid post-quantum first.
#[must_use]
pub fn key_exchange_groups() -> Vec<&'static dyn rustls::crypto::SupportedKxGroup> {
    vec![kx_group::X25519MLKEM768, kx_group::X25519, kx_group::SECP256R1]
}

/// aws-lc-rs's provider with [`key_exchange_groups`]: the server's, and `kmsim load`'s
/// against an `https://` endpoint.
#[must_use]
pub fn provider() -> CryptoProvider {
    CryptoProvider { kx_groups: key_exchange_groups(), ..aws_lc_rs::default_provider() }
}

/// A certificate or key that cannot be used: which file, and why. Never holds key bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsError {
    /// The file at fault, if one is.
    pub path: Option<PathBuf>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}: {}", path.display(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TlsError {}

fn fault(path: &Path, message: impl Into<String>) -> TlsError {
    TlsError { path: Some(path.to_owned()), message: message.into() }
}

/// The certificate chain of a PEM file, leaf first.
///
/// # Errors
/// The file cannot be read, is not PEM, or holds no certificate.
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let chain = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| fault(path, format!("not a PEM certificate chain: {e}")))?;
    if chain.is_empty() {
        return Err(fault(path, "holds no CERTIFICATE section"));
    }
    Ok(chain)
}

/// The private key of a PEM file (PKCS #8, SEC1 or PKCS #1).
///
/// # Errors
/// The file cannot be read or holds no private key. The message never quotes the file.
pub fn read_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| {
        let why = match e {
            rustls::pki_types::pem::Error::Io(io) => io.to_string(),
            rustls::pki_types::pem::Error::NoItemsFound => {
                "holds no PRIVATE KEY section (PKCS #8, SEC1 or PKCS #1)".to_owned()
            }
            // Other PEM faults would quote the file's contents: a secret.
            _ => "not a PEM private key".to_owned(),
        };
        fault(path, why)
    })
}

/// The server's TLS configuration from a PEM certificate chain (leaf first) and its PEM
/// private key.
///
/// # Errors
/// Either file cannot be read or parsed, or the key is not the certificate's.
pub fn server_config(cert_path: &Path, key_path: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let chain = read_certificates(cert_path)?;
    let key = read_private_key(key_path)?;
    server_config_from(chain, key).map_err(|e| TlsError { path: Some(cert_path.into()), ..e })
}

/// The server's TLS configuration from a certificate chain (leaf first) and its key:
/// [`provider`]'s groups, TLS 1.3 and 1.2, ALPN `http/1.1`, no client certificates.
///
/// # Errors
/// The key is not the certificate's, or of a kind aws-lc-rs cannot sign with.
pub fn server_config_from(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let refuse = |e: rustls::Error| TlsError {
        path: None,
        message: format!("cannot serve with this certificate and key: {e}"),
    };
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .map_err(refuse)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(refuse)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The trust anchors of a PEM file of CA certificates (a self-signed server certificate
/// is its own CA): what `kmsim load --ca-file` trusts.
///
/// # Errors
/// The file cannot be read, holds no certificate, or a certificate is not a usable anchor.
pub fn read_roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for certificate in read_certificates(path)? {
        roots.add(certificate).map_err(|e| fault(path, format!("not a usable CA: {e}")))?;
    }
    Ok(roots)
}
