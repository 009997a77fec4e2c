//! `kmsim serve --sigv4 strict`: every request's AWS Signature Version 4 is checked against
//! the secret of its access key, as AWS KMS checks it, before anything else is read.
//!
//! The signature is recomputed by `aws-sigv4`, the signer of the AWS SDK for Rust, from the
//! request as it arrived: its method, path and query, the headers its `SignedHeaders` names
//! (and only those), its body, its `X-Amz-Date` and its credential scope. No canonical
//! request or HMAC is written here. The recomputed signature is compared with the presented
//! one in constant time.
//!
//! ```text
//!  Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-1/kms/aws4_request,
//!                 SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<hex>
//!     │
//!  absent, or not AWS4-…                       ──► MissingAuthenticationTokenException
//!  a part or X-Amz-Date missing, not key=value ──► IncompleteSignatureException
//!  X-Amz-Date not ISO 8601 basic format        ──► IncompleteSignatureException
//!  X-Amz-Date over 5 min from the wall clock   ──► InvalidSignatureException (expired / not yet current)
//!  host not signed                             ──► InvalidSignatureException
//!  not AWS4-HMAC-SHA256; scope not 5 parts     ──► IncompleteSignatureException
//!  scope: Region, service kms, aws4_request, date ──► InvalidSignatureException
//!  access key not in the credentials           ──► UnrecognizedClientException
//!  signature differs                           ──► InvalidSignatureException
//!  X-Amz-Security-Token not the entry's        ──► UnrecognizedClientException
//!     ▼
//!  Verified { access key, Region, account }
//! ```
//!
//! The order and the messages are AWS's, as its JSON services answer them.
//!
//! The skew is measured against the wall clock, not the server's clock (which
//! `POST /kmsim/clock` may have moved ahead): clients sign with their wall clock, so checking
//! against a moved clock would refuse every correctly signed request after a move.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use engine::id::AccountId;
use hyper::http::request::Parts;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::wire::WireError;

/// How far a request's `X-Amz-Date` may be from the server's wall clock, either way.
pub const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const SERVICE: &str = "kms";
const TERMINATOR: &str = "aws4_request";
const SECURITY_TOKEN: &str = "x-amz-security-token";

/// Whether the server checks signatures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Signatures are not checked: the access key and Region are read from the
    /// `Authorization` header, and a request without one is served in the defaults.
    #[default]
    Off,
    /// Every request, the admin endpoints included, must carry a valid signature by an
    /// access key of the server's [`Credentials`].
    Strict,
}

impl Mode {
    /// The spelling `--sigv4` takes: `off` or `strict`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Strict => "strict",
        }
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "off" => Ok(Self::Off),
            "strict" => Ok(Self::Strict),
            other => Err(format!("unknown SigV4 mode '{other}' (expected off or strict)")),
        }
    }
}

/// One access key's entry: its secret (inside the signer's identity), account and, for
/// session credentials, token.
#[derive(Clone)]
struct Credential {
    /// The access key and secret as `aws-sigv4` takes them; the secret is zeroized on drop
    /// and redacted from `Debug` by `aws-credential-types`.
    identity: Identity,
    account: AccountId,
    session_token: Option<Zeroizing<String>>,
}

/// The access keys a strict server accepts: access key id → secret access key, account and
/// optional session token. `Debug` shows access keys and accounts only.
///
/// The file form ([`Credentials::read`]), one entry a line, `#` starting a comment:
///
/// ```text
/// # ACCESS_KEY_ID        SECRET_ACCESS_KEY                          ACCOUNT_ID    [SESSION_TOKEN]
/// AKIDKMSIMEXAMPLE       wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY   111122223333
/// ```
///
/// ```
/// use server::sigv4::Credentials;
///
/// let credentials = Credentials::parse("AKIDEXAMPLE s3cr3t 111122223333 # the app\n")?;
/// assert_eq!(credentials.account("AKIDEXAMPLE").map(|a| a.to_string()).as_deref(), Some("111122223333"));
/// assert!(!format!("{credentials:?}").contains("s3cr3t"));
/// # Ok::<(), server::sigv4::CredentialsError>(())
/// ```
#[derive(Clone, Default)]
pub struct Credentials {
    entries: BTreeMap<String, Credential>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials ")?;
        let mut map = f.debug_map();
        for (key, entry) in &self.entries {
            map.entry(key, &format_args!("{} (secret redacted)", entry.account));
        }
        map.finish()
    }
}

/// A credentials file or entry that cannot be used: where, and why. Never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsError {
    /// The file, when read from one.
    pub path: Option<PathBuf>,
    /// The 1-based line, when the fault is on one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(path), Some(line)) => write!(f, "{}:{line}: {}", path.display(), self.message),
            (Some(path), None) => write!(f, "{}: {}", path.display(), self.message),
            (None, Some(line)) => write!(f, "line {line}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CredentialsError {}

impl Credentials {
    /// No access keys.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a credentials file: one `ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID
    /// [SESSION_TOKEN]` a line, fields separated by spaces or tabs; blank lines and
    /// everything from a `#` that starts a field are ignored.
    ///
    /// # Errors
    /// The file cannot be read, or a line is not an entry ([`Credentials::parse`]); the
    /// error names the file and the line.
    pub fn read(path: &Path) -> Result<Self, CredentialsError> {
        let at = |error: CredentialsError| CredentialsError { path: Some(path.into()), ..error };
        let text = std::fs::read_to_string(path)
            .map_err(|e| at(CredentialsError { path: None, line: None, message: e.to_string() }))?;
        let text = Zeroizing::new(text);
        Self::parse(&text).map_err(at)
    }

    /// Parses the text of a credentials file (see [`Credentials::read`]).
    ///
    /// # Errors
    /// A line with the wrong number of fields, an access key id that could not stand in a
    /// SigV4 credential scope, an account id that is not 12 digits, or an access key listed
    /// twice. The message names the line and never echoes a secret.
    pub fn parse(text: &str) -> Result<Self, CredentialsError> {
        let mut credentials = Self::new();
        let mut first_line = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let fault =
                |message: String| CredentialsError { path: None, line: Some(number), message };
            let fields: Vec<&str> =
                line.split_whitespace().take_while(|field| !field.starts_with('#')).collect();
            let (key, secret, account, token) = match fields[..] {
                [] => continue,
                [key, secret, account] => (key, secret, account, None),
                [key, secret, account, token] => (key, secret, account, Some(token)),
                _ => {
                    return Err(fault(format!(
                        "expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID [SESSION_TOKEN], \
                         got {} fields",
                        fields.len()
                    )));
                }
            };
            let account = account
                .parse::<AccountId>()
                .map_err(|_| fault(format!("the account id must be 12 digits, got '{account}'")))?;
            if let Some(first) = first_line.insert(key.to_owned(), number) {
                return Err(fault(format!("access key '{key}' is already on line {first}")));
            }
            credentials
                .insert(
                    key,
                    Zeroizing::new(secret.to_owned()),
                    account,
                    token.map(|t| Zeroizing::new(t.to_owned())),
                )
                .map_err(fault)?;
        }
        Ok(credentials)
    }

    /// Adds (or replaces) an access key.
    ///
    /// # Errors
    /// The access key id is empty or holds a character that cannot stand in a credential
    /// scope (anything but ASCII letters, digits, `_` and `-`).
    pub fn insert(
        &mut self,
        access_key_id: &str,
        secret_access_key: Zeroizing<String>,
        account: AccountId,
        session_token: Option<Zeroizing<String>>,
    ) -> Result<(), String> {
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if access_key_id.is_empty() || !access_key_id.chars().all(valid) {
            return Err(format!(
                "an access key id is ASCII letters, digits, '_' and '-', got '{access_key_id}'"
            ));
        }
        // The signer takes the secret by value: this copy moves into its zeroizing store.
        let secret = String::clone(&secret_access_key);
        let identity = AwsCredentials::new(access_key_id, secret, None, None, "kmsim").into();
        self.entries
            .insert(access_key_id.to_owned(), Credential { identity, account, session_token });
        Ok(())
    }

    /// The account an access key acts in, if it is one of these.
    #[must_use]
    pub fn account(&self, access_key_id: &str) -> Option<AccountId> {
        self.entries.get(access_key_id).map(|entry| entry.account)
    }

    /// Every access key with its account, in access key order.
    pub fn accounts(&self) -> impl Iterator<Item = (&str, AccountId)> {
        self.entries.iter().map(|(key, entry)| (key.as_str(), entry.account))
    }

    /// How many access keys there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What a valid signature establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The access key that signed.
    pub access_key: String,
    /// The Region of the credential scope (a Region the engine knows).
    pub region: String,
    /// The access key's account, from its entry.
    pub account: AccountId,
}

/// Checks the SigV4 signature of a request (its head `parts` and its whole `body`) against
/// `credentials`, at wall time `now`.
///
/// # Errors
/// The AWS exception a request signed that way gets, as the [module](self) lists them.
pub fn verify(
    credentials: &Credentials,
    parts: &Parts,
    body: &[u8],
    now: SystemTime,
) -> Result<Verified, WireError> {
    let header = parts.headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(header) = header.filter(|h| h.trim_start().starts_with("AWS4-")) else {
        return Err(missing_token());
    };
    let authorization = Authorization::parse(header)?;
    let amz_date = header_str(parts, "x-amz-date");
    let mut missing = String::new();
    for (name, value) in [
        ("Credential", authorization.credential),
        ("Signature", authorization.signature),
        ("SignedHeaders", authorization.signed_headers),
    ] {
        if value.is_none() {
            missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
        }
    }
    if amz_date.is_none() && parts.headers.get(hyper::header::DATE).is_none() {
        missing.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
             header. ",
        );
    }
    let (Some(credential), Some(signature), Some(signed_headers)) =
        (authorization.credential, authorization.signature, authorization.signed_headers)
    else {
        return Err(incomplete(format!("{missing}Authorization={header}")));
    };
    if !missing.is_empty() {
        return Err(incomplete(format!("{missing}Authorization={header}")));
    }
    let Some(amz_date) = amz_date else {
        // AWS also accepts a request dated by its Date header alone; the AWS SDKs and CLI
        // always send X-Amz-Date, and the signer used here always signs it.
        return Err(incomplete(
            "kmsim verifies requests dated by an X-Amz-Date header; this one has only a Date \
             header."
                .to_owned(),
        ));
    };
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See \
             http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })?;
    check_skew(signed_at, now)?;

    let signed: Vec<String> = signed_headers.split(';').map(str::to_ascii_lowercase).collect();
    if !signed.iter().any(|name| name == "host") {
        return Err(invalid("'Host' must be a 'SignedHeader' in the AWS Authorization."));
    }
    if authorization.algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{}' (only {ALGORITHM} for now).",
            authorization.algorithm
        )));
    }
    let scope: Vec<&str> = credential.trim_end_matches('/').split('/').collect();
    let [access_key, date, region, service, terminator] = scope[..] else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got '{credential}'"
        )));
    };
    let mut wrong = Vec::new();
    if region.parse::<engine::Region>().is_err() {
        wrong.push(format!("Credential should be scoped to a valid region, not '{region}'."));
    }
    if service != SERVICE {
        wrong.push(format!("Credential should be scoped to correct service: '{SERVICE}'."));
    }
    if terminator != TERMINATOR {
        wrong.push(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not \
             '{terminator}'."
        ));
    }
    if date != &amz_date[..8] {
        wrong.push(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{date}' != '{}', from '{amz_date}'.",
            &amz_date[..8]
        ));
    }
    if !wrong.is_empty() {
        return Err(invalid(wrong.join(" ")));
    }
    let entry = credentials.entries.get(access_key).ok_or_else(unrecognized)?;

    let expected = expected_signature(entry, parts, body, &signed, region, signed_at)
        .ok_or_else(signature_mismatch)?;
    let matches = expected.len() == signature.len()
        && bool::from(expected.as_bytes().ct_eq(signature.as_bytes()));
    if !matches {
        return Err(signature_mismatch());
    }
    // Checked after the signature, as AWS does. The token is signed as an ordinary header
    // (it was in the canonical request above): here it must also be the entry's.
    let presented = header_str(parts, SECURITY_TOKEN);
    let token_ok = match (&entry.session_token, presented) {
        (None, None) => true,
        (Some(token), Some(presented)) => {
            token.len() == presented.len()
                && bool::from(token.as_bytes().ct_eq(presented.as_bytes()))
        }
        _ => false,
    };
    if !token_ok {
        return Err(unrecognized());
    }
    Ok(Verified {
        access_key: access_key.to_owned(),
        region: region.to_owned(),
        account: entry.account,
    })
}

/// The signature `aws-sigv4` computes for this request with the entry's secret, or `None`
/// if the request cannot be what its signer signed (a signed header missing or not text).
fn expected_signature(
    entry: &Credential,
    parts: &Parts,
    body: &[u8],
    signed: &[String],
    region: &str,
    signed_at: SystemTime,
) -> Option<String> {
    // Only the headers the client signed, each with every value it has.
    let mut headers = Vec::new();
    for name in signed {
        let mut values = parts.headers.get_all(name.as_str()).iter().peekable();
        // A signed header that is absent cannot be in the canonical request the client
        // signed (and the signer would have to invent a host).
        values.peek()?;
        for value in values {
            headers.push((name.as_str(), value.to_str().ok()?));
        }
    }
    let uri = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let request = SignableRequest::new(
        parts.method.as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .ok()?;
    let mut settings = SigningSettings::default();
    // The client chose what to sign; exclude nothing it signed (the default list drops
    // user-agent and others, which some clients do sign).
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&entry.identity)
        .region(region)
        .name(SERVICE)
        .time(signed_at)
        .settings(settings)
        .build()
        .ok()?
        .into();
    // The signer adds host (present here, so kept), x-amz-date (replaced by the same value,
    // since the time is the header's), and no token or content hash (none in the identity,
    // `NoHeader` by default): the canonical request holds exactly the signed headers.
    let output = sign(request, &params).ok()?;
    Some(output.signature().to_owned())
}

/// The parts of an `Authorization` header: `<algorithm> Credential=…, SignedHeaders=…,
/// Signature=…`, in any order, separated by commas.
#[derive(Debug)]
struct Authorization<'a> {
    algorithm: &'a str,
    credential: Option<&'a str>,
    signed_headers: Option<&'a str>,
    signature: Option<&'a str>,
}

impl<'a> Authorization<'a> {
    fn parse(header: &'a str) -> Result<Self, WireError> {
        let header_trimmed = header.trim();
        let (algorithm, rest) =
            header_trimmed.split_once(char::is_whitespace).unwrap_or((header_trimmed, ""));
        let mut parsed =
            Self { algorithm, credential: None, signed_headers: None, signature: None };
        for part in rest.split(',').map(str::trim).filter(|part| !part.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(incomplete(format!(
                    "'{part}' not a valid key=value pair (missing equal-sign) in Authorization \
                     header: '{header}'."
                )));
            };
            let value = Some(value.trim()).filter(|v| !v.is_empty());
            match name.trim() {
                "Credential" => parsed.credential = value,
                "SignedHeaders" => parsed.signed_headers = value,
                "Signature" => parsed.signature = value,
                _ => {}
            }
        }
        Ok(parsed)
    }
}

fn header_str<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// `X-Amz-Date`'s ISO 8601 basic format, `20261130T080000Z`, as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' || !digits(0..8) {
        return None;
    }
    if !digits(9..15) {
        return None;
    }
    // The same instant in RFC 3339, which the SDK's own date parser reads (and range-checks).
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    let parsed = aws_smithy_types::DateTime::from_str(
        &rfc3339,
        aws_smithy_types::date_time::Format::DateTime,
    )
    .ok()?;
    SystemTime::try_from(parsed).ok()
}

/// `time` in `X-Amz-Date`'s format.
fn format_amz_date(time: SystemTime) -> String {
    let nanos = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let timestamp = engine::Timestamp::from_unix_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
    // RFC 3339 (`2026-11-30T08:00:00Z`) without its separators.
    timestamp.to_string().replace(['-', ':'], "")
}

/// AWS's refusal of a request signed more than [`MAX_SKEW`] from `now`, either way.
fn check_skew(signed_at: SystemTime, now: SystemTime) -> Result<(), WireError> {
    let earliest = now.checked_sub(MAX_SKEW).unwrap_or(SystemTime::UNIX_EPOCH);
    let latest = now.checked_add(MAX_SKEW).unwrap_or(now);
    let minutes = MAX_SKEW.as_secs() / 60;
    let (signed, now_text) = (format_amz_date(signed_at), format_amz_date(now));
    if signed_at < earliest {
        return Err(invalid(format!(
            "Signature expired: {signed} is now earlier than {} ({now_text} - {minutes} min.)",
            format_amz_date(earliest)
        )));
    }
    if signed_at > latest {
        return Err(invalid(format!(
            "Signature not yet current: {signed} is still later than {} ({now_text} + \
             {minutes} min.)",
            format_amz_date(latest)
        )));
    }
    Ok(())
}

fn missing_token() -> WireError {
    WireError::new(
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
        400,
    )
}

fn incomplete(message: String) -> WireError {
    WireError::new("IncompleteSignatureException", message, 400)
}

fn invalid(message: impl Into<String>) -> WireError {
    WireError::new("InvalidSignatureException", message, 400)
}

fn signature_mismatch() -> WireError {
    invalid(
        "The request signature we calculated does not match the signature you provided. Check \
         your AWS Secret Access Key and signing method. Consult the service documentation for \
         details.",
    )
}

fn unrecognized() -> WireError {
    WireError::new(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        400,
    )
}

#[cfg(test)]
mod tests;

/// Signs requests with SigV4 as an AWS SDK does, for kmsim's own clients (`kmsim load`,
/// `kmsim analyze`), so they can read a server that runs `--sigv4 strict`, or real AWS.
///
/// The secret stays in `aws-credential-types`' zeroizing store and is redacted in `Debug`.
pub struct Signer {
    identity: Identity,
    region: String,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The identity's Debug already redacts the secret; the Region is all worth showing.
        f.debug_struct("Signer").field("region", &self.region).finish_non_exhaustive()
    }
}

/// Why a request could not be signed.
#[derive(Debug)]
pub struct SignError(String);

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot sign the request: {}", self.0)
    }
}

impl std::error::Error for SignError {}

impl Signer {
    /// A signer for `access_key_id` and `secret_access_key` (and a session token, for
    /// temporary credentials) in `region`.
    #[must_use]
    pub fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<String>,
        region: &str,
    ) -> Self {
        let credentials =
            AwsCredentials::new(access_key_id, secret_access_key, session_token, None, "kmsim");
        Self { identity: credentials.into(), region: region.to_owned() }
    }

    /// The signer of the standard environment variables `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, as the AWS CLI reads them; `None`
    /// unless both the key id and the secret are set and non-empty.
    #[must_use]
    pub fn from_env(region: &str) -> Option<Self> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let access_key_id = var("AWS_ACCESS_KEY_ID")?;
        let secret = Zeroizing::new(var("AWS_SECRET_ACCESS_KEY")?);
        Some(Self::new(&access_key_id, &secret, var("AWS_SESSION_TOKEN"), region))
    }

    /// Adds `x-amz-date`, the session token if any, and `authorization` to `request`, signing
    /// its method, URI, headers (a `host` header is added from the URI when missing, since
    /// SigV4 requires it signed) and `body` at time `now`.
    ///
    /// # Errors
    /// [`SignError`] if a header is not text or the URI has no host.
    pub fn sign<B>(
        &self,
        request: &mut hyper::Request<B>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), SignError> {
        if !request.headers().contains_key(hyper::header::HOST) {
            let authority = request
                .uri()
                .authority()
                .ok_or_else(|| SignError(format!("`{}` names no host", request.uri())))?;
            let host = hyper::header::HeaderValue::from_str(authority.as_str())
                .map_err(|e| SignError(e.to_string()))?;
            request.headers_mut().insert(hyper::header::HOST, host);
        }
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name("kms")
            .time(now)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| SignError(e.to_string()))?
            .into();
        let mut headers = Vec::with_capacity(request.headers().len());
        for (name, value) in request.headers() {
            let value = value.to_str().map_err(|e| SignError(format!("header {name}: {e}")))?;
            headers.push((name.as_str(), value));
        }
        // The signer wants the path and query; a client request's URI is absolute.
        let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let signable = SignableRequest::new(
            request.method().as_str(),
            path,
            headers.into_iter(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| SignError(e.to_string()))?;
        let (instructions, _signature) =
            sign(signable, &params).map_err(|e| SignError(e.to_string()))?.into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }
}
