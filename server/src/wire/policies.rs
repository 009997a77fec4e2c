//! Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies.

use engine::api::{
    GetKeyPolicyRequest, GetKeyPolicyResponse, ListKeyPoliciesRequest, ListKeyPoliciesResponse,
    PutKeyPolicyRequest,
};

use super::WireError;
use super::keys::write_page_info;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `GetKeyPolicy`.
pub(super) fn get_key_policy(m: &Members<'_, '_>) -> Result<GetKeyPolicyRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let policy_name = m.string("PolicyName")?;
    require!(m; key_id = "KeyId");
    Ok(GetKeyPolicyRequest { key_id: parse(key_id)?, policy_name })
}

/// `PutKeyPolicy`.
pub(super) fn put_key_policy(m: &Members<'_, '_>) -> Result<PutKeyPolicyRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let policy_name = m.string("PolicyName")?;
    let policy = m.string("Policy")?;
    let bypass = m.bool("BypassPolicyLockoutSafetyCheck")?.unwrap_or(false);
    require!(m; key_id = "KeyId", policy = "Policy");
    Ok(PutKeyPolicyRequest {
        key_id: parse(key_id)?,
        policy_name,
        policy,
        bypass_policy_lockout_safety_check: bypass,
    })
}

/// `ListKeyPolicies`.
pub(super) fn list_key_policies(m: &Members<'_, '_>) -> Result<ListKeyPoliciesRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let page = m.page()?;
    require!(m; key_id = "KeyId");
    Ok(ListKeyPoliciesRequest { key_id: parse(key_id)?, page })
}

/// `GetKeyPolicy`.
pub(super) fn write_get_key_policy(mut w: ObjectWriter<'_>, response: &GetKeyPolicyResponse) {
    let GetKeyPolicyResponse { policy, policy_name } = response;
    w.str("Policy", policy);
    w.str("PolicyName", policy_name);
    w.close();
}

/// `ListKeyPolicies`.
pub(super) fn write_list_key_policies(mut w: ObjectWriter<'_>, response: &ListKeyPoliciesResponse) {
    let ListKeyPoliciesResponse { policy_names, page_info } = response;
    w.strs("PolicyNames", policy_names.iter().map(String::as_str));
    write_page_info(&mut w, page_info);
    w.close();
}
