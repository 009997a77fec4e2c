//! Grants as a key stores them, grant tokens, and the one question authorization asks of
//! them: does some grant on this key allow this access?
//!
//! Eventual consistency is modelled with two instants per grant: a new grant allows
//! nothing until `consistent_at` (its creation plus the engine's propagation delay) unless
//! the request presents one of its tokens, and a retired or revoked grant, gone from every
//! listing at once, keeps allowing until `gone_at` (its retirement plus the same delay).

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::api::GrantConstraints;
use crate::crypto::blob::EncryptionContext;
use crate::engine::{Access, CallContext};
use crate::error::{ErrorKind, KmsError};
use crate::id::{AccountId, GrantId, KeyId, PrincipalArn};
use crate::spec::GrantOperation;
use crate::time::Timestamp;

/// Who a grant allows (`GranteePrincipal` XOR `GranteeServicePrincipal`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Grantee {
    /// An IAM principal ARN (an account root covers the account's principals).
    Principal(String),
    /// An AWS service principal (e.g. `logs.amazonaws.com`), calling as itself.
    Service(String),
}

impl Grantee {
    /// `GranteePrincipal`.
    pub(crate) fn principal(&self) -> Option<&str> {
        match self {
            Self::Principal(principal) => Some(principal),
            Self::Service(_) => None,
        }
    }

    /// `GranteeServicePrincipal`.
    pub(crate) fn service(&self) -> Option<&str> {
        match self {
            Self::Principal(_) => None,
            Self::Service(service) => Some(service),
        }
    }

    /// Whether the grant names the caller of `ctx`: a service principal calling as itself
    /// only by a grant to it, an IAM principal by [`grantee_matches`].
    pub(crate) fn covers(&self, ctx: &CallContext) -> bool {
        match (self, ctx.calling_service()) {
            (Self::Service(service), Some(calling)) => service == calling,
            (Self::Principal(principal), None) => grantee_matches(principal, &ctx.principal),
            (Self::Service(_), None) | (Self::Principal(_), Some(_)) => false,
        }
    }

    /// The index key of the grantee.
    fn match_key(&self) -> String {
        match self {
            Self::Principal(principal) => match_key(principal),
            Self::Service(service) => service_match_key(service),
        }
    }
}

/// The index key of a service principal grantee. Index keys only narrow the search (the
/// grantee still decides), so one that happens to equal a principal's is harmless.
fn service_match_key(service: &str) -> String {
    format!("service:{service}")
}

/// Who may retire a grant, as ListRetirableGrants looks it up: `RetiringPrincipal` or
/// `RetiringServicePrincipal` (kept apart: the same text may be either).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Retiring {
    /// `RetiringPrincipal`.
    Principal(String),
    /// `RetiringServicePrincipal`.
    Service(String),
}

/// A grant as stored in its key's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GrantRecord {
    pub(crate) id: GrantId,
    pub(crate) name: Option<String>,
    pub(crate) creation_date: Timestamp,
    /// Who the grant allows: an IAM principal or an AWS service principal.
    pub(crate) grantee: Grantee,
    pub(crate) retiring_principal: Option<String>,
    /// `RetiringServicePrincipal`: a service principal that may retire the grant.
    pub(crate) retiring_service_principal: Option<String>,
    /// The account of the principal that created it (`IssuingAccount`).
    pub(crate) issuing_account: AccountId,
    /// Without duplicates, in the order given.
    pub(crate) operations: Vec<GrantOperation>,
    /// Never a constraint with an empty map (AWS reads one as none).
    pub(crate) constraints: Option<GrantConstraints>,
    /// From when it allows without one of its tokens.
    pub(crate) consistent_at: Timestamp,
    /// Retired or revoked: from when it allows nothing.
    pub(crate) gone_at: Option<Timestamp>,
}

impl GrantRecord {
    /// Who may retire it besides its issuing account (and a grantee it allows to).
    pub(crate) fn retiring(&self) -> Option<Retiring> {
        match (&self.retiring_principal, &self.retiring_service_principal) {
            (Some(principal), _) => Some(Retiring::Principal(principal.clone())),
            (None, Some(service)) => Some(Retiring::Service(service.clone())),
            (None, None) => None,
        }
    }

    /// Whether the grant is retired or revoked (it may still allow briefly).
    pub(crate) const fn is_retired(&self) -> bool {
        self.gone_at.is_some()
    }

    /// Whether it still exists for authorization at `now`: not retired, or retired less
    /// than the propagation delay ago.
    fn exists_at(&self, now: Timestamp) -> bool {
        self.gone_at.is_none_or(|gone| now < gone)
    }

    /// Whether it is in force at `now` for a request presenting tokens of `named` grants.
    fn in_force(&self, now: Timestamp, named: &[GrantId]) -> bool {
        self.exists_at(now) && (now >= self.consistent_at || named.contains(&self.id))
    }
}

/// A key's grants by id, retired ones included until they are purged.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grants {
    by_id: BTreeMap<GrantId, GrantRecord>,
    /// Grant ids by [`match_key`] of their grantee, so authorizing a caller reads only the
    /// grants that can name it, not all 50,000 a key may hold.
    by_grantee: BTreeMap<String, BTreeSet<GrantId>>,
    /// How many are not retired: the count the per-key limit applies to.
    live: usize,
}

impl Grants {
    /// Whether the key has no grant record at all: the branch that keeps grants off the
    /// path of keys that have none.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Grants not retired or revoked.
    pub(crate) const fn live_count(&self) -> usize {
        self.live
    }

    /// Every grant not retired or revoked, by id, from `after` (exclusive) on.
    pub(crate) fn live_after(
        &self,
        after: Option<GrantId>,
    ) -> impl Iterator<Item = &GrantRecord> + '_ {
        let start = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        self.by_id
            .range((start, std::ops::Bound::Unbounded))
            .map(|(_, grant)| grant)
            .filter(|grant| !grant.is_retired())
    }

    /// The grant `id` unless it is retired or revoked.
    pub(crate) fn live(&self, id: GrantId) -> Option<&GrantRecord> {
        self.by_id.get(&id).filter(|grant| !grant.is_retired())
    }

    /// Whether grant `id` still exists for authorization at `now`.
    pub(crate) fn exists_at(&self, id: GrantId, now: Timestamp) -> bool {
        self.by_id.get(&id).is_some_and(|grant| grant.exists_at(now))
    }

    /// Adds a new grant.
    pub(crate) fn insert(&mut self, grant: GrantRecord) {
        debug_assert!(!grant.is_retired(), "a new grant is live");
        let (id, key) = (grant.id, grant.grantee.match_key());
        if self.by_id.insert(id, grant).is_none() {
            self.live += 1;
        }
        self.by_grantee.entry(key).or_default().insert(id);
    }

    /// Retires (or revokes) grant `id` at `now`: it is gone from listings at once and
    /// allows nothing from `gone_at`. Returns the grant as it was.
    pub(crate) fn retire(&mut self, id: GrantId, gone_at: Timestamp) -> Option<GrantRecord> {
        let grant = self.by_id.get_mut(&id).filter(|grant| !grant.is_retired())?;
        let before = grant.clone();
        grant.gone_at = Some(gone_at);
        self.live -= 1;
        Some(before)
    }

    /// Forgets the retired grants that allow nothing any more at `now`.
    pub(crate) fn purge(&mut self, now: Timestamp) {
        let by_grantee = &mut self.by_grantee;
        self.by_id.retain(|id, grant| {
            let keep = grant.exists_at(now);
            if !keep {
                let key = grant.grantee.match_key();
                if let Some(ids) = by_grantee.get_mut(&key) {
                    ids.remove(id);
                    if ids.is_empty() {
                        by_grantee.remove(&key);
                    }
                }
            }
            keep
        });
    }

    /// The grants whose grantee may name the caller of `ctx`, in id order: for an IAM
    /// principal, those of the principal itself, of its account's root, and (for a role
    /// session) of its role, whatever the role's path; for a service principal calling as
    /// itself, those to it. [`Grantee::covers`] still decides.
    fn naming(&self, ctx: &CallContext) -> Vec<&GrantRecord> {
        let keys = match ctx.calling_service() {
            Some(service) => vec![service_match_key(service)],
            None => caller_match_keys(ctx.principal.as_str()),
        };
        let mut ids: Vec<GrantId> =
            keys.iter().filter_map(|key| self.by_grantee.get(key)).flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        ids.iter().filter_map(|id| self.by_id.get(id)).collect()
    }

    /// Every grant not retired, with what listing needs.
    pub(crate) fn iter_live(&self) -> impl Iterator<Item = &GrantRecord> + '_ {
        self.live_after(None)
    }
}

/// The grant that allows the caller of `ctx` the `access` on a key with `grants` at
/// `ctx.now`, if one does: one in force (consistent, or named by a token of the request,
/// and not gone), whose grantee is the caller (an IAM principal, or a service principal
/// calling as itself), whose operations include the access's permission and whose
/// constraints the request meets.
///
/// This is the whole of grant authorization, kept apart from the key policy so that a
/// policy evaluator can ask it too. A key without grants answers at the first branch.
pub(crate) fn allowing(grants: &Grants, ctx: &CallContext, access: &Access<'_>) -> Option<GrantId> {
    if grants.is_empty() {
        return None;
    }
    let permission = access.permission?;
    let named: Vec<GrantId> = access
        .grant_tokens
        .iter()
        .filter_map(|token| GrantToken::decode(token).ok())
        .map(|token| token.grant_id)
        .collect();
    grants
        .naming(ctx)
        .into_iter()
        .find(|grant| {
            grant.in_force(ctx.now, &named)
                && grant.grantee.covers(ctx)
                && grant.operations.contains(&permission)
                && source_arn_holds(grant, permission, ctx)
                && constraints_hold(grant, permission, access)
        })
        .map(|grant| grant.id)
}

/// Whether the request comes from the grant's `SourceArn` constraint, if it has one: the
/// request's `aws:SourceArn` must be that ARN. RetireGrant is exempt, as in AWS.
fn source_arn_holds(grant: &GrantRecord, permission: GrantOperation, ctx: &CallContext) -> bool {
    match grant.constraints.as_ref().and_then(|c| c.source_arn.as_deref()) {
        None => true,
        Some(_) if permission == GrantOperation::RetireGrant => true,
        Some(required) => ctx.source_arn.as_deref() == Some(required),
    }
}

/// Whether `grant`'s encryption context constraints (and, for CreateGrant, its
/// strictness) allow `access` with `permission`.
fn constraints_hold(grant: &GrantRecord, permission: GrantOperation, access: &Access<'_>) -> bool {
    if permission == GrantOperation::CreateGrant {
        // A grant that allows CreateGrant allows only grants no wider than itself.
        return access.new_grant.is_none_or(|new| {
            new.operations.iter().all(|op| grant.operations.contains(op))
                && at_least_as_strict(new.constraints, grant.constraints.as_ref())
        });
    }
    if !permission.takes_encryption_context() {
        return true;
    }
    let no_pairs = EncryptionContext::new();
    let request = access.encryption_context.unwrap_or(&no_pairs);
    match &grant.constraints {
        None => true,
        Some(constraints) => context_meets(request, constraints),
    }
}

/// Whether a request's encryption context meets `constraints`: keys compared without
/// regard to case, values exactly (AWS's GrantConstraints).
fn context_meets(request: &EncryptionContext, constraints: &GrantConstraints) -> bool {
    let subset_ok = constraints
        .encryption_context_subset
        .as_ref()
        .is_none_or(|subset| includes(request, subset));
    let equals_ok = constraints
        .encryption_context_equals
        .as_ref()
        .is_none_or(|equals| includes(request, equals) && includes(equals, request));
    subset_ok && equals_ok
}

/// Whether every pair of `pairs` is in `context`, keys compared without regard to case.
fn includes(context: &EncryptionContext, pairs: &EncryptionContext) -> bool {
    pairs.iter().all(|(key, value)| context.iter().any(|(k, v)| v == value && keys_match(k, key)))
}

/// Grant constraint keys: equal without regard to case (Unicode lowercase).
fn keys_match(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Whether a new grant's constraints are at least as strict as its parent's: whatever
/// request the new grant allows, the parent allows too.
fn at_least_as_strict(new: Option<&GrantConstraints>, parent: Option<&GrantConstraints>) -> bool {
    let Some(parent) = parent else { return true };
    // A parent bound to a source ARN creates only grants bound to the same one.
    if parent.source_arn.is_some()
        && new.and_then(|n| n.source_arn.as_ref()) != parent.source_arn.as_ref()
    {
        return false;
    }
    if parent.encryption_context_subset.is_none() && parent.encryption_context_equals.is_none() {
        return true;
    }
    let Some(new) = new else { return false };
    // The pairs every request the new grant allows must carry, and whether it allows no
    // other pairs.
    let (required, exact) = match (&new.encryption_context_equals, &new.encryption_context_subset) {
        (Some(equals), _) => (equals, true),
        (None, Some(subset)) => (subset, false),
        (None, None) => return false,
    };
    let subset_ok =
        parent.encryption_context_subset.as_ref().is_none_or(|subset| includes(required, subset));
    let equals_ok = parent
        .encryption_context_equals
        .as_ref()
        .is_none_or(|equals| exact && includes(required, equals) && includes(equals, required));
    subset_ok && equals_ok
}

/// Whether a grant to `grantee` covers the caller `principal`: the same ARN; the root of
/// the caller's account (a grant to an account leaves the rest to the account's IAM
/// policies, which kmsim does not model: every principal of the account); or a role whose
/// session the caller is (`arn:aws:sts::<account>:assumed-role/<role>/<session>` for
/// `arn:aws:iam::<account>:role/<path><role>`).
pub(crate) fn grantee_matches(grantee: &str, principal: &PrincipalArn) -> bool {
    let caller = principal.as_str();
    if grantee == caller {
        return true;
    }
    let Some((grantee_prefix, grantee_resource)) = split_principal(grantee) else {
        return false;
    };
    let Some((caller_prefix, caller_resource)) = split_principal(caller) else { return false };
    // Same partition and account.
    if grantee_prefix.partition != caller_prefix.partition
        || grantee_prefix.account != caller_prefix.account
    {
        return false;
    }
    if grantee_prefix.service == "iam" && grantee_resource == "root" {
        return true;
    }
    let (Some(role_path), Some(session)) =
        (grantee_resource.strip_prefix("role/"), caller_resource.strip_prefix("assumed-role/"))
    else {
        return false;
    };
    let role_name = role_path.rsplit('/').next().unwrap_or(role_path);
    grantee_prefix.service == "iam"
        && caller_prefix.service == "sts"
        && session.split('/').next() == Some(role_name)
}

/// The index key of a grantee: a role without its path (`role:<partition>:<account>:<name>`,
/// which its sessions match), an account root (`root:<partition>:<account>`), else the
/// principal as written.
fn match_key(grantee: &str) -> String {
    match split_principal(grantee) {
        Some((parts, "root")) if parts.service == "iam" => {
            format!("root:{}:{}", parts.partition, parts.account)
        }
        Some((parts, resource)) if parts.service == "iam" && resource.starts_with("role/") => {
            let name = resource.rsplit('/').next().unwrap_or(resource);
            format!("role:{}:{}:{name}", parts.partition, parts.account)
        }
        _ => grantee.to_owned(),
    }
}

/// The index keys of every grantee [`grantee_matches`] can match with `caller`.
fn caller_match_keys(caller: &str) -> Vec<String> {
    let mut keys = vec![caller.to_owned()];
    if let Some((parts, resource)) = split_principal(caller) {
        keys.push(format!("root:{}:{}", parts.partition, parts.account));
        if parts.service == "sts"
            && let Some(role) =
                resource.strip_prefix("assumed-role/").and_then(|r| r.split('/').next())
        {
            keys.push(format!("role:{}:{}:{role}", parts.partition, parts.account));
        }
        // A role's own ARN (a caller as the role itself) is indexed without its path.
        keys.push(match_key(caller));
    }
    keys
}

/// The parts of a principal ARN a grant compares.
struct PrincipalParts<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
}

/// `arn:<partition>:<service>::<account>:<resource>` → its parts and resource.
fn split_principal(arn: &str) -> Option<(PrincipalParts<'_>, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some((PrincipalParts { partition, service, account }, resource))
}

/// The account a principal ARN names, if it is an ARN with a 12-digit account.
pub(crate) fn principal_account(principal: &str) -> Option<AccountId> {
    split_principal(principal).and_then(|(parts, _)| parts.account.parse().ok())
}

/// What a grant token says: which grant, on which key. Each CreateGrant call returns a new
/// token (a fresh nonce); every token of a grant is interchangeable.
///
/// The bytes, base64-encoded (88 characters): version `0x01`, flags (bit 0: multi-Region
/// key id), the 16 bytes of the key id, the 32 bytes of the grant id, a 16-byte nonce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GrantToken {
    pub(crate) key_id: KeyId,
    pub(crate) grant_id: GrantId,
}

impl GrantToken {
    const VERSION: u8 = 0x01;
    const LEN: usize = 2 + 16 + 32 + 16;

    /// The token's text, with `nonce` making it unique.
    pub(crate) fn encode(self, nonce: [u8; 16]) -> String {
        let mut bytes = [0u8; Self::LEN];
        bytes[0] = Self::VERSION;
        bytes[1] = u8::from(self.key_id.is_multi_region());
        bytes[2..18].copy_from_slice(self.key_id.as_bytes());
        bytes[18..50].copy_from_slice(self.grant_id.as_bytes());
        bytes[50..].copy_from_slice(&nonce);
        STANDARD.encode(bytes)
    }

    /// Reads a token. Anything but a token this engine format issues is
    /// `InvalidGrantTokenException`.
    pub(crate) fn decode(text: &str) -> Result<Self, KmsError> {
        let bytes = STANDARD.decode(text).map_err(|_| invalid_grant_token())?;
        let Ok(bytes) = <[u8; Self::LEN]>::try_from(bytes.as_slice()) else {
            return Err(invalid_grant_token());
        };
        if bytes[0] != Self::VERSION || bytes[1] > 1 {
            return Err(invalid_grant_token());
        }
        let mut key_id = [0u8; 16];
        key_id.copy_from_slice(&bytes[2..18]);
        let mut grant_id = [0u8; 32];
        grant_id.copy_from_slice(&bytes[18..50]);
        Ok(Self { key_id: KeyId::from_parts(key_id, bytes[1] == 1), grant_id: GrantId(grant_id) })
    }
}

/// `InvalidGrantTokenException`.
pub(crate) fn invalid_grant_token() -> KmsError {
    KmsError::new(ErrorKind::InvalidGrantToken, "Invalid grant token")
}

#[cfg(test)]
mod tests;
