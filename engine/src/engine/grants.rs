//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
//!
//! Grants live in their key's record (`crate::grant`); the store keeps one index, of the
//! grants that are not retired by retiring principal, for ListRetirableGrants. Whether a
//! grant allows a call is `crate::grant::allowing`, asked by `Engine::authorize`.

use std::collections::BTreeSet;
use std::ops::Bound;

use serde_json::{Value, json};

use super::{
    Access, Audited, Engine, NewGrant, Store, Touched, check_grant_tokens, check_marker,
    invalid_marker, page_limit, paginate, random_array,
};
use crate::api::*;
use crate::crypto::blob::EncryptionContext;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::grant::{
    GrantRecord, GrantToken, Grantee, Retiring, grantee_matches, principal_account,
};
use crate::id::{GrantId, KeyArn, KeyId, PrincipalArn};
use crate::key::KeyRecord;
use crate::key_state;
use crate::spec::{GrantOperation, KeySpec};
use crate::time::Timestamp;

/// Longest `GranteePrincipal`/`RetiringPrincipal` and `Name` [characters].
const PRINCIPAL_MAX_CHARS: usize = 256;
const NAME_MAX_CHARS: usize = 256;
/// Most pairs in one encryption context constraint.
const CONSTRAINT_MAX_PAIRS: usize = 8;
/// Longest value in an encryption context constraint [characters].
const CONSTRAINT_VALUE_MAX_CHARS: usize = 384;

/// Checks a principal member against `PrincipalIdType`: 1..256 characters of
/// `[\w+=,.@:/-]`.
fn check_principal(member: &str, principal: &str) -> Result<(), KmsError> {
    let chars = principal.chars().count();
    if chars == 0 {
        return Err(KmsError::validation(
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if chars > PRINCIPAL_MAX_CHARS {
        return Err(KmsError::validation(
            member,
            "Member must have length less than or equal to 256",
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c);
    if !principal.chars().all(allowed) {
        return Err(KmsError::validation_value(
            member,
            principal,
            "Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$",
        ));
    }
    Ok(())
}

/// Longest service principal (`ServicePrincipalType`) [characters].
const SERVICE_PRINCIPAL_MAX_CHARS: usize = 128;
/// `SourceArn` constraint length bounds [characters].
const SOURCE_ARN_MIN_CHARS: usize = 20;
const SOURCE_ARN_MAX_CHARS: usize = 512;

/// Checks a service principal member: 1..128 characters of `[\w+=,.@:/-]`.
fn check_service_principal(member: &str, service: &str) -> Result<(), KmsError> {
    if service.chars().count() > SERVICE_PRINCIPAL_MAX_CHARS {
        return Err(KmsError::validation(
            member,
            "Member must have length less than or equal to 128",
        ));
    }
    check_principal(member, service)
}

/// Checks a `SourceArn` constraint: 20..512 characters, an ARN
/// (`arn:<partition>:<service>:<region>:<account>:<resource>`, partition and service
/// non-empty).
fn check_source_arn(source_arn: &str) -> Result<(), KmsError> {
    const MEMBER: &str = "constraints.sourceArn";
    let chars = source_arn.chars().count();
    if chars < SOURCE_ARN_MIN_CHARS {
        return Err(KmsError::validation(
            MEMBER,
            "Member must have length greater than or equal to 20",
        ));
    }
    if chars > SOURCE_ARN_MAX_CHARS {
        return Err(KmsError::validation(
            MEMBER,
            "Member must have length less than or equal to 512",
        ));
    }
    let mut parts = source_arn.splitn(6, ':');
    let is_arn = parts.next() == Some("arn")
        && parts.next().is_some_and(|partition| partition.starts_with("aws"))
        && parts.next().is_some_and(|service| !service.is_empty())
        && parts.next().is_some()
        && parts.next().is_some()
        && parts.next().is_some_and(|resource| !resource.is_empty())
        && !source_arn.chars().any(char::is_whitespace);
    if !is_arn {
        return Err(KmsError::validation_value(
            MEMBER,
            source_arn,
            "Member must satisfy regular expression pattern: ^arn:aws[a-zA-Z0-9-]*:[^:\\s]+:[^:\\s]*:[^:\\s]*:\\S+$",
        ));
    }
    Ok(())
}

/// At most one of a principal member and its service-principal twin (`what` names the
/// pair in the message, `Grantee` or `Retiring`).
fn at_most_one_of(
    principal: Option<&String>,
    service: Option<&String>,
    what: &str,
) -> Result<(), KmsError> {
    if principal.is_some() && service.is_some() {
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!("Specify either {what}Principal or {what}ServicePrincipal, not both"),
        ));
    }
    Ok(())
}

/// Checks `Name` against `GrantNameType`: 1..256 characters of `[a-zA-Z0-9:/_-]`.
fn check_grant_name(name: &str) -> Result<(), KmsError> {
    let chars = name.chars().count();
    if chars == 0 {
        return Err(KmsError::validation(
            "name",
            "Member must have length greater than or equal to 1",
        ));
    }
    if chars > NAME_MAX_CHARS {
        return Err(KmsError::validation(
            "name",
            "Member must have length less than or equal to 256",
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || ":/_-".contains(c)) {
        return Err(KmsError::validation_value(
            "name",
            name,
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ));
    }
    Ok(())
}

/// The operations without duplicates, in the order given; at least one.
fn check_operations(operations: &[GrantOperation]) -> Result<Vec<GrantOperation>, KmsError> {
    if operations.is_empty() {
        return Err(KmsError::validation(
            "operations",
            "Member must have length greater than or equal to 1",
        ));
    }
    let mut unique = Vec::with_capacity(operations.len());
    for &operation in operations {
        if !unique.contains(&operation) {
            unique.push(operation);
        }
    }
    Ok(unique)
}

/// Checks `Constraints` and drops empty maps (AWS reads an empty constraint as none).
fn check_constraints(
    constraints: Option<&GrantConstraints>,
) -> Result<Option<GrantConstraints>, KmsError> {
    let Some(constraints) = constraints else { return Ok(None) };
    if let Some(source_arn) = &constraints.source_arn {
        check_source_arn(source_arn)?;
    }
    let non_empty = |context: &Option<EncryptionContext>| context.clone().filter(|c| !c.is_empty());
    let subset = non_empty(&constraints.encryption_context_subset);
    let equals = non_empty(&constraints.encryption_context_equals);
    for (member, context) in [
        ("constraints.encryptionContextSubset", &subset),
        ("constraints.encryptionContextEquals", &equals),
    ] {
        let Some(context) = context else { continue };
        if context.len() > CONSTRAINT_MAX_PAIRS {
            return Err(KmsError::validation(
                member,
                "Map value must satisfy constraint: [Member must have length less than or equal to 8]",
            ));
        }
        if context.values().any(|value| value.chars().count() > CONSTRAINT_VALUE_MAX_CHARS) {
            return Err(KmsError::validation(
                member,
                "Map value must satisfy constraint: [Member must have length less than or equal to 384]",
            ));
        }
    }
    let source_arn = constraints.source_arn.clone();
    match (subset, equals, source_arn) {
        (Some(_), Some(_), _) => {
            Err(KmsError::new(ErrorKind::Validation, "More than one constraint supplied"))
        }
        (None, None, None) => Ok(None),
        (subset, equals, source_arn) => Ok(Some(GrantConstraints {
            encryption_context_subset: subset,
            encryption_context_equals: equals,
            source_arn,
        })),
    }
}

/// Checks that `operations` and `constraints` suit `key`'s type.
fn check_for_key(
    key: &KeyRecord,
    operations: &[GrantOperation],
    constraints: Option<&GrantConstraints>,
) -> Result<(), KmsError> {
    let valid = GrantOperation::valid_for(key.spec, key.usage);
    if let Some(invalid) = operations.iter().find(|op| !valid.contains(op)) {
        let names: Vec<&str> = valid.iter().map(|op| op.as_str()).collect();
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "Grant operation {invalid} is not valid for {} ({} key with key usage {}); its valid grant operations are {}",
                key.arn,
                key.spec,
                key.usage,
                names.join(", ")
            ),
        ));
    }
    let has_context_constraint = constraints.is_some_and(|c| {
        c.encryption_context_subset.is_some() || c.encryption_context_equals.is_some()
    });
    if has_context_constraint && key.spec != KeySpec::SymmetricDefault {
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "Encryption context grant constraints are not valid for {} ({} key): only operations of symmetric encryption keys take an encryption context",
                key.arn, key.spec
            ),
        ));
    }
    Ok(())
}

/// `NotFoundException` for a grant that is not (or no longer) on its key.
fn grant_not_found(grant_id: GrantId) -> KmsError {
    KmsError::new(ErrorKind::NotFound, format!("Grant ID {grant_id} not found"))
}

/// A grant as ListGrants and ListRetirableGrants show it.
fn list_entry(key_arn: KeyArn, grant: &GrantRecord) -> GrantListEntry {
    GrantListEntry {
        key_id: key_arn,
        grant_id: grant.id,
        name: grant.name.clone(),
        creation_date: grant.creation_date,
        grantee_principal: grant.grantee.principal().map(str::to_owned),
        grantee_service_principal: grant.grantee.service().map(str::to_owned),
        retiring_principal: grant.retiring_principal.clone(),
        retiring_service_principal: grant.retiring_service_principal.clone(),
        issuing_account: PrincipalArn::root(grant.issuing_account),
        operations: grant.operations.clone(),
        constraints: grant.constraints.clone(),
    }
}

fn constraints_json(constraints: Option<&GrantConstraints>) -> Value {
    constraints.map_or(Value::Null, |c| {
        let mut object = serde_json::Map::new();
        if let Some(subset) = &c.encryption_context_subset {
            object.insert("encryptionContextSubset".to_owned(), json!(subset));
        }
        if let Some(equals) = &c.encryption_context_equals {
            object.insert("encryptionContextEquals".to_owned(), json!(equals));
        }
        if let Some(source_arn) = &c.source_arn {
            object.insert("sourceArn".to_owned(), json!(source_arn));
        }
        Value::Object(object)
    })
}

impl Store {
    /// Adds a grant to `key_id` and indexes it.
    fn insert_grant(&mut self, key_id: KeyId, grant: GrantRecord, now: Timestamp) {
        let Some(key) = self.keys.get_mut(&key_id) else { return };
        if let Some(retiring) = grant.retiring() {
            self.retirable.insert((retiring, key_id, grant.id));
        }
        key.grants.purge(now);
        key.grants.insert(grant);
    }

    /// Retires (or revokes) grant `grant_id` of `key_id`: unlisted at once, allowing
    /// nothing from `gone_at`.
    fn retire_grant(
        &mut self,
        key_id: KeyId,
        grant_id: GrantId,
        now: Timestamp,
        gone_at: Timestamp,
    ) {
        let Some(key) = self.keys.get_mut(&key_id) else { return };
        key.grants.purge(now);
        if let Some(retiring) = key.grants.retire(grant_id, gone_at).and_then(|g| g.retiring()) {
            self.retirable.remove(&(retiring, key_id, grant_id));
        }
        key.grants.purge(now);
    }
}

impl Audited for CreateGrantRequest {
    fn audit_parameters(&self) -> Value {
        // Not the grant tokens: not secret, but AWS does not record them either.
        json!({
            "keyId": self.key_id.to_string(),
            "granteePrincipal": self.grantee_principal,
            "granteeServicePrincipal": self.grantee_service_principal,
            "retiringPrincipal": self.retiring_principal,
            "retiringServicePrincipal": self.retiring_service_principal,
            "operations": self.operations,
            "constraints": constraints_json(self.constraints.as_ref()),
            "name": self.name,
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn create_grant(
    engine: &mut Engine,
    ctx: &CallContext,
    req: CreateGrantRequest,
    touched: &mut Touched,
) -> Result<CreateGrantResponse, KmsError> {
    at_most_one_of(
        req.grantee_principal.as_ref(),
        req.grantee_service_principal.as_ref(),
        "Grantee",
    )?;
    let grantee = match (&req.grantee_principal, &req.grantee_service_principal) {
        (Some(principal), _) => {
            check_principal("granteePrincipal", principal)?;
            Grantee::Principal(principal.clone())
        }
        (None, Some(service)) => {
            check_service_principal("granteeServicePrincipal", service)?;
            Grantee::Service(service.clone())
        }
        (None, None) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "Specify the grantee: GranteePrincipal or GranteeServicePrincipal",
            ));
        }
    };
    at_most_one_of(
        req.retiring_principal.as_ref(),
        req.retiring_service_principal.as_ref(),
        "Retiring",
    )?;
    if let Some(retiring) = &req.retiring_principal {
        check_principal("retiringPrincipal", retiring)?;
    }
    if let Some(retiring) = &req.retiring_service_principal {
        check_service_principal("retiringServicePrincipal", retiring)?;
    }
    if let Some(name) = &req.name {
        check_grant_name(name)?;
    }
    let operations = check_operations(&req.operations)?;
    let constraints = check_constraints(req.constraints.as_ref())?;
    if let Grantee::Service(service) = &grantee {
        // AWS: a grant to a service principal must name the resource it serves and who
        // retires it.
        if constraints.as_ref().is_none_or(|c| c.source_arn.is_none()) {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!(
                    "A grant to the service principal {service} requires a SourceArn constraint"
                ),
            ));
        }
        if req.retiring_principal.is_none() && req.retiring_service_principal.is_none() {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!(
                    "A grant to the service principal {service} requires a RetiringPrincipal or RetiringServicePrincipal"
                ),
            ));
        }
    }
    check_grant_tokens(&req.grant_tokens)?;
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let access = Access::new(Operation::CreateGrant).with_grant_tokens(&req.grant_tokens).creating(
        NewGrant {
            operations: &operations,
            constraints: constraints.as_ref(),
            grantee: req.grantee_principal.as_deref(),
        },
    );
    let key = Engine::authorize(&engine.store, ctx, access, key_id, touched)?;
    check_for_key(key, &operations, constraints.as_ref())?;
    // A retry with the same name and parameters is the grant it already made.
    let same_operations: BTreeSet<GrantOperation> = operations.iter().copied().collect();
    let existing = req.name.as_ref().and_then(|name| {
        key.grants
            .iter_live()
            .find(|grant| {
                grant.name.as_ref() == Some(name)
                    && grant.grantee == grantee
                    && grant.retiring_principal == req.retiring_principal
                    && grant.retiring_service_principal == req.retiring_service_principal
                    && grant.constraints == constraints
                    && grant.operations.iter().copied().collect::<BTreeSet<_>>() == same_operations
            })
            .map(|grant| grant.id)
    });
    let limit = engine.limits.grants_per_key;
    if existing.is_none() && key.grants.live_count() >= limit as usize {
        return Err(KmsError::new(
            ErrorKind::LimitExceeded,
            format!("{} already has {limit} grants, the most a key may have", key.arn),
        ));
    }
    let key_arn = key.arn;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let grant_id = match existing {
        Some(grant_id) => grant_id,
        None => {
            let grant_id = GrantId(random_array(&mut engine.rng));
            let grant = GrantRecord {
                id: grant_id,
                name: req.name,
                creation_date: ctx.now,
                grantee,
                retiring_principal: req.retiring_principal,
                retiring_service_principal: req.retiring_service_principal,
                issuing_account: ctx.account(),
                operations,
                constraints,
                consistent_at: ctx.now.plus_nanos(engine.grant_propagation_ns),
                gone_at: None,
            };
            engine.store.insert_grant(key_id, grant, ctx.now);
            grant_id
        }
    };
    let grant_token = GrantToken { key_id, grant_id }.encode(random_array(&mut engine.rng));
    if engine.audit.keeps_records() {
        touched.response_elements =
            Some(json!({ "grantId": grant_id.to_string(), "keyId": key_arn.to_string() }));
    }
    Ok(CreateGrantResponse { grant_token, grant_id })
}

impl Audited for ListGrantsRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "grantId": self.grant_id.map(|id| id.to_string()),
            "granteePrincipal": self.grantee_principal,
            "granteeServicePrincipal": self.grantee_service_principal,
            "limit": self.page.limit,
            "marker": self.page.marker,
        })
    }
}

pub(super) fn list_grants(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ListGrantsRequest,
    touched: &mut Touched,
) -> Result<ListGrantsResponse, KmsError> {
    let limit = page_limit(req.page.limit, 50, 100)?;
    if let Some(grantee) = &req.grantee_principal {
        check_principal("granteePrincipal", grantee)?;
    }
    if let Some(grantee) = &req.grantee_service_principal {
        check_service_principal("granteeServicePrincipal", grantee)?;
    }
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::ListGrants, key_id, touched)?;
    // Markers are the last grant id of the page.
    let after = match check_marker(req.page.marker.as_deref())? {
        None => None,
        Some(marker) => Some(marker.parse::<GrantId>().map_err(|_| invalid_marker())?),
    };
    let entries = key
        .grants
        .live_after(after)
        .filter(|grant| req.grant_id.is_none_or(|id| grant.id == id))
        .filter(|grant| {
            req.grantee_principal.as_deref().is_none_or(|p| grant.grantee.principal() == Some(p))
        })
        .filter(|grant| {
            req.grantee_service_principal
                .as_deref()
                .is_none_or(|s| grant.grantee.service() == Some(s))
        })
        .map(|grant| list_entry(key.arn, grant));
    let (grants, page_info) = paginate(entries, limit, |entry| entry.grant_id.to_string());
    Ok(ListGrantsResponse { grants, page_info })
}

impl Audited for ListRetirableGrantsRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "retiringPrincipal": self.retiring_principal,
            "retiringServicePrincipal": self.retiring_service_principal,
            "limit": self.page.limit,
            "marker": self.page.marker,
        })
    }
}

pub(super) fn list_retirable_grants(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ListRetirableGrantsRequest,
    _touched: &mut Touched,
) -> Result<ListRetirableGrantsResponse, KmsError> {
    let limit = page_limit(req.page.limit, 50, 100)?;
    at_most_one_of(
        req.retiring_principal.as_ref(),
        req.retiring_service_principal.as_ref(),
        "Retiring",
    )?;
    let principal = match (req.retiring_principal, req.retiring_service_principal) {
        (Some(retiring), _) => {
            check_principal("retiringPrincipal", &retiring)?;
            // "You must specify a principal in your AWS account"; the grants may be on any
            // account's keys.
            if principal_account(&retiring).is_some_and(|a| a != ctx.account()) {
                return Err(KmsError::new(
                    ErrorKind::AccessDenied,
                    format!(
                        "User: {} is not authorized to perform: kms:ListRetirableGrants for {retiring}, a principal of another account",
                        ctx.principal
                    ),
                ));
            }
            Retiring::Principal(retiring)
        }
        (None, Some(service)) => {
            check_service_principal("retiringServicePrincipal", &service)?;
            Retiring::Service(service)
        }
        (None, None) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "Specify RetiringPrincipal or RetiringServicePrincipal",
            ));
        }
    };
    // Markers are `<key id>/<grant id>` of the page's last grant.
    let after = match check_marker(req.page.marker.as_deref())? {
        None => None,
        Some(marker) => {
            let (key, grant) = marker.split_once('/').ok_or_else(invalid_marker)?;
            let key = key.parse::<KeyId>().map_err(|_| invalid_marker())?;
            let grant = grant.parse::<GrantId>().map_err(|_| invalid_marker())?;
            Some((key, grant))
        }
    };
    let start = match after {
        None => Bound::Included((
            principal.clone(),
            KeyId::from_parts([0; 16], false),
            GrantId([0; 32]),
        )),
        Some((key, grant)) => Bound::Excluded((principal.clone(), key, grant)),
    };
    let store = &engine.store;
    let entries = store
        .retirable
        .range((start, Bound::Unbounded))
        .take_while(|(p, _, _)| *p == principal)
        .filter_map(|(_, key_id, grant_id)| {
            let key = store.keys.get(key_id)?;
            key.grants.live(*grant_id).map(|grant| list_entry(key.arn, grant))
        });
    let (grants, page_info) =
        paginate(entries, limit, |entry| format!("{}/{}", entry.key_id.key_id, entry.grant_id));
    Ok(ListRetirableGrantsResponse { grants, page_info })
}

impl Audited for RetireGrantRequest {
    fn audit_parameters(&self) -> Value {
        // Never the grant token (CloudTrail's RetireGrant records leave it out too).
        json!({
            "keyId": self.key_id.as_ref().map(ToString::to_string),
            "grantId": self.grant_id.map(|id| id.to_string()),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn retire_grant(
    engine: &mut Engine,
    ctx: &CallContext,
    req: RetireGrantRequest,
    touched: &mut Touched,
) -> Result<RetireGrantResponse, KmsError> {
    let (key_id, grant_id) = match (&req.grant_token, &req.key_id, req.grant_id) {
        (Some(token), None, None) => {
            if token.is_empty() {
                return Err(KmsError::validation(
                    "grantToken",
                    "Member must have length greater than or equal to 1",
                ));
            }
            if token.len() > 8192 {
                return Err(KmsError::validation(
                    "grantToken",
                    "Member must have length less than or equal to 8192",
                ));
            }
            engine.store.check_grant_tokens_known(std::slice::from_ref(token), ctx.now)?;
            let token = GrantToken::decode(token)?;
            (token.key_id, token.grant_id)
        }
        (None, Some(key_ref), Some(grant_id)) => (engine.resolve(ctx, key_ref, false)?, grant_id),
        _ => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "Specify the grant to retire by either its GrantToken or both KeyId and GrantId",
            ));
        }
    };
    let store = &engine.store;
    let key = store.keys.get(&key_id).ok_or_else(KmsError::internal)?;
    touched.key(key.arn);
    let grant = key.grants.live(grant_id).ok_or_else(|| grant_not_found(grant_id))?;
    // Permission to retire comes from the grant, not from the key policy (nor from its
    // SourceArn constraint, which RetireGrant ignores).
    let calling_service = ctx.calling_service();
    let allowed = match calling_service {
        None => grant
            .retiring_principal
            .as_deref()
            .is_some_and(|retiring| grantee_matches(retiring, &ctx.principal)),
        Some(service) => grant.retiring_service_principal.as_deref() == Some(service),
    } || (grant.operations.contains(&GrantOperation::RetireGrant)
        && grant.grantee.covers(ctx))
        || (calling_service.is_none() && grant.issuing_account == ctx.account());
    if !allowed {
        return Err(KmsError::new(
            ErrorKind::AccessDenied,
            format!(
                "User: {} is not authorized to perform: kms:RetireGrant on resource: {} because it is not the grant's retiring principal, a grantee the grant allows to retire it, or a principal of the account that created it",
                calling_service.unwrap_or(ctx.principal.as_str()),
                key.arn
            ),
        ));
    }
    key_state::check(Operation::RetireGrant, store.effective_state(key), &key.arn)?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let gone_at = ctx.now.plus_nanos(engine.grant_propagation_ns);
    engine.store.retire_grant(key_id, grant_id, ctx.now, gone_at);
    touched.grant(grant_id);
    Ok(RetireGrantResponse {})
}

impl Audited for RevokeGrantRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "grantId": self.grant_id.to_string(),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn revoke_grant(
    engine: &mut Engine,
    ctx: &CallContext,
    req: RevokeGrantRequest,
    touched: &mut Touched,
) -> Result<RevokeGrantResponse, KmsError> {
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    // An administrative action under the key policy: no grant allows it.
    let key = Engine::authorize(&engine.store, ctx, Operation::RevokeGrant, key_id, touched)?;
    key.grants.live(req.grant_id).ok_or_else(|| grant_not_found(req.grant_id))?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let gone_at = ctx.now.plus_nanos(engine.grant_propagation_ns);
    engine.store.retire_grant(key_id, req.grant_id, ctx.now, gone_at);
    Ok(RevokeGrantResponse {})
}
