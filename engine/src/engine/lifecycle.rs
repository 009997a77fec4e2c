//! Key lifecycle operations.

use serde_json::{Value, json};

use super::aws_managed::FirstUse;
use super::{
    Access, Audited, Due, Engine, Touched, check_marker, invalid_marker, page_limit, paginate,
    random_array,
};
use crate::api::*;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::{KeyArn, KeyId, KeyMaterialId};
use crate::key::{KeyMaterial, KeyRecord, MultiRegion};
use crate::policy::RequestContext;
use crate::secret::Plaintext;
use crate::spec::{
    KeyManager, KeySpec, KeyState, KeyUsage, MultiRegionKeyType, OriginType, RotationType,
};

/// The longest key description AWS accepts [characters].
const DESCRIPTION_MAX_CHARS: usize = 8192;

pub(super) fn check_description(description: &str) -> Result<(), KmsError> {
    if description.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(KmsError::validation(
            "description",
            "Member must have length less than or equal to 8192",
        ));
    }
    Ok(())
}

impl Audited for CreateKeyRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keySpec": self.key_spec.unwrap_or(KeySpec::SymmetricDefault),
            "keyUsage": self.key_usage,
            "origin": self.origin.unwrap_or(OriginType::AwsKms),
            "description": self.description,
            "multiRegion": self.multi_region,
            "policy": self.policy,
            "bypassPolicyLockoutSafetyCheck": self.bypass_policy_lockout_safety_check,
            "tags": self.tags.iter().map(|t| json!({"tagKey": t.tag_key, "tagValue": t.tag_value})).collect::<Vec<_>>(),
        })
    }

    /// CreateKey names no key, so only identity policies see its condition keys; an
    /// omitted member reads as AWS's default (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, AWS_KMS,
    /// single-Region, no bypass), as AWS evaluates it.
    fn key_less_condition_keys<'a>(&'a self, request: RequestContext<'a>) -> RequestContext<'a> {
        let mut request = request
            .with_key_spec(self.key_spec.unwrap_or(KeySpec::SymmetricDefault))
            .with_key_usage(self.key_usage.unwrap_or(KeyUsage::EncryptDecrypt))
            .with_key_origin(self.origin.unwrap_or(OriginType::AwsKms))
            .with_multi_region(self.multi_region)
            .with_bypass_policy_lockout_safety_check(self.bypass_policy_lockout_safety_check);
        if self.multi_region {
            request = request.with("kms:MultiRegionKeyType", MultiRegionKeyType::Primary.as_str());
        }
        // Without tags neither key exists, so `"Null": {"aws:TagKeys": "false"}` requires
        // tags.
        if !self.tags.is_empty() {
            request = request
                .with_request_tags(self.tags.iter().map(|tag| (&tag.tag_key, &tag.tag_value)));
        }
        request
    }
}

pub(super) fn create_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: CreateKeyRequest,
    touched: &mut Touched,
) -> Result<CreateKeyResponse, KmsError> {
    let description = req.description.as_deref().unwrap_or("");
    check_description(description)?;
    let spec = req.key_spec.unwrap_or(KeySpec::SymmetricDefault);
    let usage = match (spec, req.key_usage) {
        (KeySpec::SymmetricDefault, None | Some(KeyUsage::EncryptDecrypt)) => {
            KeyUsage::EncryptDecrypt
        }
        (s, Some(KeyUsage::GenerateVerifyMac)) if s.is_hmac() => KeyUsage::GenerateVerifyMac,
        (s, None) if s.is_hmac() => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!(
                    "KeyUsage must be GENERATE_VERIFY_MAC for KeySpec {s}; specify it explicitly"
                ),
            ));
        }
        (KeySpec::SymmetricDefault, Some(u)) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!("KeyUsage {u} is not compatible with KeySpec SYMMETRIC_DEFAULT"),
            ));
        }
        (s, Some(u)) if s.is_hmac() => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!("KeyUsage {u} is not compatible with KeySpec {s}"),
            ));
        }
        // Key pairs: KeyUsage is required ("optional when you are creating a symmetric
        // encryption KMS key; otherwise, it is required"), and must be one the spec allows.
        (s, None) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!("You must specify a KeyUsage value when KeySpec is {s}"),
            ));
        }
        (s, Some(u)) if crate::key_pair::usages(s).contains(&u) => u,
        (s, Some(u)) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!("KeyUsage {u} is not compatible with KeySpec {s}"),
            ));
        }
    };
    if !crate::key_pair::allowed_in(spec, engine.region.partition()) {
        // AWS offers SM2 in the China Regions only; its exact answer elsewhere is not
        // documented, and UnsupportedOperationException is in CreateKey's error list.
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!(
                "KeySpec {spec} is supported only in the China Regions, not in {}",
                engine.region
            ),
        ));
    }
    let origin = req.origin.unwrap_or(OriginType::AwsKms);
    let custom_key_store = match origin {
        OriginType::AwsKms => {
            if req.custom_key_store_id.is_some() {
                return Err(KmsError::new(
                    ErrorKind::Validation,
                    "CustomKeyStoreId requires Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE",
                ));
            }
            None
        }
        OriginType::AwsCloudhsm | OriginType::ExternalKeyStore => {
            if spec != KeySpec::SymmetricDefault || req.multi_region {
                return Err(KmsError::new(
                    ErrorKind::UnsupportedOperation,
                    "Custom key stores hold only single-Region SYMMETRIC_DEFAULT keys",
                ));
            }
            Some(super::custom_key_stores::key_store_link(
                engine,
                ctx,
                origin,
                req.custom_key_store_id.as_deref(),
                req.xks_key_id.as_deref(),
            )?)
        }
        // Imported material: symmetric, single-Region keys (HMAC, key-pair and multi-Region
        // imports are not built yet).
        OriginType::External => {
            if spec != KeySpec::SymmetricDefault || req.multi_region {
                return Err(KmsError::new(
                    ErrorKind::UnsupportedOperation,
                    "kmsim imports key material into single-Region SYMMETRIC_DEFAULT keys only",
                ));
            }
            None
        }
    };
    let external = origin == OriginType::External;
    let tags = super::tags::validated_tags(&req.tags, engine.limits.tags_per_key)?;
    let account = ctx.account();
    // The policy is checked against what the key will be; its id is not drawn yet, so the
    // resource is every key of the account.
    let policy = match &req.policy {
        None => None,
        Some(text) => {
            let resource =
                format!("arn:{}:kms:{}:{account}:key/*", engine.region.partition(), engine.region);
            let new_key = super::policies::NewPolicyKey {
                resource: &resource,
                account,
                spec,
                usage,
                origin,
                multi_region: req.multi_region,
                tags: &tags,
            };
            Some(super::policies::parse_new_policy(
                &engine.store,
                ctx,
                text,
                req.bypass_policy_lockout_safety_check,
                &new_key,
            )?)
        }
    };
    let account_key_count = engine.store.key_count(account);
    if account_key_count >= engine.limits.keys_per_account as usize {
        return Err(KmsError::new(
            ErrorKind::LimitExceeded,
            format!(
                "Account {account} already has {account_key_count} keys in {}, the most allowed",
                engine.region
            ),
        ));
    }

    // Every check passed: only now draw randomness and change state. A key pair is drawn
    // first: a provider that cannot make it refuses before drawing anything.
    let key_pair = if spec.is_asymmetric() && !external {
        Some(
            engine
                .provider
                .asymmetric
                .generate(spec, &mut engine.rng)
                .map_err(|e| super::asymmetric_error(engine.provider.kind, spec, e))?,
        )
    } else {
        None
    };
    let key_id = loop {
        let bytes = random_array::<16>(&mut engine.rng);
        let id =
            if req.multi_region { KeyId::multi_region(bytes) } else { KeyId::single_region(bytes) };
        if !engine.store.keys.contains_key(&id) {
            break id;
        }
    };
    // An imported-material key starts without material, PendingImport.
    let materials = if external {
        Vec::new()
    } else if let Some(pair) = key_pair {
        vec![KeyMaterial {
            id: KeyMaterialId(random_array(&mut engine.rng)),
            bytes: pair.private_pkcs8,
            public_key: Some(pair.public_spki),
            rotation: None,
        }]
    } else {
        let material_len = spec.mac_algorithm().map_or(32, |mac| mac.output_len());
        let mut material = vec![0u8; material_len];
        rand_core::Rng::fill_bytes(&mut engine.rng, &mut material);
        let material = KeyMaterial {
            id: KeyMaterialId(random_array(&mut engine.rng)),
            bytes: Plaintext::new(material),
            public_key: None,
            rotation: None,
        };
        vec![material]
    };
    let arn = KeyArn { region: engine.region, account, key_id };
    let policy_is_default = policy.is_none();
    let policy = match policy {
        Some(document) => std::sync::Arc::new(document),
        None => super::policies::default_policy(&mut engine.store, engine.region, account),
    };
    let record = KeyRecord {
        arn,
        creation_date: ctx.now,
        description: description.to_owned(),
        spec,
        usage,
        origin,
        manager: KeyManager::Customer,
        state: if external { KeyState::PendingImport } else { KeyState::Enabled },
        deletion_date: None,
        pending_window_in_days: None,
        tags,
        alias_count: 0,
        materials,
        rotation: None,
        on_demand_rotations: 0,
        on_demand_rotation_start: None,
        last_usage: None,
        multi_region: req.multi_region.then(|| MultiRegion {
            role: MultiRegionKeyType::Primary,
            primary_region: engine.region,
            replica_regions: std::collections::BTreeSet::new(),
            replica_create: std::collections::BTreeMap::new(),
            version: 1,
            generation: 0,
        }),
        state_before_update: None,
        custom_key_store,
        imported: external.then(crate::key::Imported::default),
        grants: crate::grant::Grants::default(),
        policy,
        policy_is_default,
    };
    let key_metadata = record.metadata();
    touched.key(arn);
    if engine.audit.keeps_records() {
        touched.response_elements = Some(json!({"keyMetadata": {
            "keyId": key_id.to_string(), "arn": arn.to_string(), "keySpec": spec, "keyUsage": usage,
            "keyState": key_metadata.key_state, "origin": origin, "multiRegion": req.multi_region,
        }}));
    }
    engine.store.insert_key(record);
    Ok(CreateKeyResponse { key_metadata })
}

impl Audited for DescribeKeyRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string() })
    }
}

pub(super) fn describe_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DescribeKeyRequest,
    touched: &mut Touched,
) -> Result<DescribeKeyResponse, KmsError> {
    // DescribeKey's error list has no InvalidGrantTokenException: a token that is not one,
    // or names no known grant, is ignored.
    super::check_grant_token_shapes(&req.grant_tokens)?;
    engine.create_aws_managed_key_on_first_use(ctx, &req.key_id, FirstUse::Describe);
    let key_id = engine.resolve(ctx, &req.key_id, true)?;
    let key = Engine::authorize(
        &engine.store,
        ctx,
        Access::new(Operation::DescribeKey)
            .with_grant_tokens_if_known(&req.grant_tokens)
            .named_by(&req.key_id),
        key_id,
        touched,
    )?;
    let mut key_metadata = key.metadata();
    key_metadata.key_state = engine.store.effective_state(key);
    key_metadata.enabled = key_metadata.key_state == KeyState::Enabled;
    Ok(DescribeKeyResponse { key_metadata })
}

impl Audited for ListKeysRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "limit": self.page.limit, "marker": self.page.marker })
    }
}

pub(super) fn list_keys(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ListKeysRequest,
    _touched: &mut Touched,
) -> Result<ListKeysResponse, KmsError> {
    let limit = page_limit(req.page.limit, 100, 1000)?;
    let account = ctx.account();
    let after = match check_marker(req.page.marker.as_deref())? {
        None => None,
        Some(marker) => Some(marker.parse::<KeyId>().map_err(|_| invalid_marker())?),
    };
    let start = after.unwrap_or_else(|| KeyId::from_parts([0; 16], false));
    let entries = engine
        .store
        .account_keys
        .range((account, start)..)
        .skip_while(|(_, id)| Some(*id) == after)
        .take_while(|(a, _)| *a == account)
        .map(|&(_, key_id)| KeyListEntry {
            key_id,
            key_arn: KeyArn { region: engine.region, account, key_id },
        });
    let (keys, page_info) = paginate(entries, limit, |entry| entry.key_id.to_string());
    Ok(ListKeysResponse { keys, page_info })
}

macro_rules! audited_key_id {
    ($($req:ty),+) => {
        $(impl Audited for $req {
            fn audit_parameters(&self) -> Value {
                json!({ "keyId": self.key_id.to_string() })
            }
        })+
    };
}

audited_key_id!(EnableKeyRequest, DisableKeyRequest, CancelKeyDeletionRequest);

pub(super) fn enable_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: EnableKeyRequest,
    touched: &mut Touched,
) -> Result<EnableKeyResponse, KmsError> {
    let key = engine.key_mut(ctx, Operation::EnableKey, &req.key_id, touched)?;
    key.state = KeyState::Enabled;
    let key_id = key.arn.key_id;
    // A rotation that fell due while the key was disabled happens now.
    if key.rotation.is_some_and(|schedule| schedule.overdue) {
        super::rotation::rotate(engine, key_id, ctx.now, RotationType::Automatic);
    }
    Ok(EnableKeyResponse {})
}

pub(super) fn disable_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DisableKeyRequest,
    touched: &mut Touched,
) -> Result<DisableKeyResponse, KmsError> {
    let key = engine.key_mut(ctx, Operation::DisableKey, &req.key_id, touched)?;
    key.state = KeyState::Disabled;
    Ok(DisableKeyResponse {})
}

impl Audited for UpdateKeyDescriptionRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string(), "description": self.description })
    }
}

pub(super) fn update_key_description(
    engine: &mut Engine,
    ctx: &CallContext,
    req: UpdateKeyDescriptionRequest,
    touched: &mut Touched,
) -> Result<UpdateKeyDescriptionResponse, KmsError> {
    check_description(&req.description)?;
    let key = engine.key_mut(ctx, Operation::UpdateKeyDescription, &req.key_id, touched)?;
    key.description.clone_from(&req.description);
    Ok(UpdateKeyDescriptionResponse {})
}

impl Audited for ScheduleKeyDeletionRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string(), "pendingWindowInDays": self.pending_window_in_days })
    }
}

/// AWS's bounds on the deletion waiting window [days].
const PENDING_WINDOW_DAYS: std::ops::RangeInclusive<u32> = 7..=30;

pub(super) fn schedule_key_deletion(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ScheduleKeyDeletionRequest,
    touched: &mut Touched,
) -> Result<ScheduleKeyDeletionResponse, KmsError> {
    let days = req.pending_window_in_days.unwrap_or(*PENDING_WINDOW_DAYS.end());
    if days < *PENDING_WINDOW_DAYS.start() {
        return Err(KmsError::validation_value(
            "pendingWindowInDays",
            days,
            "Member must have value greater than or equal to 7",
        ));
    }
    if days > *PENDING_WINDOW_DAYS.end() {
        return Err(KmsError::validation_value(
            "pendingWindowInDays",
            days,
            "Member must have value less than or equal to 30",
        ));
    }
    let key = engine.key_mut(
        ctx,
        Access::new(Operation::ScheduleKeyDeletion)
            .with_pending_window_in_days(req.pending_window_in_days),
        &req.key_id,
        touched,
    )?;
    key.pending_window_in_days = Some(days);
    let key_arn = key.arn;
    // A multi-Region primary with replicas waits for them: its window starts when the last
    // replica is gone (see `multi_region::replica_deleted`).
    let has_replicas = key.multi_region.as_ref().is_some_and(|family| {
        family.role == MultiRegionKeyType::Primary && !family.replica_regions.is_empty()
    });
    if has_replicas {
        key.state = KeyState::PendingReplicaDeletion;
        key.deletion_date = None;
        return Ok(ScheduleKeyDeletionResponse {
            key_id: key_arn,
            deletion_date: None,
            key_state: KeyState::PendingReplicaDeletion,
            pending_window_in_days: days,
        });
    }
    let deletion_date = ctx.now.plus_days(days);
    key.state = KeyState::PendingDeletion;
    key.deletion_date = Some(deletion_date);
    engine.store.due.insert((deletion_date, Due::Delete, key_arn.key_id));
    Ok(ScheduleKeyDeletionResponse {
        key_id: key_arn,
        deletion_date: Some(deletion_date),
        key_state: KeyState::PendingDeletion,
        pending_window_in_days: days,
    })
}

pub(super) fn cancel_key_deletion(
    engine: &mut Engine,
    ctx: &CallContext,
    req: CancelKeyDeletionRequest,
    touched: &mut Touched,
) -> Result<CancelKeyDeletionResponse, KmsError> {
    let key = engine.key_mut(ctx, Operation::CancelKeyDeletion, &req.key_id, touched)?;
    // AWS leaves a key whose deletion is cancelled Disabled: it must be enabled again; a key
    // whose imported material is gone waits for it again.
    key.state = if key.origin == OriginType::External && key.materials.is_empty() {
        KeyState::PendingImport
    } else {
        KeyState::Disabled
    };
    let due = key.deletion_date.take();
    key.pending_window_in_days = None;
    let key_arn = key.arn;
    if let Some(due) = due {
        engine.store.due.remove(&(due, Due::Delete, key_arn.key_id));
    }
    Ok(CancelKeyDeletionResponse { key_id: key_arn })
}

impl Audited for GetKeyLastUsageRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string() })
    }
}

pub(super) fn get_key_last_usage(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GetKeyLastUsageRequest,
    touched: &mut Touched,
) -> Result<GetKeyLastUsageResponse, KmsError> {
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::GetKeyLastUsage, key_id, touched)?;
    Ok(GetKeyLastUsageResponse {
        key_last_usage: key.last_usage.map(|usage| KeyLastUsage {
            operation: usage.operation,
            timestamp: usage.at,
            cloud_trail_event_id: usage.ids.event_id(),
            kms_request_id: usage.ids.request_id(),
        }),
        tracking_start_date: key.creation_date,
        key_creation_date: key.creation_date,
    })
}
