//! Grant tokens, principal matching and constraint strictness.

use super::*;
use crate::api::GrantConstraints;

fn principal(arn: &str) -> PrincipalArn {
    arn.parse().expect("a valid principal ARN")
}

fn context(pairs: &[(&str, &str)]) -> EncryptionContext {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn a_token_names_its_grant_and_nothing_else_decodes() {
    let key_id = KeyId::multi_region([7; 16]);
    let grant_id = GrantId([9; 32]);
    let token = GrantToken { key_id, grant_id };
    let (a, b) = (token.encode([1; 16]), token.encode([2; 16]));
    assert_ne!(a, b, "each token is new");
    assert_eq!(a.len(), 88);
    for text in [&a, &b] {
        assert_eq!(GrantToken::decode(text), Ok(token));
    }
    let mut wrong_version = STANDARD.decode(&a).unwrap();
    wrong_version[0] = 2;
    let mut short = STANDARD.decode(&a).unwrap();
    short.pop();
    for garbled in [
        "".to_owned(),
        "not base64!".to_owned(),
        "AAAA".to_owned(),
        STANDARD.encode(wrong_version),
        STANDARD.encode(short),
    ] {
        let error = GrantToken::decode(&garbled).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidGrantToken, "{garbled}");
        assert_eq!(error.message, "Invalid grant token");
    }
}

#[test]
fn grantees_match_their_principal_their_account_root_and_their_role_sessions() {
    let role = principal("arn:aws:iam::111122223333:role/app");
    let session = principal("arn:aws:sts::111122223333:assumed-role/app/i-123");
    let user = principal("arn:aws:iam::111122223333:user/bob");
    let stranger = principal("arn:aws:iam::444455556666:role/app");
    let cases = [
        ("arn:aws:iam::111122223333:role/app", &role, true),
        ("arn:aws:iam::111122223333:role/app", &session, true),
        ("arn:aws:iam::111122223333:role/path/to/app", &session, true),
        ("arn:aws:iam::111122223333:role/other", &session, false),
        ("arn:aws:iam::111122223333:root", &user, true),
        ("arn:aws:iam::111122223333:root", &stranger, false),
        ("arn:aws:iam::111122223333:role/app", &stranger, false),
        ("arn:aws:iam::111122223333:role/app", &user, false),
        ("arn:aws-cn:iam::111122223333:root", &user, false),
        ("app", &role, false),
    ];
    for (grantee, caller, expected) in cases {
        assert_eq!(grantee_matches(grantee, caller), expected, "{grantee} for {caller}");
    }
    assert_eq!(
        principal_account("arn:aws:iam::111122223333:role/x"),
        AccountId::new(111_122_223_333)
    );
    assert_eq!(principal_account("principal"), None);
}

#[test]
fn constraint_keys_ignore_case_and_values_do_not() {
    let subset = GrantConstraints::subset(context(&[("Dept", "IT")]));
    let equals = GrantConstraints::equals(context(&[("Dept", "IT"), ("app", "x")]));
    let cases = [
        (&subset, context(&[("dept", "IT")]), true),
        (&subset, context(&[("DEPT", "IT"), ("more", "y")]), true),
        (&subset, context(&[("Dept", "it")]), false),
        (&subset, context(&[]), false),
        (&equals, context(&[("dept", "IT"), ("APP", "x")]), true),
        (&equals, context(&[("dept", "IT")]), false),
        (&equals, context(&[("dept", "IT"), ("app", "x"), ("more", "y")]), false),
        (&equals, context(&[("dept", "IT"), ("app", "X")]), false),
    ];
    for (constraints, request, expected) in cases {
        assert_eq!(context_meets(&request, constraints), expected, "{constraints:?} {request:?}");
    }
}

#[test]
fn a_new_grant_must_be_at_least_as_strict_as_the_grant_that_allows_it() {
    let subset = |pairs| GrantConstraints::subset(context(pairs));
    let equals = |pairs| GrantConstraints::equals(context(pairs));
    let parent = subset(&[("a", "1")]);
    let cases = [
        (None, Some(&parent), false),
        (Some(&subset(&[("A", "1")])), Some(&parent), true),
        (Some(&subset(&[("a", "1"), ("b", "2")])), Some(&parent), true),
        (Some(&subset(&[("b", "2")])), Some(&parent), false),
        (Some(&equals(&[("a", "1"), ("b", "2")])), Some(&parent), true),
        (Some(&equals(&[("a", "2")])), Some(&parent), false),
        (None, None, true),
        (Some(&subset(&[("b", "2")])), None, true),
    ];
    for (new, parent, expected) in cases {
        assert_eq!(at_least_as_strict(new, parent), expected, "{new:?} under {parent:?}");
    }
    // A parent bound to a source ARN: only children bound to the same ARN, whatever their
    // encryption context constraints.
    let bound = GrantConstraints::source_arn("arn:aws:logs:us-east-1:111122223333:log-group:a");
    let other = GrantConstraints::source_arn("arn:aws:logs:us-east-1:111122223333:log-group:b");
    let bound_subset =
        subset(&[("a", "1")]).with_source_arn("arn:aws:logs:us-east-1:111122223333:log-group:a");
    for (new, parent, expected) in [
        (None, Some(&bound), false),
        (Some(&other), Some(&bound), false),
        (Some(&bound), Some(&bound), true),
        (Some(&bound_subset), Some(&bound), true),
        (Some(&subset(&[("a", "1")])), Some(&bound), false),
        (Some(&bound), Some(&parent), false),
        (Some(&bound_subset), Some(&parent), true),
        (Some(&bound), None, true),
    ] {
        assert_eq!(at_least_as_strict(new, parent), expected, "{new:?} under {parent:?}");
    }
    let exact = equals(&[("a", "1")]);
    assert!(at_least_as_strict(Some(&equals(&[("A", "1")])), Some(&exact)));
    assert!(!at_least_as_strict(Some(&subset(&[("a", "1")])), Some(&exact)));
    assert!(!at_least_as_strict(Some(&equals(&[("a", "1"), ("b", "2")])), Some(&exact)));
}
