//! Custom key stores: their lifecycle, connection states and errors.
//!
//! A store's keys are usable only while it is CONNECTED; otherwise they are `Unavailable`
//! (`Store::effective_state`). The HSMs' latency and capacity belong to the simulator; the
//! engine keeps the store's state and, in `quota`, its 1,800/s request quota.

use serde_json::{Value, json};

use super::{
    Audited, Engine, Touched, check_marker, invalid_marker, page_limit, paginate, random_array,
};
use crate::api::*;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::AccountId;
use crate::key::KeyStoreLink;
use crate::secret::Plaintext;
use crate::spec::{ConnectionErrorCode, ConnectionState, CustomKeyStoreType, OriginType};
use crate::time::Timestamp;

/// Custom key stores per account and Region (AWS: 10).
const STORES_PER_ACCOUNT: usize = 10;
/// The fewest active HSMs a CloudHSM cluster needs for KMS to create keys in it.
const MIN_HSMS_FOR_KEYS: u32 = 2;

/// A custom key store as stored.
#[derive(Clone, Debug)]
pub(crate) struct CustomKeyStore {
    pub(crate) id: String,
    pub(crate) account: AccountId,
    pub(crate) name: String,
    pub(crate) store_type: CustomKeyStoreType,
    pub(crate) cloud_hsm_cluster_id: Option<String>,
    pub(crate) trust_anchor_certificate: Option<String>,
    pub(crate) key_store_password: Option<Plaintext>,
    pub(crate) hsm_count: u32,
    pub(crate) xks_proxy: Option<XksProxySettings>,
    pub(crate) connection_state: ConnectionState,
    pub(crate) connection_error_code: Option<ConnectionErrorCode>,
    pub(crate) creation_date: Timestamp,
}

fn not_found(id: &str) -> KmsError {
    KmsError::new(
        ErrorKind::CustomKeyStoreNotFound,
        format!("Custom key store '{id}' does not exist in this account and Region."),
    )
}

fn invalid_state(store: &CustomKeyStore, what: &str) -> KmsError {
    KmsError::new(
        ErrorKind::CustomKeyStoreInvalidState,
        format!("Custom key store {} is {}: {what}", store.id, store.connection_state),
    )
}

/// The caller's store `id`.
pub(super) fn store<'e>(
    engine: &'e Engine,
    ctx: &CallContext,
    id: &str,
) -> Result<&'e CustomKeyStore, KmsError> {
    engine
        .store
        .custom_key_stores
        .get(id)
        .filter(|s| s.account == ctx.account())
        .ok_or_else(|| not_found(id))
}

/// Checks that a new key of `origin` may go into store `id`, and says where it lives.
pub(super) fn key_store_link(
    engine: &Engine,
    ctx: &CallContext,
    origin: OriginType,
    id: Option<&str>,
    xks_key_id: Option<&str>,
) -> Result<KeyStoreLink, KmsError> {
    let id = id.ok_or_else(|| {
        KmsError::new(ErrorKind::Validation, format!("Origin {origin} requires a CustomKeyStoreId"))
    })?;
    let store = store(engine, ctx, id)?;
    let expected = match origin {
        OriginType::AwsCloudhsm => CustomKeyStoreType::AwsCloudhsm,
        _ => CustomKeyStoreType::ExternalKeyStore,
    };
    if store.store_type != expected {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!(
                "Origin {origin} does not match custom key store {id} of type {}",
                store.store_type
            ),
        ));
    }
    if store.connection_state != ConnectionState::Connected {
        return Err(invalid_state(
            store,
            "keys can be created only in a connected custom key store",
        ));
    }
    if store.store_type == CustomKeyStoreType::AwsCloudhsm && store.hsm_count < MIN_HSMS_FOR_KEYS {
        return Err(KmsError::new(
            ErrorKind::CloudHsmClusterInvalidConfiguration,
            format!(
                "CloudHSM cluster {} has {} active HSM(s); creating keys needs at least {MIN_HSMS_FOR_KEYS}",
                store.cloud_hsm_cluster_id.as_deref().unwrap_or(""),
                store.hsm_count
            ),
        ));
    }
    let xks_key_id = match (origin, xks_key_id) {
        (OriginType::ExternalKeyStore, None) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "Origin EXTERNAL_KEY_STORE requires an XksKeyId",
            ));
        }
        (OriginType::ExternalKeyStore, Some(x)) if x.is_empty() || x.len() > 128 => {
            return Err(KmsError::validation(
                "xksKeyId",
                "Member must have length between 1 and 128",
            ));
        }
        (_, x) => x.map(str::to_owned),
    };
    Ok(KeyStoreLink {
        store_id: id.to_owned(),
        cloud_hsm_cluster_id: store.cloud_hsm_cluster_id.clone(),
        xks_key_id,
    })
}

fn check_name(name: &str) -> Result<(), KmsError> {
    let chars = name.chars().count();
    if chars == 0 || chars > 256 {
        return Err(KmsError::validation(
            "customKeyStoreName",
            "Member must have length between 1 and 256",
        ));
    }
    Ok(())
}

fn check_name_free(
    engine: &Engine,
    ctx: &CallContext,
    name: &str,
    except: Option<&str>,
) -> Result<(), KmsError> {
    let taken = engine
        .store
        .custom_key_stores
        .values()
        .any(|s| s.account == ctx.account() && s.name == name && Some(s.id.as_str()) != except);
    if taken {
        return Err(KmsError::new(
            ErrorKind::CustomKeyStoreNameInUse,
            format!("A custom key store named '{name}' already exists in this account and Region."),
        ));
    }
    Ok(())
}

fn check_cluster_free(
    engine: &Engine,
    cluster: &str,
    except: Option<&str>,
) -> Result<(), KmsError> {
    let taken = engine.store.custom_key_stores.values().any(|s| {
        s.cloud_hsm_cluster_id.as_deref() == Some(cluster) && Some(s.id.as_str()) != except
    });
    if taken {
        return Err(KmsError::new(
            ErrorKind::CloudHsmClusterInUse,
            format!("CloudHSM cluster {cluster} is already associated with a custom key store."),
        ));
    }
    Ok(())
}

impl Audited for CreateCustomKeyStoreRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "customKeyStoreName": self.custom_key_store_name,
            "customKeyStoreType": self.custom_key_store_type,
            "cloudHsmClusterId": self.cloud_hsm_cluster_id,
        })
    }
}

pub(super) fn create_custom_key_store(
    engine: &mut Engine,
    ctx: &CallContext,
    req: CreateCustomKeyStoreRequest,
    _touched: &mut Touched,
) -> Result<CreateCustomKeyStoreResponse, KmsError> {
    check_name(&req.custom_key_store_name)?;
    let store_type = req.custom_key_store_type.unwrap_or(CustomKeyStoreType::AwsCloudhsm);
    match store_type {
        CustomKeyStoreType::AwsCloudhsm => {
            let (Some(cluster), Some(_), Some(password)) =
                (&req.cloud_hsm_cluster_id, &req.trust_anchor_certificate, &req.key_store_password)
            else {
                return Err(KmsError::new(
                    ErrorKind::Validation,
                    "An AWS_CLOUDHSM key store needs CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword",
                ));
            };
            if !(7..=32).contains(&password.len()) {
                return Err(KmsError::validation(
                    "keyStorePassword",
                    "Member must have length between 7 and 32",
                ));
            }
            check_cluster_free(engine, cluster, None)?;
        }
        CustomKeyStoreType::ExternalKeyStore => {
            if req.xks_proxy.is_none() {
                return Err(KmsError::new(
                    ErrorKind::Validation,
                    "An EXTERNAL_KEY_STORE needs its XKS proxy settings",
                ));
            }
        }
    }
    check_name_free(engine, ctx, &req.custom_key_store_name, None)?;
    let owned =
        engine.store.custom_key_stores.values().filter(|s| s.account == ctx.account()).count();
    if owned >= STORES_PER_ACCOUNT {
        return Err(KmsError::new(
            ErrorKind::LimitExceeded,
            format!(
                "Account {} already has {owned} custom key stores, the most allowed.",
                ctx.account()
            ),
        ));
    }
    let id = loop {
        let bytes: [u8; 9] = random_array(&mut engine.id_rng);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let id = format!("cks-{}", &hex[..17]);
        if !engine.store.custom_key_stores.contains_key(&id) {
            break id;
        }
    };
    engine.store.custom_key_stores.insert(
        id.clone(),
        CustomKeyStore {
            id: id.clone(),
            account: ctx.account(),
            name: req.custom_key_store_name,
            store_type,
            cloud_hsm_cluster_id: req.cloud_hsm_cluster_id,
            trust_anchor_certificate: req.trust_anchor_certificate,
            key_store_password: req.key_store_password,
            hsm_count: req.kmsim_cloud_hsm_count.unwrap_or(MIN_HSMS_FOR_KEYS),
            xks_proxy: req.xks_proxy,
            connection_state: ConnectionState::Disconnected,
            connection_error_code: None,
            creation_date: ctx.now,
        },
    );
    Ok(CreateCustomKeyStoreResponse { custom_key_store_id: id })
}

impl Audited for DescribeCustomKeyStoresRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "customKeyStoreId": self.custom_key_store_id,
            "customKeyStoreName": self.custom_key_store_name,
            "limit": self.page.limit,
            "marker": self.page.marker,
        })
    }
}

pub(super) fn describe_custom_key_stores(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DescribeCustomKeyStoresRequest,
    _touched: &mut Touched,
) -> Result<DescribeCustomKeyStoresResponse, KmsError> {
    let limit = page_limit(req.page.limit, 1000, 1000)?;
    let after = check_marker(req.page.marker.as_deref())?;
    if let Some(id) = &req.custom_key_store_id {
        store(engine, ctx, id)?;
    }
    let named =
        |s: &&CustomKeyStore| req.custom_key_store_name.as_ref().is_none_or(|n| *n == s.name);
    if let Some(name) = &req.custom_key_store_name
        && !engine
            .store
            .custom_key_stores
            .values()
            .any(|s| s.account == ctx.account() && s.name == *name)
    {
        return Err(KmsError::new(
            ErrorKind::CustomKeyStoreNotFound,
            format!("Custom key store named '{name}' does not exist in this account and Region."),
        ));
    }
    if let Some(marker) = after
        && !engine.store.custom_key_stores.contains_key(marker)
    {
        return Err(invalid_marker());
    }
    let entries = engine
        .store
        .custom_key_stores
        .values()
        .filter(|s| s.account == ctx.account())
        .filter(|s| after.is_none_or(|m| s.id.as_str() > m))
        .filter(|s| req.custom_key_store_id.as_ref().is_none_or(|id| *id == s.id))
        .filter(named)
        .map(|s| CustomKeyStoresListEntry {
            custom_key_store_id: s.id.clone(),
            custom_key_store_name: s.name.clone(),
            custom_key_store_type: s.store_type,
            cloud_hsm_cluster_id: s.cloud_hsm_cluster_id.clone(),
            trust_anchor_certificate: s.trust_anchor_certificate.clone(),
            connection_state: s.connection_state,
            connection_error_code: s.connection_error_code,
            creation_date: s.creation_date,
            xks_proxy_configuration: s.xks_proxy.as_ref().map(|x| {
                (
                    x.connectivity,
                    x.uri_endpoint.clone(),
                    x.uri_path.clone(),
                    x.vpc_endpoint_service_name.clone(),
                    x.access_key_id.clone(),
                )
            }),
        });
    let (custom_key_stores, page_info) =
        paginate(entries, limit, |e| e.custom_key_store_id.clone());
    Ok(DescribeCustomKeyStoresResponse { custom_key_stores, page_info })
}

impl Audited for UpdateCustomKeyStoreRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "customKeyStoreId": self.custom_key_store_id,
            "newCustomKeyStoreName": self.new_custom_key_store_name,
            "cloudHsmClusterId": self.cloud_hsm_cluster_id,
        })
    }
}

pub(super) fn update_custom_key_store(
    engine: &mut Engine,
    ctx: &CallContext,
    req: UpdateCustomKeyStoreRequest,
    _touched: &mut Touched,
) -> Result<UpdateCustomKeyStoreResponse, KmsError> {
    let current = store(engine, ctx, &req.custom_key_store_id)?;
    if let Some(name) = &req.new_custom_key_store_name {
        check_name(name)?;
        check_name_free(engine, ctx, name, Some(&req.custom_key_store_id))?;
    }
    // The name may change while connected; the password and cluster only while disconnected.
    let changes_connection = req.key_store_password.is_some() || req.cloud_hsm_cluster_id.is_some();
    if changes_connection && current.connection_state != ConnectionState::Disconnected {
        return Err(invalid_state(
            current,
            "disconnect it before changing its password or cluster",
        ));
    }
    if let Some(password) = &req.key_store_password
        && !(7..=32).contains(&password.len())
    {
        return Err(KmsError::validation(
            "keyStorePassword",
            "Member must have length between 7 and 32",
        ));
    }
    if let Some(cluster) = &req.cloud_hsm_cluster_id {
        check_cluster_free(engine, cluster, Some(&req.custom_key_store_id))?;
    }
    let Some(store) = engine.store.custom_key_stores.get_mut(&req.custom_key_store_id) else {
        return Err(not_found(&req.custom_key_store_id));
    };
    if let Some(name) = req.new_custom_key_store_name {
        store.name = name;
    }
    if let Some(password) = req.key_store_password {
        store.key_store_password = Some(password);
    }
    if let Some(cluster) = req.cloud_hsm_cluster_id {
        store.cloud_hsm_cluster_id = Some(cluster);
    }
    Ok(UpdateCustomKeyStoreResponse {})
}

macro_rules! audited_store_id {
    ($($req:ty),+) => {
        $(impl Audited for $req {
            fn audit_parameters(&self) -> Value {
                json!({ "customKeyStoreId": self.custom_key_store_id })
            }
        })+
    };
}

audited_store_id!(
    DeleteCustomKeyStoreRequest,
    ConnectCustomKeyStoreRequest,
    DisconnectCustomKeyStoreRequest
);

pub(super) fn delete_custom_key_store(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DeleteCustomKeyStoreRequest,
    _touched: &mut Touched,
) -> Result<DeleteCustomKeyStoreResponse, KmsError> {
    let current = store(engine, ctx, &req.custom_key_store_id)?;
    if current.connection_state != ConnectionState::Disconnected {
        return Err(invalid_state(current, "disconnect it before deleting it"));
    }
    let holds_keys = engine.store.keys.any(|k| {
        k.custom_key_store.as_ref().is_some_and(|l| l.store_id == req.custom_key_store_id)
    });
    if holds_keys {
        return Err(KmsError::new(
            ErrorKind::CustomKeyStoreHasCmks,
            format!(
                "Custom key store {} still holds KMS keys: delete them first.",
                req.custom_key_store_id
            ),
        ));
    }
    engine.store.custom_key_stores.remove(&req.custom_key_store_id);
    Ok(DeleteCustomKeyStoreResponse {})
}

pub(super) fn connect_custom_key_store(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ConnectCustomKeyStoreRequest,
    _touched: &mut Touched,
) -> Result<ConnectCustomKeyStoreResponse, KmsError> {
    let current = store(engine, ctx, &req.custom_key_store_id)?;
    match current.connection_state {
        ConnectionState::Connected | ConnectionState::Connecting => {
            return Ok(ConnectCustomKeyStoreResponse {});
        }
        ConnectionState::Failed => {
            return Err(invalid_state(current, "disconnect it before connecting again"));
        }
        ConnectionState::Disconnected | ConnectionState::Disconnecting => {}
    }
    let delay = engine.custom_key_store_connect_ns;
    let id = req.custom_key_store_id;
    if let Some(store) = engine.store.custom_key_stores.get_mut(&id) {
        store.connection_state = ConnectionState::Connecting;
        store.connection_error_code = None;
    }
    engine.store.store_connections.insert((ctx.now.plus_nanos(delay), id));
    finish_connections(engine, ctx.now);
    Ok(ConnectCustomKeyStoreResponse {})
}

/// Connections whose time has come succeed, or fail for want of HSMs.
pub(super) fn finish_connections(engine: &mut Engine, now: Timestamp) {
    while let Some((at, _)) = engine.store.store_connections.first() {
        if *at > now {
            break;
        }
        let Some((_, id)) = engine.store.store_connections.pop_first() else { break };
        let Some(store) = engine.store.custom_key_stores.get_mut(&id) else { continue };
        if store.connection_state != ConnectionState::Connecting {
            continue;
        }
        if store.store_type == CustomKeyStoreType::AwsCloudhsm && store.hsm_count == 0 {
            store.connection_state = ConnectionState::Failed;
            store.connection_error_code = Some(ConnectionErrorCode::InsufficientCloudhsmHsms);
        } else {
            store.connection_state = ConnectionState::Connected;
        }
    }
}

pub(super) fn disconnect_custom_key_store(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DisconnectCustomKeyStoreRequest,
    _touched: &mut Touched,
) -> Result<DisconnectCustomKeyStoreResponse, KmsError> {
    store(engine, ctx, &req.custom_key_store_id)?;
    if let Some(store) = engine.store.custom_key_stores.get_mut(&req.custom_key_store_id) {
        store.connection_state = ConnectionState::Disconnected;
        store.connection_error_code = None;
    }
    engine.store.store_connections.retain(|(_, id)| *id != req.custom_key_store_id);
    Ok(DisconnectCustomKeyStoreResponse {})
}

/// GenerateRandom from a custom key store's HSMs: a connected CloudHSM store only.
pub(super) fn check_random_source(
    engine: &Engine,
    ctx: &CallContext,
    id: &str,
) -> Result<(), KmsError> {
    let store = store(engine, ctx, id)?;
    if store.store_type == CustomKeyStoreType::ExternalKeyStore {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!(
                "Custom key store {id} is an external key store, which cannot generate random bytes."
            ),
        ));
    }
    if store.connection_state != ConnectionState::Connected {
        return Err(invalid_state(store, "it must be connected"));
    }
    Ok(())
}
