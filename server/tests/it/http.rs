//! `kmsim serve`'s HTTP layer end to end over a real socket: AWS JSON 1.1 requests as an
//! SDK sends them, answers and errors as an SDK reads them.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use server::kms::{Kms, KmsConfig};

/// A server on a free loopback port, running until the test process ends.
pub(crate) fn start(config: KmsConfig) -> SocketAddr {
    start_with(config, None)
}

/// A server on a free loopback port, over TLS with `tls` if given.
pub(crate) fn start_with(config: KmsConfig, tls: Option<Arc<rustls::ServerConfig>>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let kms = Arc::new(Kms::new(config));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let forever = std::future::pending();
            match tls {
                None => server::http::serve(listener, kms, forever).await.unwrap(),
                Some(tls) => server::http::serve_tls(listener, kms, tls, forever).await.unwrap(),
            }
        });
    });
    address
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: String,
    pub(crate) body: serde_json::Value,
}

impl Reply {
    /// Parses a whole HTTP/1.1 answer (the connection was closed after it).
    pub(crate) fn parse(raw: &str) -> Self {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let body = if body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(body).unwrap()
        };
        Self { status, headers: head.to_ascii_lowercase(), body }
    }
}

fn post(
    address: SocketAddr,
    target: Option<&str>,
    authorization: Option<&str>,
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(target) = target {
        request.push_str(&format!("X-Amz-Target: TrentService.{target}\r\n"));
    }
    if let Some(authorization) = authorization {
        request.push_str(&format!("Authorization: {authorization}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    Reply::parse(&raw)
}

fn signed(access_key: &str, region: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/20261130/{region}/kms/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00"
    )
}

#[test]
fn create_encrypt_decrypt_over_http() {
    let address = start(KmsConfig::new(7));
    let created = post(address, Some("CreateKey"), None, r#"{"Description":"http test"}"#);
    assert_eq!(created.status, 200, "{:?}", created.body);
    assert!(created.headers.contains("content-type: application/x-amz-json-1.1"));
    assert!(created.headers.contains("x-amzn-requestid: "));
    let metadata = &created.body["KeyMetadata"];
    let key_id = metadata["KeyId"].as_str().unwrap();
    assert_eq!(metadata["Description"], "http test");
    assert!(
        metadata["Arn"].as_str().unwrap().starts_with("arn:aws:kms:us-east-1:123456789012:key/")
    );
    assert!(metadata["CreationDate"].is_number());

    // "hello" in base64.
    let encrypted = post(
        address,
        Some("Encrypt"),
        None,
        &format!(
            r#"{{"KeyId":"{key_id}","Plaintext":"aGVsbG8=","EncryptionContext":{{"a":"b"}}}}"#
        ),
    );
    assert_eq!(encrypted.status, 200, "{:?}", encrypted.body);
    let blob = encrypted.body["CiphertextBlob"].as_str().unwrap();
    let decrypted = post(
        address,
        Some("Decrypt"),
        None,
        &format!(r#"{{"CiphertextBlob":"{blob}","EncryptionContext":{{"a":"b"}}}}"#),
    );
    assert_eq!(decrypted.status, 200, "{:?}", decrypted.body);
    assert_eq!(decrypted.body["Plaintext"], "aGVsbG8=");

    // The wrong context: AWS's opaque InvalidCiphertextException.
    let refused =
        post(address, Some("Decrypt"), None, &format!(r#"{{"CiphertextBlob":"{blob}"}}"#));
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["__type"], "InvalidCiphertextException");
}

#[test]
fn the_signature_names_the_account_and_region() {
    let mut config = KmsConfig::new(8);
    config.access_keys.insert("AKIDOTHER".to_owned(), "444455556666".parse().unwrap());
    let address = start(config);
    let auth = signed("AKIDOTHER", "eu-west-1");
    let created = post(address, Some("CreateKey"), Some(&auth), "{}");
    assert_eq!(created.status, 200, "{:?}", created.body);
    let arn = created.body["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    assert!(arn.starts_with("arn:aws:kms:eu-west-1:444455556666:key/"), "{arn}");

    // The key lives in eu-west-1 only: the default Region does not know it.
    let key_id = created.body["KeyMetadata"]["KeyId"].as_str().unwrap();
    let elsewhere = post(address, Some("DescribeKey"), None, &format!(r#"{{"KeyId":"{key_id}"}}"#));
    assert_eq!(elsewhere.body["__type"], "NotFoundException", "{:?}", elsewhere.body);
    let here =
        post(address, Some("DescribeKey"), Some(&auth), &format!(r#"{{"KeyId":"{key_id}"}}"#));
    assert_eq!(here.status, 200, "{:?}", here.body);

    let nowhere = post(address, Some("ListKeys"), Some(&signed("AKID", "moon-base-1x")), "{}");
    assert_eq!(nowhere.status, 400);
    assert_eq!(nowhere.body["__type"], "InvalidSignatureException");
}

fn post_path(address: SocketAddr, path: &str) -> u16 {
    let mut stream = TcpStream::connect(address).unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    raw.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn moto_reset_forgets_every_key_in_every_region() {
    let address = start(KmsConfig::new(10));
    let here = post(address, Some("CreateKey"), None, "{}");
    let key_id = here.body["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let auth = signed("AKID", "ap-southeast-2");
    assert_eq!(post(address, Some("CreateKey"), Some(&auth), "{}").status, 200);
    let count = |auth: Option<&str>| {
        post(address, Some("ListKeys"), auth, "{}").body["Keys"].as_array().unwrap().len()
    };
    assert_eq!((count(None), count(Some(&auth))), (1, 1));

    assert_eq!(post_path(address, "/moto-api/reset"), 200);
    assert_eq!((count(None), count(Some(&auth))), (0, 0));
    let gone = post(address, Some("DescribeKey"), None, &format!(r#"{{"KeyId":"{key_id}"}}"#));
    assert_eq!(gone.body["__type"], "NotFoundException");
    // Serving goes on after a reset.
    assert_eq!(post(address, Some("CreateKey"), None, "{}").status, 200);
    assert_eq!(post_path(address, "/elsewhere"), 400);
}

#[test]
fn protocol_errors_are_json_errors() {
    let address = start(KmsConfig::new(9));
    let no_target = post(address, None, None, "{}");
    assert_eq!(no_target.status, 400);
    assert_eq!(no_target.body["__type"], "UnknownOperationException");

    let unknown = post(address, Some("LaunchRockets"), None, "{}");
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.body["__type"], "UnknownOperationException");
    assert!(unknown.body["message"].as_str().unwrap().contains("LaunchRockets"));

    let garbage = post(address, Some("ListKeys"), None, "{not json");
    assert_eq!(garbage.status, 400);
    assert_eq!(garbage.body["__type"], "SerializationException");

    let missing = post(address, Some("DescribeKey"), None, "{}");
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["__type"], "ValidationException");
}

fn clock(address: SocketAddr, method: &str, body: &str) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(address).unwrap();
    let request = format!(
        "{method} /kmsim/clock HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (head.split(' ').nth(1).unwrap().parse().unwrap(), serde_json::from_str(body).unwrap())
}

#[test]
fn the_clock_advances_so_a_deletion_window_ends_without_waiting() {
    let address = start(KmsConfig::new(11));
    let created = post(address, Some("CreateKey"), None, "{}");
    let key_id = created.body["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let scheduled = post(
        address,
        Some("ScheduleKeyDeletion"),
        None,
        &format!(r#"{{"KeyId":"{key_id}","PendingWindowInDays":7}}"#),
    );
    assert_eq!(scheduled.status, 200, "{:?}", scheduled.body);
    let deletion = scheduled.body["DeletionDate"].as_f64().unwrap();

    let (status, before) = clock(address, "GET", "");
    assert_eq!(status, 200);
    let before = before["Now"].as_f64().unwrap();
    assert!(before < deletion);
    let (status, after) = clock(address, "POST", r#"{"AdvanceSeconds": 604800}"#);
    assert_eq!(status, 200);
    assert!(after["Now"].as_f64().unwrap() >= deletion, "{after} vs {deletion}");

    let gone = post(address, Some("DescribeKey"), None, &format!(r#"{{"KeyId":"{key_id}"}}"#));
    assert_eq!(gone.body["__type"], "NotFoundException", "{:?}", gone.body);

    let (status, refused) = clock(address, "POST", r#"{"AdvanceSeconds": -1}"#);
    assert_eq!(status, 400);
    assert_eq!(refused["__type"], "ValidationException");
}

#[test]
fn replicas_appear_after_the_replication_lag() {
    let mut config = KmsConfig::new(12);
    config.replication_lag_ns = 60_000_000_000;
    let address = start(config);
    let (east, west) = (signed("AKID", "us-east-1"), signed("AKID", "eu-west-1"));
    let created = post(address, Some("CreateKey"), Some(&east), r#"{"MultiRegion":true}"#);
    assert_eq!(created.status, 200, "{:?}", created.body);
    let key_id = created.body["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    assert!(key_id.starts_with("mrk-"), "{key_id}");
    let replicated = post(
        address,
        Some("ReplicateKey"),
        Some(&east),
        &format!(r#"{{"KeyId":"{key_id}","ReplicaRegion":"eu-west-1"}}"#),
    );
    assert_eq!(replicated.status, 200, "{:?}", replicated.body);

    let describe = format!(r#"{{"KeyId":"{key_id}"}}"#);
    let early = post(address, Some("DescribeKey"), Some(&west), &describe);
    assert_eq!(early.body["__type"], "NotFoundException", "{:?}", early.body);
    assert_eq!(clock(address, "POST", r#"{"AdvanceSeconds": 61}"#).0, 200);
    let late = post(address, Some("DescribeKey"), Some(&west), &describe);
    assert_eq!(late.status, 200, "{:?}", late.body);
    assert_eq!(
        late.body["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"],
        "REPLICA"
    );
}

/// A POST with extra headers.
fn post_with(address: SocketAddr, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         Content-Length: {}\r\nConnection: close\r\nX-Amz-Target: TrentService.{target}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    Reply::parse(&raw)
}

/// `x-kmsim-via-service` (kmsim's extension) marks a call as made through an AWS service
/// (`kms:ViaService`): an AWS managed key is created on first use through its service and
/// then usable only through it, as in AWS; a malformed endpoint is refused.
#[test]
fn the_via_service_header_lets_aws_managed_keys_be_used_through_their_service() {
    let address = start(KmsConfig::new(7));
    let via_s3 = [("x-kmsim-via-service", "s3.us-east-1.amazonaws.com")];
    let encrypt = r#"{"KeyId":"alias/aws/s3","Plaintext":"aGVsbG8="}"#;
    // Directly, the key does not exist yet, and a direct call does not create it.
    let direct = post_with(address, "Encrypt", &[], encrypt);
    assert_eq!((direct.status, &direct.body["__type"]), (400, &"NotFoundException".into()));
    let through = post_with(address, "Encrypt", &via_s3, encrypt);
    assert_eq!(through.status, 200, "{:?}", through.body);
    let blob = through.body["CiphertextBlob"].as_str().unwrap().to_owned();
    let described = post_with(address, "DescribeKey", &[], r#"{"KeyId":"alias/aws/s3"}"#);
    assert_eq!(described.body["KeyMetadata"]["KeyManager"], "AWS", "{:?}", described.body);
    let decrypt = format!(r#"{{"CiphertextBlob":"{blob}"}}"#);
    let opened = post_with(address, "Decrypt", &via_s3, &decrypt);
    assert_eq!(opened.body["Plaintext"], "aGVsbG8=", "{:?}", opened.body);
    // Now it exists, a direct call or one through another service is denied by its policy.
    for headers in [&[][..], &[("x-kmsim-via-service", "ec2.us-east-1.amazonaws.com")]] {
        let denied = post_with(address, "Decrypt", headers, &decrypt);
        assert_eq!(denied.status, 400, "{headers:?}");
        assert_eq!(denied.body["__type"], "AccessDeniedException", "{headers:?}");
    }
    for bad in ["s3", "s3.amazonaws.com", "S3.us-east-1.amazonaws.com", "s3.us-east-1.example.com"]
    {
        let refused = post_with(address, "Encrypt", &[("x-kmsim-via-service", bad)], encrypt);
        assert_eq!(refused.status, 400, "{bad}");
        assert_eq!(refused.body["__type"], "ValidationException", "{bad}");
        assert_eq!(
            refused.body["message"],
            format!(
                "The x-kmsim-via-service header must be an AWS service endpoint such as s3.us-east-1.amazonaws.com, not '{bad}'"
            )
        );
    }
}

/// A journal replays calls made through a service as such: the managed key they created
/// is there again after a restart, with the same id.
#[test]
fn a_journal_replays_calls_through_a_service() {
    use server::journal::{Journal, RootKey};
    use server::kms::Caller;
    let dir = std::env::temp_dir().join(format!("kmsim-via-journal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = RootKey::from_hex(&"cd".repeat(32)).unwrap();
    let now = engine::Timestamp::from_unix_seconds(1_796_000_000);
    let through =
        Caller { via_service: Some("s3.us-east-1.amazonaws.com".into()), ..Caller::default() };
    let key_id = {
        let (journal, entries) = Journal::open(&dir, &root, 9, [5; 16]).unwrap();
        let kms = Kms::with_journal(KmsConfig::new(9), journal, entries).unwrap();
        let created = kms.call(
            &through,
            "GenerateDataKey",
            br#"{"KeyId":"alias/aws/s3","KeySpec":"AES_256"}"#,
            now,
        );
        assert_eq!(created.status, 200, "{}", String::from_utf8_lossy(&created.body));
        let body: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
        body["KeyId"].as_str().unwrap().to_owned()
    };
    let (journal, entries) = Journal::open(&dir, &root, 1, [6; 16]).unwrap();
    let kms = Kms::with_journal(KmsConfig::new(1), journal, entries).unwrap();
    let answer = kms.call(&Caller::default(), "DescribeKey", br#"{"KeyId":"alias/aws/s3"}"#, now);
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["KeyMetadata"]["Arn"], key_id, "the replayed key is the one created");
    let _ = std::fs::remove_dir_all(&dir);
}
