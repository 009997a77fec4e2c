//! Static access analysis of one key policy (and of grants): who it lets in, and which
//! statements give more than least privilege, in the spirit of IAM Access Analyzer and the
//! KMS Developer Guide's "Security best practices".
//!
//! ```
//! use engine::AccountId;
//! use engine::policy::PolicyDocument;
//! use engine::policy::analyze::{FindingKind, Severity, analyze_key_policy};
//!
//! let account = AccountId::new(111_122_223_333).unwrap();
//! let policy = PolicyDocument::parse_key_policy(
//!     r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Share", "Effect": "Allow",
//!         "Principal": {"AWS": "444455556666"}, "Action": ["kms:Encrypt", "kms:Decrypt"],
//!         "Resource": "*"}]}"#,
//! )?;
//! let findings = analyze_key_policy(&policy, account);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].kind, FindingKind::CrossAccountAccess);
//! assert_eq!(findings[0].severity, Severity::High);
//! assert_eq!(findings[0].external_accounts, [AccountId::new(444_455_556_666).unwrap()]);
//! assert!(findings[0].message.starts_with(r#"Statement[0] (Sid "Share") allows"#));
//!
//! // AWS's default key policy is the documented pattern: nothing to report.
//! let default = PolicyDocument::parse_key_policy(&engine::policy::default_key_policy(account))?;
//! assert!(analyze_key_policy(&default, account).is_empty());
//! # Ok::<(), engine::policy::PolicyError>(())
//! ```
//!
//! The rules, per `Allow` statement of the policy (`Deny` statements are not subtracted: a
//! finding describes what its statement grants on its own):
//!
//! - **`public-access`** (critical): the principal is `*` and no condition *pins the caller*.
//!   A clause pins the caller when it is a positive `String…`/`Arn…` operator without
//!   `IfExists` or `ForAllValues` (so a request without the key fails it), on one of
//!   `kms:CallerAccount`, `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceOwner` (every
//!   value literal), `aws:PrincipalArn`, `aws:SourceArn` (every value names a literal account,
//!   as in `arn:aws:iam::111122223333:role/*`, or is wholly literal, as an S3 bucket ARN is),
//!   or `aws:PrincipalOrgID`, `aws:SourceOrgID`, `aws:SourceVpc`, `aws:SourceVpce` (every
//!   value literal). A value with `*` or `?` that leaves the account open (`StringLike
//!   kms:CallerAccount "*"`) pins nothing. `kms:ViaService` alone limits the path, not the
//!   caller (any account's principals can call through the service), so it lowers the
//!   severity to high instead of clearing the finding.
//! - **`cross-account-access`** (high; medium when every KMS action the statement allows is
//!   read-only): the statement names principals of accounts other than the key's, either a
//!   whole account (`"444455556666"` or its `:root` ARN: the root user and everyone that
//!   account's IAM policies allow) or a specific user or role; or its principal is `*` and
//!   its conditions pin callers to other accounts.
//! - **`wildcard-action`** (high when the statement reaches `*` or another account, medium
//!   otherwise): `Action` `*` or `kms:*`, or any `NotAction`, for principals other than the
//!   key account itself. The default policy's "Enable IAM User Permissions" statement
//!   (`kms:*` for `arn:aws:iam::<key account>:root`) is AWS's documented pattern and is not
//!   reported.
//! - **`privilege-escalation`** (high): `kms:PutKeyPolicy` or `kms:CreateGrant` for principals
//!   other than the key account, on a wildcard resource (`*`, a pattern, or `NotResource`),
//!   with no `Condition` at all: the principal can rewrite the policy or grant itself (or
//!   anyone) any operation.
//! - **`destructive-action-to-broad-principal`** (critical for an unrestricted `*`, high
//!   otherwise): `kms:ScheduleKeyDeletion`, `kms:DisableKey` or `kms:DeleteImportedKeyMaterial`
//!   for `*` (unless conditions pin the caller to the key's account) or another account.
//!
//! A statement that allows no KMS key action (e.g. `s3:*`, or `kms:CreateKey`, which a key
//! policy cannot grant) or that has no `Action` or no `Resource` gives no finding.
//!
//! [`grant_findings`] checks one grant: **`external-grant`** (a grantee of another account)
//! and **`grant-can-regrant`** (`CreateGrant` without constraints).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Serialize, Serializer};

use super::condition::{Clause, Required};
use super::document::{Effect, PolicyDocument, Principals, Statement, Targets};
use super::pattern::{ArnPattern, Pattern, Token};
use super::principal::PrincipalSpec;
use crate::id::AccountId;

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// Principal `*` with no condition that pins the caller.
    PublicAccess,
    /// Principals of other accounts.
    CrossAccountAccess,
    /// `*`, `kms:*` or `NotAction` for principals other than the key account.
    WildcardAction,
    /// `kms:PutKeyPolicy` or `kms:CreateGrant` on a wildcard resource without conditions.
    PrivilegeEscalation,
    /// Deletion, disabling or material deletion for `*` or another account.
    DestructiveActionToBroadPrincipal,
    /// A grant whose grantee belongs to another account.
    ExternalGrant,
    /// A grant that allows `CreateGrant` without constraints.
    GrantCanRegrant,
}

impl FindingKind {
    /// Every kind, in the order findings of one statement are listed.
    pub const ALL: &[Self] = &[
        Self::PublicAccess,
        Self::CrossAccountAccess,
        Self::WildcardAction,
        Self::PrivilegeEscalation,
        Self::DestructiveActionToBroadPrincipal,
        Self::ExternalGrant,
        Self::GrantCanRegrant,
    ];

    /// The kind's name: `public-access`, `cross-account-access`, `wildcard-action`,
    /// `privilege-escalation`, `destructive-action-to-broad-principal`, `external-grant`,
    /// `grant-can-regrant`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PublicAccess => "public-access",
            Self::CrossAccountAccess => "cross-account-access",
            Self::WildcardAction => "wildcard-action",
            Self::PrivilegeEscalation => "privilege-escalation",
            Self::DestructiveActionToBroadPrincipal => "destructive-action-to-broad-principal",
            Self::ExternalGrant => "external-grant",
            Self::GrantCanRegrant => "grant-can-regrant",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How urgent a finding is, least urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth a review.
    Medium,
    /// Fix unless intended.
    High,
    /// Anyone can use the key.
    Critical,
}

impl Severity {
    /// `medium`, `high` or `critical`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What a finding points at. In JSON: `{"type": "statement", "index": 0, "sid": "…"}` or
/// `{"type": "grant", "grant_id": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Location {
    /// A statement of the key policy.
    Statement {
        /// Its index in the policy's `Statement` list.
        index: usize,
        /// Its `Sid`, if it has one.
        sid: Option<String>,
    },
    /// A grant on the key.
    Grant {
        /// The grant's id.
        grant_id: String,
    },
}

impl fmt::Display for Location {
    /// `Statement[2] (Sid "KeyUsers")`, `Statement[0]`, or `grant 0c23…`: the form
    /// [`PolicyError`](super::PolicyError) messages use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Statement { index, sid: Some(sid) } => {
                write!(f, "Statement[{index}] (Sid \"{sid}\")")
            }
            Self::Statement { index, sid: None } => write!(f, "Statement[{index}]"),
            Self::Grant { grant_id } => write!(f, "grant {grant_id}"),
        }
    }
}

/// One finding: what is wrong, where, how bad, and the least-privilege fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What the finding is about.
    pub kind: FindingKind,
    /// How urgent it is.
    pub severity: Severity,
    /// The statement (or grant) that causes it.
    pub location: Location,
    /// The other accounts involved, ascending (empty when none).
    #[serde(serialize_with = "account_strings")]
    pub external_accounts: Vec<AccountId>,
    /// The principals the finding is about, as the policy names them: `*`, a 12-digit
    /// account id, an ARN or a service principal, in statement order.
    pub principals: Vec<String>,
    /// The KMS actions the finding is about (`kms:Decrypt`, …), ascending: for
    /// `public-access`, `cross-account-access` and `wildcard-action`, every KMS key action the
    /// statement allows (wildcards and `NotAction` expanded).
    pub actions: Vec<String>,
    /// What is wrong, naming the statement (or grant).
    pub message: String,
    /// The least-privilege fix, naming the statement (or grant).
    pub suggestion: String,
}

impl Finding {
    /// The index of the statement that causes the finding; `None` for a grant finding.
    #[must_use]
    pub const fn statement_index(&self) -> Option<usize> {
        match self.location {
            Location::Statement { index, .. } => Some(index),
            Location::Grant { .. } => None,
        }
    }
}

impl fmt::Display for Finding {
    /// `[high] cross-account-access: Statement[0] … allows …`; the suggestion on a second
    /// line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}\n  fix: {}", self.severity, self.kind, self.message, self.suggestion)
    }
}

fn account_strings<S: Serializer>(accounts: &[AccountId], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(accounts.iter().map(ToString::to_string))
}

/// What an action gives, for severities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Reads metadata (IAM's List and Read access levels).
    Read,
    /// Cryptographic use of the key.
    Use,
    /// Changes the key, its policy, grants, aliases or tags.
    Manage,
}

/// Every KMS action authorized on a key (the Service Authorization Reference's actions with
/// the "key" resource type), ascending. Account-level actions (`kms:CreateKey`,
/// `kms:ListKeys`, `kms:GenerateRandom`, custom key stores) are not granted by key policies.
const KEY_ACTIONS: &[(&str, Access)] = &[
    ("kms:CancelKeyDeletion", Access::Manage),
    ("kms:CreateAlias", Access::Manage),
    ("kms:CreateGrant", Access::Manage),
    ("kms:Decrypt", Access::Use),
    ("kms:DeleteAlias", Access::Manage),
    ("kms:DeleteImportedKeyMaterial", Access::Manage),
    ("kms:DeriveSharedSecret", Access::Use),
    ("kms:DescribeKey", Access::Read),
    ("kms:DisableKey", Access::Manage),
    ("kms:DisableKeyRotation", Access::Manage),
    ("kms:EnableKey", Access::Manage),
    ("kms:EnableKeyRotation", Access::Manage),
    ("kms:Encrypt", Access::Use),
    ("kms:GenerateDataKey", Access::Use),
    ("kms:GenerateDataKeyPair", Access::Use),
    ("kms:GenerateDataKeyPairWithoutPlaintext", Access::Use),
    ("kms:GenerateDataKeyWithoutPlaintext", Access::Use),
    ("kms:GenerateMac", Access::Use),
    ("kms:GetKeyLastUsage", Access::Read),
    ("kms:GetKeyPolicy", Access::Read),
    ("kms:GetKeyRotationStatus", Access::Read),
    ("kms:GetParametersForImport", Access::Read),
    ("kms:GetPublicKey", Access::Read),
    ("kms:ImportKeyMaterial", Access::Manage),
    ("kms:ListGrants", Access::Read),
    ("kms:ListKeyPolicies", Access::Read),
    ("kms:ListKeyRotations", Access::Read),
    ("kms:ListResourceTags", Access::Read),
    ("kms:PutKeyPolicy", Access::Manage),
    ("kms:ReEncryptFrom", Access::Use),
    ("kms:ReEncryptTo", Access::Use),
    ("kms:ReplicateKey", Access::Manage),
    ("kms:RetireGrant", Access::Manage),
    ("kms:RevokeGrant", Access::Manage),
    ("kms:RotateKeyOnDemand", Access::Manage),
    ("kms:ScheduleKeyDeletion", Access::Manage),
    ("kms:Sign", Access::Use),
    ("kms:TagResource", Access::Manage),
    ("kms:UntagResource", Access::Manage),
    ("kms:UpdateAlias", Access::Manage),
    ("kms:UpdateKeyDescription", Access::Manage),
    ("kms:UpdatePrimaryRegion", Access::Manage),
    ("kms:Verify", Access::Use),
    ("kms:VerifyMac", Access::Use),
];

/// Actions that let a principal give itself more.
const ESCALATION_ACTIONS: &[&str] = &["kms:CreateGrant", "kms:PutKeyPolicy"];

/// Actions that make the key (and every ciphertext under it) unusable.
const DESTRUCTIVE_ACTIONS: &[&str] =
    &["kms:DeleteImportedKeyMaterial", "kms:DisableKey", "kms:ScheduleKeyDeletion"];

/// Condition keys (lower-cased) whose literal values are accounts.
const ACCOUNT_KEYS: &[&str] =
    &["kms:calleraccount", "aws:principalaccount", "aws:sourceaccount", "aws:sourceowner"];

/// Condition keys (lower-cased) whose values are ARNs naming accounts.
const ARN_KEYS: &[&str] = &["aws:principalarn", "aws:sourcearn"];

/// Condition keys (lower-cased) that pin callers without naming accounts.
const OPAQUE_KEYS: &[&str] =
    &["aws:principalorgid", "aws:sourceorgid", "aws:sourcevpc", "aws:sourcevpce"];

/// Analyzes `policy` as the key policy of a key in `key_account`: the findings of its
/// `Allow` statements (see the module documentation for the rules), by statement index,
/// then [`FindingKind`]. An identity policy names no principal and gives no finding.
#[must_use]
pub fn analyze_key_policy(policy: &PolicyDocument, key_account: AccountId) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in policy.statements().iter().enumerate() {
        analyze_statement(index, statement, key_account, &mut findings);
    }
    findings.sort_by(|a, b| (&a.location, a.kind).cmp(&(&b.location, b.kind)));
    findings
}

/// A grant, as [`grant_findings`] reads it: plain values, so that any grant representation
/// can be checked.
#[derive(Clone, Copy, Debug)]
pub struct GrantSummary<'a> {
    /// The grant's id.
    pub grant_id: &'a str,
    /// `GranteePrincipal` (an ARN) or `GranteeServicePrincipal` (e.g. `s3.amazonaws.com`).
    pub grantee_principal: &'a str,
    /// The grant's operations, as CreateGrant takes them (`Decrypt`; `kms:Decrypt` is
    /// accepted too).
    pub operations: &'a [&'a str],
    /// Whether the grant has `Constraints` (`EncryptionContextEquals`,
    /// `EncryptionContextSubset` or `SourceArn`).
    pub has_constraints: bool,
}

/// Checks one grant on a key of `key_account`: `external-grant` when the grantee belongs
/// to another account (high; medium when every operation is read-only), and
/// `grant-can-regrant` when the grant includes `CreateGrant` without constraints (medium;
/// high for an external grantee). A service grantee has no account and is never external.
#[must_use]
pub fn grant_findings(grant: &GrantSummary<'_>, key_account: AccountId) -> Vec<Finding> {
    let location = Location::Grant { grant_id: grant.grant_id.to_owned() };
    let mut actions: Vec<String> = grant
        .operations
        .iter()
        .map(|op| format!("kms:{}", op.strip_prefix("kms:").unwrap_or(op)))
        .collect();
    actions.sort();
    actions.dedup();
    let grantee = grant.grantee_principal;
    let external = principal_account(grantee).filter(|&account| account != key_account);
    let external_accounts: Vec<AccountId> = external.into_iter().collect();
    let ops = actions.join(", ");
    let mut findings = Vec::new();
    if let Some(account) = external {
        let read_only = actions.iter().all(|a| access_of(a) == Some(Access::Read));
        let constrain = if grant.has_constraints {
            ""
        } else {
            ", and recreate it with an EncryptionContextSubset constraint naming the context \
             that account's data uses"
        };
        findings.push(Finding {
            kind: FindingKind::ExternalGrant,
            severity: if read_only { Severity::Medium } else { Severity::High },
            location: location.clone(),
            external_accounts: external_accounts.clone(),
            principals: vec![grantee.to_owned()],
            actions: actions.clone(),
            message: format!(
                "{location} gives {grantee}, a principal of account {account} (not the key's \
                 account {key_account}), {ops} on the key; a grant needs no key-policy \
                 statement, so the key policy does not show this access"
            ),
            suggestion: format!(
                "Retire or revoke {location} if account {account} should not use the key; \
                 otherwise keep only the operations it uses{constrain}"
            ),
        });
    }
    if actions.iter().any(|a| a == "kms:CreateGrant") && !grant.has_constraints {
        findings.push(Finding {
            kind: FindingKind::GrantCanRegrant,
            severity: if external.is_some() { Severity::High } else { Severity::Medium },
            location: location.clone(),
            external_accounts,
            principals: vec![grantee.to_owned()],
            actions: vec!["kms:CreateGrant".to_owned()],
            message: format!(
                "{location} includes CreateGrant without constraints: {grantee} can create \
                 grants that give any principal {ops} on the key, without any encryption \
                 context constraint"
            ),
            suggestion: format!(
                "Recreate {location} without CreateGrant, or with an EncryptionContextEquals \
                 or EncryptionContextSubset constraint so that the grants made from it are at \
                 least as strict, then revoke {location}"
            ),
        });
    }
    findings
}

fn access_of(action: &str) -> Option<Access> {
    KEY_ACTIONS.iter().find(|(name, _)| name.eq_ignore_ascii_case(action)).map(|&(_, a)| a)
}

/// The account of an AWS principal (account id, account root, user, role, session ARN).
fn principal_account(principal: &str) -> Option<AccountId> {
    match PrincipalSpec::parse_aws(principal)? {
        PrincipalSpec::Account(account) => Some(account),
        PrincipalSpec::Arn(arn) => arn_account(&arn),
        PrincipalSpec::Any | PrincipalSpec::Service(_) => None,
    }
}

/// The account field of an ARN (`arn:partition:service:region:account:resource`).
fn arn_account(arn: &str) -> Option<AccountId> {
    let mut parts = arn.splitn(6, ':');
    if parts.next() != Some("arn") {
        return None;
    }
    let account = parts.nth(3)?;
    parts.next()?;
    account.parse().ok()
}

/// One condition value as the analysis reads it.
struct Value {
    /// The whole value, when it has no wildcard.
    literal: Option<String>,
    /// The account it names: the value itself, or an ARN's literal account field.
    account: Option<AccountId>,
    /// As written (wildcards shown).
    display: String,
}

impl Value {
    fn literal(text: &str) -> Self {
        let account = text.parse().ok().or_else(|| arn_account(text));
        Self { literal: Some(text.to_owned()), account, display: text.to_owned() }
    }

    fn pattern(pattern: &Pattern) -> Self {
        if let Pattern::Exact(text) = pattern {
            return Self::literal(text);
        }
        // A StringLike `*` may swallow colons, so only a literal head fixes the account: the
        // account field is fixed when the head runs past its closing colon.
        let head = literal_head(pattern);
        let account = if head.matches(':').count() >= 5 { arn_account(&head) } else { None };
        Self { literal: None, account, display: render(pattern) }
    }

    fn arn(pattern: &ArnPattern) -> Self {
        match pattern {
            ArnPattern::Whole(pattern) => Self::pattern(pattern),
            ArnPattern::Parts(parts) => {
                let display = parts.iter().map(render).collect::<Vec<_>>().join(":");
                if parts.iter().all(|p| matches!(p, Pattern::Exact(_))) {
                    return Self::literal(&display);
                }
                let account = match &parts[4] {
                    Pattern::Exact(account) => account.parse().ok(),
                    _ => None,
                };
                Self { literal: None, account, display }
            }
        }
    }

    fn all(required: Required<'_>) -> Vec<Self> {
        match required {
            Required::Texts(texts) | Required::Folded(texts) => {
                texts.iter().map(|t| Self::literal(t)).collect()
            }
            Required::Patterns(patterns) => patterns.iter().map(Self::pattern).collect(),
            Required::Arns(patterns) => patterns.iter().map(Self::arn).collect(),
        }
    }
}

/// The literal text before the first wildcard.
fn literal_head(pattern: &Pattern) -> String {
    match pattern {
        Pattern::Any => String::new(),
        Pattern::Exact(text) | Pattern::Prefix(text) => text.to_string(),
        Pattern::Glob(tokens) => tokens
            .iter()
            .map_while(|t| if let Token::Char(c) = t { Some(*c) } else { None })
            .collect(),
    }
}

/// A pattern as text, wildcards included.
fn render(pattern: &Pattern) -> String {
    match pattern {
        Pattern::Any => "*".to_owned(),
        Pattern::Exact(text) => text.to_string(),
        Pattern::Prefix(text) => format!("{text}*"),
        Pattern::Glob(tokens) => tokens
            .iter()
            .map(|t| match t {
                Token::Char(c) => *c,
                Token::Star => '*',
                Token::One => '?',
            })
            .collect(),
    }
}

/// What a statement's conditions say about who can call.
#[derive(Debug, Default)]
struct Pins {
    /// The accounts callers must belong to (the intersection over pinning clauses), if any
    /// clause pins accounts.
    accounts: Option<BTreeSet<AccountId>>,
    /// The principals callers must be (`aws:PrincipalArn` with literal values).
    principal_arns: Option<BTreeSet<String>>,
    /// Condition keys that pin callers without naming accounts.
    opaque: BTreeSet<String>,
    /// `kms:ViaService` values: the path, not the caller.
    via_services: BTreeSet<String>,
}

impl Pins {
    fn of(clauses: &[Clause]) -> Self {
        let mut pins = Self::default();
        for clause in clauses {
            let Some(required) = clause.required_values() else { continue };
            let key = clause.key();
            let values = Value::all(required);
            let all_literal = values.iter().all(|v| v.literal.is_some());
            if ACCOUNT_KEYS.contains(&key) {
                if all_literal {
                    // A literal that is not an account id matches no caller.
                    pins.pin_accounts(values.iter().filter_map(|v| v.account).collect());
                }
            } else if ARN_KEYS.contains(&key) {
                if values.iter().all(|v| v.account.is_some()) {
                    pins.pin_accounts(values.iter().filter_map(|v| v.account).collect());
                    if key == "aws:principalarn" && all_literal {
                        let arns = values.iter().filter_map(|v| v.literal.clone()).collect();
                        pins.principal_arns = Some(match pins.principal_arns.take() {
                            None => arns,
                            Some(before) => before.intersection(&arns).cloned().collect(),
                        });
                    }
                } else if all_literal {
                    pins.opaque.insert(key.to_owned());
                }
            } else if OPAQUE_KEYS.contains(&key) {
                if all_literal {
                    pins.opaque.insert(key.to_owned());
                }
            } else if key == "kms:viaservice" {
                // A service is named when its first label is literal (`ec2.*.amazonaws.com`).
                let named = values.iter().all(|v| {
                    v.literal.is_some()
                        || v.display.split(['*', '?']).next().is_some_and(|h| h.contains('.'))
                });
                if named {
                    pins.via_services.extend(values.into_iter().map(|v| v.display));
                }
            }
        }
        pins
    }

    fn pin_accounts(&mut self, accounts: BTreeSet<AccountId>) {
        self.accounts = Some(match self.accounts.take() {
            None => accounts,
            Some(before) => before.intersection(&accounts).copied().collect(),
        });
    }

    /// Whether the conditions limit callers to known accounts, organizations or principals.
    fn restricted(&self) -> bool {
        self.accounts.is_some() || self.principal_arns.is_some() || !self.opaque.is_empty()
    }

    /// Whether a caller of `account` can satisfy the conditions.
    fn admits(&self, account: AccountId) -> bool {
        self.accounts.as_ref().is_none_or(|accounts| accounts.contains(&account))
    }
}

/// Whom an `Allow` statement reaches.
#[derive(Debug, Default)]
struct Reach {
    /// `Some` when the principal is `*` and no condition pins the caller; the
    /// `kms:ViaService` values that limit the path, if any.
    public: Option<BTreeSet<String>>,
    /// Other accounts reached as a whole (delegated to their IAM policies).
    whole_accounts: BTreeSet<AccountId>,
    /// Specific principals of other accounts.
    external_principals: BTreeSet<(AccountId, String)>,
    /// The principals named other than the key account itself, in statement order.
    not_key_account: Vec<String>,
}

impl Reach {
    fn of(specs: &[PrincipalSpec], pins: &Pins, key_account: AccountId) -> Self {
        let mut reach = Self::default();
        let name = |reach: &mut Self, text: String| {
            if !reach.not_key_account.contains(&text) {
                reach.not_key_account.push(text);
            }
        };
        for spec in specs {
            match spec {
                PrincipalSpec::Any => {
                    name(&mut reach, "*".to_owned());
                    if !pins.restricted() {
                        reach.public = Some(pins.via_services.clone());
                    } else if let Some(arns) = &pins.principal_arns {
                        for arn in arns {
                            if let Some(account) = arn_account(arn)
                                && account != key_account
                                && pins.admits(account)
                            {
                                reach.external_principals.insert((account, arn.clone()));
                            }
                        }
                    } else if let Some(accounts) = &pins.accounts {
                        reach.whole_accounts.extend(accounts.iter().filter(|&&a| a != key_account));
                    }
                }
                PrincipalSpec::Account(account) => {
                    if *account != key_account {
                        name(&mut reach, account.to_string());
                        if pins.admits(*account) {
                            reach.whole_accounts.insert(*account);
                        }
                    }
                }
                PrincipalSpec::Arn(arn) => {
                    name(&mut reach, arn.to_string());
                    if let Some(account) = arn_account(arn)
                        && account != key_account
                        && pins.admits(account)
                    {
                        reach.external_principals.insert((account, arn.to_string()));
                    }
                }
                PrincipalSpec::Service(service) => name(&mut reach, service.to_string()),
            }
        }
        reach
    }

    fn external_accounts(&self) -> Vec<AccountId> {
        let accounts: BTreeSet<AccountId> = self
            .whole_accounts
            .iter()
            .copied()
            .chain(self.external_principals.iter().map(|(account, _)| *account))
            .collect();
        accounts.into_iter().collect()
    }

    fn is_external(&self) -> bool {
        !self.whole_accounts.is_empty() || !self.external_principals.is_empty()
    }

    /// The principals through which the statement reaches `*` or other accounts.
    fn broad_principals(&self) -> Vec<String> {
        let mut principals = Vec::new();
        if self.public.is_some() {
            principals.push("*".to_owned());
        }
        principals.extend(self.whole_accounts.iter().map(ToString::to_string));
        principals.extend(self.external_principals.iter().map(|(_, arn)| arn.clone()));
        principals
    }
}

/// The statement's principals for a message: `every principal ("*")`, `account
/// 444455556666`, ARNs, service principals.
fn describe_principals(principals: &[String]) -> String {
    principals
        .iter()
        .map(|p| {
            if p == "*" {
                "every principal (\"*\")".to_owned()
            } else if p.parse::<AccountId>().is_ok() {
                format!("account {p}")
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_actions(actions: &[&str]) -> String {
    if actions.len() == KEY_ACTIONS.len() {
        "to call every KMS action on the key".to_owned()
    } else {
        format!("to call {}", actions.join(", "))
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn is_wildcard_resource(resources: &Targets<ArnPattern>) -> bool {
    resources.negated
        || resources.patterns.iter().any(|p| match p {
            ArnPattern::Whole(p) => !matches!(p, Pattern::Exact(_)),
            ArnPattern::Parts(parts) => parts.iter().any(|p| !matches!(p, Pattern::Exact(_))),
        })
}

/// How a statement writes "every action", if it does: `Action "*"`, `Action "kms:*"`,
/// `NotAction`.
fn wildcard_action(actions: &Targets<Pattern>) -> Option<&'static str> {
    if actions.negated {
        return Some("NotAction");
    }
    let any = actions.patterns.iter().any(|p| matches!(p, Pattern::Any));
    let kms = actions.patterns.iter().any(|p| matches!(p, Pattern::Prefix(p) if &**p == "kms:"));
    if any {
        Some("Action \"*\"")
    } else if kms {
        Some("Action \"kms:*\"")
    } else {
        None
    }
}

/// Whether the statement names `action` exactly (not only through a wildcard).
fn names_exactly(actions: &Targets<Pattern>, action: &str) -> bool {
    !actions.negated
        && actions
            .patterns
            .iter()
            .any(|p| matches!(p, Pattern::Exact(e) if e.eq_ignore_ascii_case(action)))
}

fn owned(actions: &[&str]) -> Vec<String> {
    actions.iter().map(|&a| a.to_owned()).collect()
}

/// Everything [`analyze_statement`]'s rules read about one statement.
struct Facts<'s> {
    location: Location,
    key_account: AccountId,
    statement: &'s Statement,
    actions: &'s Targets<Pattern>,
    resources: &'s Targets<ArnPattern>,
    /// The KMS key actions the statement allows, ascending.
    allowed: Vec<&'static str>,
    reach: Reach,
}

fn analyze_statement(
    index: usize,
    statement: &Statement,
    key_account: AccountId,
    findings: &mut Vec<Finding>,
) {
    let (Effect::Allow, Principals::Listed(specs), Some(actions), Some(resources)) = (
        statement.effect(),
        &statement.principals,
        statement.actions.as_ref(),
        statement.resources.as_ref(),
    ) else {
        return;
    };
    let allowed: Vec<&'static str> = KEY_ACTIONS
        .iter()
        .map(|&(name, _)| name)
        .filter(|name| statement.covers_action(name))
        .collect();
    if allowed.is_empty() {
        return;
    }
    let pins = Pins::of(&statement.conditions);
    let facts = Facts {
        location: Location::Statement { index, sid: statement.sid().map(ToOwned::to_owned) },
        key_account,
        statement,
        actions,
        resources,
        allowed,
        reach: Reach::of(specs, &pins, key_account),
    };
    findings.extend(
        [public_access, cross_account_access, wildcard, privilege_escalation, destructive]
            .iter()
            .filter_map(|rule| rule(&facts)),
    );
}

fn public_access(facts: &Facts<'_>) -> Option<Finding> {
    let via_services = facts.reach.public.as_ref()?;
    let (location, account) = (&facts.location, facts.key_account);
    let actions = describe_actions(&facts.allowed);
    let (severity, message, suggestion) = if via_services.is_empty() {
        (
            Severity::Critical,
            format!(
                "{location} allows every principal (\"*\") {actions}, and no condition limits \
                 the caller to known accounts, organizations or principals: anyone with AWS \
                 credentials can call them on this key"
            ),
            format!(
                "In {location}, replace \"*\" with the principals that need the key (e.g. \
                 \"arn:aws:iam::{account}:role/<role-name>\"), or add a Condition StringEquals \
                 kms:CallerAccount = {account} (or aws:PrincipalOrgID = <your organization id>)"
            ),
        )
    } else {
        let services = via_services.iter().cloned().collect::<Vec<_>>().join(", ");
        (
            Severity::High,
            format!(
                "{location} allows every principal (\"*\") {actions} through {services} \
                 (kms:ViaService), and no condition limits the caller's account: principals \
                 of any AWS account can reach the key through these services"
            ),
            format!(
                "In {location}, add a Condition StringEquals kms:CallerAccount = {account} \
                 beside kms:ViaService, as the policies of AWS managed keys do"
            ),
        )
    };
    Some(Finding {
        kind: FindingKind::PublicAccess,
        severity,
        location: location.clone(),
        external_accounts: Vec::new(),
        principals: vec!["*".to_owned()],
        actions: owned(&facts.allowed),
        message,
        suggestion,
    })
}

fn cross_account_access(facts: &Facts<'_>) -> Option<Finding> {
    let reach = &facts.reach;
    if !reach.is_external() {
        return None;
    }
    let location = &facts.location;
    let mut who: Vec<String> = reach
        .whole_accounts
        .iter()
        .map(|a| {
            format!(
                "account {a} as a whole (its root user and every principal its IAM policies \
                 allow)"
            )
        })
        .collect();
    who.extend(
        reach.external_principals.iter().map(|(_, arn)| format!("{arn} (that principal only)")),
    );
    let access = |wanted: Access| -> Vec<&str> {
        facts.allowed.iter().copied().filter(|a| access_of(a) == Some(wanted)).collect()
    };
    let (manage, use_) = (access(Access::Manage), access(Access::Use));
    let read_only = manage.is_empty() && use_.is_empty();
    let accounts = reach.external_accounts();
    let account_list = accounts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");

    let mut fixes = Vec::new();
    if let Some(account) = reach.whole_accounts.first() {
        fixes.push(format!(
            "name the role ARN instead of the account (e.g. \
             \"arn:aws:iam::{account}:role/<role-name>\" instead of \"{account}\")"
        ));
    }
    if !manage.is_empty() {
        fixes.push(format!(
            "remove the key-management actions another account should not hold ({})",
            manage.join(", ")
        ));
    }
    if !use_.is_empty() && facts.statement.conditions.is_empty() {
        fixes.push(format!(
            "limit how account(s) {account_list} use the key with a Condition such as \
             StringEquals kms:EncryptionContext:<context-key> = <value> or kms:ViaService = \
             <service>.<region>.amazonaws.com"
        ));
    }
    if fixes.is_empty() {
        fixes.push(format!(
            "confirm that {} should see this key's metadata, or remove them",
            describe_principals(&reach.broad_principals())
        ));
    }
    Some(Finding {
        kind: FindingKind::CrossAccountAccess,
        severity: if read_only { Severity::Medium } else { Severity::High },
        location: location.clone(),
        external_accounts: accounts,
        principals: reach.broad_principals(),
        actions: owned(&facts.allowed),
        message: format!(
            "{location} allows principals of accounts other than the key's ({}) {}: {}",
            facts.key_account,
            describe_actions(&facts.allowed),
            who.join("; ")
        ),
        suggestion: format!("In {location}, {}", fixes.join("; ")),
    })
}

fn wildcard(facts: &Facts<'_>) -> Option<Finding> {
    let written = wildcard_action(facts.actions)?;
    let reach = &facts.reach;
    if reach.not_key_account.is_empty() {
        return None;
    }
    let location = &facts.location;
    let account = facts.key_account;
    let who = describe_principals(&reach.not_key_account);
    let dangerous: Vec<&str> = ["kms:PutKeyPolicy", "kms:CreateGrant", "kms:ScheduleKeyDeletion"]
        .into_iter()
        .filter(|a| facts.allowed.contains(a))
        .collect();
    let what = if facts.allowed.len() == KEY_ACTIONS.len() {
        "every KMS action".to_owned()
    } else {
        format!("{} of the {} KMS key actions", facts.allowed.len(), KEY_ACTIONS.len())
    };
    let including = if dangerous.is_empty() {
        String::new()
    } else {
        format!(", including {}", dangerous.join(", "))
    };
    Some(Finding {
        kind: FindingKind::WildcardAction,
        severity: if reach.public.is_some() || reach.is_external() {
            Severity::High
        } else {
            Severity::Medium
        },
        location: location.clone(),
        external_accounts: reach.external_accounts(),
        principals: reach.not_key_account.clone(),
        actions: owned(&facts.allowed),
        message: format!(
            "{location} allows {written} ({what}{including}) to {who}; only the key \
             account's own statement (\"Enable IAM User Permissions\" for \
             arn:aws:iam::{account}:root) should allow every action"
        ),
        suggestion: format!(
            "In {location}, replace {written} with the actions the principals use, e.g. \
             kms:Encrypt, kms:Decrypt, kms:GenerateDataKey* for key users, or kms:Describe*, \
             kms:Enable*, kms:Disable*, kms:Update*, kms:TagResource, kms:UntagResource for key \
             administrators"
        ),
    })
}

fn privilege_escalation(facts: &Facts<'_>) -> Option<Finding> {
    let reach = &facts.reach;
    if reach.not_key_account.is_empty()
        || !facts.statement.conditions.is_empty()
        || !is_wildcard_resource(facts.resources)
    {
        return None;
    }
    let escalating: Vec<&str> =
        ESCALATION_ACTIONS.iter().copied().filter(|a| facts.allowed.contains(a)).collect();
    if escalating.is_empty() {
        return None;
    }
    let location = &facts.location;
    let who = describe_principals(&reach.not_key_account);
    let mut how = Vec::new();
    let mut fixes = Vec::new();
    for &action in &escalating {
        if action == "kms:PutKeyPolicy" {
            how.push(
                "with kms:PutKeyPolicy they can rewrite the key policy and give themselves \
                 every permission",
            );
            fixes.push(
                "remove kms:PutKeyPolicy and leave it to the account root \
                 (\"Enable IAM User Permissions\") or a break-glass administrator role",
            );
        } else {
            how.push(
                "with kms:CreateGrant they can create grants that give themselves or any \
                 principal the key's operations",
            );
            fixes.push(
                "add a Condition Bool kms:GrantIsForAWSResource = true so that grants can be \
                 created only for AWS services integrated with KMS, or remove kms:CreateGrant",
            );
        }
    }
    if escalating.iter().any(|action| !names_exactly(facts.actions, action)) {
        fixes.push(
            "a wildcard or NotAction in the statement (such as kms:*, kms:Create* or \
             kms:Put*) covers these: list the actions the principals need instead",
        );
    }
    Some(Finding {
        kind: FindingKind::PrivilegeEscalation,
        severity: Severity::High,
        location: location.clone(),
        external_accounts: reach.external_accounts(),
        principals: reach.not_key_account.clone(),
        actions: owned(&escalating),
        message: format!(
            "{location} allows {who} to call {} on a wildcard resource with no Condition: {}",
            escalating.join(" and "),
            how.join("; ")
        ),
        suggestion: format!("In {location}, {}", fixes.join("; ")),
    })
}

fn destructive(facts: &Facts<'_>) -> Option<Finding> {
    let reach = &facts.reach;
    if reach.public.is_none() && !reach.is_external() {
        return None;
    }
    let destroying: Vec<&str> =
        DESTRUCTIVE_ACTIONS.iter().copied().filter(|a| facts.allowed.contains(a)).collect();
    if destroying.is_empty() {
        return None;
    }
    let (location, account) = (&facts.location, facts.key_account);
    let principals = reach.broad_principals();
    let who = describe_principals(&principals);
    let anyone = reach.public.as_ref().is_some_and(BTreeSet::is_empty);
    Some(Finding {
        kind: FindingKind::DestructiveActionToBroadPrincipal,
        severity: if anyone { Severity::Critical } else { Severity::High },
        location: location.clone(),
        external_accounts: reach.external_accounts(),
        principals,
        actions: owned(&destroying),
        message: format!(
            "{location} allows {who} to call {}: they can {}",
            destroying.join(", "),
            join_or(&destroying
                .iter()
                .map(|&action| match action {
                    "kms:DisableKey" => {
                        "disable the key (nothing under it decrypts until it is enabled again)"
                    }
                    "kms:DeleteImportedKeyMaterial" => {
                        "delete its imported key material (nothing under it decrypts until the \
                         same material is imported again)"
                    }
                    _ => {
                        "schedule its deletion (after the waiting period every ciphertext under \
                         it is lost for good)"
                    }
                })
                .collect::<Vec<_>>())
        ),
        suggestion: format!(
            "In {location}, remove {} and allow them only to key administrators of account \
             {account}; consider also a Deny of them for Principal \"*\" with a Condition \
             StringNotEquals aws:PrincipalAccount = {account}",
            destroying.join(", ")
        ),
    })
}
