//! Authorization decisions, KMS's way: key policy, the caller's IAM policies, and grants.
//!
//! The rules (KMS Developer Guide: "Key policies", "Default key policy", "Allowing users in
//! other accounts to use a KMS key"; IAM User Guide: "Policy evaluation logic",
//! "Cross-account policy evaluation logic"):
//!
//! 1. An explicit `Deny` that applies, in the key policy or in any of the caller's identity
//!    policies, denies. Nothing overrides it, not even a grant. (Identity policies can deny
//!    even when the key policy does not enable them.)
//! 2. Same account as the key: allowed when the key policy allows the caller *directly* (by
//!    its ARN, its role, `*`, or the account for the root user), or when the key policy allows
//!    the caller's *account* for the action (that is what "enables IAM policies") and one of
//!    the caller's identity policies allows it, or when a grant allows it.
//! 3. Another account: allowed when the key policy allows the caller (directly or through its
//!    account) *and* the caller's identity policies allow it (the other account's root user
//!    needs no identity policy), or when a grant allows it.
//! 4. An AWS service principal: only the key policy (a `{"Service": …}` or `*` statement) or a
//!    grant can allow it; identity policies do not apply.
//! 5. Otherwise the request is implicitly denied.
//!
//! Each denial says which kind of policy is missing or denying, for AWS's
//! `AccessDeniedException` messages ("… because no resource-based policy allows the
//! kms:Encrypt action", "… with an explicit deny in an identity-based policy").
//!
//! Evaluation reads only compiled data and never allocates.

use std::fmt;

use super::context::{CallerKind, RequestContext};
use super::document::{Effect, PolicyDocument, Principals, Statement};
use super::principal::{self, PrincipalMatch};
use crate::id::AccountId;

/// Which kind of policy a denial is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyType {
    /// The key policy.
    ResourceBased,
    /// The caller's IAM policies.
    IdentityBased,
}

impl PolicyType {
    /// As AWS's messages name it: `resource-based` or `identity-based`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ResourceBased => "resource-based",
            Self::IdentityBased => "identity-based",
        }
    }
}

/// Which statement denied a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatementRef {
    /// The key policy, or the caller's identity policies.
    pub policy_type: PolicyType,
    /// For [`PolicyType::IdentityBased`], the index into [`PolicySet::identity_policies`];
    /// 0 for the key policy.
    pub policy_index: usize,
    /// The statement's index in its policy.
    pub statement_index: usize,
}

/// The outcome of evaluating a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// Denied by a `Deny` statement.
    ExplicitDeny(StatementRef),
    /// Denied because no policy of this type allows the request.
    ImplicitDeny(PolicyType),
}

impl Decision {
    /// Whether the request is allowed.
    #[must_use]
    pub const fn is_allowed(self) -> bool {
        matches!(self, Self::Allow)
    }

    /// AWS's `AccessDeniedException` message for a denial, e.g. `User:
    /// arn:aws:iam::111122223333:user/bob is not authorized to perform: kms:Encrypt on
    /// resource: arn:aws:kms:… because no resource-based policy allows the kms:Encrypt
    /// action`; `None` for [`Decision::Allow`].
    #[must_use]
    pub fn access_denied_message(self, ctx: &RequestContext<'_>) -> Option<String> {
        let (caller, action, resource) = (ctx.caller().arn(), ctx.action(), ctx.resource());
        let head = format!(
            "User: {caller} is not authorized to perform: {action} on resource: {resource}"
        );
        match self {
            Self::Allow => None,
            Self::ExplicitDeny(statement) => Some(format!(
                "{head} with an explicit deny in {} {} policy",
                if statement.policy_type == PolicyType::IdentityBased { "an" } else { "a" },
                statement.policy_type.as_str()
            )),
            Self::ImplicitDeny(policy_type) => Some(format!(
                "{head} because no {} policy allows the {action} action",
                policy_type.as_str()
            )),
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Allow => f.write_str("allow"),
            Self::ExplicitDeny(s) => write!(
                f,
                "explicit deny by statement {} of {} policy {}",
                s.statement_index,
                s.policy_type.as_str(),
                s.policy_index
            ),
            Self::ImplicitDeny(t) => write!(f, "implicit deny: no {} policy allows", t.as_str()),
        }
    }
}

/// Everything that can allow or deny a request on one key, besides the request itself.
#[derive(Clone, Copy, Debug)]
pub struct PolicySet<'a> {
    /// The key's policy.
    pub key_policy: &'a PolicyDocument,
    /// The account that owns the key.
    pub key_account: AccountId,
    /// The caller's IAM policies (identity-based; empty for a root user or a service).
    pub identity_policies: &'a [PolicyDocument],
    /// Whether a grant on the key allows the caller this operation (the engine decides,
    /// including grant constraints such as `EncryptionContextSubset`).
    pub grant_allows: bool,
}

impl<'a> PolicySet<'a> {
    /// The key policy alone: no identity policies, no grant.
    #[must_use]
    pub const fn key_policy_only(key_policy: &'a PolicyDocument, key_account: AccountId) -> Self {
        Self { key_policy, key_account, identity_policies: &[], grant_allows: false }
    }

    /// The statement a [`StatementRef`] names.
    #[must_use]
    pub fn statement(&self, at: StatementRef) -> Option<&'a Statement> {
        let policy = match at.policy_type {
            PolicyType::ResourceBased => self.key_policy,
            PolicyType::IdentityBased => self.identity_policies.get(at.policy_index)?,
        };
        policy.statements().get(at.statement_index)
    }
}

/// What the key policy says about one request.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyPolicyVerdict {
    /// The first applicable `Deny` statement.
    pub(crate) deny: Option<usize>,
    /// An `Allow` names the caller directly.
    pub(crate) allows_directly: bool,
    /// An `Allow` names the caller's account only (delegation to IAM).
    pub(crate) allows_account: bool,
}

/// Whether `statement`'s action, resource and conditions apply to the request (its
/// principal aside). Cheapest checks first.
fn applies(statement: &Statement, action: &str, ctx: &RequestContext<'_>) -> bool {
    statement.covers_action(action)
        && statement.covers_resource(ctx.resource())
        && statement.conditions.iter().all(|clause| clause.holds(ctx))
}

/// Scans the key policy for `action` (which may differ from the request's, for the lockout
/// check).
pub(crate) fn scan_key_policy(
    policy: &PolicyDocument,
    action: &str,
    ctx: &RequestContext<'_>,
) -> KeyPolicyVerdict {
    let caller = ctx.caller();
    let mut verdict = KeyPolicyVerdict::default();
    for (index, statement) in policy.statements().iter().enumerate() {
        // The principal before the conditions: it is cheaper and usually decides.
        let named = match (&statement.principals, statement.effect()) {
            (Principals::Listed(specs), _) => principal::best_match(specs, caller),
            (Principals::AllExcept(specs), Effect::Deny) => {
                if principal::excluded(specs, caller) {
                    PrincipalMatch::No
                } else {
                    PrincipalMatch::Direct
                }
            }
            // Refused at parse time; an identity policy passed as a key policy names nobody.
            (Principals::AllExcept(_), Effect::Allow) | (Principals::Holder, _) => {
                PrincipalMatch::No
            }
        };
        if named == PrincipalMatch::No || !applies(statement, action, ctx) {
            continue;
        }
        match statement.effect() {
            // A Deny naming the account denies everyone in it: AWS checks the account too.
            Effect::Deny => {
                verdict.deny = Some(index);
                return verdict;
            }
            Effect::Allow if named == PrincipalMatch::Direct => verdict.allows_directly = true,
            Effect::Allow => verdict.allows_account = true,
        }
    }
    verdict
}

/// What the caller's identity policies say: the first applicable Deny, or whether any Allow
/// applies.
fn scan_identity_policies(
    policies: &[PolicyDocument],
    ctx: &RequestContext<'_>,
) -> (Option<StatementRef>, bool) {
    let mut allows = false;
    for (policy_index, policy) in policies.iter().enumerate() {
        for (statement_index, statement) in policy.statements().iter().enumerate() {
            // A statement with a principal is a resource policy's: not the caller's to use.
            if !matches!(statement.principals, Principals::Holder)
                || !applies(statement, ctx.action(), ctx)
            {
                continue;
            }
            match statement.effect() {
                Effect::Deny => {
                    let at = StatementRef {
                        policy_type: PolicyType::IdentityBased,
                        policy_index,
                        statement_index,
                    };
                    return (Some(at), allows);
                }
                Effect::Allow => allows = true,
            }
        }
    }
    (None, allows)
}

/// Decides a request on a key: see the module documentation for the rules.
#[must_use]
pub fn evaluate(policies: &PolicySet<'_>, ctx: &RequestContext<'_>) -> Decision {
    let caller = ctx.caller();
    let key = scan_key_policy(policies.key_policy, ctx.action(), ctx);
    if let Some(statement_index) = key.deny {
        return Decision::ExplicitDeny(StatementRef {
            policy_type: PolicyType::ResourceBased,
            policy_index: 0,
            statement_index,
        });
    }
    if caller.kind() == CallerKind::Service {
        return if key.allows_directly || policies.grant_allows {
            Decision::Allow
        } else {
            Decision::ImplicitDeny(PolicyType::ResourceBased)
        };
    }
    let (identity_deny, identity_allows) = scan_identity_policies(policies.identity_policies, ctx);
    if let Some(at) = identity_deny {
        return Decision::ExplicitDeny(at);
    }
    // The root user has every permission in its own account; IAM policies do not attach to
    // it.
    let identity_allows = identity_allows || caller.kind() == CallerKind::Root;
    let same_account = caller.account() == Some(policies.key_account);
    let allowed = if same_account {
        key.allows_directly || (key.allows_account && identity_allows)
    } else {
        (key.allows_directly || key.allows_account) && identity_allows
    };
    if allowed || policies.grant_allows {
        Decision::Allow
    } else if key.allows_directly || key.allows_account {
        Decision::ImplicitDeny(PolicyType::IdentityBased)
    } else {
        Decision::ImplicitDeny(PolicyType::ResourceBased)
    }
}

/// Decides a request that involves no key (`kms:CreateKey`, `kms:ListKeys`,
/// `kms:GenerateRandom`, …): only the caller's identity policies count. The root user is
/// allowed unless denied; a service principal is never allowed.
#[must_use]
pub fn evaluate_identity_only(
    identity_policies: &[PolicyDocument],
    ctx: &RequestContext<'_>,
) -> Decision {
    let kind = ctx.caller().kind();
    if kind == CallerKind::Service {
        return Decision::ImplicitDeny(PolicyType::IdentityBased);
    }
    match scan_identity_policies(identity_policies, ctx) {
        (Some(at), _) => Decision::ExplicitDeny(at),
        (None, allows) if allows || kind == CallerKind::Root => Decision::Allow,
        (None, _) => Decision::ImplicitDeny(PolicyType::IdentityBased),
    }
}
