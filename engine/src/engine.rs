//! The engine: one Region of one partition, holding the keys of every account there.
//!
//! Every call goes through one path, [`Engine::handle`] or a typed method generated beside
//! it: perform what fell due by `ctx.now`, run the operation, count and (depending on the
//! sink) record it in the audit log.

mod aliases;
mod aws_managed;
mod custom_key_stores;
mod data;
mod grants;
mod import;
mod key_pairs;
mod lifecycle;
mod mac;
mod multi_region;
mod policies;
mod rotation;
mod tags;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng as _};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::Value;

use crate::alarms::{Alarm, AlarmEvaluator, AlarmRule, CallEvent};
use crate::api::*;
use crate::audit::{
    AuditLog, AuditRecord, AuditResource, AuditSink, UserIdentity, caller_identity,
    service_identity,
};
use crate::crypto::blob::{BlobHeader, EncryptionContext};
use crate::crypto::{CryptoProvider, ProviderKind};
use crate::error::{ErrorKind, KmsError};
use crate::grant::{self, GrantToken};
use crate::id::{
    AccountId, AliasArn, AliasName, GrantId, KeyArn, KeyId, KeyRef, PrincipalArn, Region,
};
use crate::key::{KeyRecord, LastUsage};
use crate::key_state;
use crate::quota::{QuotaConfig, Quotas, class_for};
use crate::replication::ReplicationMessage;
use crate::spec::{
    ConnectionState, DataKeyPairSpec, EncryptionAlgorithmSpec, GrantOperation,
    KeyAgreementAlgorithmSpec, KeyManager, KeyState, MessageType, SigningAlgorithmSpec,
};

use crate::time::Timestamp;
pub use policies::IdentityModel;

/// Who calls, from where, and when. The engine never reads a clock: `now` is the time of
/// the call as the caller (a simulator, a server) says it is.
///
/// Callers are expected to move time forward. A call whose `now` is earlier than the
/// engine's [`Engine::clock`] is served at its own `now`, but whatever fell due up to the
/// clock (a key deleted at the end of its window) has already happened.
#[derive(Clone, Debug)]
pub struct CallContext {
    /// The calling principal; its account is the caller's account.
    pub principal: PrincipalArn,
    /// When the call happens.
    pub now: Timestamp,
    /// The AWS service principal calling on the principal's behalf, e.g. `s3.amazonaws.com`.
    pub service_principal: Option<String>,
    /// `kms:ViaService`: the service endpoint the request came through, e.g.
    /// `s3.us-east-1.amazonaws.com`.
    pub via_service: Option<String>,
    /// The caller's IP address (`aws:SourceIp`).
    pub source_ip: Option<IpAddr>,
    /// The VPC endpoint the request came through (`aws:SourceVpce`).
    pub source_vpce: Option<String>,
    /// The ARN of the resource an AWS service calls about (`aws:SourceArn`), which a
    /// grant's `SourceArn` constraint is matched against.
    pub source_arn: Option<String>,
    /// Whether `service_principal` calls as itself (a grant to a service principal, a key
    /// policy naming `"Service"`), rather than on behalf of `principal`: then `principal`
    /// is the root of the account the service works for (`aws:SourceAccount`), which
    /// places the call (quotas, bare key ids) but is not who policies and grants see.
    pub service_is_caller: bool,
}

impl CallContext {
    /// A call by `principal` at `now`.
    #[must_use]
    pub const fn new(principal: PrincipalArn, now: Timestamp) -> Self {
        Self {
            principal,
            now,
            service_principal: None,
            via_service: None,
            source_ip: None,
            source_vpce: None,
            source_arn: None,
            service_is_caller: false,
        }
    }

    /// A call by the AWS service principal `service_principal` (e.g.
    /// `logs.amazonaws.com`) as itself, at `now`, for the resource `source_arn` of
    /// `source_account` (`aws:SourceArn`, `aws:SourceAccount`): what a grant to a
    /// service principal allows.
    #[must_use]
    pub fn for_service_principal(
        service_principal: impl Into<String>,
        source_arn: impl Into<String>,
        source_account: AccountId,
        now: Timestamp,
    ) -> Self {
        Self {
            service_principal: Some(service_principal.into()),
            source_arn: Some(source_arn.into()),
            service_is_caller: true,
            ..Self::new(PrincipalArn::root(source_account), now)
        }
    }

    /// The service principal when it calls as itself, else `None`.
    #[must_use]
    pub fn calling_service(&self) -> Option<&str> {
        if self.service_is_caller { self.service_principal.as_deref() } else { None }
    }

    /// Sets `aws:SourceArn`.
    #[must_use]
    pub fn with_source_arn(mut self, source_arn: impl Into<String>) -> Self {
        self.source_arn = Some(source_arn.into());
        self
    }

    /// The caller's account.
    #[must_use]
    pub const fn account(&self) -> AccountId {
        self.principal.account()
    }

    /// The same caller at another time.
    #[must_use]
    pub fn at(&self, now: Timestamp) -> Self {
        Self { now, ..self.clone() }
    }

    /// Sets the calling service: `service_principal` (e.g. `s3.amazonaws.com`) through the
    /// endpoint `via_service` (e.g. `s3.us-east-1.amazonaws.com`).
    #[must_use]
    pub fn with_service(
        mut self,
        service_principal: impl Into<String>,
        via_service: impl Into<String>,
    ) -> Self {
        self.service_principal = Some(service_principal.into());
        self.via_service = Some(via_service.into());
        self
    }

    /// Sets the caller's IP address.
    #[must_use]
    pub const fn with_source_ip(mut self, ip: IpAddr) -> Self {
        self.source_ip = Some(ip);
        self
    }

    /// Sets the VPC endpoint id.
    #[must_use]
    pub fn with_source_vpce(mut self, vpce: impl Into<String>) -> Self {
        self.source_vpce = Some(vpce.into());
        self
    }
}

/// Resource limits that AWS enforces per account and Region or per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineLimits {
    /// Customer managed keys per account (AWS default 100,000).
    pub keys_per_account: u32,
    /// Aliases per key (AWS: 50).
    pub aliases_per_key: u32,
    /// Tags per key (50, AWS's general per-resource tag limit; KMS does not document one).
    pub tags_per_key: u32,
    /// On-demand rotations in a key's lifetime (AWS: 25, not adjustable; it was 10 until
    /// 2025).
    pub on_demand_rotations_per_key: u32,
    /// Grants per key, retired and revoked ones not counted (AWS: 50,000).
    pub grants_per_key: u32,
}

impl Default for EngineLimits {
    fn default() -> Self {
        Self {
            keys_per_account: 100_000,
            aliases_per_key: 50,
            tags_per_key: 50,
            on_demand_rotations_per_key: 25,
            grants_per_key: 50_000,
        }
    }
}

/// How to build an [`Engine`]. `Debug` redacts the seed: every key derives from it.
#[derive(Clone)]
pub struct EngineConfig {
    /// The Region the engine serves.
    pub region: Region,
    /// Seed of the engine's CSPRNG: the same seed and the same calls give the same keys and
    /// ciphertexts. Seed from the OS at the edge (a binary) for real use, never inside.
    pub seed: [u8; 32],
    /// Which crypto provider runs the primitives.
    pub provider: ProviderKind,
    /// Where audit records go.
    pub audit_sink: AuditSink,
    /// Resource limits.
    pub limits: EngineLimits,
    /// How long an on-demand rotation runs before its new material is current [ns]; AWS
    /// rotates in the background (seconds). 0 completes it within the call.
    pub on_demand_rotation_ns: u64,
    /// Request-rate quotas: AWS's defaults for the Region unless overridden or disabled.
    pub quotas: QuotaConfig,
    /// How long a new multi-Region replica stays `Creating` after its first message
    /// arrives [ns]; AWS says "a few seconds". 0 makes it usable at once.
    pub replica_creation_ns: u64,
    /// How long ConnectCustomKeyStore stays `CONNECTING` [ns]; AWS says "an extended
    /// amount of time". 0 connects at once.
    pub custom_key_store_connect_ns: u64,
    /// Rules evaluated over every call's audit event (see [`crate::alarms`]); none by
    /// default, and then they cost one branch per call.
    pub alarm_rules: Vec<AlarmRule>,
    /// How long a grant change takes to reach all of KMS [ns]; AWS says "usually less than
    /// five minutes". A new grant allows nothing for this long unless the request presents
    /// one of its tokens; a retired or revoked grant, gone from the listings at once, keeps
    /// allowing for this long. 0 (the default) makes every change take effect at once.
    pub grant_propagation_ns: u64,
    /// Which identity (IAM) policies callers have: [`IdentityModel::AllowAll`] (the
    /// default) unless registered with [`Engine::put_identity_policy`], or only the
    /// registered ones ([`IdentityModel::Explicit`]).
    pub identity: IdentityModel,
}

impl std::fmt::Debug for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineConfig")
            .field("region", &self.region)
            .field("seed", &crate::secret::REDACTED)
            .field("provider", &self.provider)
            .field("audit_sink", &self.audit_sink)
            .field("limits", &self.limits)
            .field("on_demand_rotation_ns", &self.on_demand_rotation_ns)
            .field("quotas", &self.quotas)
            .field("replica_creation_ns", &self.replica_creation_ns)
            .field("custom_key_store_connect_ns", &self.custom_key_store_connect_ns)
            .field("alarm_rules", &self.alarm_rules)
            .field("grant_propagation_ns", &self.grant_propagation_ns)
            .field("identity", &self.identity)
            .finish()
    }
}

impl EngineConfig {
    /// An engine for `region` seeded with `seed`, with the default provider, audit sink and
    /// limits.
    ///
    /// A `u64` seed is for reproducible simulations: 64 bits cannot protect real secrets. A
    /// deployment that keeps real data sets [`EngineConfig::seed`] to 32 bytes from the OS.
    #[must_use]
    pub fn new(region: Region, seed: u64) -> Self {
        let mut expanded = [0u8; 32];
        expanded[..8].copy_from_slice(&seed.to_le_bytes());
        expanded[8..12].copy_from_slice(b"kmsi");
        Self {
            region,
            seed: expanded,
            provider: ProviderKind::default(),
            audit_sink: AuditSink::default(),
            limits: EngineLimits::default(),
            on_demand_rotation_ns: 0,
            quotas: QuotaConfig::default(),
            replica_creation_ns: 0,
            custom_key_store_connect_ns: 0,
            alarm_rules: Vec::new(),
            grant_propagation_ns: 0,
            identity: IdentityModel::AllowAll,
        }
    }

    /// Sets the identity model.
    #[must_use]
    pub const fn with_identity(mut self, identity: IdentityModel) -> Self {
        self.identity = identity;
        self
    }

    /// Sets the alarm rules (check them with [`crate::alarms::validate`] first).
    #[must_use]
    pub fn with_alarm_rules(mut self, rules: Vec<AlarmRule>) -> Self {
        self.alarm_rules = rules;
        self
    }

    /// Sets how long grant changes take to propagate [ns].
    #[must_use]
    pub const fn with_grant_propagation_ns(mut self, nanos: u64) -> Self {
        self.grant_propagation_ns = nanos;
        self
    }

    /// Sets how long a custom key store takes to connect [ns].
    #[must_use]
    pub const fn with_custom_key_store_connect_ns(mut self, nanos: u64) -> Self {
        self.custom_key_store_connect_ns = nanos;
        self
    }

    /// Sets how long a new replica stays `Creating` [ns].
    #[must_use]
    pub const fn with_replica_creation_ns(mut self, nanos: u64) -> Self {
        self.replica_creation_ns = nanos;
        self
    }

    /// Sets the request-rate quotas; `QuotaConfig::disabled()` turns throttling off.
    #[must_use]
    pub fn with_quotas(mut self, quotas: QuotaConfig) -> Self {
        self.quotas = quotas;
        self
    }

    /// Sets the crypto provider.
    #[must_use]
    pub const fn with_provider(mut self, provider: ProviderKind) -> Self {
        self.provider = provider;
        self
    }

    /// Sets the audit sink.
    #[must_use]
    pub const fn with_audit_sink(mut self, sink: AuditSink) -> Self {
        self.audit_sink = sink;
        self
    }

    /// Sets the resource limits.
    #[must_use]
    pub const fn with_limits(mut self, limits: EngineLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets how long an on-demand rotation runs [ns].
    #[must_use]
    pub const fn with_on_demand_rotation_ns(mut self, nanos: u64) -> Self {
        self.on_demand_rotation_ns = nanos;
        self
    }
}

/// Something the engine did on its own when time advanced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineEvent {
    /// A key's material was rotated: new encryptions use `key_material_id`.
    KeyRotated {
        /// The rotated key.
        key: KeyArn,
        /// The new current material.
        key_material_id: crate::id::KeyMaterialId,
        /// Automatic or on demand.
        rotation_type: crate::spec::RotationType,
        /// When the rotation happened.
        at: Timestamp,
    },
    /// Imported key material reached its `ValidTo`: the key is PendingImport again.
    KeyMaterialExpired {
        /// The key.
        key: KeyArn,
        /// When the material expired.
        at: Timestamp,
    },
    /// A key's deletion window ended: the key, its material and its aliases are gone.
    KeyDeleted {
        /// The deleted key.
        key: KeyArn,
        /// When the deletion was due.
        at: Timestamp,
    },
}

/// An alias as stored.
#[derive(Clone, Debug)]
pub(crate) struct AliasRecord {
    pub(crate) target: KeyId,
    pub(crate) creation_date: Timestamp,
    pub(crate) last_updated_date: Timestamp,
}

/// Every key of a Region by id: a hash table, not an ordered map, because every call looks
/// its key up several times (quota, resolution, authorisation, metering) and a B-tree search
/// over random 16-byte ids cost more than the modelled cryptography. It offers no iteration
/// in its own order, so nothing can come to depend on it: ListKeys reads
/// [`Store::account_keys`], and results stay deterministic.
#[derive(Debug, Default)]
#[expect(
    clippy::disallowed_types,
    reason = "lookups only: the table offers no iteration, so no order can reach a result"
)]
pub(crate) struct KeyTable(rustc_hash::FxHashMap<KeyId, KeyRecord>);

impl KeyTable {
    pub(crate) fn get(&self, id: &KeyId) -> Option<&KeyRecord> {
        self.0.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &KeyId) -> Option<&mut KeyRecord> {
        self.0.get_mut(id)
    }

    pub(crate) fn contains_key(&self, id: &KeyId) -> bool {
        self.0.contains_key(id)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether any key satisfies `predicate` (an answer no order can change).
    pub(crate) fn any(&self, predicate: impl FnMut(&KeyRecord) -> bool) -> bool {
        self.0.values().any(predicate)
    }

    fn insert(&mut self, id: KeyId, record: KeyRecord) -> Option<KeyRecord> {
        self.0.insert(id, record)
    }

    fn remove(&mut self, id: &KeyId) -> Option<KeyRecord> {
        self.0.remove(id)
    }
}

impl std::ops::Index<&KeyId> for KeyTable {
    type Output = KeyRecord;

    fn index(&self, id: &KeyId) -> &KeyRecord {
        &self.0[id]
    }
}

/// The keys and aliases of one Region, with the indexes the operations need.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) keys: KeyTable,
    /// Every key by account, for ListKeys.
    pub(crate) account_keys: BTreeSet<(AccountId, KeyId)>,
    /// Keys per account, for the per-account key limit without counting on every CreateKey.
    pub(crate) key_counts: BTreeMap<AccountId, usize>,
    pub(crate) aliases: BTreeMap<(AccountId, AliasName), AliasRecord>,
    /// Work that falls due with time, in the order it is done: by time, then kind, then key.
    pub(crate) due: BTreeSet<(Timestamp, Due, KeyId)>,
    /// Deleted multi-Region replicas and the generation (ReplicateKey) that made them: only
    /// a later ReplicateKey may create them again, whatever late messages arrive.
    pub(crate) replica_tombstones: BTreeMap<(AccountId, KeyId), u64>,
    /// Custom key stores by id.
    pub(crate) custom_key_stores: BTreeMap<String, custom_key_stores::CustomKeyStore>,
    /// Custom key stores finishing a connection, by when.
    pub(crate) store_connections: BTreeSet<(Timestamp, String)>,
    /// Wrapping key pairs issued by GetParametersForImport, by token id.
    pub(crate) import_tokens: BTreeMap<[u8; 32], import::ImportParameters>,
    /// Grants that are not retired, by retiring principal, for ListRetirableGrants.
    pub(crate) retirable: BTreeSet<(grant::Retiring, KeyId, GrantId)>,
    /// Each account's default key policy, parsed at its first key: keys share it.
    pub(crate) default_policies: BTreeMap<AccountId, std::sync::Arc<crate::policy::PolicyDocument>>,
    /// The callers' identity policies and the identity model.
    pub(crate) identities: policies::Identities,
    /// Aliases per key ([`EngineLimits::aliases_per_key`]): `kms:ResourceAliases` is
    /// filled only for a key within it, as AWS does.
    pub(crate) aliases_per_key: u32,
}

impl Store {
    /// Stores a new key and indexes it.
    /// Stores a new key. Only customer managed keys count against the account's quota.
    pub(crate) fn insert_key(&mut self, record: KeyRecord) {
        let (account, key_id) = (record.arn.account, record.arn.key_id);
        let counted = record.manager == KeyManager::Customer;
        if self.keys.insert(key_id, record).is_none() {
            self.account_keys.insert((account, key_id));
            if counted {
                *self.key_counts.entry(account).or_default() += 1;
            }
        }
    }

    /// Removes a key and its index entries.
    pub(crate) fn remove_key(&mut self, key_id: KeyId) -> Option<KeyRecord> {
        let key = self.keys.remove(&key_id)?;
        let account = key.arn.account;
        self.account_keys.remove(&(account, key_id));
        if key.manager == KeyManager::Customer
            && let Some(count) = self.key_counts.get_mut(&account)
        {
            *count = count.saturating_sub(1);
        }
        Some(key)
    }

    /// Checks that every grant token names a grant that exists at `now` (retired ones
    /// still do until the propagation delay has passed).
    pub(crate) fn check_grant_tokens_known(
        &self,
        tokens: &[String],
        now: Timestamp,
    ) -> Result<(), KmsError> {
        for token in tokens {
            let token = GrantToken::decode(token)?;
            let known = self
                .keys
                .get(&token.key_id)
                .is_some_and(|key| key.grants.exists_at(token.grant_id, now));
            if !known {
                return Err(grant::invalid_grant_token());
            }
        }
        Ok(())
    }

    /// The names of `key`'s aliases, in name order (`kms:ResourceAliases`). Reads the
    /// aliases of the key's account: only a policy that reads the condition key asks.
    pub(crate) fn alias_names_of(&self, key: &KeyRecord) -> Vec<&AliasName> {
        let account = key.arn.account;
        self.aliases
            .range((account, AliasName::lowest())..)
            .take_while(|((alias_account, _), _)| *alias_account == account)
            .filter(|(_, alias)| alias.target == key.arn.key_id)
            .map(|((_, name), _)| name)
            .collect()
    }

    /// The keys `account` has in this Region, in every state.
    pub(crate) fn key_count(&self, account: AccountId) -> usize {
        self.key_counts.get(&account).copied().unwrap_or(0)
    }

    /// A key's state as callers see it: a key in a custom key store that is not connected
    /// is `Unavailable`, unless it is pending deletion (AWS footnote 13); its own state
    /// (Enabled or Disabled) returns when the store reconnects.
    pub(crate) fn effective_state(&self, key: &KeyRecord) -> KeyState {
        let disconnected = key.custom_key_store.as_ref().is_some_and(|link| {
            self.custom_key_stores
                .get(&link.store_id)
                .is_none_or(|store| store.connection_state != ConnectionState::Connected)
        });
        if disconnected && !matches!(key.state, KeyState::PendingDeletion) {
            KeyState::Unavailable
        } else {
            key.state
        }
    }
}

/// Time-driven work. At one instant, rotations happen before deletions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Due {
    /// A new multi-Region replica finishes `Creating`.
    ReplicaCreated,
    /// An on-demand rotation's new material becomes current.
    FinishOnDemandRotation,
    /// The automatic rotation schedule fires.
    AutomaticRotation,
    /// Imported key material reaches its `ValidTo`.
    MaterialExpires,
    /// The deletion window ends.
    Delete,
}

/// The keys (at most two) a call touched, for the audit record's `resources`.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    keys: [Option<KeyArn>; 2],
    response_elements: Option<Value>,
    /// The grant that allowed the call (the first, if both keys of a ReEncrypt needed
    /// one), or the grant RetireGrant retired: the record's `additionalEventData`.
    grant: Option<GrantId>,
}

impl Touched {
    pub(crate) fn key(&mut self, arn: KeyArn) {
        if let Some(slot) = self.keys.iter_mut().find(|slot| slot.is_none() || **slot == Some(arn))
        {
            *slot = Some(arn);
        }
    }

    pub(crate) fn grant(&mut self, grant_id: GrantId) {
        self.grant.get_or_insert(grant_id);
    }
}

/// What a call asks of one key, as authorization sees it: the operation, the permission a
/// grant must include, and what a grant's conditions read from the request.
///
/// Borrowed from the request, so building one costs nothing. [`Engine::authorize`] takes
/// `impl Into<Access>`, so the common case, an operation with no context and no tokens, is
/// passed as the bare [`Operation`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Access<'r> {
    /// The operation called: what the key-state table checks.
    pub(crate) operation: Operation,
    /// The permission the call needs on this key, `kms:<permission>`, as a grant names it;
    /// `None` for operations no grant can allow (management operations).
    pub(crate) permission: Option<GrantOperation>,
    /// The request's encryption context for this key (ReEncrypt: the source's or the
    /// destination's); `None` for requests that carry none.
    pub(crate) encryption_context: Option<&'r EncryptionContext>,
    /// The request's `GrantTokens`.
    pub(crate) grant_tokens: &'r [String],
    /// Whether a token that names no known grant fails the call
    /// (`InvalidGrantTokenException`) rather than being ignored: true for the operations
    /// whose AWS error list has that exception.
    pub(crate) tokens_must_be_known: bool,
    /// For CreateGrant: the grant to be created, which a grant allowing it must cover.
    pub(crate) new_grant: Option<NewGrant<'r>>,
    /// The request's `EncryptionAlgorithm` (`kms:EncryptionAlgorithm`); `None` when
    /// omitted (the policy context then reads SYMMETRIC_DEFAULT).
    pub(crate) encryption_algorithm: Option<EncryptionAlgorithmSpec>,
    /// ScheduleKeyDeletion's `PendingWindowInDays`, when given [days].
    pub(crate) pending_window_in_days: Option<u32>,
    /// EnableKeyRotation's `RotationPeriodInDays`, when given [days].
    pub(crate) rotation_period_in_days: Option<u32>,
    /// Sign and Verify's `SigningAlgorithm` and `MessageType` (`kms:SigningAlgorithm`,
    /// `kms:MessageType`).
    pub(crate) signing: Option<(SigningAlgorithmSpec, MessageType)>,
    /// DeriveSharedSecret's `KeyAgreementAlgorithm` (`kms:KeyAgreementAlgorithm`).
    pub(crate) key_agreement_algorithm: Option<KeyAgreementAlgorithmSpec>,
    /// GenerateDataKeyPair's `KeyPairSpec` (`kms:DataKeyPairSpec`).
    pub(crate) data_key_pair_spec: Option<DataKeyPairSpec>,
    /// The alias the request named the key by, as an alias name or alias ARN
    /// (`kms:RequestAlias`: the alias name either way); `None` for a key id or key ARN.
    pub(crate) request_alias: Option<&'r AliasName>,
    /// The tags a TagResource (`aws:RequestTag/*`, `aws:TagKeys`) or the tag keys an
    /// UntagResource (`aws:TagKeys`) asks for.
    pub(crate) request_tags: Option<RequestTags<'r>>,
}

/// The tags a request carries, as the tag condition keys see them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RequestTags<'r> {
    /// TagResource's (and CreateKey's) `Tags`: `aws:RequestTag/<key>` and `aws:TagKeys`.
    Tags(&'r [Tag]),
    /// UntagResource's `TagKeys`: `aws:TagKeys` alone.
    Keys(&'r [String]),
}

/// The grant a CreateGrant would create, as far as a grant allowing it cares.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NewGrant<'r> {
    pub(crate) operations: &'r [GrantOperation],
    pub(crate) constraints: Option<&'r GrantConstraints>,
    /// `GranteePrincipal` (`kms:GranteePrincipal`); `None` for a grant to a service
    /// principal.
    pub(crate) grantee: Option<&'r str>,
}

impl<'r> Access<'r> {
    /// `operation` with no encryption context and no grant tokens; its permission is the
    /// grant operation of the same name, if there is one.
    pub(crate) const fn new(operation: Operation) -> Self {
        use GrantOperation as G;
        use Operation as O;
        let permission = match operation {
            O::Decrypt => Some(G::Decrypt),
            O::Encrypt => Some(G::Encrypt),
            O::GenerateDataKey => Some(G::GenerateDataKey),
            O::GenerateDataKeyWithoutPlaintext => Some(G::GenerateDataKeyWithoutPlaintext),
            O::GenerateMac => Some(G::GenerateMac),
            O::VerifyMac => Some(G::VerifyMac),
            O::DescribeKey => Some(G::DescribeKey),
            O::Sign => Some(G::Sign),
            O::Verify => Some(G::Verify),
            O::GetPublicKey => Some(G::GetPublicKey),
            O::DeriveSharedSecret => Some(G::DeriveSharedSecret),
            O::GenerateDataKeyPair => Some(G::GenerateDataKeyPair),
            O::GenerateDataKeyPairWithoutPlaintext => Some(G::GenerateDataKeyPairWithoutPlaintext),
            O::CreateGrant => Some(G::CreateGrant),
            O::RetireGrant => Some(G::RetireGrant),
            // ReEncrypt needs one permission per key: see `re_encrypt_from`/`re_encrypt_to`.
            _ => None,
        };
        Self {
            operation,
            permission,
            encryption_context: None,
            grant_tokens: &[],
            tokens_must_be_known: true,
            new_grant: None,
            encryption_algorithm: None,
            pending_window_in_days: None,
            rotation_period_in_days: None,
            signing: None,
            key_agreement_algorithm: None,
            data_key_pair_spec: None,
            request_alias: None,
            request_tags: None,
        }
    }

    /// Named by `key_ref`: an alias name or alias ARN becomes `kms:RequestAlias`.
    pub(crate) const fn named_by(mut self, key_ref: &'r KeyRef) -> Self {
        self.request_alias = match key_ref {
            KeyRef::AliasName(name) => Some(name),
            KeyRef::AliasArn(arn) => Some(&arn.name),
            KeyRef::KeyId(_) | KeyRef::KeyArn(_) => None,
        };
        self
    }

    /// With the tags (or tag keys) of a TagResource or UntagResource.
    pub(crate) const fn with_request_tags(mut self, tags: RequestTags<'r>) -> Self {
        self.request_tags = Some(tags);
        self
    }

    /// With Sign or Verify's `SigningAlgorithm` and `MessageType`.
    pub(crate) const fn with_signing(
        mut self,
        algorithm: SigningAlgorithmSpec,
        message_type: MessageType,
    ) -> Self {
        self.signing = Some((algorithm, message_type));
        self
    }

    /// With DeriveSharedSecret's `KeyAgreementAlgorithm`.
    pub(crate) const fn with_key_agreement_algorithm(
        mut self,
        algorithm: KeyAgreementAlgorithmSpec,
    ) -> Self {
        self.key_agreement_algorithm = Some(algorithm);
        self
    }

    /// With GenerateDataKeyPair's `KeyPairSpec`.
    pub(crate) const fn with_data_key_pair_spec(mut self, spec: DataKeyPairSpec) -> Self {
        self.data_key_pair_spec = Some(spec);
        self
    }

    /// With the request's `EncryptionAlgorithm`.
    pub(crate) const fn with_encryption_algorithm(
        mut self,
        algorithm: Option<EncryptionAlgorithmSpec>,
    ) -> Self {
        self.encryption_algorithm = algorithm;
        self
    }

    /// With ScheduleKeyDeletion's `PendingWindowInDays`.
    pub(crate) const fn with_pending_window_in_days(mut self, days: Option<u32>) -> Self {
        self.pending_window_in_days = days;
        self
    }

    /// With EnableKeyRotation's `RotationPeriodInDays`.
    pub(crate) const fn with_rotation_period_in_days(mut self, days: Option<u32>) -> Self {
        self.rotation_period_in_days = days;
        self
    }

    /// ReEncrypt's access to its source key: `kms:ReEncryptFrom`.
    pub(crate) const fn re_encrypt_from() -> Self {
        Self { permission: Some(GrantOperation::ReEncryptFrom), ..Self::new(Operation::ReEncrypt) }
    }

    /// ReEncrypt's access to its destination key: `kms:ReEncryptTo`.
    pub(crate) const fn re_encrypt_to() -> Self {
        Self { permission: Some(GrantOperation::ReEncryptTo), ..Self::new(Operation::ReEncrypt) }
    }

    /// With the request's encryption context for this key.
    pub(crate) const fn with_context(mut self, context: &'r EncryptionContext) -> Self {
        self.encryption_context = Some(context);
        self
    }

    /// With the request's `GrantTokens`, each of which must name a known grant.
    pub(crate) const fn with_grant_tokens(mut self, tokens: &'r [String]) -> Self {
        self.grant_tokens = tokens;
        self
    }

    /// With the request's `GrantTokens`, those that name no known grant ignored: for
    /// operations whose AWS error list has no `InvalidGrantTokenException` (DescribeKey).
    pub(crate) const fn with_grant_tokens_if_known(mut self, tokens: &'r [String]) -> Self {
        self.grant_tokens = tokens;
        self.tokens_must_be_known = false;
        self
    }

    /// With the grant a CreateGrant would create.
    pub(crate) const fn creating(mut self, new_grant: NewGrant<'r>) -> Self {
        self.new_grant = Some(new_grant);
        self
    }

    /// The action a policy sees and AWS names in an access-denied message, e.g.
    /// `kms:ReEncryptFrom`.
    fn action(&self) -> &'static str {
        self.permission.map_or(self.operation.action(), GrantOperation::action)
    }
}

impl From<Operation> for Access<'_> {
    fn from(operation: Operation) -> Self {
        Self::new(operation)
    }
}

/// The ids of one call's audit record: `requestID` and `eventID`. Drawn for every call
/// (16 random bytes each, formatted as UUIDs only when shown) so GetKeyLastUsage can name
/// them whatever the audit sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CallIds {
    pub(crate) request_id: [u8; 16],
    pub(crate) event_id: [u8; 16],
}

impl CallIds {
    fn draw(rng: &mut EngineRng) -> Self {
        Self { request_id: random_array(rng), event_id: random_array(rng) }
    }

    pub(crate) fn request_id(&self) -> String {
        KeyId::single_region(self.request_id).to_string()
    }

    pub(crate) fn event_id(&self) -> String {
        KeyId::single_region(self.event_id).to_string()
    }
}

/// Whether a call still has to pass the quota front door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Admission {
    /// Count it against its quota first (every call, unless the caller says otherwise).
    FrontDoor,
    /// [`Engine::admit`] already did.
    Admitted,
}

/// What the call path needs to know about a request before running it.
pub(crate) trait Audited {
    /// The non-secret members, as CloudTrail's `requestParameters`.
    fn audit_parameters(&self) -> Value;

    /// The key the request uses, as far as the front door can tell: its quota class
    /// depends on the key's type.
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::None
    }

    /// The key spec the quota depends on instead of the key's: GenerateDataKeyPair counts
    /// against the quota of the pair it generates, not of its wrapping key.
    fn quota_spec(&self) -> Option<crate::spec::KeySpec> {
        None
    }

    /// A custom key store the request uses directly (GenerateRandom).
    fn quota_store(&self) -> Option<&str> {
        None
    }

    /// Adds the request's condition keys to `request`, for an operation that names no key
    /// and so is decided by identity policies alone (CreateKey: `kms:KeySpec`, …, with
    /// AWS's defaults for omitted members). Most such requests have none.
    fn key_less_condition_keys<'a>(
        &'a self,
        request: crate::policy::RequestContext<'a>,
    ) -> crate::policy::RequestContext<'a> {
        request
    }
}

/// How a request names the key its quota depends on.
#[derive(Clone, Copy, Debug)]
pub(crate) enum QuotaKey<'r> {
    /// No key, or one whose type does not change the quota.
    None,
    /// A key reference.
    Ref(&'r KeyRef),
    /// A ciphertext, whose header names the key.
    Blob(&'r [u8]),
}

/// One Region's KMS. See the crate docs for an example.
#[derive(Debug)]
pub struct Engine {
    region: Region,
    provider: &'static CryptoProvider,
    limits: EngineLimits,
    on_demand_rotation_ns: u64,
    quotas: Quotas,
    replica_creation_ns: u64,
    custom_key_store_connect_ns: u64,
    grant_propagation_ns: u64,
    /// Key ids, key material, salts, nonces, data keys, random bytes.
    rng: EngineRng,
    /// Request and event ids for audit records: a separate stream, so choosing another
    /// audit sink never changes a key or a ciphertext.
    id_rng: EngineRng,
    store: Store,
    audit: AuditLog,
    alarms: AlarmEvaluator,
    events: Vec<EngineEvent>,
    /// Replication messages for other Regions, until the caller drains them.
    outbox: Vec<ReplicationMessage>,
    /// The latest time the engine has advanced to.
    clock: Timestamp,
}

impl Engine {
    /// A new, empty engine.
    #[must_use]
    pub fn new(config: EngineConfig) -> Self {
        let rng = EngineRng::new(config.provider, config.seed, 0);
        let id_rng = EngineRng::new(config.provider, config.seed, 1);
        Self {
            region: config.region,
            provider: config.provider.provider(),
            limits: config.limits,
            on_demand_rotation_ns: config.on_demand_rotation_ns,
            quotas: Quotas::new(config.region, config.quotas),
            replica_creation_ns: config.replica_creation_ns,
            custom_key_store_connect_ns: config.custom_key_store_connect_ns,
            grant_propagation_ns: config.grant_propagation_ns,
            rng,
            id_rng,
            store: Store {
                identities: policies::Identities::new(config.identity),
                aliases_per_key: config.limits.aliases_per_key,
                ..Store::default()
            },
            audit: AuditLog::new(config.audit_sink),
            alarms: AlarmEvaluator::new(config.region, config.alarm_rules),
            events: Vec::new(),
            outbox: Vec::new(),
            clock: Timestamp::UNIX_EPOCH,
        }
    }

    /// The Region this engine serves.
    #[must_use]
    pub const fn region(&self) -> Region {
        self.region
    }

    /// The crypto provider in use.
    #[must_use]
    pub const fn provider(&self) -> ProviderKind {
        self.provider.kind
    }

    /// The audit log.
    #[must_use]
    pub const fn audit_log(&self) -> &AuditLog {
        &self.audit
    }

    /// The audit log, to drain records from.
    pub const fn audit_log_mut(&mut self) -> &mut AuditLog {
        &mut self.audit
    }

    /// The alarms raised so far, in the order they were raised. An alarm still in progress
    /// keeps growing (`count`, `last_event_time`) until its rule re-arms.
    #[must_use]
    pub fn alarms(&self) -> &[Alarm] {
        self.alarms.raised()
    }

    /// The alarm rules the engine evaluates.
    #[must_use]
    pub fn alarm_rules(&self) -> &[AlarmRule] {
        self.alarms.rules()
    }

    /// Number of keys in every state, all accounts.
    #[must_use]
    pub fn key_count(&self) -> usize {
        self.store.keys.len()
    }

    /// The request-rate quota of `class` in this Region [requests/s], as the front door
    /// applies it; `None` when quotas are off or the class has none.
    #[must_use]
    pub fn quota_rate(&self, class: crate::quota::QuotaClass) -> Option<crate::quota::RequestRate> {
        self.quotas.rate(class)
    }

    /// The latest time the engine has advanced to.
    #[must_use]
    pub const fn clock(&self) -> Timestamp {
        self.clock
    }

    /// Performs everything that falls due up to `now`, in time order: automatic rotations
    /// (a `RotateKey` event), on-demand rotations finishing, and deletions at the end of a
    /// waiting window (the key, its material and its aliases go; a `DeleteKey` event).
    /// Each call does this first for its own `now`, so calls never see overdue state.
    pub fn advance_to(&mut self, now: Timestamp) {
        self.clock = self.clock.max(now);
        custom_key_stores::finish_connections(self, now);
        while let Some(&(at, due, key_id)) = self.store.due.first() {
            if at > now {
                break;
            }
            self.store.due.pop_first();
            match due {
                Due::Delete => self.delete_key(key_id, at),
                Due::AutomaticRotation => rotation::automatic_rotation_due(self, key_id, at),
                Due::FinishOnDemandRotation => rotation::finish_on_demand(self, key_id, at),
                Due::ReplicaCreated => multi_region::replica_created(self, key_id),
                Due::MaterialExpires => import::material_expired(self, key_id, at),
            }
        }
    }

    fn delete_key(&mut self, key_id: KeyId, at: Timestamp) {
        let Some(key) = self.store.remove_key(key_id) else { return };
        let account = key.arn.account;
        // Whatever else was scheduled or issued for the key goes with it: the entries it can
        // have are known, so no scan of the whole queue.
        if let Some(schedule) = key.rotation {
            self.store.due.remove(&(schedule.next_rotation, Due::AutomaticRotation, key_id));
        }
        if let Some(valid_to) = key.imported.and_then(|i| i.valid_to) {
            self.store.due.remove(&(valid_to, Due::MaterialExpires, key_id));
        }
        if let Some(started) = key.on_demand_rotation_start {
            let done = started.plus_nanos(self.on_demand_rotation_ns);
            self.store.due.remove(&(done, Due::FinishOnDemandRotation, key_id));
        }
        if key.state == KeyState::Creating {
            let created = key.creation_date.plus_nanos(self.replica_creation_ns);
            self.store.due.remove(&(created, Due::ReplicaCreated, key_id));
        }
        self.store.import_tokens.retain(|_, parameters| parameters.key_id != key_id);
        // Its grants go with it.
        for grant in key.grants.iter_live() {
            if let Some(retiring) = grant.retiring() {
                self.store.retirable.remove(&(retiring, key_id, grant.id));
            }
        }
        let doomed: Vec<_> = self
            .store
            .aliases
            .range((account, AliasName::lowest())..)
            .take_while(|((alias_account, _), _)| *alias_account == account)
            .filter(|(_, alias)| alias.target == key_id)
            .map(|(slot, _)| slot.clone())
            .collect();
        for slot in doomed {
            self.store.aliases.remove(&slot);
        }
        self.service_event("DeleteKey", at, &key.arn, serde_json::json!(null));
        self.events.push(EngineEvent::KeyDeleted { key: key.arn, at });
        multi_region::key_deleted(self, &key, at);
    }

    /// Removes and returns the replication messages for other Regions, oldest first.
    /// Deliver each to its `destination_region`'s engine with [`Engine::apply_replication`].
    pub fn drain_outbox(&mut self) -> Vec<ReplicationMessage> {
        std::mem::take(&mut self.outbox)
    }

    /// Applies a replication message from another Region's engine at `now` (after
    /// performing what fell due by then). Duplicates and out-of-order messages are
    /// harmless: only a newer shared state is applied, and material versions are merged.
    ///
    /// # Errors
    /// `ValidationException` if the message is for another Region.
    pub fn apply_replication(
        &mut self,
        message: ReplicationMessage,
        now: Timestamp,
    ) -> Result<(), KmsError> {
        if message.destination_region != self.region {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!(
                    "a replication message for {} was delivered to {}",
                    message.destination_region, self.region
                ),
            ));
        }
        self.advance_to(now);
        multi_region::apply(self, message, now);
        Ok(())
    }

    /// Removes and returns what the engine did on its own since the last call.
    pub fn drain_events(&mut self) -> Vec<EngineEvent> {
        std::mem::take(&mut self.events)
    }

    fn service_event(&mut self, name: &'static str, at: Timestamp, key: &KeyArn, params: Value) {
        self.audit.count_service_event(name);
        // Drawn whatever the sink, so the id stream (and every id after) does not depend on it.
        let ids = CallIds::draw(&mut self.id_rng);
        if !self.audit.keeps_records() {
            return;
        }
        let record = AuditRecord {
            user_identity: UserIdentity {
                identity_type: None,
                arn: None,
                account_id: key.account,
                invoked_by: Some("kms.amazonaws.com".to_owned()),
            },
            event_time: at,
            event_name: name,
            source_ip_address: None,
            request_parameters: params,
            response_elements: Value::Null,
            error_code: None,
            error_message: None,
            read_only: false,
            resources: vec![AuditResource::key(key)],
            event_type: "AwsServiceEvent",
            recipient_account_id: key.account,
            ..self.record_template(ids)
        };
        self.audit.push(record);
    }

    fn record_template(&self, ids: CallIds) -> AuditRecord {
        let (request_id, event_id) = (ids.request_id(), ids.event_id());
        AuditRecord {
            event_version: "1.08",
            user_identity: UserIdentity {
                identity_type: None,
                arn: None,
                account_id: AccountId(0),
                invoked_by: None,
            },
            event_time: self.clock,
            event_source: "kms.amazonaws.com",
            event_name: "",
            aws_region: self.region,
            source_ip_address: None,
            request_parameters: Value::Null,
            response_elements: Value::Null,
            additional_event_data: Value::Null,
            error_code: None,
            error_message: None,
            request_id,
            event_id,
            read_only: false,
            resources: Vec::new(),
            event_type: "AwsApiCall",
            management_event: true,
            recipient_account_id: AccountId(0),
            event_category: "Management",
        }
    }

    /// The one path every call takes.
    fn call<Q: Audited, P>(
        &mut self,
        ctx: &CallContext,
        operation: Operation,
        request: Q,
        admission: Admission,
        run: fn(&mut Self, &CallContext, Q, &mut Touched) -> Result<P, KmsError>,
    ) -> Result<P, KmsError> {
        self.advance_to(ctx.now);
        let mut touched = Touched::default();
        let ids = CallIds::draw(&mut self.id_rng);
        let admitted = match admission {
            Admission::FrontDoor => self.check_quota(ctx, operation, &request),
            Admission::Admitted => Ok(()),
        };
        // The operation owns its request (Encrypt seals the plaintext in place), so the
        // audit parameters are taken first, and only if a record will be kept.
        let parameters = self.audit.keeps_records().then(|| request.audit_parameters());
        let result = match admitted {
            Ok(()) if policies::names_no_key(operation) => {
                match policies::check_key_less(&self.store, ctx, operation, &request) {
                    Ok(()) => run(self, ctx, request, &mut touched),
                    Err(denied) => Err(denied),
                }
            }
            Ok(()) => run(self, ctx, request, &mut touched),
            Err(throttled) => Err(throttled),
        };
        self.finish_call(ctx, operation, parameters, result.as_ref().err(), &mut touched, ids);
        result
    }

    /// The front door alone, for [`Engine::admit`]: a refused call is counted and audited
    /// exactly as [`Engine::call`] would; an admitted one leaves no trace until it runs.
    fn front_door<Q: Audited>(
        &mut self,
        ctx: &CallContext,
        operation: Operation,
        request: &Q,
    ) -> Result<(), KmsError> {
        self.advance_to(ctx.now);
        let Err(throttled) = self.check_quota(ctx, operation, request) else { return Ok(()) };
        let ids = CallIds::draw(&mut self.id_rng);
        let parameters = self.audit.keeps_records().then(|| request.audit_parameters());
        self.finish_call(
            ctx,
            operation,
            parameters,
            Some(&throttled),
            &mut Touched::default(),
            ids,
        );
        Err(throttled)
    }

    /// What every call leaves behind: its count, the keys' last usage, its audit record,
    /// and what the alarm rules make of it.
    fn finish_call(
        &mut self,
        ctx: &CallContext,
        operation: Operation,
        parameters: Option<Value>,
        error: Option<&KmsError>,
        touched: &mut Touched,
        ids: CallIds,
    ) {
        self.audit.count_call(operation, error.is_some());
        if error.is_none() && operation.tracks_last_usage() {
            for arn in touched.keys.iter().flatten() {
                if let Some(key) = self.store.keys.get_mut(&arn.key_id) {
                    key.last_usage = Some(LastUsage { operation, at: ctx.now, ids });
                }
            }
        }
        // The only cost of alarms when there are no rules: simulations make millions of
        // calls per second.
        if !self.alarms.is_empty() {
            let store = &self.store;
            let event = CallEvent {
                time: self.clock,
                operation,
                error: error.map(|e| e.kind),
                keys: &touched.keys,
                ctx,
            };
            self.alarms.observe(&event, |arn| {
                store.keys.get(&arn.key_id).map(|key| store.effective_state(key))
            });
        }
        if let Some(parameters) = parameters {
            let record = AuditRecord {
                user_identity: match ctx.calling_service() {
                    Some(service) => service_identity(service, ctx.account()),
                    None => caller_identity(&ctx.principal, ctx.service_principal.as_deref()),
                },
                event_time: ctx.now,
                event_name: operation.as_str(),
                source_ip_address: ctx
                    .source_ip
                    .map(|ip| ip.to_string())
                    .or_else(|| ctx.service_principal.clone()),
                request_parameters: without_nulls(parameters),
                response_elements: touched.response_elements.take().unwrap_or(Value::Null),
                additional_event_data: touched
                    .grant
                    .map_or(Value::Null, |id| serde_json::json!({ "grantId": id.to_string() })),
                error_code: error.map(KmsError::aws_code),
                error_message: error.map(|e| e.message.clone()).filter(|m| !m.is_empty()),
                read_only: operation.is_read_only(),
                resources: touched.keys.iter().flatten().map(AuditResource::key).collect(),
                recipient_account_id: ctx.account(),
                ..self.record_template(ids)
            };
            self.audit.push(record);
        }
    }

    /// The front door: counts the call against its request-rate quota, in the caller's
    /// account (cross-account calls too, as AWS does), before anything else happens.
    fn check_quota<Q: Audited>(
        &mut self,
        ctx: &CallContext,
        operation: Operation,
        request: &Q,
    ) -> Result<(), KmsError> {
        if !self.quotas.is_enabled() {
            return Ok(());
        }
        let key_id = match request.quota_key() {
            QuotaKey::None => None,
            QuotaKey::Ref(key_ref) => self.resolve(ctx, key_ref, true).ok(),
            QuotaKey::Blob(blob) => BlobHeader::parse(blob).map(|header| header.key_id),
        };
        let key = key_id.and_then(|id| self.store.keys.get(&id));
        let spec = request.quota_spec().or_else(|| key.map(|key| key.spec));
        let Some(class) = class_for(operation, spec) else { return Ok(()) };
        // A cryptographic call on a custom-key-store key also counts against the store.
        let caller_store = request.quota_store().filter(|id| {
            self.store.custom_key_stores.get(*id).is_some_and(|s| s.account == ctx.account())
        });
        let store_id = key
            .and_then(|key| key.custom_key_store.as_ref())
            .map(|link| link.store_id.as_str())
            .or(caller_store);
        self.quotas.admit_with_store(ctx.account(), class, store_id, ctx.now)
    }

    /// Finds the key `key_ref` names, as seen by the caller.
    ///
    /// Bare key ids and alias names resolve in the caller's account; ARNs may name another
    /// account's key (then [`Self::authorize`] decides). `accepts_alias` is false for
    /// operations whose `KeyId` takes only a key id or key ARN.
    fn resolve(
        &self,
        ctx: &CallContext,
        key_ref: &KeyRef,
        accepts_alias: bool,
    ) -> Result<KeyId, KmsError> {
        let not_found = |arn: &KeyArn| {
            KmsError::new(ErrorKind::NotFound, format!("Key '{arn}' does not exist"))
        };
        let alias_target = |account: AccountId, name: &AliasName| {
            self.store.aliases.get(&(account, name.clone())).map(|alias| alias.target).ok_or_else(
                || {
                    let arn = AliasArn { region: self.region, account, name: name.clone() };
                    KmsError::new(ErrorKind::NotFound, format!("Alias '{arn}' is not found."))
                },
            )
        };
        let invalid_key_id =
            || KmsError::new(ErrorKind::NotFound, format!("Invalid keyId '{key_ref}'"));
        match key_ref {
            KeyRef::KeyId(key_id) => {
                let arn = KeyArn { region: self.region, account: ctx.account(), key_id: *key_id };
                match self.store.keys.get(key_id) {
                    Some(key) if key.arn.account == ctx.account() => Ok(*key_id),
                    _ => Err(not_found(&arn)),
                }
            }
            KeyRef::KeyArn(arn) => match self.store.keys.get(&arn.key_id) {
                Some(key) if key.arn == *arn => Ok(arn.key_id),
                _ => Err(not_found(arn)),
            },
            KeyRef::AliasName(name) if accepts_alias => alias_target(ctx.account(), name),
            KeyRef::AliasArn(arn) if accepts_alias => {
                if arn.region != self.region {
                    return Err(KmsError::new(
                        ErrorKind::NotFound,
                        format!("Alias '{arn}' is not found."),
                    ));
                }
                alias_target(arn.account, &arn.name)
            }
            KeyRef::AliasName(_) | KeyRef::AliasArn(_) => Err(invalid_key_id()),
        }
    }

    /// Authorises `access` to `key` for the caller, records the key (and the grant that
    /// allowed it, if one did) as touched, and checks the key-state table.
    ///
    /// The key policy, the caller's identity policies and the key's grants decide
    /// ([`policies::decide`]). Grant tokens in the request must name grants the engine
    /// knows, whoever calls.
    ///
    /// The hot path: a key with its account's default policy, a caller of that account,
    /// every caller allowed everything by its identity policies (the `AllowAll` model with
    /// no policy registered) and no grant tokens. The evaluator's answer there is always
    /// Allow (the default policy names the account, the implicit identity policy allows
    /// `kms:*`), so it is not asked.
    fn authorize<'k, 'r>(
        store: &'k Store,
        ctx: &CallContext,
        access: impl Into<Access<'r>>,
        key_id: KeyId,
        touched: &mut Touched,
    ) -> Result<&'k KeyRecord, KmsError> {
        let access = access.into();
        let key = store.keys.get(&key_id).ok_or_else(|| {
            KmsError::new(ErrorKind::NotFound, format!("Key '{key_id}' does not exist"))
        })?;
        touched.key(key.arn);
        // The hot path is these comparisons. A service principal calling as itself is no
        // principal of the account, whatever account it works for.
        let hot = key.policy_is_default
            && key.arn.account == ctx.account()
            && !ctx.service_is_caller
            && store.identities.allow_everyone()
            && access.grant_tokens.is_empty();
        if !hot {
            Self::authorize_beyond_policy(store, ctx, &access, key, touched)?;
        }
        key_state::check(access.operation, store.effective_state(key), &key.arn)?;
        Ok(key)
    }

    /// What [`Self::authorize`] does off its hot path: the tokens must name known grants,
    /// then the full evaluation (key policy, identity policies, grants).
    #[cold]
    #[inline(never)]
    fn authorize_beyond_policy(
        store: &Store,
        ctx: &CallContext,
        access: &Access<'_>,
        key: &KeyRecord,
        touched: &mut Touched,
    ) -> Result<(), KmsError> {
        if access.tokens_must_be_known && !access.grant_tokens.is_empty() {
            store.check_grant_tokens_known(access.grant_tokens, ctx.now)?;
        }
        policies::decide(store, ctx, access, key, touched)
    }

    /// [`Self::resolve`] then [`Self::authorize`], for a key the caller may change.
    fn key_mut<'r>(
        &mut self,
        ctx: &CallContext,
        access: impl Into<Access<'r>>,
        key_ref: &KeyRef,
        touched: &mut Touched,
    ) -> Result<&mut KeyRecord, KmsError> {
        let key_id = self.resolve(ctx, key_ref, false)?;
        Self::authorize(&self.store, ctx, access, key_id, touched)?;
        self.store.keys.get_mut(&key_id).ok_or_else(KmsError::internal)
    }
}

/// Drops the members whose value is null: CloudTrail leaves absent request members out.
fn without_nulls(mut parameters: Value) -> Value {
    if let Value::Object(members) = &mut parameters {
        members.retain(|_, value| !value.is_null());
    }
    parameters
}

/// The engine's generator: ChaCha20 under a real provider. Under the insecure modelling
/// provider, whose keys and ciphertexts protect nothing anyway, xoshiro256++: not a
/// cryptographic generator at all, but a large simulation draws on it on every call (audit
/// ids, salts, nonces) and it costs a few instructions a word where ChaCha costs tens.
#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "two per engine; boxing would add an indirection to every draw"
)]
enum EngineRng {
    Real(ChaCha20Rng),
    Modelling(Xoshiro256PlusPlus),
}

impl EngineRng {
    /// Stream `stream` of the generator keyed by `seed`, of the kind `provider` calls for.
    fn new(provider: ProviderKind, seed: [u8; 32], stream: u64) -> Self {
        let mut chacha = ChaCha20Rng::from_seed(seed);
        chacha.set_stream(stream);
        if provider == ProviderKind::InsecureModelling {
            // Seeded from the ChaCha stream, so streams stay independent.
            Self::Modelling(Xoshiro256PlusPlus::from_rng(&mut chacha))
        } else {
            Self::Real(chacha)
        }
    }
}

impl rand_core::TryRng for EngineRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        match self {
            Self::Real(rng) => rng.try_next_u32(),
            Self::Modelling(rng) => rng.try_next_u32(),
        }
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        match self {
            Self::Real(rng) => rng.try_next_u64(),
            Self::Modelling(rng) => rng.try_next_u64(),
        }
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        match self {
            Self::Real(rng) => rng.try_fill_bytes(dst),
            Self::Modelling(rng) => rng.try_fill_bytes(dst),
        }
    }
}

// Sound for the ChaCha20 arm. The xoshiro arm is no cryptographic generator: it is only ever
// paired with the insecure modelling provider, which makes no security claim at all.
impl rand_core::TryCryptoRng for EngineRng {}

/// `N` random bytes from `rng`.
fn random_array<const N: usize>(rng: &mut EngineRng) -> [u8; N] {
    let mut bytes = [0u8; N];
    rng.fill_bytes(&mut bytes);
    bytes
}

/// Checks `GrantTokens`: at most 10, each 1..8192 characters (`ValidationException`), each
/// a grant token (`InvalidGrantTokenException`). Whether they name known grants is
/// [`Engine::authorize`]'s business.
#[inline]
fn check_grant_tokens(tokens: &[String]) -> Result<(), KmsError> {
    // Nearly every request has none: a branch, not a call.
    if tokens.is_empty() { Ok(()) } else { check_some_grant_tokens(tokens) }
}

#[cold]
#[inline(never)]
fn check_some_grant_tokens(tokens: &[String]) -> Result<(), KmsError> {
    check_grant_token_shapes(tokens)?;
    for token in tokens {
        GrantToken::decode(token)?;
    }
    Ok(())
}

/// Checks the shape of `GrantTokens` only: at most 10, each 1..8192 characters.
fn check_grant_token_shapes(tokens: &[String]) -> Result<(), KmsError> {
    if tokens.len() > 10 {
        return Err(KmsError::validation(
            "grantTokens",
            "Member must have length less than or equal to 10",
        ));
    }
    if tokens.iter().any(|t| t.is_empty() || t.len() > 8192) {
        return Err(KmsError::validation(
            "grantTokens",
            "Member must satisfy constraint: [Member must have length less than or equal to 8192, Member must have length greater than or equal to 1]",
        ));
    }
    Ok(())
}

/// Checks a blob member's length against 1..=`max` bytes.
fn check_blob_len(member: &str, len: usize, max: usize) -> Result<(), KmsError> {
    if len == 0 {
        Err(KmsError::validation(member, "Member must have length greater than or equal to 1"))
    } else if len > max {
        Err(KmsError::validation(
            member,
            &format!("Member must have length less than or equal to {max}"),
        ))
    } else {
        Ok(())
    }
}

/// Checks a list operation's `Limit` against 1..=`max` and applies the default.
fn page_limit(limit: Option<u32>, default: u32, max: u32) -> Result<usize, KmsError> {
    match limit {
        None => Ok(default as usize),
        Some(n) if n == 0 => Err(KmsError::validation_value(
            "limit",
            n,
            "Member must have value greater than or equal to 1",
        )),
        Some(n) if n > max => Err(KmsError::validation_value(
            "limit",
            n,
            &format!("Member must have value less than or equal to {max}"),
        )),
        Some(n) => Ok(n as usize),
    }
}

/// Takes up to `limit` entries and says whether more follow; the marker of a truncated page
/// is made from its last entry.
fn paginate<T>(
    entries: impl Iterator<Item = T>,
    limit: usize,
    marker_of: impl Fn(&T) -> String,
) -> (Vec<T>, PageInfo) {
    let mut page: Vec<T> = entries.take(limit + 1).collect();
    if page.len() > limit {
        page.truncate(limit);
        let next_marker = page.last().map(&marker_of);
        (page, PageInfo { next_marker, truncated: true })
    } else {
        (page, PageInfo::default())
    }
}

/// Checks a `Marker` member's shape: 1..1024 characters from U+0020..U+00FF.
fn check_marker(marker: Option<&str>) -> Result<Option<&str>, KmsError> {
    match marker {
        None => Ok(None),
        Some("") => Err(KmsError::validation(
            "marker",
            "Member must have length greater than or equal to 1",
        )),
        Some(m) if m.chars().count() > 1024 => Err(KmsError::validation(
            "marker",
            "Member must have length less than or equal to 1024",
        )),
        Some(m) if m.chars().any(|c| !('\u{20}'..='\u{ff}').contains(&c)) => {
            Err(KmsError::validation(
                "marker",
                "Member must satisfy regular expression pattern: [\\u0020-\\u00FF]*",
            ))
        }
        Some(m) => Ok(Some(m)),
    }
}

/// The AWS exception for a key-pair operation the provider did not do: a provider that
/// lacks the algorithm says so (UnsupportedOperationException, naming the provider, never a
/// silent switch to another), anything else is an internal error that says nothing about
/// secrets.
pub(crate) fn asymmetric_error(
    provider: ProviderKind,
    spec: crate::spec::KeySpec,
    error: crate::crypto::asymmetric::AsymmetricError,
) -> KmsError {
    match error {
        crate::crypto::asymmetric::AsymmetricError::Unsupported(what) => KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("The {provider} crypto provider does not implement {what} for KeySpec {spec}."),
        ),
        crate::crypto::asymmetric::AsymmetricError::Failed => KmsError::internal(),
    }
}

/// Lowercase hex of `bytes`.
fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from lowercase hex; `None` if `hex` is not that.
fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

/// A marker that this list operation did not issue.
fn invalid_marker() -> KmsError {
    KmsError::new(
        ErrorKind::InvalidMarker,
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    )
}

/// Generates `Engine::handle` and one typed method per operation over the same path.
macro_rules! engine_operations {
    ($( $op:ident: $method:ident($req:ty) -> $resp:ty = $run:path; errors: $errors:literal; )+) => {
        impl Engine {
            /// Runs any request: the entry point for simulators, traces and wire servers.
            ///
            /// # Errors
            /// The operation's AWS exception; see each typed method.
            pub fn handle(&mut self, ctx: &CallContext, request: Request) -> Result<Response, KmsError> {
                match request {
                    $( Request::$op(req) => self.$method(ctx, req).map(Response::$op), )+
                }
            }

            /// The front door alone: counts `request` against its request-rate quota at
            /// `ctx.now`, as the first step of [`Engine::handle`] does, without running it.
            /// A simulator that queues admitted requests (for an HSM, say) calls this on
            /// arrival and [`Engine::handle_admitted`] when the request is served.
            ///
            /// # Errors
            /// `ThrottlingException` if the quota has no token; the refused call is counted
            /// and audited as [`Engine::handle`] would.
            pub fn admit(&mut self, ctx: &CallContext, request: &Request) -> Result<(), KmsError> {
                match request {
                    $( Request::$op(req) => self.front_door(ctx, Operation::$op, req), )+
                }
            }

            /// Runs a request that [`Engine::admit`] has already admitted, so it is not
            /// counted against its quota a second time.
            ///
            /// # Errors
            /// As [`Engine::handle`], except `ThrottlingException`.
            pub fn handle_admitted(&mut self, ctx: &CallContext, request: Request) -> Result<Response, KmsError> {
                match request {
                    $( Request::$op(req) => self.call(ctx, Operation::$op, req, Admission::Admitted, $run).map(Response::$op), )+
                }
            }

            $(
                #[doc = concat!(
                    "Mirrors AWS KMS [`", stringify!($op),
                    "`](https://docs.aws.amazon.com/kms/latest/APIReference/API_", stringify!($op), ".html).\n\n",
                    "# Errors\n", $errors
                )]
                pub fn $method(&mut self, ctx: &CallContext, request: $req) -> Result<$resp, KmsError> {
                    self.call(ctx, Operation::$op, request, Admission::FrontDoor, $run)
                }
            )+
        }
    };
}

engine_operations! {
    CancelKeyDeletion: cancel_key_deletion(CancelKeyDeletionRequest) -> CancelKeyDeletionResponse = lifecycle::cancel_key_deletion;
        errors: "`NotFound`, `AccessDenied`, `KmsInvalidState` (not pending deletion).";
    CreateAlias: create_alias(CreateAliasRequest) -> CreateAliasResponse = aliases::create_alias;
        errors: "`InvalidAliasName`, `AlreadyExists`, `NotFound`, `AccessDenied`, `KmsInvalidState`, `LimitExceeded`.";
    ConnectCustomKeyStore: connect_custom_key_store(ConnectCustomKeyStoreRequest) -> ConnectCustomKeyStoreResponse = custom_key_stores::connect_custom_key_store;
        errors: "`CustomKeyStoreNotFound`, `CustomKeyStoreInvalidState` (FAILED: disconnect first).";
    CreateCustomKeyStore: create_custom_key_store(CreateCustomKeyStoreRequest) -> CreateCustomKeyStoreResponse = custom_key_stores::create_custom_key_store;
        errors: "`Validation`, `CustomKeyStoreNameInUse`, `CloudHsmClusterInUse`, `LimitExceeded` (10 stores).";
    CreateGrant: create_grant(CreateGrantRequest) -> CreateGrantResponse = grants::create_grant;
        errors: "`Validation` (operations not valid for the key type, constraints), `NotFound`, `AccessDenied`, `InvalidGrantToken`, `Disabled`, `KmsInvalidState`, `LimitExceeded` (grants per key), `DryRunOperation`.";
    CreateKey: create_key(CreateKeyRequest) -> CreateKeyResponse = lifecycle::create_key;
        errors: "`Validation`, `Tag`, `UnsupportedOperation` (key specs and origins not built yet), `LimitExceeded` (keys per account; a policy over 32,768 bytes), `MalformedPolicyDocument` (the policy is not valid, or would lock the caller out unless bypassed), `AccessDenied` (identity policies, under `IdentityModel::Explicit`).";
    Decrypt: decrypt(DecryptRequest) -> DecryptResponse = data::decrypt;
        errors: "`Validation`, `NotFound`, `InvalidCiphertext`, `IncorrectKey`, `InvalidKeyUsage`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `DryRunOperation`.";
    DeriveSharedSecret: derive_shared_secret(DeriveSharedSecretRequest) -> DeriveSharedSecretResponse = key_pairs::derive_shared_secret;
        errors: "`Validation`, `NotFound`, `InvalidKeyUsage` (not a KEY_AGREEMENT key; a public key of another curve), `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation` (the provider lacks the curve), `DryRunOperation`.";
    DeleteAlias: delete_alias(DeleteAliasRequest) -> DeleteAliasResponse = aliases::delete_alias;
        errors: "`NotFound`, `InvalidAliasName`.";
    DeleteImportedKeyMaterial: delete_imported_key_material(DeleteImportedKeyMaterialRequest) -> DeleteImportedKeyMaterialResponse = import::delete_imported_key_material;
        errors: "`NotFound`, `AccessDenied`, `KmsInvalidState`, `UnsupportedOperation` (not imported material).";
    DeleteCustomKeyStore: delete_custom_key_store(DeleteCustomKeyStoreRequest) -> DeleteCustomKeyStoreResponse = custom_key_stores::delete_custom_key_store;
        errors: "`CustomKeyStoreNotFound`, `CustomKeyStoreInvalidState` (not disconnected), `CustomKeyStoreHasCmks`.";
    DescribeCustomKeyStores: describe_custom_key_stores(DescribeCustomKeyStoresRequest) -> DescribeCustomKeyStoresResponse = custom_key_stores::describe_custom_key_stores;
        errors: "`CustomKeyStoreNotFound`, `Validation`, `InvalidMarker`.";
    DescribeKey: describe_key(DescribeKeyRequest) -> DescribeKeyResponse = lifecycle::describe_key;
        errors: "`NotFound`, `AccessDenied`, `Validation`.";
    DisableKey: disable_key(DisableKeyRequest) -> DisableKeyResponse = lifecycle::disable_key;
        errors: "`NotFound`, `AccessDenied`, `KmsInvalidState`.";
    DisableKeyRotation: disable_key_rotation(DisableKeyRotationRequest) -> DisableKeyRotationResponse = rotation::disable_key_rotation;
        errors: "`NotFound`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation` (keys that cannot rotate).";
    DisconnectCustomKeyStore: disconnect_custom_key_store(DisconnectCustomKeyStoreRequest) -> DisconnectCustomKeyStoreResponse = custom_key_stores::disconnect_custom_key_store;
        errors: "`CustomKeyStoreNotFound`.";
    EnableKey: enable_key(EnableKeyRequest) -> EnableKeyResponse = lifecycle::enable_key;
        errors: "`NotFound`, `AccessDenied`, `KmsInvalidState`.";
    EnableKeyRotation: enable_key_rotation(EnableKeyRotationRequest) -> EnableKeyRotationResponse = rotation::enable_key_rotation;
        errors: "`Validation` (period outside 90..2560 days), `NotFound`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation` (keys that cannot rotate).";
    Encrypt: encrypt(EncryptRequest) -> EncryptResponse = data::encrypt;
        errors: "`Validation`, `NotFound`, `InvalidKeyUsage`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `DryRunOperation`.";
    GenerateDataKey: generate_data_key(GenerateDataKeyRequest) -> GenerateDataKeyResponse = data::generate_data_key;
        errors: "`Validation`, `NotFound`, `InvalidKeyUsage`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `DryRunOperation`.";
    GenerateDataKeyWithoutPlaintext: generate_data_key_without_plaintext(GenerateDataKeyWithoutPlaintextRequest) -> GenerateDataKeyWithoutPlaintextResponse = data::generate_data_key_without_plaintext;
        errors: "As `generate_data_key`.";
    GenerateDataKeyPair: generate_data_key_pair(GenerateDataKeyPairRequest) -> GenerateDataKeyPairResponse = key_pairs::generate_data_key_pair;
        errors: "`Validation`, `NotFound`, `InvalidKeyUsage` (not a symmetric encryption key), `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation` (a custom-key-store key; SM2 outside China; a pair the provider lacks), `DryRunOperation`.";
    GenerateDataKeyPairWithoutPlaintext: generate_data_key_pair_without_plaintext(GenerateDataKeyPairWithoutPlaintextRequest) -> GenerateDataKeyPairWithoutPlaintextResponse = key_pairs::generate_data_key_pair_without_plaintext;
        errors: "As `generate_data_key_pair`.";
    GenerateMac: generate_mac(GenerateMacRequest) -> GenerateMacResponse = mac::generate_mac;
        errors: "`Validation`, `NotFound`, `InvalidKeyUsage`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `DryRunOperation`.";
    GenerateRandom: generate_random(GenerateRandomRequest) -> GenerateRandomResponse = data::generate_random;
        errors: "`Validation`, `CustomKeyStoreNotFound`.";
    GetKeyLastUsage: get_key_last_usage(GetKeyLastUsageRequest) -> GetKeyLastUsageResponse = lifecycle::get_key_last_usage;
        errors: "`NotFound`, `AccessDenied`.";
    GetKeyPolicy: get_key_policy(GetKeyPolicyRequest) -> GetKeyPolicyResponse = policies::get_key_policy;
        errors: "`NotFound` (no such key, or a `PolicyName` other than `default`), `AccessDenied`, `Validation`.";
    GetPublicKey: get_public_key(GetPublicKeyRequest) -> GetPublicKeyResponse = key_pairs::get_public_key;
        errors: "`NotFound`, `InvalidKeyUsage`/`UnsupportedOperation` (not a key pair), `AccessDenied`, `Disabled`, `KmsInvalidState`.";
    GetParametersForImport: get_parameters_for_import(GetParametersForImportRequest) -> GetParametersForImportResponse = import::get_parameters_for_import;
        errors: "`NotFound`, `AccessDenied`, `KmsInvalidState`, `UnsupportedOperation` (not Origin EXTERNAL; SM2; PKCS#1 v1.5).";
    ImportKeyMaterial: import_key_material(ImportKeyMaterialRequest) -> ImportKeyMaterialResponse = import::import_key_material;
        errors: "`Validation`, `NotFound`, `AccessDenied`, `KmsInvalidState`, `UnsupportedOperation`, `InvalidImportToken`, `ExpiredImportToken`, `InvalidCiphertext` (the material does not unwrap), `IncorrectKeyMaterial`.";
    GetKeyRotationStatus: get_key_rotation_status(GetKeyRotationStatusRequest) -> GetKeyRotationStatusResponse = rotation::get_key_rotation_status;
        errors: "`NotFound`, `AccessDenied`, `UnsupportedOperation` (keys that cannot rotate).";
    ListAliases: list_aliases(ListAliasesRequest) -> ListAliasesResponse = aliases::list_aliases;
        errors: "`Validation`, `InvalidMarker`, `NotFound`, `AccessDenied`.";
    ListGrants: list_grants(ListGrantsRequest) -> ListGrantsResponse = grants::list_grants;
        errors: "`Validation`, `InvalidMarker`, `InvalidGrantId`, `NotFound`, `AccessDenied`.";
    ListKeyRotations: list_key_rotations(ListKeyRotationsRequest) -> ListKeyRotationsResponse = rotation::list_key_rotations;
        errors: "`Validation`, `InvalidMarker`, `NotFound`, `AccessDenied`, `UnsupportedOperation` (keys that cannot rotate).";
    ListKeyPolicies: list_key_policies(ListKeyPoliciesRequest) -> ListKeyPoliciesResponse = policies::list_key_policies;
        errors: "`Validation`, `InvalidMarker`, `NotFound`, `AccessDenied`.";
    ListKeys: list_keys(ListKeysRequest) -> ListKeysResponse = lifecycle::list_keys;
        errors: "`Validation`, `InvalidMarker`.";
    ListResourceTags: list_resource_tags(ListResourceTagsRequest) -> ListResourceTagsResponse = tags::list_resource_tags;
        errors: "`Validation`, `InvalidMarker`, `NotFound`, `AccessDenied`.";
    ListRetirableGrants: list_retirable_grants(ListRetirableGrantsRequest) -> ListRetirableGrantsResponse = grants::list_retirable_grants;
        errors: "`Validation`, `InvalidMarker`, `AccessDenied` (a principal of another account).";
    PutKeyPolicy: put_key_policy(PutKeyPolicyRequest) -> PutKeyPolicyResponse = policies::put_key_policy;
        errors: "`MalformedPolicyDocument` (not a valid key policy, or one that would lock the caller out unless bypassed), `LimitExceeded` (over 32,768 bytes), `NotFound`, `AccessDenied`, `Validation`.";
    ReEncrypt: re_encrypt(ReEncryptRequest) -> ReEncryptResponse = data::re_encrypt;
        errors: "As `decrypt` for the source and `encrypt` for the destination.";
    ReplicateKey: replicate_key(ReplicateKeyRequest) -> ReplicateKeyResponse = multi_region::replicate_key;
        errors: "`Validation`, `Tag`, `NotFound`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation` (not a multi-Region primary), `AlreadyExists` (a replica in that Region).";
    RetireGrant: retire_grant(RetireGrantRequest) -> RetireGrantResponse = grants::retire_grant;
        errors: "`Validation`, `InvalidGrantToken`, `NotFound` (no such grant), `AccessDenied` (not the retiring principal, a grantee allowed to retire it or its issuing account), `DryRunOperation`.";
    RevokeGrant: revoke_grant(RevokeGrantRequest) -> RevokeGrantResponse = grants::revoke_grant;
        errors: "`NotFound` (no such key or grant), `AccessDenied`, `DryRunOperation`.";
    RotateKeyOnDemand: rotate_key_on_demand(RotateKeyOnDemandRequest) -> RotateKeyOnDemandResponse = rotation::rotate_key_on_demand;
        errors: "`NotFound`, `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation`, `LimitExceeded` (the per-key lifetime limit), `Conflict` (a rotation in progress or an automatic one due within 20 minutes).";
    ScheduleKeyDeletion: schedule_key_deletion(ScheduleKeyDeletionRequest) -> ScheduleKeyDeletionResponse = lifecycle::schedule_key_deletion;
        errors: "`Validation` (window outside 7..30 days), `NotFound`, `AccessDenied`, `KmsInvalidState`.";
    Sign: sign(SignRequest) -> SignResponse = key_pairs::sign;
        errors: "`Validation` (message length for the message type), `NotFound`, `InvalidKeyUsage` (not SIGN_VERIFY; an algorithm or message type the key does not take), `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation`, `DryRunOperation`.";
    TagResource: tag_resource(TagResourceRequest) -> TagResourceResponse = tags::tag_resource;
        errors: "`Tag`, `LimitExceeded`, `NotFound`, `AccessDenied`, `KmsInvalidState`.";
    UntagResource: untag_resource(UntagResourceRequest) -> UntagResourceResponse = tags::untag_resource;
        errors: "`Tag`, `NotFound`, `AccessDenied`, `KmsInvalidState`.";
    UpdateAlias: update_alias(UpdateAliasRequest) -> UpdateAliasResponse = aliases::update_alias;
        errors: "`NotFound`, `Validation` (different key type or usage), `AccessDenied`, `KmsInvalidState`, `LimitExceeded`.";
    UpdatePrimaryRegion: update_primary_region(UpdatePrimaryRegionRequest) -> UpdatePrimaryRegionResponse = multi_region::update_primary_region;
        errors: "`NotFound` (no replica in that Region), `AccessDenied`, `Disabled`, `KmsInvalidState`, `UnsupportedOperation` (not a multi-Region primary).";
    UpdateCustomKeyStore: update_custom_key_store(UpdateCustomKeyStoreRequest) -> UpdateCustomKeyStoreResponse = custom_key_stores::update_custom_key_store;
        errors: "`CustomKeyStoreNotFound`, `CustomKeyStoreNameInUse`, `CustomKeyStoreInvalidState`, `CloudHsmClusterInUse`.";
    UpdateKeyDescription: update_key_description(UpdateKeyDescriptionRequest) -> UpdateKeyDescriptionResponse = lifecycle::update_key_description;
        errors: "`Validation`, `NotFound`, `AccessDenied`, `KmsInvalidState`.";
    Verify: verify(VerifyRequest) -> VerifyResponse = key_pairs::verify;
        errors: "`KmsInvalidSignature` when the signature does not verify; otherwise as `sign`.";
    VerifyMac: verify_mac(VerifyMacRequest) -> VerifyMacResponse = mac::verify_mac;
        errors: "`KmsInvalidMac` when the MAC does not verify; otherwise as `generate_mac`.";
}
