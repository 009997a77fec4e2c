//! The `Principal` and `NotPrincipal` elements: who a key-policy statement is about.
//!
//! How AWS matches them (IAM User Guide, "Principal" and "NotPrincipal"; KMS Developer
//! Guide, "Default key policy" and "Allowing users in other accounts"):
//!
//! - `"*"` and `{"AWS": "*"}` are the same: every principal.
//! - An account principal (`"111122223333"` or `arn:aws:iam::111122223333:root`) is the
//!   *account*, not its root user. In an Allow it lets the account's root user in and
//!   *delegates* to the account's IAM policies for everyone else: a role of that account
//!   gets the permission only if its own identity policy allows it too
//!   ([`PrincipalMatch::Account`]). In a Deny it denies every principal of the account, since
//!   AWS checks the account as well as the principal.
//! - A role ARN matches every session of the role; a session ARN matches that session; a
//!   user ARN matches the user.
//! - `{"Service": "s3.amazonaws.com"}` matches that service principal and nothing else.
//! - `NotPrincipal` (Deny only) excludes a principal only when *every* identity AWS checks for
//!   it is listed: the account and the principal (a role ARN covers its sessions). Naming a
//!   user without their account therefore still denies the user, as IAM documents.
//!
//! Principals must be literal: IAM does not allow wildcards in principal ARNs.

use super::context::{Caller, CallerKind};
use crate::id::AccountId;

/// One principal named in a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalSpec {
    /// `"*"`.
    Any,
    /// An account: `"111122223333"` or `arn:aws:iam::111122223333:root`.
    Account(AccountId),
    /// An IAM user, role, role session or federated user, by ARN.
    Arn(Box<str>),
    /// A service principal, e.g. `s3.amazonaws.com` (stored ASCII-lower-cased).
    Service(Box<str>),
}

/// How a statement's principals match a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PrincipalMatch {
    /// Not named.
    No,
    /// Named only through its account, which delegates to the account's IAM policies.
    Account,
    /// Named directly (or `*`, or the account's root user through its account).
    Direct,
}

impl PrincipalSpec {
    /// Parses one `AWS` principal: `None` when `text` is not `*`, a 12-digit account id, or an account-root, user, role,
    /// assumed-role or federated-user ARN.
    pub(crate) fn parse_aws(text: &str) -> Option<Self> {
        if text == "*" {
            return Some(Self::Any);
        }
        if text.contains(['*', '?']) {
            return None;
        }
        if let Ok(account) = text.parse::<AccountId>() {
            return Some(Self::Account(account));
        }
        let mut parts = text.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let account: AccountId = account.parse().ok()?;
        let named = |prefix: &str, parts: usize| {
            resource.strip_prefix(prefix).is_some_and(|rest| {
                let names: Vec<&str> = rest.split('/').collect();
                names.len() >= parts && names.iter().all(|n| !n.is_empty())
            })
        };
        let valid = !partition.is_empty()
            && match service {
                "iam" => resource == "root" || named("user/", 1) || named("role/", 1),
                "sts" => named("assumed-role/", 2) || named("federated-user/", 1),
                _ => false,
            };
        match (valid, resource) {
            (false, _) => None,
            (true, "root") => Some(Self::Account(account)),
            (true, _) => Some(Self::Arn(text.into())),
        }
    }

    /// Parses one `Service` principal: `None` when `text` is empty, has a wildcard or whitespace.
    pub(crate) fn parse_service(text: &str) -> Option<Self> {
        let valid = !text.is_empty()
            && !text.contains(['*', '?'])
            && !text.chars().any(char::is_whitespace);
        valid.then(|| Self::Service(text.to_ascii_lowercase().into()))
    }

    /// How this principal names `caller`.
    fn matches(&self, caller: &Caller<'_>) -> PrincipalMatch {
        let hit = |b: bool| if b { PrincipalMatch::Direct } else { PrincipalMatch::No };
        match (self, caller.kind()) {
            (Self::Any, _) => PrincipalMatch::Direct,
            (Self::Service(name), CallerKind::Service) => {
                hit(caller.arn().eq_ignore_ascii_case(name))
            }
            (Self::Service(_), _) | (Self::Account(_) | Self::Arn(_), CallerKind::Service) => {
                PrincipalMatch::No
            }
            (Self::Account(account), kind) => match (caller.account() == Some(*account), kind) {
                (false, _) => PrincipalMatch::No,
                (true, CallerKind::Root) => PrincipalMatch::Direct,
                (true, _) => PrincipalMatch::Account,
            },
            (Self::Arn(arn), _) => hit(**arn == *caller.arn() || caller.is_role(arn)),
        }
    }
}

/// How the best of `specs` names `caller` (for `Principal`).
pub(crate) fn best_match(specs: &[PrincipalSpec], caller: &Caller<'_>) -> PrincipalMatch {
    let mut best = PrincipalMatch::No;
    for spec in specs {
        best = best.max(spec.matches(caller));
        if best == PrincipalMatch::Direct {
            break;
        }
    }
    best
}

/// Whether `NotPrincipal: specs` leaves `caller` out, i.e. lists every identity AWS checks
/// for it: the account and the principal itself (see the module docs).
pub(crate) fn excluded(specs: &[PrincipalSpec], caller: &Caller<'_>) -> bool {
    let account_listed = || {
        specs.iter().any(|spec| match spec {
            PrincipalSpec::Any => true,
            PrincipalSpec::Account(account) => caller.account() == Some(*account),
            PrincipalSpec::Arn(_) | PrincipalSpec::Service(_) => false,
        })
    };
    match caller.kind() {
        CallerKind::Service | CallerKind::Root => {
            best_match(specs, caller) == PrincipalMatch::Direct
        }
        _ => {
            let principal_listed = specs.iter().any(|spec| {
                matches!(spec, PrincipalSpec::Any | PrincipalSpec::Arn(_))
                    && spec.matches(caller) == PrincipalMatch::Direct
            });
            account_listed() && principal_listed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arn: &str) -> Caller<'static> {
        Caller::from_principal(&arn.parse().unwrap()).into_owned()
    }

    fn spec(text: &str) -> PrincipalSpec {
        PrincipalSpec::parse_aws(text).unwrap()
    }

    #[test]
    fn parses_aws_principals() {
        let account = AccountId::new(111_122_223_333).unwrap();
        assert_eq!(spec("*"), PrincipalSpec::Any);
        assert_eq!(spec("111122223333"), PrincipalSpec::Account(account));
        assert_eq!(spec("arn:aws:iam::111122223333:root"), PrincipalSpec::Account(account));
        for ok in [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/path/alice",
            "arn:aws:iam::111122223333:role/app",
            "arn:aws:sts::111122223333:assumed-role/app/session",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws-cn:iam::111122223333:role/app",
        ] {
            assert_eq!(spec(ok), PrincipalSpec::Arn(ok.into()), "{ok}");
        }
        for bad in [
            "",
            "11112222333",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::111122223333:group/admins",
            "arn:aws:iam::111122223333:user/",
            "arn:aws:sts::111122223333:assumed-role/app",
            "arn:aws:iam::1111:root",
            "arn:aws:s3:::bucket",
            "arn::iam::111122223333:root",
            "root",
        ] {
            assert!(PrincipalSpec::parse_aws(bad).is_none(), "{bad}");
        }
        assert_eq!(
            PrincipalSpec::parse_service("S3.amazonaws.com").unwrap(),
            PrincipalSpec::Service("s3.amazonaws.com".into())
        );
        assert!(PrincipalSpec::parse_service("*").is_none());
    }

    #[test]
    fn matching() {
        let session = caller("arn:aws:sts::111122223333:assumed-role/app/s1");
        let root = caller("arn:aws:iam::111122223333:root");
        let other = caller("arn:aws:iam::444455556666:user/eve");
        let s3 = Caller::service("s3.amazonaws.com");
        let m = |s: &str, c: &Caller<'_>| spec(s).matches(c);
        assert_eq!(m("111122223333", &session), PrincipalMatch::Account);
        assert_eq!(m("111122223333", &root), PrincipalMatch::Direct);
        assert_eq!(m("111122223333", &other), PrincipalMatch::No);
        assert_eq!(m("arn:aws:iam::111122223333:role/app", &session), PrincipalMatch::Direct);
        assert_eq!(m("arn:aws:iam::111122223333:role/other", &session), PrincipalMatch::No);
        assert_eq!(
            m("arn:aws:sts::111122223333:assumed-role/app/s1", &session),
            PrincipalMatch::Direct
        );
        assert_eq!(
            m("arn:aws:sts::111122223333:assumed-role/app/s2", &session),
            PrincipalMatch::No
        );
        assert_eq!(m("*", &s3), PrincipalMatch::Direct);
        assert_eq!(m("111122223333", &s3), PrincipalMatch::No);
        let service = PrincipalSpec::parse_service("s3.amazonaws.com").unwrap();
        assert_eq!(service.matches(&s3), PrincipalMatch::Direct);
        assert_eq!(service.matches(&root), PrincipalMatch::No);
    }

    #[test]
    fn not_principal_needs_the_account_and_the_principal() {
        let session = caller("arn:aws:sts::111122223333:assumed-role/app/s1");
        let role = spec("arn:aws:iam::111122223333:role/app");
        let account = spec("111122223333");
        assert!(!excluded(std::slice::from_ref(&role), &session));
        assert!(!excluded(std::slice::from_ref(&account), &session));
        assert!(excluded(&[role, account.clone()], &session));
        assert!(excluded(&[account], &caller("arn:aws:iam::111122223333:root")));
        assert!(excluded(&[PrincipalSpec::Any], &session));
        let s3 = PrincipalSpec::parse_service("s3.amazonaws.com").unwrap();
        assert!(excluded(&[s3], &Caller::service("s3.amazonaws.com")));
    }
}
