//! Custom key stores: CreateCustomKeyStore, DescribeCustomKeyStores, UpdateCustomKeyStore,
//! DeleteCustomKeyStore, ConnectCustomKeyStore, DisconnectCustomKeyStore.

use super::{Page, PageInfo};
use crate::secret::Plaintext;
use crate::spec::{ConnectionErrorCode, ConnectionState, CustomKeyStoreType, XksProxyConnectivity};
use crate::time::Timestamp;

/// An XKS proxy's settings (`XksProxy*` members).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XksProxySettings {
    /// `XksProxyConnectivity`.
    pub connectivity: XksProxyConnectivity,
    /// `XksProxyUriEndpoint`, e.g. `https://xks.example.com`.
    pub uri_endpoint: String,
    /// `XksProxyUriPath`, e.g. `/kms/xks/v1`.
    pub uri_path: String,
    /// `XksProxyVpcEndpointServiceName`, for VPC_ENDPOINT_SERVICE connectivity.
    pub vpc_endpoint_service_name: Option<String>,
    /// `XksProxyAuthenticationCredential.AccessKeyId`.
    pub access_key_id: String,
    /// `XksProxyAuthenticationCredential.RawSecretAccessKey`: secret.
    pub raw_secret_access_key: Plaintext,
}

/// `CreateCustomKeyStore` request.
#[derive(Clone, Debug)]
pub struct CreateCustomKeyStoreRequest {
    /// `CustomKeyStoreName`, unique in the account and Region.
    pub custom_key_store_name: String,
    /// `CustomKeyStoreType`, default AWS_CLOUDHSM.
    pub custom_key_store_type: Option<CustomKeyStoreType>,
    /// `CloudHsmClusterId` (AWS_CLOUDHSM).
    pub cloud_hsm_cluster_id: Option<String>,
    /// `TrustAnchorCertificate` (AWS_CLOUDHSM).
    pub trust_anchor_certificate: Option<String>,
    /// `KeyStorePassword` of the `kmsuser` crypto user (AWS_CLOUDHSM): secret.
    pub key_store_password: Option<Plaintext>,
    /// Extension beyond AWS (kmsim): the cluster's active HSMs, which AWS reads from
    /// CloudHSM. Default 2, the least AWS accepts for creating keys.
    pub kmsim_cloud_hsm_count: Option<u32>,
    /// The XKS proxy (EXTERNAL_KEY_STORE).
    pub xks_proxy: Option<XksProxySettings>,
}

impl CreateCustomKeyStoreRequest {
    /// An AWS CloudHSM key store on `cluster_id` with `hsm_count` active HSMs.
    #[must_use]
    pub fn cloud_hsm(
        name: impl Into<String>,
        cluster_id: impl Into<String>,
        hsm_count: u32,
    ) -> Self {
        Self {
            custom_key_store_name: name.into(),
            custom_key_store_type: Some(CustomKeyStoreType::AwsCloudhsm),
            cloud_hsm_cluster_id: Some(cluster_id.into()),
            trust_anchor_certificate: Some(
                "-----BEGIN CERTIFICATE-----\nkmsim\n-----END CERTIFICATE-----".to_owned(),
            ),
            key_store_password: Some(Plaintext::from("kmsuser-password")),
            kmsim_cloud_hsm_count: Some(hsm_count),
            xks_proxy: None,
        }
    }

    /// An external key store behind `proxy`.
    #[must_use]
    pub fn external(name: impl Into<String>, proxy: XksProxySettings) -> Self {
        Self {
            custom_key_store_name: name.into(),
            custom_key_store_type: Some(CustomKeyStoreType::ExternalKeyStore),
            cloud_hsm_cluster_id: None,
            trust_anchor_certificate: None,
            key_store_password: None,
            kmsim_cloud_hsm_count: None,
            xks_proxy: Some(proxy),
        }
    }
}

/// `CreateCustomKeyStore` response.
#[derive(Clone, Debug)]
pub struct CreateCustomKeyStoreResponse {
    /// `CustomKeyStoreId`: `cks-` and 17 hex digits.
    pub custom_key_store_id: String,
}

/// One entry of `DescribeCustomKeyStores` (`CustomKeyStoresListEntry`). No secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomKeyStoresListEntry {
    /// `CustomKeyStoreId`.
    pub custom_key_store_id: String,
    /// `CustomKeyStoreName`.
    pub custom_key_store_name: String,
    /// `CustomKeyStoreType`.
    pub custom_key_store_type: CustomKeyStoreType,
    /// `CloudHsmClusterId`.
    pub cloud_hsm_cluster_id: Option<String>,
    /// `TrustAnchorCertificate`.
    pub trust_anchor_certificate: Option<String>,
    /// `ConnectionState`.
    pub connection_state: ConnectionState,
    /// `ConnectionErrorCode`, when FAILED.
    pub connection_error_code: Option<ConnectionErrorCode>,
    /// `CreationDate`.
    pub creation_date: Timestamp,
    /// `XksProxyConfiguration`: connectivity, endpoint, path, VPC endpoint service, access
    /// key id (never the secret).
    pub xks_proxy_configuration:
        Option<(XksProxyConnectivity, String, String, Option<String>, String)>,
}

/// `DescribeCustomKeyStores` request (Limit 1..1000, default 1000).
#[derive(Clone, Debug, Default)]
pub struct DescribeCustomKeyStoresRequest {
    /// `CustomKeyStoreId`: only this store.
    pub custom_key_store_id: Option<String>,
    /// `CustomKeyStoreName`: only the store of this name.
    pub custom_key_store_name: Option<String>,
    /// `Limit` and `Marker`.
    pub page: Page,
}

/// `DescribeCustomKeyStores` response.
#[derive(Clone, Debug)]
pub struct DescribeCustomKeyStoresResponse {
    /// `CustomKeyStores`.
    pub custom_key_stores: Vec<CustomKeyStoresListEntry>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}

/// `UpdateCustomKeyStore` request.
#[derive(Clone, Debug)]
pub struct UpdateCustomKeyStoreRequest {
    /// `CustomKeyStoreId`.
    pub custom_key_store_id: String,
    /// `NewCustomKeyStoreName`: allowed while connected.
    pub new_custom_key_store_name: Option<String>,
    /// `KeyStorePassword`: only while disconnected.
    pub key_store_password: Option<Plaintext>,
    /// `CloudHsmClusterId`: only while disconnected.
    pub cloud_hsm_cluster_id: Option<String>,
}

impl UpdateCustomKeyStoreRequest {
    /// An update of `custom_key_store_id` that changes nothing yet.
    #[must_use]
    pub fn new(custom_key_store_id: impl Into<String>) -> Self {
        Self {
            custom_key_store_id: custom_key_store_id.into(),
            new_custom_key_store_name: None,
            key_store_password: None,
            cloud_hsm_cluster_id: None,
        }
    }
}

/// `UpdateCustomKeyStore` response (empty).
#[derive(Clone, Debug, Default)]
pub struct UpdateCustomKeyStoreResponse {}

macro_rules! store_id_request {
    ($(#[$doc:meta])* $name:ident, $response:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            /// `CustomKeyStoreId`.
            pub custom_key_store_id: String,
        }

        impl $name {
            /// A request for `custom_key_store_id`.
            #[must_use]
            pub fn new(custom_key_store_id: impl Into<String>) -> Self {
                Self { custom_key_store_id: custom_key_store_id.into() }
            }
        }

        #[doc = concat!("`", stringify!($response), "` (empty).")]
        #[derive(Clone, Debug, Default)]
        pub struct $response {}
    };
}

store_id_request!(
    /// `DeleteCustomKeyStore` request.
    DeleteCustomKeyStoreRequest,
    DeleteCustomKeyStoreResponse
);
store_id_request!(
    /// `ConnectCustomKeyStore` request.
    ConnectCustomKeyStoreRequest,
    ConnectCustomKeyStoreResponse
);
store_id_request!(
    /// `DisconnectCustomKeyStore` request.
    DisconnectCustomKeyStoreRequest,
    DisconnectCustomKeyStoreResponse
);
