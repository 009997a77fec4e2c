//! The request context a policy is evaluated against: who calls, which action on which
//! resource, and the condition keys' values.
//!
//! Condition keys are case-insensitive in IAM, including the part after the prefix
//! (`kms:EncryptionContext:Dept` and `kms:encryptioncontext:dept` are one key), so keys are
//! stored lower-cased and policies lower-case theirs when parsed: a lookup never allocates.
//! Values keep their case; whether case matters is the operator's business.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::IpAddr;
use std::slice;

use crate::api::Operation;
use crate::id::{AccountId, KeyArn, PrincipalArn};
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, KeyUsage, OriginType};
use crate::time::Timestamp;

/// What kind of principal makes a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CallerKind {
    /// The account's root user (`arn:aws:iam::<account>:root`).
    Root,
    /// An IAM user (`arn:aws:iam::<account>:user/…`).
    User,
    /// A session of an IAM role (`arn:aws:sts::<account>:assumed-role/<role>/<session>`),
    /// or the role itself.
    AssumedRole,
    /// A federated user session (`arn:aws:sts::<account>:federated-user/…`).
    FederatedUser,
    /// An AWS service principal such as `s3.amazonaws.com`.
    Service,
}

impl CallerKind {
    /// The value of `aws:PrincipalType`, or `None` for a service principal.
    #[must_use]
    pub const fn principal_type(self) -> Option<&'static str> {
        match self {
            Self::Root => Some("Account"),
            Self::User => Some("User"),
            Self::AssumedRole => Some("AssumedRole"),
            Self::FederatedUser => Some("FederatedUser"),
            Self::Service => None,
        }
    }
}

/// The principal making a request, as policies see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The principal's ARN, or the service principal's name.
    arn: Box<str>,
    /// The principal's account; `None` for a service principal.
    account: Option<AccountId>,
    /// For a role session: the role's ARN, which a policy naming the role matches and which
    /// is `aws:PrincipalArn`.
    role_arn: Option<Box<str>>,
    kind: CallerKind,
}

impl Caller {
    /// The IAM principal `principal`.
    ///
    /// A session ARN (`arn:aws:sts::111122223333:assumed-role/app/s1`) does not carry the
    /// role's path, so the role ARN is taken to be `arn:aws:iam::111122223333:role/app`;
    /// call [`Self::with_role_arn`] when the role has a path.
    #[must_use]
    pub fn from_principal(principal: &PrincipalArn) -> Self {
        let arn = principal.as_str();
        let mut parts = arn.splitn(6, ':');
        let (partition, service, resource) = (parts.nth(1), parts.next(), parts.nth(2));
        let partition = partition.unwrap_or("aws");
        let account = principal.account();
        let (kind, role_arn) = match (service, resource) {
            (_, Some("root")) => (CallerKind::Root, None),
            (Some("sts"), Some(r)) if r.starts_with("assumed-role/") => {
                let role = r["assumed-role/".len()..].split('/').next().unwrap_or("");
                let role_arn = format!("arn:{partition}:iam::{account}:role/{role}");
                (CallerKind::AssumedRole, Some(role_arn.into()))
            }
            (Some("sts"), Some(r)) if r.starts_with("federated-user/") => {
                (CallerKind::FederatedUser, None)
            }
            // A role ARN used directly as the caller: the engine accepts it as a shorthand for
            // one of its sessions.
            (_, Some(r)) if r.starts_with("role/") => (CallerKind::AssumedRole, Some(arn.into())),
            _ => (CallerKind::User, None),
        };
        Self { arn: arn.into(), account: Some(account), role_arn, kind }
    }

    /// An AWS service principal, e.g. `s3.amazonaws.com`.
    #[must_use]
    pub fn service(name: &str) -> Self {
        Self { arn: name.into(), account: None, role_arn: None, kind: CallerKind::Service }
    }

    /// Sets the role ARN of a role session (with its path, e.g.
    /// `arn:aws:iam::111122223333:role/team/app`).
    #[must_use]
    pub fn with_role_arn(mut self, role_arn: &str) -> Self {
        self.role_arn = Some(role_arn.into());
        self
    }

    /// The principal's ARN, or the service principal's name.
    #[must_use]
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The principal's account; `None` for a service principal.
    #[must_use]
    pub const fn account(&self) -> Option<AccountId> {
        self.account
    }

    /// For a role session, the role's ARN.
    #[must_use]
    pub fn role_arn(&self) -> Option<&str> {
        self.role_arn.as_deref()
    }

    /// What kind of principal this is.
    #[must_use]
    pub const fn kind(&self) -> CallerKind {
        self.kind
    }

    /// `aws:PrincipalArn`: the role's ARN for a role session, the principal's ARN otherwise.
    #[must_use]
    pub fn principal_arn(&self) -> &str {
        self.role_arn.as_deref().unwrap_or(&self.arn)
    }
}

/// One value of a condition key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// Text (most keys).
    String(Box<str>),
    /// `true` or `false` (`kms:MultiRegion`, `kms:GrantIsForAWSResource`, …).
    Bool(bool),
    /// An integer (`kms:RotationPeriodInDays`, `aws:EpochTime`, …).
    Number(i64),
    /// A point in time (`aws:CurrentTime`).
    Date(Timestamp),
    /// An IP address (`aws:SourceIp`).
    Ip(IpAddr),
}

impl Scalar {
    /// Calls `f` with the value's text: the string itself, or the value formatted as IAM
    /// shows it (`true`, `90`, `2026-01-01T00:00:00Z`, `192.0.2.1`) in a stack buffer, so
    /// string operators on typed values do not allocate.
    pub(crate) fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            Self::String(s) => f(s),
            Self::Bool(true) => f("true"),
            Self::Bool(false) => f("false"),
            Self::Number(n) => with_formatted(format_args!("{n}"), f),
            Self::Date(t) => with_formatted(format_args!("{t}"), f),
            Self::Ip(ip) => with_formatted(format_args!("{ip}"), f),
        }
    }
}

/// Formats `args` into a 64-byte stack buffer and calls `f` with the text. Every typed
/// value fits: an i64 is 20 characters, a date 20, an IPv6 address at most 45.
fn with_formatted<R>(args: fmt::Arguments<'_>, f: impl FnOnce(&str) -> R) -> R {
    struct Buf {
        bytes: [u8; 64],
        len: usize,
    }
    impl fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len.checked_add(s.len()).filter(|&e| e <= self.bytes.len());
            let end = end.ok_or(fmt::Error)?;
            self.bytes[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let mut buf = Buf { bytes: [0; 64], len: 0 };
    // Writing whole `str`s keeps the buffer valid UTF-8; an overflow (impossible for the
    // types above) leaves the text empty rather than panicking.
    let text = match buf.write_fmt(args) {
        Ok(()) => std::str::from_utf8(&buf.bytes[..buf.len]).unwrap_or(""),
        Err(_) => "",
    };
    f(text)
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Self::String(s.into())
    }
}

impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Self::String(s.into())
    }
}

impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<i64> for Scalar {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<u32> for Scalar {
    fn from(n: u32) -> Self {
        Self::Number(i64::from(n))
    }
}

impl From<Timestamp> for Scalar {
    fn from(t: Timestamp) -> Self {
        Self::Date(t)
    }
}

impl From<IpAddr> for Scalar {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(ip)
    }
}

/// The value of a condition key in a request: one value, or a set (a multi-valued key such as
/// `kms:EncryptionContextKeys`, which may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(Scalar),
    /// A multi-valued key.
    Multi(Vec<Scalar>),
}

impl ContextValue {
    /// A multi-valued key's values.
    pub fn multi<T: Into<Scalar>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::Multi(values.into_iter().map(Into::into).collect())
    }

    /// The values as a slice (one for a single-valued key).
    #[must_use]
    pub fn values(&self) -> &[Scalar] {
        match self {
            Self::Single(value) => slice::from_ref(value),
            Self::Multi(values) => values,
        }
    }
}

impl<T: Into<Scalar>> From<T> for ContextValue {
    fn from(value: T) -> Self {
        Self::Single(value.into())
    }
}

/// Everything a policy decision depends on, for one request.
///
/// Build it once per request; [`crate::policy::evaluate`] only reads it. `new` fills the
/// keys that follow from the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`,
/// `aws:PrincipalType` or `aws:PrincipalServiceName`, `kms:CallerAccount`); the `with_*`
/// helpers fill KMS's request keys. AWS evaluates a request-parameter key even when the
/// parameter is omitted, with the parameter's default (`kms:KeySpec` is
/// `SYMMETRIC_DEFAULT` for a `CreateKey` without `KeySpec`), so the caller of these helpers
/// passes the effective value, not the raw request member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    caller: Caller,
    action: Box<str>,
    resource: Box<str>,
    values: BTreeMap<Box<str>, ContextValue>,
}

impl RequestContext {
    /// A request by `caller` for `action` (e.g. `kms:Encrypt`) on `resource` (a key ARN, or
    /// `*` for operations without a resource, such as `kms:CreateKey`).
    #[must_use]
    pub fn new(caller: Caller, action: &str, resource: &str) -> Self {
        let mut context = Self {
            caller,
            action: action.into(),
            resource: resource.into(),
            values: BTreeMap::new(),
        };
        let caller = context.caller.clone();
        if let Some(account) = caller.account() {
            let account = account.to_string();
            context.set("aws:PrincipalArn", caller.principal_arn());
            context.set("aws:PrincipalAccount", account.as_str());
            context.set("kms:CallerAccount", account);
        }
        match caller.kind().principal_type() {
            Some(kind) => context.set("aws:PrincipalType", kind),
            None => context.set("aws:PrincipalServiceName", caller.arn()),
        }
        context
    }

    /// A request by `caller` for the KMS operation `operation` on the key `key`
    /// (action `kms:<Operation>`).
    #[must_use]
    pub fn for_key(caller: Caller, operation: Operation, key: &KeyArn) -> Self {
        let action = format!("kms:{operation}");
        Self::new(caller, &action, &key.to_string())
    }

    /// Who makes the request.
    #[must_use]
    pub const fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The action, e.g. `kms:Encrypt`.
    #[must_use]
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource ARN, or `*`.
    #[must_use]
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The value of condition key `key` (any case).
    #[must_use]
    pub fn value(&self, key: &str) -> Option<&ContextValue> {
        self.values.get(key.to_ascii_lowercase().as_str())
    }

    /// The value of a condition key already lower-cased (the evaluation path).
    pub(crate) fn value_lowercase(&self, key: &str) -> Option<&ContextValue> {
        self.values.get(key)
    }

    /// Every condition key (lower-cased) and its value, in key order.
    pub fn values(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.values.iter().map(|(k, v)| (&**k, v))
    }

    /// Sets condition key `key` (any case) to `value`, replacing any earlier value.
    pub fn set(&mut self, key: &str, value: impl Into<ContextValue>) {
        self.values.insert(key.to_ascii_lowercase().into(), value.into());
    }

    /// Removes condition key `key` (any case).
    pub fn remove(&mut self, key: &str) {
        self.values.remove(key.to_ascii_lowercase().as_str());
    }

    /// Sets condition key `key` to `value`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.set(key, value);
        self
    }

    /// `kms:EncryptionContext:<key>` for every pair and `kms:EncryptionContextKeys` (the
    /// keys, multi-valued). An empty context sets neither, so `"Null":
    /// {"kms:EncryptionContextKeys": "false"}` requires a context, as in AWS.
    ///
    /// The `<key>` part is case-insensitive like the rest of the condition key: if a context
    /// has both `Dept` and `dept`, the later pair in `pairs`' order is the one policies see.
    #[must_use]
    pub fn with_encryption_context<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut keys = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            self.set(&format!("kms:EncryptionContext:{key}"), value);
            keys.push(Scalar::from(key));
        }
        if !keys.is_empty() {
            self.set("kms:EncryptionContextKeys", ContextValue::Multi(keys));
        }
        self
    }

    /// `kms:ViaService`: the endpoint of the AWS service calling on the principal's behalf,
    /// e.g. `s3.us-east-1.amazonaws.com`.
    #[must_use]
    pub fn with_via_service(self, endpoint: &str) -> Self {
        self.with("kms:ViaService", endpoint)
    }

    /// `kms:GrantIsForAWSResource` (CreateGrant, ListGrants, RevokeGrant).
    #[must_use]
    pub fn with_grant_is_for_aws_resource(self, is_for_aws_resource: bool) -> Self {
        self.with("kms:GrantIsForAWSResource", is_for_aws_resource)
    }

    /// `kms:GrantOperations` (CreateGrant): the grant's operations, multi-valued.
    #[must_use]
    pub fn with_grant_operations<S: AsRef<str>>(
        self,
        operations: impl IntoIterator<Item = S>,
    ) -> Self {
        let values = ContextValue::multi(operations.into_iter().map(|s| Scalar::from(s.as_ref())));
        self.with("kms:GrantOperations", values)
    }

    /// `kms:GranteePrincipal` (CreateGrant).
    #[must_use]
    pub fn with_grantee_principal(self, grantee: &str) -> Self {
        self.with("kms:GranteePrincipal", grantee)
    }

    /// `kms:KeySpec`: the key's spec (or CreateKey's, `SYMMETRIC_DEFAULT` when omitted).
    #[must_use]
    pub fn with_key_spec(self, spec: KeySpec) -> Self {
        self.with("kms:KeySpec", spec.as_str())
    }

    /// `kms:KeyUsage`: the key's usage (or CreateKey's, `ENCRYPT_DECRYPT` when omitted).
    #[must_use]
    pub fn with_key_usage(self, usage: KeyUsage) -> Self {
        self.with("kms:KeyUsage", usage.as_str())
    }

    /// `kms:KeyOrigin`: the key's origin (or CreateKey's, `AWS_KMS` when omitted).
    #[must_use]
    pub fn with_key_origin(self, origin: OriginType) -> Self {
        self.with("kms:KeyOrigin", origin.as_str())
    }

    /// `kms:EncryptionAlgorithm` (`SYMMETRIC_DEFAULT` when the request omits it).
    #[must_use]
    pub fn with_encryption_algorithm(self, algorithm: EncryptionAlgorithmSpec) -> Self {
        self.with("kms:EncryptionAlgorithm", algorithm.as_str())
    }

    /// `kms:SigningAlgorithm` (Sign, Verify), e.g. `ECDSA_SHA_256`.
    #[must_use]
    pub fn with_signing_algorithm(self, algorithm: &str) -> Self {
        self.with("kms:SigningAlgorithm", algorithm)
    }

    /// `kms:RequestAlias`: the alias name the request used for the key, e.g. `alias/app`.
    #[must_use]
    pub fn with_request_alias(self, alias_name: &str) -> Self {
        self.with("kms:RequestAlias", alias_name)
    }

    /// `kms:ResourceAliases`: every alias of the key, multi-valued. AWS fills it only while
    /// the key has no more aliases than the aliases-per-key quota; that is the caller's rule.
    #[must_use]
    pub fn with_resource_aliases<S: AsRef<str>>(
        self,
        alias_names: impl IntoIterator<Item = S>,
    ) -> Self {
        let values = ContextValue::multi(alias_names.into_iter().map(|s| Scalar::from(s.as_ref())));
        self.with("kms:ResourceAliases", values)
    }

    /// `kms:MultiRegion`: whether the key is (or CreateKey makes) a multi-Region key.
    #[must_use]
    pub fn with_multi_region(self, multi_region: bool) -> Self {
        self.with("kms:MultiRegion", multi_region)
    }

    /// `kms:RotationPeriodInDays` (EnableKeyRotation) [days].
    #[must_use]
    pub fn with_rotation_period_in_days(self, days: u32) -> Self {
        self.with("kms:RotationPeriodInDays", days)
    }

    /// `kms:ScheduleKeyDeletionPendingWindowInDays` (ScheduleKeyDeletion; 30 when omitted)
    /// [days].
    #[must_use]
    pub fn with_schedule_key_deletion_pending_window_in_days(self, days: u32) -> Self {
        self.with("kms:ScheduleKeyDeletionPendingWindowInDays", days)
    }

    /// `kms:BypassPolicyLockoutSafetyCheck` (CreateKey, PutKeyPolicy; false when omitted).
    #[must_use]
    pub fn with_bypass_policy_lockout_safety_check(self, bypass: bool) -> Self {
        self.with("kms:BypassPolicyLockoutSafetyCheck", bypass)
    }

    /// `aws:SourceIp`.
    #[must_use]
    pub fn with_source_ip(self, ip: IpAddr) -> Self {
        self.with("aws:SourceIp", ip)
    }

    /// `aws:SourceVpce`: the VPC endpoint id the request came through.
    #[must_use]
    pub fn with_source_vpce(self, vpce: &str) -> Self {
        self.with("aws:SourceVpce", vpce)
    }

    /// `aws:ResourceTag/<key>` for each of the key's tags.
    #[must_use]
    pub fn with_resource_tags<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (key, value) in tags {
            self.set(&format!("aws:ResourceTag/{}", key.as_ref()), value.as_ref());
        }
        self
    }

    /// `aws:RequestTag/<key>` for each tag in the request, and `aws:TagKeys` (the keys,
    /// multi-valued; TagResource, CreateKey with tags).
    #[must_use]
    pub fn with_request_tags<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut keys = Vec::new();
        for (key, value) in tags {
            let (key, value) = (key.as_ref(), value.as_ref());
            self.set(&format!("aws:RequestTag/{key}"), value);
            keys.push(Scalar::from(key));
        }
        self.with("aws:TagKeys", ContextValue::Multi(keys))
    }

    /// `aws:CurrentTime` (a date) and `aws:EpochTime` (whole seconds [s]).
    #[must_use]
    pub fn with_current_time(self, now: Timestamp) -> Self {
        let epoch_seconds = i64::try_from(now.unix_seconds()).unwrap_or(i64::MAX);
        self.with("aws:CurrentTime", now).with("aws:EpochTime", epoch_seconds)
    }
}

impl fmt::Display for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} calls {} on {}", self.caller.arn(), self.action, self.resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arn: &str) -> Caller {
        Caller::from_principal(&arn.parse().unwrap())
    }

    #[test]
    fn callers() {
        let root = caller("arn:aws:iam::111122223333:root");
        assert_eq!(root.kind(), CallerKind::Root);
        assert_eq!(root.principal_arn(), "arn:aws:iam::111122223333:root");
        let user = caller("arn:aws:iam::111122223333:user/alice");
        assert_eq!(user.kind(), CallerKind::User);
        let session = caller("arn:aws:sts::111122223333:assumed-role/app/s-1");
        assert_eq!(session.kind(), CallerKind::AssumedRole);
        assert_eq!(session.role_arn(), Some("arn:aws:iam::111122223333:role/app"));
        assert_eq!(session.principal_arn(), "arn:aws:iam::111122223333:role/app");
        let role = caller("arn:aws:iam::111122223333:role/app");
        assert_eq!(role.role_arn(), Some("arn:aws:iam::111122223333:role/app"));
        let cn = caller("arn:aws-cn:sts::111122223333:assumed-role/app/s");
        assert_eq!(cn.role_arn(), Some("arn:aws-cn:iam::111122223333:role/app"));
        let s3 = Caller::service("s3.amazonaws.com");
        assert_eq!((s3.kind(), s3.account()), (CallerKind::Service, None));
    }

    #[test]
    fn keys_are_case_insensitive_and_typed_values_have_text() {
        let ctx =
            RequestContext::new(caller("arn:aws:iam::111122223333:user/alice"), "kms:Encrypt", "*")
                .with_encryption_context([("Dept", "IT")])
                .with_rotation_period_in_days(90)
                .with_current_time(Timestamp::from_unix_seconds(1_767_225_600))
                .with_source_ip("2001:db8::1".parse().unwrap());
        assert_eq!(ctx.value("KMS:ENCRYPTIONCONTEXT:dept"), Some(&ContextValue::from("IT")));
        assert_eq!(ctx.value("kms:callerAccount"), Some(&ContextValue::from("111122223333")));
        assert_eq!(
            ctx.value("kms:EncryptionContextKeys").map(ContextValue::values),
            Some(&[Scalar::from("Dept")][..])
        );
        let text = |key: &str| ctx.value(key).unwrap().values()[0].with_text(str::to_owned);
        assert_eq!(text("kms:RotationPeriodInDays"), "90");
        assert_eq!(text("aws:CurrentTime"), "2026-01-01T00:00:00Z");
        assert_eq!(text("aws:EpochTime"), "1767225600");
        assert_eq!(text("aws:SourceIp"), "2001:db8::1");
        assert_eq!(text("aws:PrincipalType"), "User");
        assert_eq!(Scalar::Bool(true).with_text(str::to_owned), "true");
    }

    #[test]
    fn an_empty_encryption_context_sets_no_keys() {
        let ctx = RequestContext::new(Caller::service("s3.amazonaws.com"), "kms:Decrypt", "*")
            .with_encryption_context(std::iter::empty::<(&str, &str)>());
        assert_eq!(ctx.value("kms:EncryptionContextKeys"), None);
        assert_eq!(ctx.value("kms:CallerAccount"), None);
        assert_eq!(
            ctx.value("aws:PrincipalServiceName"),
            Some(&ContextValue::from("s3.amazonaws.com"))
        );
    }
}
