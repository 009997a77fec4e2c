//! `--sigv4 strict` over a real socket: requests signed by `aws-sigv4` as the AWS SDK for
//! Rust signs them, and each way a signature can be wrong, answered as AWS KMS answers it.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use hyper::Request;
use server::kms::KmsConfig;
use server::sigv4::{Credentials, Mode};

use crate::http::{Reply, start};

const CREDENTIALS: &str = "\
# ACCESS_KEY_ID  SECRET_ACCESS_KEY    ACCOUNT_ID    [SESSION_TOKEN]
AKIDALPHA        alpha/secret+key     111122223333
AKIDBETA         beta-secret          444455556666
ASIASESSION      session-secret       777788889999  FwoGZXIvYXdzEXAMPLEtoken
";

const MISMATCH: &str = "The request signature we calculated does not match the signature you \
                        provided. Check your AWS Secret Access Key and signing method. Consult \
                        the service documentation for details.";
const BAD_TOKEN: &str = "The security token included in the request is invalid.";

pub(crate) fn strict(seed: u64) -> KmsConfig {
    let credentials = Credentials::parse(CREDENTIALS).unwrap();
    KmsConfig { credentials, sigv4: Mode::Strict, ..KmsConfig::new(seed) }
}

#[expect(
    clippy::disallowed_methods,
    reason = "the server checks signatures against the wall clock"
)]
fn wall_now() -> SystemTime {
    SystemTime::now()
}

/// Who signs, and how: the AWS SDK for Rust's defaults unless a test changes them.
#[derive(Clone)]
pub(crate) struct Signer {
    access_key: &'static str,
    secret: &'static str,
    token: Option<&'static str>,
    region: &'static str,
    service: &'static str,
    time: SystemTime,
    settings: SigningSettings,
}

impl Signer {
    pub(crate) fn alpha(region: &'static str) -> Self {
        Self {
            access_key: "AKIDALPHA",
            secret: "alpha/secret+key",
            token: None,
            region,
            service: "kms",
            time: wall_now(),
            settings: SigningSettings::default(),
        }
    }

    fn beta(region: &'static str) -> Self {
        Self { access_key: "AKIDBETA", secret: "beta-secret", ..Self::alpha(region) }
    }

    fn session(region: &'static str) -> Self {
        Self {
            access_key: "ASIASESSION",
            secret: "session-secret",
            token: Some("FwoGZXIvYXdzEXAMPLEtoken"),
            ..Self::alpha(region)
        }
    }

    /// `request` with the headers `aws-sigv4` adds (`authorization`, `x-amz-date`, and
    /// the token and content hash when asked for).
    pub(crate) fn sign(&self, mut request: Request<String>) -> Request<String> {
        let identity = AwsCredentials::new(
            self.access_key,
            self.secret,
            self.token.map(str::to_owned),
            None,
            "test",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
            .settings(self.settings.clone())
            .build()
            .unwrap()
            .into();
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
            .collect();
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.uri().to_string(),
            headers.iter().map(|(name, value)| (name.as_str(), value.as_str())),
            SignableBody::Bytes(request.body().as_bytes()),
        )
        .unwrap();
        let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();
        instructions.apply_to_request_http1x(&mut request);
        request
    }
}

/// A KMS call as an SDK builds it before signing.
pub(crate) fn kms_request(address: SocketAddr, operation: &str, body: &str) -> Request<String> {
    Request::post("/")
        .header("host", address.to_string())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("TrentService.{operation}"))
        .body(body.to_owned())
        .unwrap()
}

fn admin_request(address: SocketAddr, method: &str, path: &str, body: &str) -> Request<String> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", address.to_string())
        .body(body.to_owned())
        .unwrap()
}

/// The request's bytes on the wire (with its length, and closing the connection after).
pub(crate) fn wire_bytes(request: &Request<String>) -> Vec<u8> {
    let mut raw = format!("{} {} HTTP/1.1\r\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        raw.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    raw.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{}",
        request.body().len(),
        request.body()
    ));
    raw.into_bytes()
}

fn send(address: SocketAddr, request: &Request<String>) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(&wire_bytes(request)).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    Reply::parse(&raw)
}

fn with_header(mut request: Request<String>, name: &'static str, value: &str) -> Request<String> {
    request.headers_mut().insert(name, value.parse().unwrap());
    request
}

/// `request` with its Authorization header rewritten by `edit`.
fn edit_authorization(request: Request<String>, edit: impl Fn(&str) -> String) -> Request<String> {
    let header = request.headers()["authorization"].to_str().unwrap().to_owned();
    with_header(request, "authorization", &edit(&header))
}

#[test]
fn signed_requests_act_in_their_access_keys_account_and_region() {
    let address = start(strict(21));
    for (signer, region, account) in [
        (Signer::alpha("eu-west-1"), "eu-west-1", "111122223333"),
        (Signer::beta("us-east-1"), "us-east-1", "444455556666"),
        (Signer::session("ap-southeast-2"), "ap-southeast-2", "777788889999"),
    ] {
        let created = send(address, &signer.sign(kms_request(address, "CreateKey", "{}")));
        assert_eq!(created.status, 200, "{account}: {:?}", created.body);
        let arn = created.body["KeyMetadata"]["Arn"].as_str().unwrap();
        assert!(arn.starts_with(&format!("arn:aws:kms:{region}:{account}:key/")), "{arn}");
        let key_id = created.body["KeyMetadata"]["KeyId"].as_str().unwrap();

        let body = format!(r#"{{"KeyId":"{key_id}","Plaintext":"aGVsbG8="}}"#);
        let sealed = send(address, &signer.sign(kms_request(address, "Encrypt", &body)));
        assert_eq!(sealed.status, 200, "{:?}", sealed.body);
        let blob = sealed.body["CiphertextBlob"].as_str().unwrap();
        let body = format!(r#"{{"CiphertextBlob":"{blob}"}}"#);
        let opened = send(address, &signer.sign(kms_request(address, "Decrypt", &body)));
        assert_eq!(opened.status, 200, "{:?}", opened.body);
        assert_eq!(opened.body["Plaintext"], "aGVsbG8=");
    }
}

#[test]
fn every_bad_signature_is_refused_as_aws_refuses_it() {
    let address = start(strict(22));
    let list = || kms_request(address, "ListKeys", "{}");
    let good = Signer::alpha("us-east-1");
    let ten_minutes = Duration::from_secs(600);
    let cases: Vec<(&str, Request<String>, &str, String)> = vec![
        (
            "wrong secret",
            Signer { secret: "not-the-secret", ..good.clone() }.sign(list()),
            "InvalidSignatureException",
            MISMATCH.to_owned(),
        ),
        (
            "unknown access key",
            Signer { access_key: "AKIDNOBODY", ..good.clone() }.sign(list()),
            "UnrecognizedClientException",
            BAD_TOKEN.to_owned(),
        ),
        (
            "body changed after signing",
            {
                let mut request = good.sign(list());
                *request.body_mut() = r#"{"Limit":1}"#.to_owned();
                request
            },
            "InvalidSignatureException",
            MISMATCH.to_owned(),
        ),
        (
            "signed header changed after signing",
            with_header(good.sign(list()), "x-amz-target", "TrentService.CreateKey"),
            "InvalidSignatureException",
            MISMATCH.to_owned(),
        ),
        (
            "signed ten minutes ago",
            Signer { time: good.time - ten_minutes, ..good.clone() }.sign(list()),
            "InvalidSignatureException",
            "Signature expired: ".to_owned(),
        ),
        (
            "signed ten minutes ahead",
            Signer { time: good.time + ten_minutes, ..good.clone() }.sign(list()),
            "InvalidSignatureException",
            "Signature not yet current: ".to_owned(),
        ),
        (
            "no Authorization header",
            list(),
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token".to_owned(),
        ),
        (
            "another scheme",
            with_header(list(), "authorization", "Basic dXNlcjpwYXNz"),
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token".to_owned(),
        ),
        (
            "no Signature",
            edit_authorization(good.sign(list()), |h| {
                h.split(", Signature=").next().unwrap().to_owned()
            }),
            "IncompleteSignatureException",
            "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 \
             Credential=AKIDALPHA/"
                .to_owned(),
        ),
        (
            "nothing but the algorithm",
            with_header(list(), "authorization", "AWS4-HMAC-SHA256"),
            "IncompleteSignatureException",
            "Authorization header requires 'Credential' parameter. Authorization header requires \
             'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. \
             Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
             header. Authorization=AWS4-HMAC-SHA256"
                .to_owned(),
        ),
        (
            "a part that is not key=value",
            edit_authorization(good.sign(list()), |h| h.replacen("Credential=", "Credential ", 1)),
            "IncompleteSignatureException",
            "'Credential AKIDALPHA/".to_owned(),
        ),
        (
            "no X-Amz-Date",
            {
                let mut request = good.sign(list());
                request.headers_mut().remove("x-amz-date");
                request
            },
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                .to_owned(),
        ),
        (
            "X-Amz-Date not in ISO 8601 basic format",
            with_header(good.sign(list()), "x-amz-date", "2026-11-30T08:00:00Z"),
            "IncompleteSignatureException",
            "Date must be in ISO-8601 'basic format'. Got '2026-11-30T08:00:00Z'.".to_owned(),
        ),
        (
            "host not signed",
            edit_authorization(good.sign(list()), |h| h.replace(";host;", ";")),
            "InvalidSignatureException",
            "'Host' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
        ),
        (
            "another algorithm",
            edit_authorization(good.sign(list()), |h| h.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")),
            "IncompleteSignatureException",
            "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 for now)."
                .to_owned(),
        ),
        (
            "a scope of four parts",
            edit_authorization(good.sign(list()), |h| h.replace("/us-east-1/", "/")),
            "IncompleteSignatureException",
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got 'AKIDALPHA/"
                .to_owned(),
        ),
        (
            "scoped to another service",
            Signer { service: "s3", ..good.clone() }.sign(list()),
            "InvalidSignatureException",
            "Credential should be scoped to correct service: 'kms'.".to_owned(),
        ),
        (
            "scoped to no Region AWS has",
            Signer { region: "moon-base-1x", ..good.clone() }.sign(list()),
            "InvalidSignatureException",
            "Credential should be scoped to a valid region, not 'moon-base-1x'.".to_owned(),
        ),
        (
            "scope dated another day",
            edit_authorization(good.sign(list()), |h| {
                let date = h.split('/').nth(1).unwrap().to_owned();
                h.replacen(&format!("/{date}/"), "/20000101/", 1)
            }),
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '20000101' != '"
                .to_owned(),
        ),
        (
            "a session token on long-term keys",
            Signer { token: Some("made-up-token"), ..good.clone() }.sign(list()),
            "UnrecognizedClientException",
            BAD_TOKEN.to_owned(),
        ),
        (
            "the wrong session token",
            Signer { token: Some("FwoGZXIvYXdzWRONGtoken"), ..Signer::session("us-east-1") }
                .sign(list()),
            "UnrecognizedClientException",
            BAD_TOKEN.to_owned(),
        ),
        (
            "session keys without their token",
            Signer { token: None, ..Signer::session("us-east-1") }.sign(list()),
            "UnrecognizedClientException",
            BAD_TOKEN.to_owned(),
        ),
    ];
    for (name, request, type_name, message) in cases {
        let reply = send(address, &request);
        assert_eq!(reply.status, 400, "{name}: {:?}", reply.body);
        assert_eq!(reply.body["__type"], type_name, "{name}: {:?}", reply.body);
        let text = reply.body["message"].as_str().unwrap();
        assert!(text.starts_with(&message), "{name}: {text}\nexpected: {message}");
    }
    // Nothing refused reached an engine: the good key still sees no keys.
    let listed = send(address, &good.sign(list()));
    assert_eq!((listed.status, &listed.body["Keys"]), (200, &serde_json::json!([])));
}

/// `aws-sigv4` as a client adds x-amz-date, x-amz-security-token and (S3-style)
/// x-amz-content-sha256 itself; the verifier signs with the same library, so it must add
/// none of them a second time or differently. A request that already carries an X-Amz-Date
/// before signing, and a signed user-agent (which the signer's defaults exclude), verify too.
#[test]
fn the_verifier_adds_no_header_twice_and_honours_what_the_client_signed() {
    let address = start(strict(23));
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings.excluded_headers = None;
    let signer = Signer { settings, ..Signer::session("eu-central-1") };
    let request = kms_request(address, "CreateKey", r#"{"Description":"extras"}"#);
    let request = with_header(request, "user-agent", "aws-sdk-rust/1.0 os/linux");
    let request = with_header(request, "x-amz-date", "20000101T000000Z");
    let signed = signer.sign(request);

    let authorization = signed.headers()["authorization"].to_str().unwrap();
    let signed_headers = authorization.split("SignedHeaders=").nth(1).unwrap();
    let signed_headers = signed_headers.split(',').next().unwrap();
    assert_eq!(
        signed_headers,
        "content-type;host;user-agent;x-amz-content-sha256;x-amz-date;x-amz-security-token;\
         x-amz-target"
    );
    assert_eq!(signed.headers().get_all("x-amz-date").iter().count(), 1);
    assert_eq!(signed.headers().get_all("x-amz-security-token").iter().count(), 1);
    let created = send(address, &signed);
    assert_eq!(created.status, 200, "{:?}", created.body);
    let arn = created.body["KeyMetadata"]["Arn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:kms:eu-central-1:777788889999:key/"), "{arn}");

    // The content hash is checked like any signed header: a different one is a mismatch.
    let forged = with_header(
        signer.sign(kms_request(address, "ListKeys", "{}")),
        "x-amz-content-sha256",
        &"0".repeat(64),
    );
    assert_eq!(send(address, &forged).body["__type"], "InvalidSignatureException");
}

#[test]
fn admin_endpoints_need_a_signature_and_skew_is_against_the_wall_clock() {
    let address = start(strict(24));
    let signer = Signer::alpha("us-east-1");
    for (method, path) in [("POST", "/moto-api/reset"), ("GET", "/kmsim/clock")] {
        let unsigned = send(address, &admin_request(address, method, path, ""));
        assert_eq!(unsigned.body["__type"], "MissingAuthenticationTokenException", "{path}");
        let forged = Signer { secret: "guess", ..signer.clone() }
            .sign(admin_request(address, method, path, ""));
        assert_eq!(send(address, &forged).body["__type"], "InvalidSignatureException", "{path}");
    }
    let advance = r#"{"AdvanceSeconds": 86400}"#;
    let moved =
        send(address, &signer.sign(admin_request(address, "POST", "/kmsim/clock", advance)));
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    // The server's clock is a day ahead; a request signed now by the wall clock still
    // verifies, because clients sign with the wall clock.
    let listed =
        send(address, &Signer::alpha("us-east-1").sign(kms_request(address, "ListKeys", "{}")));
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let reset = send(address, &signer.sign(admin_request(address, "POST", "/moto-api/reset", "")));
    assert_eq!(reset.status, 200, "{:?}", reset.body);
}

#[test]
fn with_sigv4_off_signatures_are_read_not_checked() {
    let config = KmsConfig { sigv4: Mode::Off, ..strict(25) };
    let address = start(config);
    let forged = Signer { secret: "not-the-secret", ..Signer::beta("eu-west-1") };
    let created = send(address, &forged.sign(kms_request(address, "CreateKey", "{}")));
    assert_eq!(created.status, 200, "{:?}", created.body);
    // The credentials file still names the account.
    let arn = created.body["KeyMetadata"]["Arn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:kms:eu-west-1:444455556666:key/"), "{arn}");
    assert_eq!(send(address, &kms_request(address, "ListKeys", "{}")).status, 200);
}
