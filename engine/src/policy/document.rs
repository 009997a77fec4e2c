//! Policy documents: the grammar, KMS's validation, and the compiled form evaluation reads.
//!
//! Parsing checks everything once (size, characters, JSON, elements, principals, operators,
//! values) and compiles actions, resources and condition values into matchers, so
//! evaluating a request never parses, lower-cases or allocates.

use std::fmt;

use super::condition::{self, Clause};
use super::json::{self, Json};
use super::pattern::{ArnPattern, Fold, Pattern, Variables};
use super::principal::PrincipalSpec;
use crate::error::{ErrorKind, KmsError};

/// The largest key policy KMS accepts [bytes] (32 KiB, not adjustable).
pub const MAX_KEY_POLICY_BYTES: usize = 32_768;

/// Which kind of policy a document is: it decides whether statements name principals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    /// A key policy (resource-based): every statement names exactly one of `Principal` or
    /// `NotPrincipal`; at most [`MAX_KEY_POLICY_BYTES`].
    Key,
    /// An IAM identity-based policy, attached to the caller: no `Principal`. IAM's own size
    /// quotas are not modelled.
    Identity,
}

/// A statement's `Effect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

/// Why a policy document was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyErrorKind {
    /// Longer than [`MAX_KEY_POLICY_BYTES`]: KMS answers `LimitExceededException`.
    TooLarge,
    /// Anything else: KMS answers `MalformedPolicyDocumentException`.
    Malformed,
}

/// A refused policy document: what is wrong and where (`Statement[1] (Sid "Admins"): …`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// Which AWS exception this becomes.
    pub kind: PolicyErrorKind,
    /// What is wrong, and where.
    pub message: String,
}

impl PolicyError {
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self { kind: PolicyErrorKind::Malformed, message: message.into() }
    }

    /// The AWS exception name: `MalformedPolicyDocumentException` or
    /// `LimitExceededException`.
    #[must_use]
    pub const fn aws_code(&self) -> &'static str {
        match self.kind {
            PolicyErrorKind::TooLarge => "LimitExceededException",
            PolicyErrorKind::Malformed => "MalformedPolicyDocumentException",
        }
    }

    /// As a [`KmsError`]: `LimitExceeded` for [`PolicyErrorKind::TooLarge`],
    /// `MalformedPolicyDocument` otherwise, with this error's message.
    #[must_use]
    pub fn to_kms_error(&self) -> KmsError {
        let kind = match self.kind {
            PolicyErrorKind::TooLarge => ErrorKind::LimitExceeded,
            PolicyErrorKind::Malformed => ErrorKind::MalformedPolicyDocument,
        };
        KmsError::new(kind, self.message.clone())
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.aws_code(), self.message)
    }
}

impl std::error::Error for PolicyError {}

/// `Principal` or `NotPrincipal` (key policies), or neither (identity policies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Principals {
    /// An identity policy: the statement is about its holder.
    Holder,
    Listed(Box<[PrincipalSpec]>),
    AllExcept(Box<[PrincipalSpec]>),
}

/// `Action`/`NotAction` or `Resource`/`NotResource`; `None` in [`Statement`] when the
/// statement has neither, which KMS accepts and which then matches nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Targets<P> {
    pub(crate) negated: bool,
    pub(crate) patterns: Box<[P]>,
}

/// One compiled statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    sid: Option<Box<str>>,
    effect: Effect,
    pub(crate) principals: Principals,
    pub(crate) actions: Option<Targets<Pattern>>,
    pub(crate) resources: Option<Targets<ArnPattern>>,
    pub(crate) conditions: Box<[Clause]>,
}

impl Statement {
    /// The statement's `Sid`, if it has one.
    #[must_use]
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The statement's `Effect`.
    #[must_use]
    pub const fn effect(&self) -> Effect {
        self.effect
    }

    /// Whether the statement covers `action` (any case).
    pub(crate) fn covers_action(&self, action: &str) -> bool {
        self.actions.as_ref().is_some_and(|targets| {
            targets.patterns.iter().any(|p| p.matches(action, Fold::Ascii)) != targets.negated
        })
    }

    /// Whether the statement covers `resource`.
    pub(crate) fn covers_resource(&self, resource: &str) -> bool {
        self.resources.as_ref().is_some_and(|targets| {
            targets.patterns.iter().any(|p| p.matches(resource)) != targets.negated
        })
    }
}

/// A parsed, validated and compiled policy document.
///
/// Keeps the text it was parsed from ([`Self::text`]): KMS's GetKeyPolicy returns the policy
/// as it was put.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    kind: PolicyKind,
    text: Box<str>,
    version: Option<Box<str>>,
    id: Option<Box<str>>,
    statements: Box<[Statement]>,
    /// Whether a condition reads `kms:ResourceAliases`, decided once at parse: that key
    /// costs a scan of the account's aliases, so the engine fills it only when read.
    reads_resource_aliases: bool,
}

/// `kms:ResourceAliases`, lower-cased as conditions store their keys.
const RESOURCE_ALIASES: &str = "kms:resourcealiases";

impl PolicyDocument {
    /// Parses and validates `text` as a policy of `kind`, as KMS's PutKeyPolicy and IAM do.
    ///
    /// Policy variables (`${aws:username}`) are not supported: in a version 2012-10-17
    /// policy a `${…}` in a `Resource` or condition value is refused, except the escapes
    /// `${*}`, `${?}` and `${$}` (a literal `*`, `?` and `$`); in a 2008-10-17 policy (or one
    /// without `Version`) it is literal text, as in IAM.
    ///
    /// # Errors
    /// [`PolicyErrorKind::TooLarge`] for a key policy over [`MAX_KEY_POLICY_BYTES`];
    /// [`PolicyErrorKind::Malformed`] for a character outside tab, LF, CR and U+0020–U+00FF,
    /// invalid JSON, a duplicated member, an unknown or mistyped element, an unknown
    /// `Effect` or condition operator, a statement without `Effect`, a key-policy statement
    /// without exactly one of `Principal`/`NotPrincipal` (or an identity-policy statement
    /// with one), `NotPrincipal` with `Allow`, an invalid principal, action, resource or
    /// condition value, a policy variable, or `ForAllValues` with `kms:EncryptionContext:*`
    /// or `aws:RequestTag/*` (AWS's `OverlyPermissiveCondition`).
    pub fn parse(text: &str, kind: PolicyKind) -> Result<Self, PolicyError> {
        if kind == PolicyKind::Key && text.len() > MAX_KEY_POLICY_BYTES {
            return Err(PolicyError {
                kind: PolicyErrorKind::TooLarge,
                message: format!(
                    "policy is {} bytes, more than the {MAX_KEY_POLICY_BYTES} bytes a key policy may have",
                    text.len()
                ),
            });
        }
        if let Some((at, c)) = text
            .char_indices()
            .find(|&(_, c)| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'))
        {
            return Err(PolicyError::malformed(format!(
                "policy contains the character U+{:04X} at byte {at}; allowed are tab, LF, CR and U+0020 to U+00FF",
                u32::from(c)
            )));
        }
        let json = json::parse(text)
            .map_err(|e| PolicyError::malformed(format!("policy is not valid JSON: {e}")))?;
        let Json::Object(members) = json else {
            return Err(PolicyError::malformed(format!(
                "policy must be a JSON object, not {}",
                json.type_name()
            )));
        };
        reject_duplicates(&members, "policy").map_err(PolicyError::malformed)?;

        let mut version = None;
        let mut id = None;
        let mut statement_json = None;
        for (name, value) in &members {
            match name.as_str() {
                "Version" => version = Some(string(value, "Version")?),
                "Id" => id = Some(string(value, "Id")?),
                "Statement" => statement_json = Some(value),
                other => {
                    return Err(PolicyError::malformed(format!(
                        "unknown policy element \"{other}\"; expected Version, Id or Statement"
                    )));
                }
            }
        }
        let variables = match version {
            None | Some("2008-10-17") => Variables::Literal,
            Some("2012-10-17") => Variables::Reject,
            Some(other) => {
                return Err(PolicyError::malformed(format!(
                    "Version must be \"2012-10-17\" or \"2008-10-17\", not \"{other}\""
                )));
            }
        };
        let statements = match statement_json {
            None => return Err(PolicyError::malformed("policy has no Statement")),
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_statement(item, i, kind, variables))
                .collect::<Result<Vec<_>, _>>()?,
            Some(item @ Json::Object(_)) => vec![parse_statement(item, 0, kind, variables)?],
            Some(other) => {
                return Err(PolicyError::malformed(format!(
                    "Statement must be an object or a list of objects, not {}",
                    other.type_name()
                )));
            }
        };
        let reads_resource_aliases = statements.iter().any(|statement| {
            statement.conditions.iter().any(|clause| clause.key() == RESOURCE_ALIASES)
        });
        Ok(Self {
            kind,
            text: text.into(),
            version: version.map(Into::into),
            id: id.map(Into::into),
            statements: statements.into(),
            reads_resource_aliases,
        })
    }

    /// Whether any statement has a `Condition`: when none has, the caller, action and
    /// resource decide a request alone and no condition key need be computed.
    #[must_use]
    pub fn has_conditions(&self) -> bool {
        self.statements.iter().any(|statement| !statement.conditions.is_empty())
    }

    /// Whether any statement has a condition on `kms:ResourceAliases` (decided at parse):
    /// the engine computes that key, a scan of the account's aliases, only when one does.
    #[must_use]
    pub const fn reads_resource_aliases(&self) -> bool {
        self.reads_resource_aliases
    }

    /// [`Self::parse`] as a key policy.
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn parse_key_policy(text: &str) -> Result<Self, PolicyError> {
        Self::parse(text, PolicyKind::Key)
    }

    /// [`Self::parse`] as an identity-based (IAM) policy.
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn parse_identity_policy(text: &str) -> Result<Self, PolicyError> {
        Self::parse(text, PolicyKind::Identity)
    }

    /// Key policy or identity policy.
    #[must_use]
    pub const fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The text the document was parsed from.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `Version`, if present.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `Id`, if present.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The statements, in document order.
    #[must_use]
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }
}

/// Refuses an object with two members of one name (`{"Effect": "Allow", "Effect": "Deny"}`
/// would otherwise mean whatever the parser keeps).
pub(crate) fn reject_duplicates(members: &[(String, Json)], where_: &str) -> Result<(), String> {
    for (i, (name, _)) in members.iter().enumerate() {
        if members[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(format!("{where_} has \"{name}\" more than once"));
        }
    }
    Ok(())
}

fn string<'j>(json: &'j Json, what: &str) -> Result<&'j str, PolicyError> {
    match json {
        Json::String(s) => Ok(s),
        other => Err(PolicyError::malformed(format!(
            "{what} must be a string, not {}",
            other.type_name()
        ))),
    }
}

/// A string or a non-empty list of strings.
fn strings<'j>(json: &'j Json, what: &str) -> Result<Vec<&'j str>, String> {
    let one = |item: &'j Json| match item {
        Json::String(s) => Ok(s.as_str()),
        other => {
            Err(format!("{what} must be a string or a list of strings, not {}", other.type_name()))
        }
    };
    match json {
        Json::Array(items) if items.is_empty() => Err(format!("{what} must not be an empty list")),
        Json::Array(items) => items.iter().map(one).collect(),
        other => one(other).map(|s| vec![s]),
    }
}

fn parse_statement(
    json: &Json,
    index: usize,
    kind: PolicyKind,
    variables: Variables,
) -> Result<Statement, PolicyError> {
    let Json::Object(members) = json else {
        return Err(PolicyError::malformed(format!(
            "Statement[{index}] must be an object, not {}",
            json.type_name()
        )));
    };
    // The Sid first, so that every later message can name it.
    let sid = members.iter().find(|(name, _)| name == "Sid").map(|(_, v)| v);
    let sid = match sid {
        None => None,
        Some(Json::String(s)) => Some(s.as_str()),
        Some(other) => {
            return Err(PolicyError::malformed(format!(
                "Statement[{index}]: Sid must be a string, not {}",
                other.type_name()
            )));
        }
    };
    let at = |message: String| {
        PolicyError::malformed(match sid {
            Some(sid) => format!("Statement[{index}] (Sid \"{sid}\"): {message}"),
            None => format!("Statement[{index}]: {message}"),
        })
    };
    reject_duplicates(members, "the statement").map_err(at)?;

    let mut effect = None;
    let mut principal = None;
    let mut not_principal = None;
    let mut action = None;
    let mut not_action = None;
    let mut resource = None;
    let mut not_resource = None;
    let mut condition = None;
    for (name, value) in members {
        match name.as_str() {
            "Sid" => {}
            "Effect" => effect = Some(value),
            "Principal" => principal = Some(value),
            "NotPrincipal" => not_principal = Some(value),
            "Action" => action = Some(value),
            "NotAction" => not_action = Some(value),
            "Resource" => resource = Some(value),
            "NotResource" => not_resource = Some(value),
            "Condition" => condition = Some(value),
            other => {
                return Err(at(format!(
                    "unknown statement element \"{other}\"; expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition"
                )));
            }
        }
    }

    let effect = match effect {
        None => return Err(at("the statement has no Effect".to_owned())),
        Some(Json::String(s)) if s == "Allow" => Effect::Allow,
        Some(Json::String(s)) if s == "Deny" => Effect::Deny,
        Some(Json::String(s)) => {
            return Err(at(format!("Effect must be \"Allow\" or \"Deny\", not \"{s}\"")));
        }
        Some(other) => {
            return Err(at(format!("Effect must be a string, not {}", other.type_name())));
        }
    };

    let principals = match (kind, principal, not_principal) {
        (PolicyKind::Identity, None, None) => Principals::Holder,
        (PolicyKind::Identity, _, _) => {
            return Err(at(
                "an identity-based policy names no Principal or NotPrincipal: it applies to the identity it is attached to"
                    .to_owned(),
            ));
        }
        (PolicyKind::Key, None, None) => {
            return Err(
                at("a key policy statement needs a Principal or a NotPrincipal".to_owned()),
            );
        }
        (PolicyKind::Key, Some(_), Some(_)) => {
            return Err(at(
                "a statement may have a Principal or a NotPrincipal, not both".to_owned()
            ));
        }
        (PolicyKind::Key, Some(p), None) => {
            Principals::Listed(parse_principals(p, "Principal").map_err(at)?)
        }
        (PolicyKind::Key, None, Some(p)) => {
            if effect == Effect::Allow {
                return Err(at(
                    "NotPrincipal can be used only with \"Effect\": \"Deny\"".to_owned()
                ));
            }
            Principals::AllExcept(parse_principals(p, "NotPrincipal").map_err(at)?)
        }
    };

    let actions = match (action, not_action) {
        (Some(_), Some(_)) => {
            return Err(at("a statement may have an Action or a NotAction, not both".to_owned()));
        }
        (Some(a), None) => Some(parse_actions(a, "Action", false).map_err(at)?),
        (None, Some(a)) => Some(parse_actions(a, "NotAction", true).map_err(at)?),
        (None, None) => None,
    };
    let resources = match (resource, not_resource) {
        (Some(_), Some(_)) => {
            return Err(
                at("a statement may have a Resource or a NotResource, not both".to_owned()),
            );
        }
        (Some(r), None) => Some(parse_resources(r, "Resource", false, variables).map_err(at)?),
        (None, Some(r)) => Some(parse_resources(r, "NotResource", true, variables).map_err(at)?),
        (None, None) => None,
    };
    let conditions = match condition {
        None => Box::default(),
        Some(c) => condition::parse_block(c, variables).map_err(at)?,
    };
    Ok(Statement { sid: sid.map(Into::into), effect, principals, actions, resources, conditions })
}

const INVALID_PRINCIPAL: &str = "Policy contains a statement with one or more invalid principals.";

fn parse_principals(json: &Json, what: &str) -> Result<Box<[PrincipalSpec]>, String> {
    let members = match json {
        Json::String(s) if s == "*" => return Ok(Box::new([PrincipalSpec::Any])),
        Json::Object(members) if !members.is_empty() => members,
        Json::Object(_) => return Err(format!("{what} names no principal. {INVALID_PRINCIPAL}")),
        other => {
            return Err(format!(
                "{what} must be \"*\" or an object such as {{\"AWS\": \"arn:aws:iam::111122223333:root\"}}, not {}",
                match other {
                    Json::String(s) => format!("\"{s}\""),
                    other => other.type_name().to_owned(),
                }
            ));
        }
    };
    reject_duplicates(members, what)?;
    let mut specs = Vec::new();
    for (principal_type, values) in members {
        let where_ = format!("{what}.{principal_type}");
        let parse: fn(&str) -> Option<PrincipalSpec> = match principal_type.as_str() {
            "AWS" => PrincipalSpec::parse_aws,
            "Service" => PrincipalSpec::parse_service,
            "Federated" | "CanonicalUser" => {
                return Err(format!(
                    "{where_}: {principal_type} principals cannot use a KMS key. {INVALID_PRINCIPAL}"
                ));
            }
            other => {
                return Err(format!(
                    "unknown principal type \"{other}\" in {what}; expected AWS or Service"
                ));
            }
        };
        for value in strings(values, &where_)? {
            let spec = parse(value).ok_or_else(|| {
                format!(
                    "{where_}: \"{value}\" is not a valid principal (expected {}). {INVALID_PRINCIPAL}",
                    if principal_type == "AWS" {
                        "\"*\", a 12-digit account id, or an account-root, user, role, assumed-role or federated-user ARN without wildcards"
                    } else {
                        "a service principal such as s3.amazonaws.com"
                    }
                )
            })?;
            specs.push(spec);
        }
    }
    Ok(specs.into())
}

fn parse_actions(json: &Json, what: &str, negated: bool) -> Result<Targets<Pattern>, String> {
    let mut patterns = Vec::new();
    for action in strings(json, what)? {
        let valid = action == "*"
            || action.split_once(':').is_some_and(|(service, name)| {
                !service.is_empty()
                    && service.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !name.is_empty()
                    && !name.chars().any(char::is_whitespace)
            });
        if !valid {
            return Err(format!(
                "{what} \"{action}\" must be \"*\" or service:action, as in kms:Encrypt or kms:Get*"
            ));
        }
        // Actions take no policy variables.
        let pattern = Pattern::compile(action, Fold::Ascii, Variables::Literal)?;
        patterns.push(pattern);
    }
    Ok(Targets { negated, patterns: patterns.into() })
}

fn parse_resources(
    json: &Json,
    what: &str,
    negated: bool,
    variables: Variables,
) -> Result<Targets<ArnPattern>, String> {
    let mut patterns = Vec::new();
    for resource in strings(json, what)? {
        let is_arn = resource.starts_with("arn:") && resource.matches(':').count() >= 5;
        if resource != "*" && !is_arn {
            return Err(format!("{what} \"{resource}\" must be \"*\" or an ARN"));
        }
        let pattern =
            ArnPattern::compile(resource, variables).map_err(|e| format!("{what}: {e}"))?;
        patterns.push(pattern);
    }
    Ok(Targets { negated, patterns: patterns.into() })
}
