//! Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies.
//!
//! Every key has exactly one policy, named `default`.

use super::{Page, PageInfo};
use crate::id::KeyRef;

/// The name of a key's one policy.
pub const DEFAULT_POLICY_NAME: &str = "default";

/// `GetKeyPolicy` request.
#[derive(Clone, Debug)]
pub struct GetKeyPolicyRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `PolicyName`, default `default` (the only one there is).
    pub policy_name: Option<String>,
}

impl GetKeyPolicyRequest {
    /// The policy of `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into(), policy_name: None }
    }

    /// Sets `PolicyName`.
    #[must_use]
    pub fn with_policy_name(mut self, policy_name: impl Into<String>) -> Self {
        self.policy_name = Some(policy_name.into());
        self
    }
}

/// `GetKeyPolicy` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetKeyPolicyResponse {
    /// `Policy`: the policy text, exactly as it was set (or AWS's default text).
    pub policy: String,
    /// `PolicyName`: `default`.
    pub policy_name: String,
}

/// `PutKeyPolicy` request.
#[derive(Clone, Debug)]
pub struct PutKeyPolicyRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `PolicyName`, default `default` (the only one there is).
    pub policy_name: Option<String>,
    /// `Policy`: the new key policy, at most 32,768 bytes.
    pub policy: String,
    /// `BypassPolicyLockoutSafetyCheck`, default false.
    pub bypass_policy_lockout_safety_check: bool,
}

impl PutKeyPolicyRequest {
    /// Sets `policy` as the policy of `key_id`, with the lockout safety check.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, policy: impl Into<String>) -> Self {
        Self {
            key_id: key_id.into(),
            policy_name: None,
            policy: policy.into(),
            bypass_policy_lockout_safety_check: false,
        }
    }

    /// Sets `PolicyName`.
    #[must_use]
    pub fn with_policy_name(mut self, policy_name: impl Into<String>) -> Self {
        self.policy_name = Some(policy_name.into());
        self
    }

    /// Sets `BypassPolicyLockoutSafetyCheck`.
    #[must_use]
    pub const fn with_bypass_policy_lockout_safety_check(mut self, bypass: bool) -> Self {
        self.bypass_policy_lockout_safety_check = bypass;
        self
    }
}

/// `PutKeyPolicy` response (empty).
#[derive(Clone, Debug, Default)]
pub struct PutKeyPolicyResponse {}

/// `ListKeyPolicies` request.
#[derive(Clone, Debug)]
pub struct ListKeyPoliciesRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `Limit` (1..1000, default 100) and `Marker`.
    pub page: Page,
}

impl ListKeyPoliciesRequest {
    /// The policy names of `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into(), page: Page::default() }
    }

    /// Sets `Limit` and `Marker`.
    #[must_use]
    pub fn with_page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }
}

/// `ListKeyPolicies` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListKeyPoliciesResponse {
    /// `PolicyNames`: always `["default"]`.
    pub policy_names: Vec<String>,
    /// `NextMarker` and `Truncated` (never truncated).
    pub page_info: PageInfo,
}
