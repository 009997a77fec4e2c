//! AWS's default key policy, and the lockout safety check of CreateKey and PutKeyPolicy.

use super::context::{CallerKind, RequestContext};
use super::document::{PolicyDocument, PolicyError};
use super::evaluate::scan_key_policy;
use crate::id::{AccountId, Region};

/// The key policy KMS gives a key created through the API without one, exactly as
/// GetKeyPolicy returns it (KMS's pretty-printer: `" : "`, two-space indents, `[ {` on one
/// line, no final newline), for the `aws` partition.
///
/// Its one statement allows the account (`arn:aws:iam::<account>:root`) every KMS action:
/// the root user directly, every other principal of the account through its IAM policies.
#[must_use]
pub fn default_key_policy(account: AccountId) -> String {
    default_key_policy_in("aws", account)
}

/// [`default_key_policy`] for a key in `region` (its partition: `aws`, `aws-cn`,
/// `aws-us-gov`).
#[must_use]
pub fn default_key_policy_for(region: Region, account: AccountId) -> String {
    default_key_policy_in(region.partition(), account)
}

fn default_key_policy_in(partition: &str, account: AccountId) -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:{partition}:iam::{account}:root\"\n    }},\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

/// KMS's message when a new key policy fails the lockout safety check
/// (`MalformedPolicyDocumentException`).
pub const LOCKOUT_MESSAGE: &str =
    "The new key policy will not allow you to update the key policy in the future.";

/// KMS's lockout safety check: would `policy`, as the policy of a key in `key_account`,
/// still let the caller of `ctx` call `kms:PutKeyPolicy` on that key?
///
/// `ctx` is the CreateKey or PutKeyPolicy request being checked (its caller, the key's ARN
/// as resource, its condition keys); its action is replaced by `kms:PutKeyPolicy`. The check
/// reads only the new key policy: a statement naming the caller's account counts, since it
/// hands the decision to the account's IAM policies, which the account can always change.
/// A `Deny` that would apply fails the check. Skip the call when the request sets
/// `BypassPolicyLockoutSafetyCheck`.
///
/// # Errors
/// [`LOCKOUT_MESSAGE`] as a malformed-policy error when the caller would be locked out.
pub fn check_lockout(
    policy: &PolicyDocument,
    key_account: AccountId,
    ctx: &RequestContext<'_>,
) -> Result<(), PolicyError> {
    let verdict = scan_key_policy(policy, "kms:PutKeyPolicy", ctx);
    let caller = ctx.caller();
    let safe = verdict.deny.is_none()
        && match caller.kind() {
            CallerKind::Service => verdict.allows_directly,
            // PutKeyPolicy is not a cross-account operation.
            _ if caller.account() != Some(key_account) => false,
            _ => verdict.allows_directly || verdict.allows_account,
        };
    if safe { Ok(()) } else { Err(PolicyError::malformed(LOCKOUT_MESSAGE)) }
}
