//! Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.

use serde_json::{Value, json};

use super::aws_managed::ManagedKeyService;
use super::{
    AliasRecord, Audited, Engine, Touched, check_marker, invalid_marker, page_limit, paginate,
};
use crate::api::*;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::{AliasArn, AliasName, KeyId};
use crate::key::KeyRecord;
use crate::spec::KeySpec;

fn reject_reserved(name: &AliasName) -> Result<(), KmsError> {
    if name.is_aws_reserved() {
        return Err(KmsError::new(
            ErrorKind::InvalidAliasName,
            format!(
                "Alias {name} cannot begin with alias/aws/: that prefix is reserved for AWS managed keys"
            ),
        ));
    }
    Ok(())
}

fn alias_not_found(engine: &Engine, ctx: &CallContext, name: &AliasName) -> KmsError {
    let arn = AliasArn { region: engine.region, account: ctx.account(), name: name.clone() };
    KmsError::new(ErrorKind::NotFound, format!("Alias '{arn}' is not found."))
}

/// The key a new alias may point at: the caller's own key, within the alias limit.
fn alias_target(
    engine: &Engine,
    ctx: &CallContext,
    operation: Operation,
    target: &crate::id::KeyRef,
    touched: &mut Touched,
) -> Result<KeyId, KmsError> {
    // AWS's answer for an alias pointed at an alias (moto's suite records the wording).
    if target.is_alias() {
        return Err(KmsError::new(
            ErrorKind::Validation,
            "Aliases must refer to keys. Not aliases",
        ));
    }
    let key_id = engine.resolve(ctx, target, false)?;
    let key = Engine::authorize(&engine.store, ctx, operation, key_id, touched)?;
    if key.alias_count >= engine.limits.aliases_per_key {
        return Err(KmsError::new(
            ErrorKind::LimitExceeded,
            format!("{} already has {} aliases, the most a key may have", key.arn, key.alias_count),
        ));
    }
    Ok(key_id)
}

impl Audited for CreateAliasRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "aliasName": self.alias_name.as_str(), "targetKeyId": self.target_key_id.to_string() })
    }
}

pub(super) fn create_alias(
    engine: &mut Engine,
    ctx: &CallContext,
    req: CreateAliasRequest,
    touched: &mut Touched,
) -> Result<CreateAliasResponse, KmsError> {
    reject_reserved(&req.alias_name)?;
    let key_id = alias_target(engine, ctx, Operation::CreateAlias, &req.target_key_id, touched)?;
    let slot = (ctx.account(), req.alias_name.clone());
    if engine.store.aliases.contains_key(&slot) {
        let arn = AliasArn {
            region: engine.region,
            account: ctx.account(),
            name: req.alias_name.clone(),
        };
        return Err(KmsError::new(
            ErrorKind::AlreadyExists,
            format!("An alias with the name {arn} already exists"),
        ));
    }
    engine.store.aliases.insert(
        slot,
        AliasRecord { target: key_id, creation_date: ctx.now, last_updated_date: ctx.now },
    );
    if let Some(key) = engine.store.keys.get_mut(&key_id) {
        key.alias_count += 1;
    }
    Ok(CreateAliasResponse {})
}

/// The kind of key an alias may be moved between: the same type and the same usage.
fn alias_kind(key: &KeyRecord) -> (&'static str, crate::spec::KeyUsage) {
    let kind = match key.spec {
        KeySpec::SymmetricDefault => "symmetric",
        spec if spec.is_hmac() => "HMAC",
        _ => "asymmetric",
    };
    (kind, key.usage)
}

impl Audited for UpdateAliasRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "aliasName": self.alias_name.as_str(), "targetKeyId": self.target_key_id.to_string() })
    }
}

pub(super) fn update_alias(
    engine: &mut Engine,
    ctx: &CallContext,
    req: UpdateAliasRequest,
    touched: &mut Touched,
) -> Result<UpdateAliasResponse, KmsError> {
    reject_reserved(&req.alias_name)?;
    let slot = (ctx.account(), req.alias_name.clone());
    let old_target = match engine.store.aliases.get(&slot) {
        Some(alias) => alias.target,
        None => return Err(alias_not_found(engine, ctx, &req.alias_name)),
    };
    let new_target = engine.resolve(ctx, &req.target_key_id, false)?;
    if new_target == old_target {
        Engine::authorize(&engine.store, ctx, Operation::UpdateAlias, new_target, touched)?;
    } else {
        alias_target(engine, ctx, Operation::UpdateAlias, &req.target_key_id, touched)?;
    }
    let (Some(old), Some(new)) =
        (engine.store.keys.get(&old_target), engine.store.keys.get(&new_target))
    else {
        return Err(KmsError::internal());
    };
    if alias_kind(old) != alias_kind(new) {
        let ((old_kind, old_usage), (new_kind, new_usage)) = (alias_kind(old), alias_kind(new));
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "{} cannot point at {}: the current target is a {old_kind} key with usage {old_usage}, the new one a {new_kind} key with usage {new_usage}; they must match",
                req.alias_name, new.arn
            ),
        ));
    }
    if let Some(alias) = engine.store.aliases.get_mut(&slot) {
        alias.target = new_target;
        alias.last_updated_date = ctx.now;
    }
    if let Some(key) = engine.store.keys.get_mut(&old_target) {
        key.alias_count -= 1;
    }
    if let Some(key) = engine.store.keys.get_mut(&new_target) {
        key.alias_count += 1;
    }
    Ok(UpdateAliasResponse {})
}

impl Audited for DeleteAliasRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "aliasName": self.alias_name.as_str() })
    }
}

pub(super) fn delete_alias(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DeleteAliasRequest,
    touched: &mut Touched,
) -> Result<DeleteAliasResponse, KmsError> {
    reject_reserved(&req.alias_name)?;
    let slot = (ctx.account(), req.alias_name.clone());
    let Some(alias) = engine.store.aliases.remove(&slot) else {
        return Err(alias_not_found(engine, ctx, &req.alias_name));
    };
    if let Some(key) = engine.store.keys.get_mut(&alias.target) {
        key.alias_count -= 1;
        touched.key(key.arn);
    }
    Ok(DeleteAliasResponse {})
}

impl Audited for ListAliasesRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.as_ref().map(ToString::to_string),
            "limit": self.page.limit,
            "marker": self.page.marker,
        })
    }
}

pub(super) fn list_aliases(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ListAliasesRequest,
    touched: &mut Touched,
) -> Result<ListAliasesResponse, KmsError> {
    let limit = page_limit(req.page.limit, 50, 100)?;
    let filter = match &req.key_id {
        None => None,
        Some(key_ref) => {
            let key_id = engine.resolve(ctx, key_ref, false)?;
            Engine::authorize(&engine.store, ctx, Operation::ListAliases, key_id, touched)?;
            Some(key_id)
        }
    };
    let account = ctx.account();
    let after = match check_marker(req.page.marker.as_deref())? {
        None => None,
        Some(marker) => Some(marker.parse::<AliasName>().map_err(|_| invalid_marker())?),
    };
    let region = engine.region;
    let entry = |name: &AliasName, alias: Option<&AliasRecord>| AliasListEntry {
        alias_name: name.clone(),
        alias_arn: AliasArn { region, account, name: name.clone() },
        target_key_id: alias.map(|alias| alias.target),
        creation_date: alias.map(|alias| alias.creation_date),
        last_updated_date: alias.map(|alias| alias.last_updated_date),
    };
    let stored = engine
        .store
        .aliases
        .range((account, after.clone().unwrap_or_else(AliasName::lowest))..)
        .take_while(|((a, _), _)| *a == account)
        .filter(|((_, name), _)| Some(name) != after.as_ref())
        .filter(|(_, alias)| filter.is_none_or(|key_id| alias.target == key_id))
        .map(|((_, name), alias)| entry(name, Some(alias)));
    // AWS's predefined aliases whose key does not exist yet: listed, in name order with
    // the stored ones, unless the list is of one key's aliases.
    let predefined: Vec<AliasListEntry> = if filter.is_some() {
        Vec::new()
    } else {
        ManagedKeyService::predefined()
            .map(ManagedKeyService::alias_name)
            .filter(|name| after.as_ref().is_none_or(|after| name > after))
            .filter(|name| !engine.store.aliases.contains_key(&(account, name.clone())))
            .map(|name| entry(&name, None))
            .collect()
    };
    let entries = merge_by_name(stored, predefined.into_iter());
    let (aliases, page_info) = paginate(entries, limit, |entry| entry.alias_name.to_string());
    Ok(ListAliasesResponse { aliases, page_info })
}

/// Two lists of aliases, each in name order (no name in both), as one in name order.
fn merge_by_name(
    a: impl Iterator<Item = AliasListEntry>,
    b: impl Iterator<Item = AliasListEntry>,
) -> impl Iterator<Item = AliasListEntry> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.alias_name < x.alias_name => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}
