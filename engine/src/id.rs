//! Parsed identifiers: accounts, Regions, principals, key ids, ARNs, alias names and the
//! four forms of key reference AWS accepts.
//!
//! Every identifier is parsed once at the edge; inside the engine they are typed values,
//! most of them `Copy`, so answering a request formats an ARN without allocating.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{ErrorKind, KmsError};

/// A 12-digit AWS account id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(pub(crate) u64);

impl AccountId {
    /// The largest account id (12 digits).
    const MAX: u64 = 999_999_999_999;

    /// The account with number `id`, or `None` if it has more than 12 digits.
    #[must_use]
    pub const fn new(id: u64) -> Option<Self> {
        if id <= Self::MAX { Some(Self(id)) } else { None }
    }
}

impl FromStr for AccountId {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map(Self).map_err(|_| invalid_arn(s))
        } else {
            Err(KmsError::new(
                ErrorKind::Validation,
                format!("invalid account id '{s}': expected 12 decimal digits"),
            ))
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}", self.0)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({self})")
    }
}

/// An AWS Region name such as `us-east-1`, stored inline so it is `Copy`. Ordered by name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    len: u8,
    bytes: [u8; Self::CAPACITY],
}

impl Region {
    const CAPACITY: usize = 23;

    /// `us-east-1` (N. Virginia).
    pub const US_EAST_1: Self = Self::from_static("us-east-1");
    /// `us-east-2` (Ohio).
    pub const US_EAST_2: Self = Self::from_static("us-east-2");
    /// `us-west-2` (Oregon).
    pub const US_WEST_2: Self = Self::from_static("us-west-2");
    /// `eu-west-1` (Ireland).
    pub const EU_WEST_1: Self = Self::from_static("eu-west-1");
    /// `eu-central-1` (Frankfurt).
    pub const EU_CENTRAL_1: Self = Self::from_static("eu-central-1");
    /// `ap-southeast-1` (Singapore).
    pub const AP_SOUTHEAST_1: Self = Self::from_static("ap-southeast-1");

    /// A Region from a literal.
    ///
    /// # Panics
    /// If `name` is not a valid Region name; in a `const` this fails the build instead.
    #[must_use]
    pub const fn from_static(name: &'static str) -> Self {
        match Self::parse_bytes(name.as_bytes()) {
            Some(region) => region,
            None => panic!("not a valid AWS Region name"),
        }
    }

    /// Region names are `<area>-<place>-<n>`, optionally with a `gov`/`iso` part:
    /// lowercase letters and digits in dash-separated groups, ending in a number.
    const fn parse_bytes(name: &[u8]) -> Option<Self> {
        if name.is_empty() || name.len() > Self::CAPACITY {
            return None;
        }
        let mut bytes = [0u8; Self::CAPACITY];
        let mut groups = 1;
        let mut i = 0;
        let mut last_dash = 0;
        while i < name.len() {
            let b = name[i];
            if b == b'-' {
                // No leading dash and no two dashes in a row.
                if i == 0 || name[i - 1] == b'-' {
                    return None;
                }
                groups += 1;
                last_dash = i;
            } else if !(b.is_ascii_lowercase() || b.is_ascii_digit()) {
                return None;
            }
            bytes[i] = b;
            i += 1;
        }
        // The last group is the number, e.g. the `1` in `us-east-1`.
        if groups < 3 || last_dash + 1 >= name.len() {
            return None;
        }
        let mut j = last_dash + 1;
        while j < name.len() {
            if !name[j].is_ascii_digit() {
                return None;
            }
            j += 1;
        }
        #[expect(clippy::cast_possible_truncation, reason = "length checked against CAPACITY")]
        Some(Self { len: name.len() as u8, bytes })
    }

    /// The Region name, e.g. `"us-east-1"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // The bytes were checked to be ASCII when the Region was parsed.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    /// The ARN partition the Region belongs to: `aws`, `aws-cn` or `aws-us-gov`.
    #[must_use]
    pub fn partition(&self) -> &'static str {
        if self.bytes.starts_with(b"cn-") {
            "aws-cn"
        } else if self.bytes.starts_with(b"us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }
}

impl Ord for Region {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The unused tail is zeros and names hold no zero byte, so comparing the whole
        // arrays orders by name (a prefix sorts first) without a UTF-8 check on the hot
        // path: simulations key their maps by Region.
        self.bytes.cmp(&other.bytes)
    }
}

impl PartialOrd for Region {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Region {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        Self::parse_bytes(s.as_bytes()).ok_or_else(|| {
            KmsError::new(
                ErrorKind::Validation,
                format!("invalid Region '{s}': expected a Region name such as us-east-1"),
            )
        })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({self})")
    }
}

/// The ARN of the IAM principal that makes a call, e.g. `arn:aws:iam::111122223333:role/app`.
///
/// Cheap to clone (shared string); the account is parsed out once.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrincipalArn {
    arn: Arc<str>,
    account: AccountId,
}

impl PrincipalArn {
    /// The account root principal `arn:aws:iam::<account>:root`.
    #[must_use]
    pub fn root(account: AccountId) -> Self {
        Self { arn: format!("arn:aws:iam::{account}:root").into(), account }
    }

    /// The account the principal belongs to.
    #[must_use]
    pub const fn account(&self) -> AccountId {
        self.account
    }

    /// The full ARN.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The CloudTrail `userIdentity.type` of this principal.
    #[must_use]
    pub fn identity_type(&self) -> &'static str {
        let resource = self.arn.rsplit_once(':').map_or("", |(_, r)| r);
        if resource == "root" {
            "Root"
        } else if resource.starts_with("assumed-role/") || resource.starts_with("role/") {
            // A role acts only through a session, which CloudTrail records as AssumedRole.
            "AssumedRole"
        } else if resource.starts_with("user/") {
            "IAMUser"
        } else {
            "AWSAccount"
        }
    }
}

impl FromStr for PrincipalArn {
    type Err = KmsError;
    /// Accepts `arn:<partition>:iam::<account>:<root|user/…|role/…>` and
    /// `arn:<partition>:sts::<account>:assumed-role/…`.
    fn from_str(s: &str) -> Result<Self, KmsError> {
        let mut parts = s.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid_arn(s));
        };
        let resource_ok = match service {
            "iam" => {
                resource == "root"
                    || ["user/", "role/"]
                        .iter()
                        .any(|p| resource.len() > p.len() && resource.starts_with(p))
            }
            "sts" => resource.len() > 13 && resource.starts_with("assumed-role/"),
            _ => false,
        };
        if partition.is_empty() || !resource_ok {
            return Err(invalid_arn(s));
        }
        let account = account.parse().map_err(|_| invalid_arn(s))?;
        Ok(Self { arn: s.into(), account })
    }
}

impl fmt::Display for PrincipalArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

impl fmt::Debug for PrincipalArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrincipalArn({})", self.arn)
    }
}

/// A KMS key id: a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or, for a multi-Region
/// key, `mrk-` followed by 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId {
    bytes: [u8; 16],
    multi_region: bool,
}

// The derived order (the bytes, then `multi_region`), but compared as one 128-bit number,
// not byte by byte: every call looks its key up in ordered maps several times.
impl Ord for KeyId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (u128::from_be_bytes(self.bytes), self.multi_region)
            .cmp(&(u128::from_be_bytes(other.bytes), other.multi_region))
    }
}

impl PartialOrd for KeyId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl KeyId {
    /// A single-Region key id (a random-format UUID) from 16 random bytes.
    #[must_use]
    pub const fn single_region(mut bytes: [u8; 16]) -> Self {
        // RFC 9562 version 4 and variant bits, as AWS key ids are v4 UUIDs.
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Self { bytes, multi_region: false }
    }

    /// A multi-Region key id (`mrk-…`) from 16 random bytes.
    #[must_use]
    pub const fn multi_region(bytes: [u8; 16]) -> Self {
        Self { bytes, multi_region: true }
    }

    /// Rebuilds a key id from its 16 bytes and kind (as stored in a ciphertext header).
    #[must_use]
    pub const fn from_parts(bytes: [u8; 16], multi_region: bool) -> Self {
        Self { bytes, multi_region }
    }

    /// The 16 identifying bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.bytes
    }

    /// Whether this is a multi-Region key id (`mrk-` prefix).
    #[must_use]
    pub const fn is_multi_region(&self) -> bool {
        self.multi_region
    }
}

fn hex_nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode_hex_16(hex: &[u8]) -> Option<[u8; 16]> {
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        out[i] = hex_nibble(pair[0])? << 4 | hex_nibble(pair[1])?;
    }
    Some(out)
}

impl FromStr for KeyId {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        let invalid = || KmsError::new(ErrorKind::NotFound, format!("Invalid keyId '{s}'"));
        // Key ids are lowercase hex, as AWS writes them; other spellings name no key.
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(invalid());
        }
        if let Some(hex) = s.strip_prefix("mrk-") {
            return decode_hex_16(hex.as_bytes()).map(Self::multi_region).ok_or_else(invalid);
        }
        let b = s.as_bytes();
        if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
            return Err(invalid());
        }
        let hex: Vec<u8> = b.iter().copied().filter(|&c| c != b'-').collect();
        let bytes = decode_hex_16(&hex).ok_or_else(invalid)?;
        Ok(Self { bytes, multi_region: false })
    }
}

impl fmt::Display for KeyId {
    // Hex-encoded into a stack buffer and written once: authorization formats a key's ARN
    // on every evaluated call, and sixteen `{:02x}` writes cost more than the evaluation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 36];
        let mut at = 0;
        let mut put = |byte: u8| {
            text[at] = byte;
            at += 1;
        };
        if self.multi_region {
            b"mrk-".iter().for_each(|&b| put(b));
        }
        for (i, byte) in self.bytes.iter().enumerate() {
            if !self.multi_region && matches!(i, 4 | 6 | 8 | 10) {
                put(b'-');
            }
            put(HEX[usize::from(byte >> 4)]);
            put(HEX[usize::from(byte & 0x0f)]);
        }
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// The id of one version of a key's material: 32 bytes, written as 64 lowercase hex digits
/// (AWS's `KeyMaterialId`). Each rotation adds a material with a new id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyMaterialId(pub(crate) [u8; 32]);

impl KeyMaterialId {
    /// The 32 identifying bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for KeyMaterialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for KeyMaterialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyMaterialId({self})")
    }
}

/// A grant's id: 32 random bytes, written as 64 lowercase hex digits, as AWS writes grant
/// ids (`GrantId`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GrantId(pub(crate) [u8; 32]);

impl GrantId {
    /// The 32 identifying bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl FromStr for GrantId {
    type Err = KmsError;
    /// Accepts 64 lowercase hex digits. Outside the member's 1..128 characters the answer is
    /// `ValidationException`; any other string is `InvalidGrantIdException` (it names no
    /// grant this or any KMS issues).
    fn from_str(s: &str) -> Result<Self, KmsError> {
        if s.is_empty() {
            return Err(KmsError::validation(
                "grantId",
                "Member must have length greater than or equal to 1",
            ));
        }
        if s.chars().count() > 128 {
            return Err(KmsError::validation(
                "grantId",
                "Member must have length less than or equal to 128",
            ));
        }
        let invalid =
            || KmsError::new(ErrorKind::InvalidGrantId, format!("Invalid grant ID '{s}'"));
        let hex = s.as_bytes();
        if hex.len() != 64 || hex.iter().any(u8::is_ascii_uppercase) {
            return Err(invalid());
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            bytes[i] = hex_nibble(pair[0]).ok_or_else(invalid)? << 4
                | hex_nibble(pair[1]).ok_or_else(invalid)?;
        }
        Ok(Self(bytes))
    }
}

impl fmt::Display for GrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for GrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GrantId({self})")
    }
}

/// A key ARN: `arn:aws:kms:<region>:<account>:key/<key-id>`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct KeyArn {
    /// The Region that holds the key.
    pub region: Region,
    /// The account that owns the key.
    pub account: AccountId,
    /// The key's id.
    pub key_id: KeyId,
}

impl fmt::Display for KeyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:kms:{}:{}:key/{}",
            self.region.partition(),
            self.region,
            self.account,
            self.key_id
        )
    }
}

impl KeyArn {
    /// Calls `f` with the ARN's text, formatted on the stack: what a policy decision
    /// compares `Resource` with, without allocating a string per call.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        crate::text::with_formatted(format_args!("{self}"), f)
    }
}

/// Splits `arn:<partition>:kms:<region>:<account>:<resource>` into (region, account, resource).
fn split_kms_arn(s: &str) -> Result<(Region, AccountId, &str), KmsError> {
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("kms"), Some(region), Some(account), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid_arn(s));
    };
    let region: Region = region.parse().map_err(|_| invalid_arn(s))?;
    if region.partition() != partition {
        return Err(invalid_arn(s));
    }
    let account = account.parse().map_err(|_| invalid_arn(s))?;
    Ok((region, account, resource))
}

fn invalid_arn(s: &str) -> KmsError {
    KmsError::new(ErrorKind::InvalidArn, format!("ARN '{s}' is not a valid ARN"))
}

impl FromStr for KeyArn {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        let (region, account, resource) = split_kms_arn(s)?;
        let key_id = resource.strip_prefix("key/").ok_or_else(|| invalid_arn(s))?.parse()?;
        Ok(Self { region, account, key_id })
    }
}

/// An alias name: `alias/` followed by 1 or more of `[a-zA-Z0-9:/_-]`, 256 characters at most.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AliasName(Arc<str>);

impl AliasName {
    /// The longest alias name AWS accepts [characters].
    pub const MAX_LEN: usize = 256;

    /// The full name, `alias/…`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name that sorts before every valid alias name (a range bound for lists).
    pub(crate) fn lowest() -> Self {
        Self("".into())
    }

    /// Whether the name is in the `alias/aws/` namespace reserved for AWS managed keys.
    #[must_use]
    pub fn is_aws_reserved(&self) -> bool {
        self.0.starts_with("alias/aws/")
    }
}

impl FromStr for AliasName {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        if s.is_empty() {
            return Err(KmsError::validation(
                "aliasName",
                "Member must have length greater than or equal to 1",
            ));
        }
        if s.len() > Self::MAX_LEN {
            return Err(KmsError::validation(
                "aliasName",
                "Member must have length less than or equal to 256",
            ));
        }
        let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'_' | b'-');
        if !s.bytes().all(allowed) {
            return Err(KmsError::validation_value(
                "aliasName",
                s,
                "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
            ));
        }
        match s.strip_prefix("alias/") {
            // The API pattern admits ':' (for ARNs), but a name may hold only letters,
            // digits, '/', '_' and '-' (AWS's alias naming rules; moto's suite records the
            // message).
            Some(rest) if rest.contains(':') => Err(KmsError::new(
                ErrorKind::Validation,
                format!("{s} contains invalid characters for an alias"),
            )),
            Some(rest) if !rest.is_empty() => Ok(Self(s.into())),
            _ => Err(KmsError::new(
                ErrorKind::InvalidAliasName,
                format!("Alias must start with the prefix \"alias/\" and have a name: '{s}'"),
            )),
        }
    }
}

impl fmt::Display for AliasName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AliasName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AliasName({})", self.0)
    }
}

/// An alias ARN: `arn:aws:kms:<region>:<account>:alias/<name>`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct AliasArn {
    /// The Region that holds the alias.
    pub region: Region,
    /// The account that owns the alias.
    pub account: AccountId,
    /// The alias name, `alias/…`.
    pub name: AliasName,
}

impl fmt::Display for AliasArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:kms:{}:{}:{}",
            self.region.partition(),
            self.region,
            self.account,
            self.name
        )
    }
}

impl FromStr for AliasArn {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        let (region, account, resource) = split_kms_arn(s)?;
        if !resource.starts_with("alias/") {
            return Err(invalid_arn(s));
        }
        Ok(Self { region, account, name: resource.parse()? })
    }
}

/// How a request names a key: the four forms AWS accepts in a `KeyId` member.
///
/// Which forms an operation accepts is the operation's business (management operations
/// take only a key id or key ARN); parsing accepts all four.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum KeyRef {
    /// A bare key id, resolved in the caller's account.
    KeyId(KeyId),
    /// A key ARN, which may name another account's key.
    KeyArn(KeyArn),
    /// An alias name, resolved in the caller's account.
    AliasName(AliasName),
    /// An alias ARN, which may name another account's alias.
    AliasArn(AliasArn),
}

impl KeyRef {
    /// Whether this reference names an alias (name or ARN) rather than a key.
    #[must_use]
    pub const fn is_alias(&self) -> bool {
        matches!(self, Self::AliasName(_) | Self::AliasArn(_))
    }
}

impl FromStr for KeyRef {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        if s.is_empty() {
            return Err(KmsError::validation(
                "keyId",
                "Member must have length greater than or equal to 1",
            ));
        }
        if s.len() > 2048 {
            return Err(KmsError::validation(
                "keyId",
                "Member must have length less than or equal to 2048",
            ));
        }
        if s.starts_with("arn:") {
            let (_, _, resource) = split_kms_arn(s)?;
            if resource.starts_with("alias/") {
                return s.parse().map(Self::AliasArn);
            }
            return s.parse().map(Self::KeyArn);
        }
        if s.starts_with("alias/") {
            return s.parse().map(Self::AliasName);
        }
        s.parse().map(Self::KeyId)
    }
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyId(id) => id.fmt(f),
            Self::KeyArn(arn) => arn.fmt(f),
            Self::AliasName(name) => name.fmt(f),
            Self::AliasArn(arn) => arn.fmt(f),
        }
    }
}

impl From<KeyId> for KeyRef {
    fn from(id: KeyId) -> Self {
        Self::KeyId(id)
    }
}

impl From<KeyArn> for KeyRef {
    fn from(arn: KeyArn) -> Self {
        Self::KeyArn(arn)
    }
}

impl From<AliasName> for KeyRef {
    fn from(name: AliasName) -> Self {
        Self::AliasName(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Key ids order as their bytes do, then single-Region before multi-Region: what
        /// the derived order gave, which ListKeys and every ordered map rely on.
        #[test]
        fn key_ids_order_as_their_bytes(
            a in proptest::array::uniform16(0u8..),
            b in proptest::array::uniform16(0u8..),
            prefix in 0usize..16,
            a_mrk: bool,
            b_mrk: bool,
        ) {
            // Shared prefixes of every length, so later bytes decide too.
            let mut b = b;
            b[..prefix].copy_from_slice(&a[..prefix]);
            let (x, y) = (KeyId { bytes: a, multi_region: a_mrk }, KeyId { bytes: b, multi_region: b_mrk });
            proptest::prop_assert_eq!(x.cmp(&y), (a, a_mrk).cmp(&(b, b_mrk)));
            proptest::prop_assert_eq!(x.partial_cmp(&y), Some(x.cmp(&y)));
        }
    }

    #[test]
    fn key_ids_round_trip() {
        let id: KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab".parse().unwrap();
        assert_eq!(id.to_string(), "1234abcd-12ab-34cd-56ef-1234567890ab");
        assert!(!id.is_multi_region());
        let mrk: KeyId = "mrk-1234abcd12ab34cd56ef1234567890ab".parse().unwrap();
        assert_eq!(mrk.to_string(), "mrk-1234abcd12ab34cd56ef1234567890ab");
        assert!(mrk.is_multi_region());
        for bad in [
            "",
            "1234abcd",
            "mrk-1234",
            "1234abcd-12ab-34cd-56ef-1234567890ag",
            "MRK-1234abcd12ab34cd56ef1234567890ab",
        ] {
            assert_eq!(bad.parse::<KeyId>().unwrap_err().kind, ErrorKind::NotFound, "{bad}");
        }
    }

    #[test]
    fn key_refs_accept_the_four_forms() {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(
            matches!(arn.parse::<KeyRef>().unwrap(), KeyRef::KeyArn(a) if a.to_string() == arn)
        );
        let alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/app";
        assert!(
            matches!(alias_arn.parse::<KeyRef>().unwrap(), KeyRef::AliasArn(a) if a.to_string() == alias_arn)
        );
        assert!(matches!("alias/app".parse::<KeyRef>().unwrap(), KeyRef::AliasName(_)));
        assert!(matches!(
            "mrk-1234abcd12ab34cd56ef1234567890ab".parse::<KeyRef>().unwrap(),
            KeyRef::KeyId(_)
        ));
        assert_eq!(
            "arn:aws:kms:us-east-1:1111:key/x".parse::<KeyRef>().unwrap_err().kind,
            ErrorKind::InvalidArn
        );
        assert_eq!(
            "arn:aws-cn:kms:us-east-1:111122223333:alias/x".parse::<KeyRef>().unwrap_err().kind,
            ErrorKind::InvalidArn
        );
    }

    #[test]
    fn regions_and_partitions() {
        assert_eq!(Region::US_EAST_1.as_str(), "us-east-1");
        assert_eq!("cn-north-1".parse::<Region>().unwrap().partition(), "aws-cn");
        assert_eq!("us-gov-west-1".parse::<Region>().unwrap().partition(), "aws-us-gov");
        for bad in ["", "us", "us-east", "US-east-1", "us--east-1", "us-east-x", "-us-east-1"] {
            assert!(bad.parse::<Region>().is_err(), "{bad}");
        }
        assert_eq!("us-gov-east-1".parse::<Region>().unwrap().partition(), "aws-us-gov");
        assert_eq!("us-east-1".parse::<Region>().unwrap().partition(), "aws");
    }

    #[test]
    fn regions_order_by_name() {
        let names =
            ["us-east-10", "eu-west-1", "us-east-1", "ap-south-2", "us-east-2", "eu-west-10"];
        let mut regions: Vec<Region> = names.iter().map(|n| n.parse().unwrap()).collect();
        regions.sort();
        let mut sorted = names;
        sorted.sort_unstable();
        assert_eq!(regions.iter().map(Region::as_str).collect::<Vec<_>>(), sorted);
    }

    #[test]
    fn alias_names() {
        assert!("alias/aws/s3".parse::<AliasName>().unwrap().is_aws_reserved());
        assert_eq!("alias/".parse::<AliasName>().unwrap_err().kind, ErrorKind::InvalidAliasName);
        assert_eq!("app".parse::<AliasName>().unwrap_err().kind, ErrorKind::InvalidAliasName);
        let spaced = "alias/a b".parse::<AliasName>().unwrap_err();
        assert_eq!(spaced.kind, ErrorKind::Validation);
        assert_eq!(
            spaced.message,
            "1 validation error detected: Value 'alias/a b' at 'aliasName' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        );
        let colon = "alias/my:alias".parse::<AliasName>().unwrap_err();
        assert_eq!(colon.kind, ErrorKind::Validation);
        assert_eq!(colon.message, "alias/my:alias contains invalid characters for an alias");
        assert!("alias/my-alias_/".parse::<AliasName>().is_ok());
        let long = format!("alias/{}", "a".repeat(251));
        assert_eq!(long.parse::<AliasName>().unwrap_err().kind, ErrorKind::Validation);
    }

    #[test]
    fn principals() {
        let p: PrincipalArn = "arn:aws:iam::111122223333:role/app".parse().unwrap();
        assert_eq!(p.account().to_string(), "111122223333");
        assert_eq!(PrincipalArn::root(p.account()).as_str(), "arn:aws:iam::111122223333:root");
        assert!("arn:aws:iam::111122223333:group/x".parse::<PrincipalArn>().is_err());
        assert!("arn:aws:sts::111122223333:assumed-role/r/s".parse::<PrincipalArn>().is_ok());
    }
}
