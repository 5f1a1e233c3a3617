//! rustls 0.20 configurations for both roles: TLS 1.3 only (RFC 9001 §4.2),
//! ALPN hq-interop, keys logged to SSLKEYLOGFILE, ChaCha20 alone for the
//! chacha20 test case, and early data enabled (RFC 9001 §4.6.1: a QUIC server
//! announces max_early_data_size 0xffffffff).
use crate::testcase::Mode;
use crate::Result;
use rustls::cipher_suite::{TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256};
use rustls::{Certificate, PrivateKey, SupportedCipherSuite};
use std::sync::Arc;

/// The only application protocol both roles speak (HTTP/0.9 over QUIC).
pub const ALPN: &[u8] = b"hq-interop";

fn cipher_suites(mode: Mode) -> Vec<SupportedCipherSuite> {
    if mode == Mode::ChaCha20 {
        vec![TLS13_CHACHA20_POLY1305_SHA256]
    } else {
        vec![TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256]
    }
}

/// The server's TLS configuration with the certificate chain and key in PEM files.
pub fn server(mode: Mode, cert_pem: &str, key_pem: &str) -> Result<rustls::ServerConfig> {
    let mut config = rustls::ServerConfig::builder()
        .with_cipher_suites(&cipher_suites(mode))
        .with_safe_default_kx_groups()
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(load_certs(cert_pem)?, load_key(key_pem)?)?;
    config.alpn_protocols = vec![ALPN.to_vec()];
    config.max_early_data_size = u32::MAX;
    config.key_log = Arc::new(rustls::KeyLogFile::new());
    Ok(config)
}

/// The client's TLS configuration. Like the runner's other clients it does not
/// verify the server's certificate; sessions are cached in memory for resumption.
pub fn client(mode: Mode) -> Result<rustls::ClientConfig> {
    let mut config = rustls::ClientConfig::builder()
        .with_cipher_suites(&cipher_suites(mode))
        .with_safe_default_kx_groups()
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate))
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN.to_vec()];
    config.enable_early_data = true;
    config.key_log = Arc::new(rustls::KeyLogFile::new());
    Ok(config)
}

fn pem_items(path: &str) -> Result<Vec<rustls_pemfile::Item>> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {}", path, e))?;
    Ok(rustls_pemfile::read_all(&mut std::io::BufReader::new(file))?)
}

fn load_certs(path: &str) -> Result<Vec<Certificate>> {
    let certs: Vec<Certificate> = pem_items(path)?
        .into_iter()
        .filter_map(|item| match item {
            rustls_pemfile::Item::X509Certificate(der) => Some(Certificate(der)),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(format!("{}: no certificate", path).into());
    }
    Ok(certs)
}

fn load_key(path: &str) -> Result<PrivateKey> {
    for item in pem_items(path)? {
        match item {
            rustls_pemfile::Item::PKCS8Key(der)
            | rustls_pemfile::Item::RSAKey(der)
            | rustls_pemfile::Item::ECKey(der) => return Ok(PrivateKey(der)),
            _ => {}
        }
    }
    Err(format!("{}: no private key", path).into())
}

struct AcceptAnyCertificate;

impl rustls::client::ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &Certificate,
        _intermediates: &[Certificate],
        _server_name: &rustls::ServerName,
        _scts: &mut dyn Iterator<Item = &[u8]>,
        _ocsp_response: &[u8],
        _now: std::time::SystemTime,
    ) -> std::result::Result<rustls::client::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::ServerCertVerified::assertion())
    }
}
