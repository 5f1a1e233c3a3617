//! rustls 0.23 configurations for both roles, on the *ring* provider: TLS 1.3
//! only (RFC 9001 §4.2), ALPN hq-interop (h3 for http3), keys logged to SSLKEYLOGFILE,
//! ChaCha20 alone for the chacha20 test case, and early data enabled (RFC 9001
//! §4.6.1: a QUIC server announces max_early_data_size 0xffffffff).
use crate::testcase::Mode;
use crate::Result;
use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use rustls::crypto::ring::{cipher_suite, default_provider};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme, SupportedCipherSuite};
use std::sync::Arc;

/// The application protocol of every test case but http3 (HTTP/0.9 over QUIC).
pub const ALPN: &[u8] = b"hq-interop";
/// HTTP/3's (RFC 9114 §3.1), for the http3 test case only.
pub const ALPN_H3: &[u8] = b"h3";

/// The one application protocol `mode` speaks, in both roles.
fn alpn(mode: Mode) -> Vec<u8> {
    if mode == Mode::Http3 { ALPN_H3 } else { ALPN }.to_vec()
}

/// The ring provider with the TLS 1.3 suites `mode` allows. Initial packets
/// are always protected with AES-128-GCM (RFC 9001 §5.2), whatever the list.
fn provider(mode: Mode) -> CryptoProvider {
    let cipher_suites: Vec<SupportedCipherSuite> = if mode == Mode::ChaCha20 {
        vec![cipher_suite::TLS13_CHACHA20_POLY1305_SHA256]
    } else {
        vec![
            cipher_suite::TLS13_AES_128_GCM_SHA256,
            cipher_suite::TLS13_AES_256_GCM_SHA384,
            cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
        ]
    };
    CryptoProvider { cipher_suites, ..default_provider() }
}

/// The QUIC Initial suite (TLS13_AES_128_GCM_SHA256), given to quinn
/// separately so that the chacha20 provider need not list it.
fn initial_suite() -> Result<rustls::quic::Suite> {
    cipher_suite::TLS13_AES_128_GCM_SHA256
        .tls13()
        .and_then(|suite| suite.quic_suite())
        .ok_or_else(|| "ring has no QUIC-capable TLS13_AES_128_GCM_SHA256".into())
}

/// The server's QUIC crypto with the certificate chain and key in PEM files.
pub fn server(mode: Mode, cert_pem: &str, key_pem: &str) -> Result<QuicServerConfig> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(provider(mode)))
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(load_certs(cert_pem)?, load_key(key_pem)?)?;
    config.alpn_protocols = vec![alpn(mode)];
    config.max_early_data_size = u32::MAX;
    config.key_log = Arc::new(rustls::KeyLogFile::new());
    Ok(QuicServerConfig::with_initial(Arc::new(config), initial_suite()?)?)
}

/// The client's QUIC crypto. Like the runner's other clients it does not verify
/// the server's certificate (signatures are still checked); sessions are
/// cached in memory for resumption.
pub fn client(mode: Mode) -> Result<QuicClientConfig> {
    let provider = Arc::new(provider(mode));
    let algorithms = provider.signature_verification_algorithms;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(algorithms)))
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn(mode)];
    config.enable_early_data = true;
    config.key_log = Arc::new(rustls::KeyLogFile::new());
    Ok(QuicClientConfig::with_initial(Arc::new(config), initial_suite()?)?)
}

fn reader(path: &str) -> Result<std::io::BufReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {}", path, e))?;
    Ok(std::io::BufReader::new(file))
}

fn load_certs(path: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = rustls_pemfile::certs(&mut reader(path)?).collect::<std::result::Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", path).into());
    }
    Ok(certs)
}

fn load_key(path: &str) -> Result<PrivateKeyDer<'static>> {
    rustls_pemfile::private_key(&mut reader(path)?)?.ok_or_else(|| format!("{}: no private key", path).into())
}

/// Accepts any certificate chain; handshake signatures are verified with the
/// provider's algorithms, so the server must still hold the certificate's key.
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl std::fmt::Debug for AcceptAnyCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AcceptAnyCertificate")
    }
}

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
