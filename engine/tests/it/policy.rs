//! The policy language through the public API, against the engine.s behaviour.

use engine::api::{EncryptRequest, Operation};
use engine::policy::{
    Caller, Decision, PolicyDocument, PolicySet, PolicyType, RequestContext, check_lockout,
    default_key_policy_for, evaluate,
};
use engine::{KeyArn, Region};

use crate::support::*;

/// The engine evaluates the default key policy for callers of other accounts; the policy
/// module, called directly, reaches the same decision with the same
/// message.
#[test]
fn the_default_policy_denies_another_account_with_the_engines_message() {
    let (mut kms, owner, other) = (engine(), alice(), mallory());
    let key = symmetric_key(&mut kms, &owner);
    let arn = KeyArn { region: Region::US_EAST_1, account: owner.account(), key_id: key };
    let refused = kms.encrypt(&other, EncryptRequest::new(arn, "x")).unwrap_err();

    let policy = PolicyDocument::parse_key_policy(&default_key_policy_for(
        Region::US_EAST_1,
        owner.account(),
    ))
    .unwrap();
    let ctx =
        RequestContext::for_key(Caller::from_principal(&other.principal), Operation::Encrypt, &arn);
    let decision = evaluate(&PolicySet::key_policy_only(&policy, owner.account()), &ctx);
    assert_eq!(decision, Decision::ImplicitDeny(PolicyType::ResourceBased));
    assert_eq!(decision.access_denied_message(&ctx).unwrap(), refused.message);
}

/// The default policy passes the lockout check for the key's creator, and a call context's
/// network facts become condition keys.
#[test]
fn a_call_context_becomes_a_request_context() {
    let owner = alice()
        .with_service("s3.amazonaws.com", "s3.us-east-1.amazonaws.com")
        .with_source_ip("203.0.113.9".parse().unwrap());
    let arn: KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        .parse()
        .unwrap();
    let mut ctx =
        RequestContext::for_key(Caller::from_principal(&owner.principal), Operation::Encrypt, &arn)
            .with_current_time(owner.now);
    if let Some(endpoint) = &owner.via_service {
        ctx = ctx.with_via_service(endpoint);
    }
    if let Some(ip) = owner.source_ip {
        ctx = ctx.with_source_ip(ip);
    }
    let policy = PolicyDocument::parse_key_policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Deny", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/alice"}, "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"},
                           "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}}]}"#,
    )
    .unwrap();
    let policies = PolicySet::key_policy_only(&policy, owner.account());
    assert_eq!(evaluate(&policies, &ctx), Decision::Allow);
    assert_eq!(check_lockout(&policy, owner.account(), &ctx), Ok(()));
    let elsewhere = ctx.with_source_ip("198.51.100.1".parse().unwrap());
    assert!(matches!(evaluate(&policies, &elsewhere), Decision::ExplicitDeny(_)));
}
