//! `kmsim serve` over TLS: a self-signed certificate, rustls clients that offer only the
//! hybrid post-quantum group or only classical ones, and plain HTTP on the TLS port.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use rustls::crypto::aws_lc_rs::{self, kx_group};
use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{
    ClientConfig, ClientConnection, NamedGroup, ProtocolVersion, RootCertStore, StreamOwned,
};
use server::kms::KmsConfig;

use crate::http::{Reply, start_with};
use crate::sigv4::{Signer, kms_request, strict, wire_bytes};

/// A server's TLS configuration for a fresh self-signed `localhost` certificate, and the
/// roots that trust it.
fn self_signed() -> (Arc<rustls::ServerConfig>, RootCertStore) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(signing_key.serialize_der()));
    let config = server::tls::server_config_from(vec![cert.der().clone()], key).unwrap();
    let mut roots = RootCertStore::empty();
    roots.add(cert.der().clone()).unwrap();
    (config, roots)
}

/// A client that offers only `groups`, in the given TLS versions.
fn client(
    roots: &RootCertStore,
    groups: &[&'static dyn SupportedKxGroup],
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<ClientConfig> {
    let provider = CryptoProvider { kx_groups: groups.to_vec(), ..aws_lc_rs::default_provider() };
    let config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
    Arc::new(config)
}

/// One HTTP request over a new TLS connection: the answer, the group the handshake agreed
/// on, and the TLS version.
fn exchange(
    address: SocketAddr,
    config: &Arc<ClientConfig>,
    request: &[u8],
) -> (Reply, NamedGroup, ProtocolVersion) {
    let name = ServerName::try_from("localhost").unwrap();
    let connection = ClientConnection::new(Arc::clone(config), name).unwrap();
    let mut tls = StreamOwned::new(connection, TcpStream::connect(address).unwrap());
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).unwrap();
    }
    let group = tls.conn.negotiated_key_exchange_group().unwrap().name();
    let version = tls.conn.protocol_version().unwrap();
    tls.write_all(request).unwrap();
    let mut raw = Vec::new();
    // The server closes after answering (Connection: close); an abrupt end after the whole
    // answer arrived is not this test's concern.
    if let Err(error) = tls.read_to_end(&mut raw) {
        assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof, "{error}");
    }
    (Reply::parse(&String::from_utf8(raw).unwrap()), group, version)
}

fn unsigned(address: SocketAddr, operation: &str, body: &str) -> Vec<u8> {
    wire_bytes(&kms_request(address, operation, body))
}

#[test]
fn a_post_quantum_only_client_negotiates_x25519mlkem768_and_calls_kms() {
    let (tls, roots) = self_signed();
    let address = start_with(KmsConfig::new(31), Some(tls));
    let hybrid = client(&roots, &[kx_group::X25519MLKEM768], &[&rustls::version::TLS13]);

    let (created, group, version) =
        exchange(address, &hybrid, &unsigned(address, "CreateKey", "{}"));
    assert_eq!((group, version), (NamedGroup::X25519MLKEM768, ProtocolVersion::TLSv1_3));
    assert_eq!(created.status, 200, "{:?}", created.body);
    let key_id = created.body["KeyMetadata"]["KeyId"].as_str().unwrap();

    let body = format!(r#"{{"KeyId":"{key_id}","Plaintext":"aGVsbG8="}}"#);
    let (sealed, group, _) = exchange(address, &hybrid, &unsigned(address, "Encrypt", &body));
    assert_eq!(group, NamedGroup::X25519MLKEM768);
    assert_eq!(sealed.status, 200, "{:?}", sealed.body);
    let blob = sealed.body["CiphertextBlob"].as_str().unwrap();
    let body = format!(r#"{{"CiphertextBlob":"{blob}"}}"#);
    let (opened, group, _) = exchange(address, &hybrid, &unsigned(address, "Decrypt", &body));
    assert_eq!(group, NamedGroup::X25519MLKEM768);
    assert_eq!(opened.status, 200, "{:?}", opened.body);
    assert_eq!(opened.body["Plaintext"], "aGVsbG8=");
}

#[test]
fn classical_clients_still_connect() {
    let (tls, roots) = self_signed();
    let address = start_with(KmsConfig::new(32), Some(tls));
    let both = [&rustls::version::TLS13, &rustls::version::TLS12];
    for (groups, versions, expected) in [
        (&[kx_group::X25519][..], &both[..], (NamedGroup::X25519, ProtocolVersion::TLSv1_3)),
        (&[kx_group::SECP256R1][..], &both[..], (NamedGroup::secp256r1, ProtocolVersion::TLSv1_3)),
        (
            &[kx_group::X25519][..],
            &[&rustls::version::TLS12][..],
            (NamedGroup::X25519, ProtocolVersion::TLSv1_2),
        ),
        // rustls's own default list puts the hybrid group first: it is what such a client gets.
        (
            aws_lc_rs::DEFAULT_KX_GROUPS,
            &both[..],
            (NamedGroup::X25519MLKEM768, ProtocolVersion::TLSv1_3),
        ),
    ] {
        let config = client(&roots, groups, versions);
        let (listed, group, version) =
            exchange(address, &config, &unsigned(address, "ListKeys", "{}"));
        assert_eq!((group, version), expected);
        assert_eq!(listed.status, 200, "{:?}", listed.body);
    }
}

#[test]
fn plain_http_and_broken_handshakes_on_the_tls_port_fail_cleanly() {
    let (tls, roots) = self_signed();
    let address = start_with(KmsConfig::new(33), Some(tls));

    // http:// against the https:// port: a plain 400 that says why, then the connection
    // closes.
    let mut plain = TcpStream::connect(address).unwrap();
    plain.write_all(&unsigned(address, "ListKeys", "{}")).unwrap();
    let mut raw = String::new();
    plain.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{raw}");
    assert!(raw.ends_with("This port speaks HTTPS (TLS): use an https:// endpoint.\r\n"), "{raw}");

    // A handshake record that is garbage, and a client that hangs up mid-handshake.
    let mut garbage = TcpStream::connect(address).unwrap();
    garbage.write_all(&[0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]).unwrap();
    let mut rest = Vec::new();
    // An alert or a plain close; either way the connection ends.
    let _ = garbage.read_to_end(&mut rest);
    drop(TcpStream::connect(address).unwrap());

    // The server goes on serving.
    let hybrid = client(&roots, &[kx_group::X25519MLKEM768], &[&rustls::version::TLS13]);
    let (listed, _, _) = exchange(address, &hybrid, &unsigned(address, "ListKeys", "{}"));
    assert_eq!(listed.status, 200, "{:?}", listed.body);

    // A client that trusts another CA refuses the server; the server shrugs that off too.
    let (_, other_roots) = self_signed();
    let stranger = client(&other_roots, &[kx_group::X25519MLKEM768], &[&rustls::version::TLS13]);
    let name = ServerName::try_from("localhost").unwrap();
    let mut connection = ClientConnection::new(stranger, name).unwrap();
    let mut socket = TcpStream::connect(address).unwrap();
    let refused = (0..10).find_map(|_| connection.complete_io(&mut socket).err());
    let refused = refused.map(|e| e.to_string()).unwrap_or_default();
    assert!(refused.contains("invalid peer certificate"), "{refused}");
    let (listed, _, _) = exchange(address, &hybrid, &unsigned(address, "ListKeys", "{}"));
    assert_eq!(listed.status, 200, "{:?}", listed.body);
}

#[test]
fn strict_sigv4_over_post_quantum_tls() {
    let (tls, roots) = self_signed();
    let address = start_with(strict(34), Some(tls));
    let hybrid = client(&roots, &[kx_group::X25519MLKEM768], &[&rustls::version::TLS13]);
    let signed = Signer::alpha("us-west-2").sign(kms_request(address, "CreateKey", "{}"));
    let (created, group, _) = exchange(address, &hybrid, &wire_bytes(&signed));
    assert_eq!(group, NamedGroup::X25519MLKEM768);
    assert_eq!(created.status, 200, "{:?}", created.body);
    let arn = created.body["KeyMetadata"]["Arn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:kms:us-west-2:111122223333:key/"), "{arn}");
    let (refused, _, _) = exchange(address, &hybrid, &unsigned(address, "ListKeys", "{}"));
    assert_eq!(refused.body["__type"], "MissingAuthenticationTokenException");
}
