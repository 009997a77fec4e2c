//! What the engine stores for each key.

use std::collections::BTreeMap;

use crate::api::{KeyMetadata, MultiRegionConfiguration, MultiRegionKey};
use crate::error::{ErrorKind, KmsError};
use crate::id::{KeyArn, KeyMaterialId};
use crate::secret::Plaintext;
use crate::spec::{
    KeyManager, KeySpec, KeyState, KeyUsage, MultiRegionKeyType, OriginType, RotationType,
};
use crate::time::Timestamp;

/// One version of a key's material.
#[derive(Clone, Debug)]
pub(crate) struct KeyMaterial {
    pub(crate) id: KeyMaterialId,
    pub(crate) bytes: Plaintext,
    /// For a key pair: the public key, DER `SubjectPublicKeyInfo` (`bytes` is then the
    /// private key, DER PKCS#8). `None` for symmetric and HMAC material.
    pub(crate) public_key: Option<Vec<u8>>,
    /// When and how it became current; `None` for the key's first material.
    pub(crate) rotation: Option<(Timestamp, RotationType)>,
}

/// A key's automatic rotation schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RotationSchedule {
    pub(crate) period_in_days: u32,
    /// When the next automatic rotation is due.
    pub(crate) next_rotation: Timestamp,
    /// A rotation fell due while the key was not Enabled: it happens when the key is
    /// enabled again (AWS rotates a re-enabled key whose rotation is overdue).
    pub(crate) overdue: bool,
}

/// A key as the engine stores it.
#[derive(Clone, Debug)]
pub(crate) struct KeyRecord {
    pub(crate) arn: KeyArn,
    pub(crate) creation_date: Timestamp,
    pub(crate) description: String,
    pub(crate) spec: KeySpec,
    pub(crate) usage: KeyUsage,
    pub(crate) origin: OriginType,
    pub(crate) manager: KeyManager,
    pub(crate) state: KeyState,
    pub(crate) deletion_date: Option<Timestamp>,
    pub(crate) pending_window_in_days: Option<u32>,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) alias_count: u32,
    /// Oldest first; the last one is current. Never empty for AWS_KMS keys.
    pub(crate) materials: Vec<KeyMaterial>,
    /// Automatic rotation, when enabled.
    pub(crate) rotation: Option<RotationSchedule>,
    /// On-demand rotations so far (AWS limits them per key).
    pub(crate) on_demand_rotations: u32,
    /// When the on-demand rotation in progress started.
    pub(crate) on_demand_rotation_start: Option<Timestamp>,
    /// The last successful cryptographic use (GetKeyLastUsage).
    pub(crate) last_usage: Option<LastUsage>,
    /// For a multi-Region key: its role and its related keys.
    pub(crate) multi_region: Option<MultiRegion>,
    /// The state to return to when an UpdatePrimaryRegion finishes.
    pub(crate) state_before_update: Option<KeyState>,
    /// The custom key store holding the key, and its cluster or external key.
    pub(crate) custom_key_store: Option<KeyStoreLink>,
    /// For Origin EXTERNAL: the imported material's id and expiry.
    pub(crate) imported: Option<Imported>,
    /// The key's grants. Never shared with multi-Region relatives: grants are per key.
    pub(crate) grants: crate::grant::Grants,
    /// The key policy (`default`), parsed once: shared with every key of the account that
    /// has the default policy, so no request parses.
    pub(crate) policy: std::sync::Arc<crate::policy::PolicyDocument>,
    /// Whether `policy` is the account's default key policy: the condition of
    /// authorization's hot path.
    pub(crate) policy_is_default: bool,
}

/// What a key with imported material remembers about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Imported {
    /// The id of the material first imported: only the same material may come back.
    pub(crate) material_id: Option<KeyMaterialId>,
    /// When the current material expires.
    pub(crate) valid_to: Option<Timestamp>,
    pub(crate) expiration_model: Option<crate::spec::ExpirationModel>,
}

/// Where a custom-key-store key lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyStoreLink {
    pub(crate) store_id: String,
    pub(crate) cloud_hsm_cluster_id: Option<String>,
    pub(crate) xks_key_id: Option<String>,
}

/// A multi-Region key's view of its family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MultiRegion {
    pub(crate) role: MultiRegionKeyType,
    pub(crate) primary_region: crate::id::Region,
    /// Every replica's Region (the primary's, for a replica, is `primary_region`).
    pub(crate) replica_regions: std::collections::BTreeSet<crate::id::Region>,
    /// On the primary: how each replica is created, sent with every sync so a replica
    /// whose first message was overtaken is still created.
    pub(crate) replica_create: BTreeMap<crate::id::Region, crate::replication::ReplicaCreate>,
    /// Version of the shared state held (the primary's: the latest sent).
    pub(crate) version: u64,
    /// For a replica: the ReplicateKey that created it (see `ReplicaCreate::generation`).
    pub(crate) generation: u64,
}

/// A key's last successful cryptographic use, with the ids of its audit record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LastUsage {
    pub(crate) operation: crate::api::Operation,
    pub(crate) at: Timestamp,
    pub(crate) ids: crate::engine::CallIds,
}

impl KeyRecord {
    /// The material new encryptions use.
    pub(crate) fn current_material(&self) -> Result<&KeyMaterial, KmsError> {
        self.materials.last().ok_or_else(|| {
            KmsError::new(ErrorKind::KmsInvalidState, format!("{} is pending import.", self.arn))
        })
    }

    /// The material a ciphertext names, if the key still has it.
    pub(crate) fn material(&self, id: &KeyMaterialId) -> Option<&KeyMaterial> {
        self.materials.iter().rev().find(|m| m.id == *id)
    }

    /// The current key pair: the private key (DER PKCS#8) and the public key (DER SPKI).
    pub(crate) fn key_pair(&self) -> Result<(&[u8], &[u8]), KmsError> {
        let material = self.current_material()?;
        let public = material.public_key.as_deref().ok_or_else(KmsError::internal)?;
        Ok((material.bytes.expose(), public))
    }

    /// Whether the key is a symmetric encryption key.
    pub(crate) fn is_symmetric_encryption(&self) -> bool {
        self.spec == KeySpec::SymmetricDefault && self.usage == KeyUsage::EncryptDecrypt
    }

    pub(crate) fn metadata(&self) -> KeyMetadata {
        let multi_region = self.arn.key_id.is_multi_region();
        KeyMetadata {
            aws_account_id: self.arn.account,
            key_id: self.arn.key_id,
            arn: self.arn,
            creation_date: self.creation_date,
            enabled: self.state == KeyState::Enabled,
            description: self.description.clone(),
            key_usage: self.usage,
            key_state: self.state,
            deletion_date: self.deletion_date,
            origin: self.origin,
            key_manager: self.manager,
            customer_master_key_spec: self.spec,
            key_spec: self.spec,
            encryption_algorithms: if self.usage == KeyUsage::EncryptDecrypt {
                crate::key_pair::encryption_algorithms(self.spec).to_vec()
            } else {
                Vec::new()
            },
            signing_algorithms: if self.usage == KeyUsage::SignVerify {
                crate::key_pair::signing_algorithms(self.spec).to_vec()
            } else {
                Vec::new()
            },
            key_agreement_algorithms: if self.usage == KeyUsage::KeyAgreement {
                crate::key_pair::key_agreement_algorithms(self.spec).to_vec()
            } else {
                Vec::new()
            },
            mac_algorithms: self.spec.mac_algorithm().into_iter().collect(),
            multi_region,
            multi_region_configuration: self.multi_region.as_ref().map(|family| {
                let in_region =
                    |region| MultiRegionKey { arn: KeyArn { region, ..self.arn }, region };
                MultiRegionConfiguration {
                    multi_region_key_type: family.role,
                    primary_key: in_region(family.primary_region),
                    replica_keys: family.replica_regions.iter().map(|&r| in_region(r)).collect(),
                }
            }),
            pending_deletion_window_in_days: self.pending_window_in_days,
            current_key_material_id: if self.is_symmetric_encryption() {
                self.materials.last().map(|m| m.id)
            } else {
                None
            },
            custom_key_store_id: self.custom_key_store.as_ref().map(|l| l.store_id.clone()),
            cloud_hsm_cluster_id: self
                .custom_key_store
                .as_ref()
                .and_then(|l| l.cloud_hsm_cluster_id.clone()),
            xks_key_id: self.custom_key_store.as_ref().and_then(|l| l.xks_key_id.clone()),
            valid_to: self.imported.and_then(|i| i.valid_to),
            expiration_model: self.imported.and_then(|i| i.expiration_model),
        }
    }
}
