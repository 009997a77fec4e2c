//! The IAM policy language, as KMS uses it for key policies and the callers' identity
//! policies: parse and validate once, evaluate on every request.
//!
//! ```
//! use engine::policy::{evaluate, Caller, Decision, PolicyDocument, PolicySet, PolicyType, RequestContext};
//! use engine::{AccountId, PrincipalArn};
//!
//! let account = AccountId::new(111_122_223_333).unwrap();
//! let key_policy = PolicyDocument::parse_key_policy(&engine::policy::default_key_policy(account))?;
//! let role_policy = PolicyDocument::parse_identity_policy(
//!     r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:Encrypt",
//!         "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:app": "orders"}}}}"#,
//! )?;
//! let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
//! let principal: PrincipalArn = "arn:aws:sts::111122223333:assumed-role/app/s-1".parse().unwrap();
//! let request = RequestContext::new(Caller::from_principal(&principal), "kms:Encrypt", key)
//!     .with_encryption_context([("app", "orders")]);
//!
//! let policies = PolicySet {
//!     key_policy: &key_policy,
//!     key_account: account,
//!     identity_policies: std::slice::from_ref(&role_policy),
//!     grant_allows: false,
//! };
//! assert_eq!(evaluate(&policies, &request), Decision::Allow);
//!
//! // The default key policy delegates to IAM: without the role's policy, nothing allows it.
//! let denied = evaluate(&PolicySet::key_policy_only(&key_policy, account), &request);
//! assert_eq!(denied, Decision::ImplicitDeny(PolicyType::IdentityBased));
//! assert!(denied.access_denied_message(&request).unwrap().ends_with(
//!     "because no identity-based policy allows the kms:Encrypt action"));
//! # Ok::<(), engine::policy::PolicyError>(())
//! ```
//!
//! ```text
//!  policy text ──PolicyDocument::parse──► PolicyDocument (statements compiled: actions and
//!   (PutKeyPolicy,        │ PolicyError     resources to matchers, condition keys lower-cased,
//!    CreateKey)           ▼ (Malformed,     values parsed)              │
//!                           TooLarge)                                   │
//!  request ──RequestContext::new + with_*──► RequestContext ──evaluate(PolicySet, ctx)──► Decision
//!                                     (caller, action, resource,        Allow | ExplicitDeny(statement)
//!                                      condition keys, lower-cased)           | ImplicitDeny(policy type)
//! ```
//!
//! - [`PolicyDocument`]: the grammar and KMS's validation (`document.rs`); wildcard
//!   matchers (`pattern.rs`); principals (`principal.rs`); condition operators
//!   (`condition.rs`).
//! - [`RequestContext`]: the caller and the condition keys' values, with a helper per KMS
//!   condition key (`context.rs`).
//! - [`evaluate`], [`evaluate_identity_only`]: the decision (`evaluate.rs`).
//! - [`default_key_policy`], [`check_lockout`]: AWS's default policy and the lockout safety
//!   check (`default.rs`).
//! - [`analyze`]: static access analysis of a key policy (public, cross-account, wildcard,
//!   privilege-escalation and destructive findings) and of grants.
//!
//! The module is pure: no clock, no I/O, no randomness, no hash maps. Policy variables such
//! as `${aws:username}` are not supported (see [`PolicyDocument::parse`]).

pub mod analyze;
mod condition;
mod context;
mod default;
mod document;
mod evaluate;
mod json;
mod pattern;
mod principal;

#[cfg(test)]
mod tests;

pub use context::{Caller, CallerKind, ContextValue, RequestContext, Scalar};
pub use default::{LOCKOUT_MESSAGE, check_lockout, default_key_policy, default_key_policy_for};
pub use document::{
    Effect, MAX_KEY_POLICY_BYTES, PolicyDocument, PolicyError, PolicyErrorKind, PolicyKind,
    Statement,
};
pub use evaluate::{
    Decision, PolicySet, PolicyType, StatementRef, evaluate, evaluate_identity_only,
};
