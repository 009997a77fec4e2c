//! Custom key stores: CreateCustomKeyStore, DescribeCustomKeyStores, UpdateCustomKeyStore,
//! DeleteCustomKeyStore, ConnectCustomKeyStore, DisconnectCustomKeyStore.

use engine::api::{
    ConnectCustomKeyStoreRequest, CreateCustomKeyStoreRequest, CreateCustomKeyStoreResponse,
    CustomKeyStoresListEntry, DeleteCustomKeyStoreRequest, DescribeCustomKeyStoresRequest,
    DescribeCustomKeyStoresResponse, DisconnectCustomKeyStoreRequest, UpdateCustomKeyStoreRequest,
    XksProxySettings,
};

use super::WireError;
use super::keys::write_page_info;
use super::request_body::Members;
use super::response_body::ObjectWriter;

/// The XKS proxy members AWS defines that `UpdateCustomKeyStore` cannot change in kmsim.
const XKS_PROXY_MEMBERS: [&str; 6] = [
    "XksProxyUriEndpoint",
    "XksProxyUriPath",
    "XksProxyVpcEndpointServiceName",
    "XksProxyVpcEndpointServiceOwner",
    "XksProxyAuthenticationCredential",
    "XksProxyConnectivity",
];

/// `CreateCustomKeyStore`.
///
/// `kmsim_cloud_hsm_count`, kmsim's extension, has no AWS member and is left to the
/// engine's default.
pub(super) fn create(m: &Members<'_, '_>) -> Result<CreateCustomKeyStoreRequest, WireError> {
    m.unsupported("XksProxyVpcEndpointServiceOwner")?;
    let custom_key_store_name = m.string("CustomKeyStoreName")?;
    let custom_key_store_type = m.aws_enum("CustomKeyStoreType")?;
    let cloud_hsm_cluster_id = m.string("CloudHsmClusterId")?;
    let trust_anchor_certificate = m.string("TrustAnchorCertificate")?;
    let key_store_password = m.secret_string("KeyStorePassword")?;
    let xks_proxy = xks_proxy(m)?;
    require!(m; custom_key_store_name = "CustomKeyStoreName");
    Ok(CreateCustomKeyStoreRequest {
        custom_key_store_name,
        custom_key_store_type,
        cloud_hsm_cluster_id,
        trust_anchor_certificate,
        key_store_password,
        kmsim_cloud_hsm_count: None,
        xks_proxy,
    })
}

/// The XKS proxy settings, if any `XksProxy*` member is given; then every one but the VPC
/// endpoint service name is required (AWS's model marks them optional because CloudHSM
/// key stores have none).
fn xks_proxy(m: &Members<'_, '_>) -> Result<Option<XksProxySettings>, WireError> {
    let connectivity = m.aws_enum("XksProxyConnectivity")?;
    let uri_endpoint = m.string("XksProxyUriEndpoint")?;
    let uri_path = m.string("XksProxyUriPath")?;
    let vpc_endpoint_service_name = m.string("XksProxyVpcEndpointServiceName")?;
    let credential = m.object("XksProxyAuthenticationCredential")?;
    if connectivity.is_none()
        && uri_endpoint.is_none()
        && uri_path.is_none()
        && vpc_endpoint_service_name.is_none()
        && credential.is_none()
    {
        return Ok(None);
    }
    require!(
        m;
        connectivity = "XksProxyConnectivity",
        uri_endpoint = "XksProxyUriEndpoint",
        uri_path = "XksProxyUriPath",
        credential = "XksProxyAuthenticationCredential",
    );
    let access_key_id = credential.string("AccessKeyId")?;
    let raw_secret_access_key = credential.secret_string("RawSecretAccessKey")?;
    require!(
        credential;
        access_key_id = "AccessKeyId",
        raw_secret_access_key = "RawSecretAccessKey",
    );
    Ok(Some(XksProxySettings {
        connectivity,
        uri_endpoint,
        uri_path,
        vpc_endpoint_service_name,
        access_key_id,
        raw_secret_access_key,
    }))
}

/// `DescribeCustomKeyStores`.
pub(super) fn describe(m: &Members<'_, '_>) -> Result<DescribeCustomKeyStoresRequest, WireError> {
    Ok(DescribeCustomKeyStoresRequest {
        custom_key_store_id: m.string("CustomKeyStoreId")?,
        custom_key_store_name: m.string("CustomKeyStoreName")?,
        page: m.page()?,
    })
}

/// `UpdateCustomKeyStore`.
pub(super) fn update(m: &Members<'_, '_>) -> Result<UpdateCustomKeyStoreRequest, WireError> {
    // The engine cannot change a store's proxy; ignoring the change would report success.
    for member in XKS_PROXY_MEMBERS {
        m.unsupported(member)?;
    }
    let custom_key_store_id = m.string("CustomKeyStoreId")?;
    let new_custom_key_store_name = m.string("NewCustomKeyStoreName")?;
    let key_store_password = m.secret_string("KeyStorePassword")?;
    let cloud_hsm_cluster_id = m.string("CloudHsmClusterId")?;
    require!(m; custom_key_store_id = "CustomKeyStoreId");
    Ok(UpdateCustomKeyStoreRequest {
        custom_key_store_id,
        new_custom_key_store_name,
        key_store_password,
        cloud_hsm_cluster_id,
    })
}

/// The required `CustomKeyStoreId` of the operations that take nothing else.
fn store_id_only(m: &Members<'_, '_>) -> Result<String, WireError> {
    let custom_key_store_id = m.string("CustomKeyStoreId")?;
    require!(m; custom_key_store_id = "CustomKeyStoreId");
    Ok(custom_key_store_id)
}

/// `DeleteCustomKeyStore`.
pub(super) fn delete(m: &Members<'_, '_>) -> Result<DeleteCustomKeyStoreRequest, WireError> {
    Ok(DeleteCustomKeyStoreRequest { custom_key_store_id: store_id_only(m)? })
}

/// `ConnectCustomKeyStore`.
pub(super) fn connect(m: &Members<'_, '_>) -> Result<ConnectCustomKeyStoreRequest, WireError> {
    Ok(ConnectCustomKeyStoreRequest { custom_key_store_id: store_id_only(m)? })
}

/// `DisconnectCustomKeyStore`.
pub(super) fn disconnect(
    m: &Members<'_, '_>,
) -> Result<DisconnectCustomKeyStoreRequest, WireError> {
    Ok(DisconnectCustomKeyStoreRequest { custom_key_store_id: store_id_only(m)? })
}

/// `CreateCustomKeyStore`.
pub(super) fn write_create(mut w: ObjectWriter<'_>, response: &CreateCustomKeyStoreResponse) {
    let CreateCustomKeyStoreResponse { custom_key_store_id } = response;
    w.str("CustomKeyStoreId", custom_key_store_id);
    w.close();
}

/// `DescribeCustomKeyStores`. Never a secret: the engine's entries hold none.
pub(super) fn write_describe(mut w: ObjectWriter<'_>, response: &DescribeCustomKeyStoresResponse) {
    let DescribeCustomKeyStoresResponse { custom_key_stores, page_info } = response;
    w.objects("CustomKeyStores", custom_key_stores, |w, entry| {
        let CustomKeyStoresListEntry {
            custom_key_store_id,
            custom_key_store_name,
            custom_key_store_type,
            cloud_hsm_cluster_id,
            trust_anchor_certificate,
            connection_state,
            connection_error_code,
            creation_date,
            xks_proxy_configuration,
        } = entry;
        w.str("CustomKeyStoreId", custom_key_store_id);
        w.str("CustomKeyStoreName", custom_key_store_name);
        w.opt_str("CloudHsmClusterId", cloud_hsm_cluster_id.as_deref());
        w.opt_str("TrustAnchorCertificate", trust_anchor_certificate.as_deref());
        w.str("ConnectionState", connection_state.as_str());
        w.opt_str("ConnectionErrorCode", connection_error_code.map(|code| code.as_str()));
        w.timestamp("CreationDate", *creation_date);
        w.str("CustomKeyStoreType", custom_key_store_type.as_str());
        if let Some((
            connectivity,
            uri_endpoint,
            uri_path,
            vpc_endpoint_service_name,
            access_key_id,
        )) = xks_proxy_configuration
        {
            w.object("XksProxyConfiguration", |w| {
                w.str("Connectivity", connectivity.as_str());
                w.str("AccessKeyId", access_key_id);
                w.str("UriEndpoint", uri_endpoint);
                w.str("UriPath", uri_path);
                w.opt_str("VpcEndpointServiceName", vpc_endpoint_service_name.as_deref());
            });
        }
    });
    write_page_info(&mut w, page_info);
    w.close();
}
