//! The request context a policy is evaluated against: who calls, which action on which
//! resource, and the condition keys' values.
//!
//! Condition keys are case-insensitive in IAM, including the part after the prefix
//! (`kms:EncryptionContext:Dept` and `kms:encryptioncontext:dept` are one key), so keys are
//! stored lower-cased and policies lower-case theirs when parsed: a lookup never allocates.
//! Values keep their case; whether case matters is the operator's business.
//!
//! A context borrows what it can from the request (the caller's ARN, the action, the
//! resource, string values) and computes the keys that follow from the caller
//! (`aws:PrincipalArn`, `kms:CallerAccount`, …) only when a condition reads them: a decision
//! that reads no condition key builds a context without allocating.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::slice;

use crate::api::Operation;
use crate::id::{AccountId, KeyArn, PrincipalArn};
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, KeyUsage, OriginType};
use crate::text::with_formatted;
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

/// The role a caller acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Role<'a> {
    /// Not a role.
    None,
    /// A session of the role `name` of the caller's account, without a path: the role's ARN
    /// is `arn:<partition>:iam::<account>:role/<name>`, compared and formatted piecewise so
    /// that no request has to build it.
    Session { partition: &'a str, name: &'a str },
    /// The role's ARN, as given.
    Arn(Cow<'a, str>),
}

/// The principal making a request, as policies see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller<'a> {
    /// The principal's ARN, or the service principal's name.
    arn: Cow<'a, str>,
    /// The principal's account; `None` for a service principal.
    account: Option<AccountId>,
    /// For a role session: the role, which a policy naming the role matches and whose ARN
    /// is `aws:PrincipalArn`.
    role: Role<'a>,
    kind: CallerKind,
}

impl<'a> Caller<'a> {
    /// The IAM principal `principal`, borrowed.
    ///
    /// A session ARN (`arn:aws:sts::111122223333:assumed-role/app/s1`) does not carry the
    /// role's path, so the role ARN is taken to be `arn:aws:iam::111122223333:role/app`;
    /// call [`Self::with_role_arn`] when the role has a path.
    #[must_use]
    pub fn from_principal(principal: &'a PrincipalArn) -> Self {
        let arn = principal.as_str();
        let mut parts = arn.splitn(6, ':');
        let (partition, service, resource) = (parts.nth(1), parts.next(), parts.nth(2));
        let partition = partition.unwrap_or("aws");
        let (kind, role) = match (service, resource) {
            (_, Some("root")) => (CallerKind::Root, Role::None),
            (Some("sts"), Some(r)) if r.starts_with("assumed-role/") => {
                let name = r["assumed-role/".len()..].split('/').next().unwrap_or("");
                (CallerKind::AssumedRole, Role::Session { partition, name })
            }
            (Some("sts"), Some(r)) if r.starts_with("federated-user/") => {
                (CallerKind::FederatedUser, Role::None)
            }
            // A role ARN used directly as the caller: the engine accepts it as a shorthand for
            // one of its sessions.
            (_, Some(r)) if r.starts_with("role/") => {
                (CallerKind::AssumedRole, Role::Arn(Cow::Borrowed(arn)))
            }
            _ => (CallerKind::User, Role::None),
        };
        Self { arn: Cow::Borrowed(arn), account: Some(principal.account()), role, kind }
    }

    /// An AWS service principal, e.g. `s3.amazonaws.com`.
    #[must_use]
    pub fn service(name: &'a str) -> Self {
        Self {
            arn: Cow::Borrowed(name),
            account: None,
            role: Role::None,
            kind: CallerKind::Service,
        }
    }

    /// Sets the role ARN of a role session (with its path, e.g.
    /// `arn:aws:iam::111122223333:role/team/app`).
    #[must_use]
    pub fn with_role_arn(mut self, role_arn: &'a str) -> Self {
        self.role = Role::Arn(Cow::Borrowed(role_arn));
        self
    }

    /// The same caller owning its strings, free of the principal it was built from.
    #[must_use]
    pub fn into_owned(self) -> Caller<'static> {
        let role = match &self.role {
            Role::None => Role::None,
            Role::Session { .. } | Role::Arn(_) => {
                Role::Arn(Cow::Owned(self.role_arn().map(Cow::into_owned).unwrap_or_default()))
            }
        };
        Caller {
            arn: Cow::Owned(self.arn.into_owned()),
            account: self.account,
            role,
            kind: self.kind,
        }
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

    /// For a role session, the role's ARN (built, for a session of a role without a path).
    #[must_use]
    pub fn role_arn(&self) -> Option<Cow<'a, str>> {
        match (&self.role, self.account) {
            (Role::None, _) | (Role::Session { .. }, None) => None,
            (Role::Session { partition, name }, Some(account)) => {
                Some(Cow::Owned(format!("arn:{partition}:iam::{account}:role/{name}")))
            }
            (Role::Arn(arn), _) => Some(arn.clone()),
        }
    }

    /// Whether the caller acts as the role `role_arn`, without building the caller's role
    /// ARN.
    #[must_use]
    pub fn is_role(&self, role_arn: &str) -> bool {
        match (&self.role, self.account) {
            (Role::None, _) | (Role::Session { .. }, None) => false,
            (Role::Arn(arn), _) => arn == role_arn,
            (Role::Session { partition, name }, Some(account)) => {
                let rest = role_arn
                    .strip_prefix("arn:")
                    .and_then(|r| r.strip_prefix(*partition))
                    .and_then(|r| r.strip_prefix(":iam::"));
                let Some((digits, rest)) = rest.and_then(|r| r.split_at_checked(12)) else {
                    return false;
                };
                digits.bytes().all(|b| b.is_ascii_digit())
                    && digits.parse::<AccountId>().is_ok_and(|a| a == account)
                    && rest.strip_prefix(":role/") == Some(*name)
            }
        }
    }

    /// What kind of principal this is.
    #[must_use]
    pub const fn kind(&self) -> CallerKind {
        self.kind
    }

    /// `aws:PrincipalArn` (the role's ARN for a role session, the principal's ARN
    /// otherwise), given to `f` from a stack buffer when it has to be built.
    pub fn with_principal_arn<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match (&self.role, self.account) {
            (Role::None, _) | (Role::Session { .. }, None) => f(&self.arn),
            (Role::Arn(arn), _) => f(arn),
            (Role::Session { partition, name }, Some(account)) => {
                with_formatted(format_args!("arn:{partition}:iam::{account}:role/{name}"), f)
            }
        }
    }
}

/// One value of a condition key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar<'a> {
    /// Text (most keys), borrowed from the request where it can be.
    String(Cow<'a, str>),
    /// `true` or `false` (`kms:MultiRegion`, `kms:GrantIsForAWSResource`, …).
    Bool(bool),
    /// An integer (`kms:RotationPeriodInDays`, `aws:EpochTime`, …).
    Number(i64),
    /// A point in time (`aws:CurrentTime`).
    Date(Timestamp),
    /// An IP address (`aws:SourceIp`).
    Ip(IpAddr),
}

impl Scalar<'_> {
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

    /// The same value owning its text.
    #[must_use]
    pub fn into_owned(self) -> Scalar<'static> {
        match self {
            Self::String(s) => Scalar::String(Cow::Owned(s.into_owned())),
            Self::Bool(b) => Scalar::Bool(b),
            Self::Number(n) => Scalar::Number(n),
            Self::Date(t) => Scalar::Date(t),
            Self::Ip(ip) => Scalar::Ip(ip),
        }
    }
}

impl<'a> From<&'a str> for Scalar<'a> {
    fn from(s: &'a str) -> Self {
        Self::String(Cow::Borrowed(s))
    }
}

impl From<String> for Scalar<'_> {
    fn from(s: String) -> Self {
        Self::String(Cow::Owned(s))
    }
}

impl From<bool> for Scalar<'_> {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<i64> for Scalar<'_> {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<u32> for Scalar<'_> {
    fn from(n: u32) -> Self {
        Self::Number(i64::from(n))
    }
}

impl From<Timestamp> for Scalar<'_> {
    fn from(t: Timestamp) -> Self {
        Self::Date(t)
    }
}

impl From<IpAddr> for Scalar<'_> {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(ip)
    }
}

/// The value of a condition key in a request: one value, or a set (a multi-valued key such as
/// `kms:EncryptionContextKeys`, which may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue<'a> {
    /// A single-valued key.
    Single(Scalar<'a>),
    /// A multi-valued key.
    Multi(Vec<Scalar<'a>>),
}

impl<'a> ContextValue<'a> {
    /// A multi-valued key's values.
    pub fn multi<T: Into<Scalar<'a>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::Multi(values.into_iter().map(Into::into).collect())
    }

    /// The values as a slice (one for a single-valued key).
    #[must_use]
    pub fn values(&self) -> &[Scalar<'a>] {
        match self {
            Self::Single(value) => slice::from_ref(value),
            Self::Multi(values) => values,
        }
    }

    /// The same value owning its text.
    #[must_use]
    pub fn into_owned(self) -> ContextValue<'static> {
        match self {
            Self::Single(value) => ContextValue::Single(value.into_owned()),
            Self::Multi(values) => {
                ContextValue::Multi(values.into_iter().map(Scalar::into_owned).collect())
            }
        }
    }
}

impl<'a, T: Into<Scalar<'a>>> From<T> for ContextValue<'a> {
    fn from(value: T) -> Self {
        Self::Single(value.into())
    }
}

/// Everything a policy decision depends on, for one request.
///
/// Build it once per request; [`crate::policy::evaluate`] only reads it. The keys that
/// follow from the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`
/// or `aws:PrincipalServiceName`, `kms:CallerAccount`) are computed when a condition reads
/// them; the `with_*` helpers fill KMS's request keys. AWS evaluates a request-parameter
/// key even when the parameter is omitted, with the parameter's default (`kms:KeySpec` is
/// `SYMMETRIC_DEFAULT` for a `CreateKey` without `KeySpec`), so the caller of these helpers
/// passes the effective value, not the raw request member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext<'a> {
    caller: Caller<'a>,
    action: Cow<'a, str>,
    resource: Cow<'a, str>,
    /// The keys set by the `with_*` helpers, lower-cased. A key set here hides the value
    /// the caller would give it.
    values: BTreeMap<Box<str>, ContextValue<'a>>,
}

impl<'a> RequestContext<'a> {
    /// A request by `caller` for `action` (e.g. `kms:Encrypt`) on `resource` (a key ARN, or
    /// `*` for operations without a resource, such as `kms:CreateKey`).
    #[must_use]
    pub fn new(caller: Caller<'a>, action: &'a str, resource: &'a str) -> Self {
        Self {
            caller,
            action: Cow::Borrowed(action),
            resource: Cow::Borrowed(resource),
            values: BTreeMap::new(),
        }
    }

    /// A request by `caller` for the KMS operation `operation` on the key `key`
    /// (action `kms:<Operation>`).
    #[must_use]
    pub fn for_key(caller: Caller<'a>, operation: Operation, key: &KeyArn) -> Self {
        Self {
            caller,
            action: Cow::Borrowed(operation.action()),
            resource: Cow::Owned(key.to_string()),
            values: BTreeMap::new(),
        }
    }

    /// Who makes the request.
    #[must_use]
    pub const fn caller(&self) -> &Caller<'a> {
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

    /// The value of condition key `key` (any case), copied.
    #[must_use]
    pub fn value(&self, key: &str) -> Option<ContextValue<'static>> {
        self.with_value(&key.to_ascii_lowercase(), |value| {
            value.cloned().map(ContextValue::into_owned)
        })
    }

    /// Calls `f` with the value of the condition key `key`, already lower-cased (the
    /// evaluation path), or `None` when the request has no such key. A key that follows
    /// from the caller is computed here, on the stack.
    pub(crate) fn with_value<R>(
        &self,
        key: &str,
        f: impl FnOnce(Option<&ContextValue<'_>>) -> R,
    ) -> R {
        if let Some(value) = self.values.get(key) {
            return f(Some(value));
        }
        let caller = &self.caller;
        match (key, caller.account()) {
            ("aws:principalarn", Some(_)) => {
                caller.with_principal_arn(|arn| f(Some(&ContextValue::from(arn))))
            }
            ("aws:principalaccount" | "kms:calleraccount", Some(account)) => {
                with_formatted(format_args!("{account}"), |text| f(Some(&ContextValue::from(text))))
            }
            ("aws:principaltype", _) => match caller.kind().principal_type() {
                Some(kind) => f(Some(&ContextValue::from(kind))),
                None => f(None),
            },
            ("aws:principalservicename", None) if caller.kind() == CallerKind::Service => {
                f(Some(&ContextValue::from(caller.arn())))
            }
            _ => f(None),
        }
    }

    /// Sets condition key `key` (any case) to `value`, replacing any earlier value.
    pub fn set(&mut self, key: &str, value: impl Into<ContextValue<'a>>) {
        self.values.insert(key.to_ascii_lowercase().into(), value.into());
    }

    /// Sets condition key `key` to `value`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<ContextValue<'a>>) -> Self {
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
    pub fn with_encryption_context<K, V>(
        mut self,
        pairs: impl IntoIterator<Item = (&'a K, &'a V)>,
    ) -> Self
    where
        K: AsRef<str> + ?Sized + 'a,
        V: AsRef<str> + ?Sized + 'a,
    {
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
    pub fn with_via_service(self, endpoint: &'a str) -> Self {
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
        let values = ContextValue::multi(
            operations.into_iter().map(|s| Scalar::from(s.as_ref().to_owned())),
        );
        self.with("kms:GrantOperations", values)
    }

    /// `kms:GranteePrincipal` (CreateGrant).
    #[must_use]
    pub fn with_grantee_principal(self, grantee: &'a str) -> Self {
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
    pub fn with_signing_algorithm(self, algorithm: &'a str) -> Self {
        self.with("kms:SigningAlgorithm", algorithm)
    }

    /// `kms:RequestAlias`: the alias name the request used for the key, e.g. `alias/app`.
    #[must_use]
    pub fn with_request_alias(self, alias_name: &'a str) -> Self {
        self.with("kms:RequestAlias", alias_name)
    }

    /// `kms:ResourceAliases`: every alias of the key, multi-valued. AWS fills it only while
    /// the key has no more aliases than the aliases-per-key quota; that is the caller's rule.
    #[must_use]
    pub fn with_resource_aliases<S: AsRef<str>>(
        self,
        alias_names: impl IntoIterator<Item = S>,
    ) -> Self {
        let values = ContextValue::multi(
            alias_names.into_iter().map(|s| Scalar::from(s.as_ref().to_owned())),
        );
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
    pub fn with_source_vpce(self, vpce: &'a str) -> Self {
        self.with("aws:SourceVpce", vpce)
    }

    /// `aws:ResourceTag/<key>` for each of the key's tags.
    #[must_use]
    pub fn with_resource_tags<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (key, value) in tags {
            self.set(&format!("aws:ResourceTag/{}", key.as_ref()), value.as_ref().to_owned());
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
            self.set(&format!("aws:RequestTag/{key}"), value.to_owned());
            keys.push(Scalar::from(key.to_owned()));
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

impl fmt::Display for RequestContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} calls {} on {}", self.caller.arn(), self.action, self.resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arn: &str) -> Caller<'static> {
        Caller::from_principal(&arn.parse().unwrap()).into_owned()
    }

    #[test]
    fn callers() {
        let principal_arn = |c: &Caller<'_>| c.with_principal_arn(str::to_owned);
        let root = caller("arn:aws:iam::111122223333:root");
        assert_eq!(root.kind(), CallerKind::Root);
        assert_eq!(principal_arn(&root), "arn:aws:iam::111122223333:root");
        let user = caller("arn:aws:iam::111122223333:user/alice");
        assert_eq!(user.kind(), CallerKind::User);
        assert_eq!(user.role_arn(), None);
        let session = caller("arn:aws:sts::111122223333:assumed-role/app/s-1");
        assert_eq!(session.kind(), CallerKind::AssumedRole);
        assert_eq!(session.role_arn().as_deref(), Some("arn:aws:iam::111122223333:role/app"));
        assert_eq!(principal_arn(&session), "arn:aws:iam::111122223333:role/app");
        let role = caller("arn:aws:iam::111122223333:role/app");
        assert_eq!(role.role_arn().as_deref(), Some("arn:aws:iam::111122223333:role/app"));
        let cn = caller("arn:aws-cn:sts::111122223333:assumed-role/app/s");
        assert_eq!(cn.role_arn().as_deref(), Some("arn:aws-cn:iam::111122223333:role/app"));
        let s3 = Caller::service("s3.amazonaws.com");
        assert_eq!((s3.kind(), s3.account()), (CallerKind::Service, None));
        assert_eq!(principal_arn(&s3), "s3.amazonaws.com");
    }

    /// A borrowed session compares its role piece by piece; an owned one compares the
    /// role's ARN whole. Both must agree on every near miss.
    #[test]
    fn a_session_is_its_role_and_no_other() {
        let principal: PrincipalArn =
            "arn:aws:sts::111122223333:assumed-role/app/s-1".parse().unwrap();
        let borrowed = Caller::from_principal(&principal);
        let owned = borrowed.clone().into_owned();
        for (role_arn, expected) in [
            ("arn:aws:iam::111122223333:role/app", true),
            ("arn:aws:iam::111122223333:role/app2", false),
            ("arn:aws:iam::111122223333:role/ap", false),
            ("arn:aws:iam::111122223333:role/team/app", false),
            ("arn:aws:iam::444455556666:role/app", false),
            ("arn:aws-cn:iam::111122223333:role/app", false),
            ("arn:aws:iam::111122223333:user/app", false),
            ("arn:aws:iam::11112222333:role/app", false),
            ("arn:aws:sts::111122223333:assumed-role/app/s-1", false),
            ("", false),
        ] {
            assert_eq!(borrowed.is_role(role_arn), expected, "{role_arn}");
            assert_eq!(owned.is_role(role_arn), expected, "{role_arn}");
        }
        let with_path = borrowed.with_role_arn("arn:aws:iam::111122223333:role/team/app");
        assert!(with_path.is_role("arn:aws:iam::111122223333:role/team/app"));
        assert!(!with_path.is_role("arn:aws:iam::111122223333:role/app"));
        assert!(
            !caller("arn:aws:iam::111122223333:user/app")
                .is_role("arn:aws:iam::111122223333:role/app")
        );
    }

    /// The keys that follow from the caller are there without being set, and a set value
    /// hides them.
    #[test]
    fn caller_keys_are_computed_on_lookup() {
        let principal: PrincipalArn =
            "arn:aws:sts::111122223333:assumed-role/app/s-1".parse().unwrap();
        let ctx = RequestContext::new(Caller::from_principal(&principal), "kms:Encrypt", "*");
        assert_eq!(
            ctx.value("aws:PrincipalArn"),
            Some(ContextValue::from("arn:aws:iam::111122223333:role/app"))
        );
        assert_eq!(ctx.value("aws:PrincipalAccount"), Some(ContextValue::from("111122223333")));
        assert_eq!(ctx.value("kms:CallerAccount"), Some(ContextValue::from("111122223333")));
        assert_eq!(ctx.value("aws:PrincipalType"), Some(ContextValue::from("AssumedRole")));
        assert_eq!(ctx.value("aws:PrincipalServiceName"), None);
        let hidden = ctx.with("kms:CallerAccount", "444455556666");
        assert_eq!(hidden.value("kms:calleraccount"), Some(ContextValue::from("444455556666")));
        let low = RequestContext::new(caller("arn:aws:iam::000000000042:root"), "kms:Encrypt", "*");
        assert_eq!(low.value("kms:CallerAccount"), Some(ContextValue::from("000000000042")));
        assert_eq!(low.value("aws:PrincipalType"), Some(ContextValue::from("Account")));
    }

    /// The static actions a decision borrows are `kms:` and the AWS name.
    #[test]
    fn actions_are_the_kms_names() {
        for operation in Operation::ALL {
            assert_eq!(operation.action(), format!("kms:{operation}"));
        }
        for permission in crate::spec::GrantOperation::ALL {
            assert_eq!(permission.action(), format!("kms:{}", permission.as_str()));
        }
    }

    #[test]
    fn keys_are_case_insensitive_and_typed_values_have_text() {
        let ctx =
            RequestContext::new(caller("arn:aws:iam::111122223333:user/alice"), "kms:Encrypt", "*")
                .with_encryption_context([("Dept", "IT")])
                .with_rotation_period_in_days(90)
                .with_current_time(Timestamp::from_unix_seconds(1_767_225_600))
                .with_source_ip("2001:db8::1".parse().unwrap());
        assert_eq!(ctx.value("KMS:ENCRYPTIONCONTEXT:dept"), Some(ContextValue::from("IT")));
        assert_eq!(ctx.value("kms:callerAccount"), Some(ContextValue::from("111122223333")));
        assert_eq!(
            ctx.value("kms:EncryptionContextKeys"),
            Some(ContextValue::Multi(vec![Scalar::from("Dept")]))
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
            Some(ContextValue::from("s3.amazonaws.com"))
        );
    }
}
