//! Key policies (GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, CreateKey's `Policy`), the
//! callers' identity policies, and the request context authorization evaluates.
//!
//! A key's policy is parsed once, when it is set; keys with the default policy share their
//! account's parsed default. Identity policies are kept by principal (a user or a role;
//! a role's policies apply to its sessions), parsed when registered.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::{
    Access, Audited, CallContext, Engine, RequestTags, Touched, check_marker, invalid_marker,
    page_limit,
};
use crate::api::*;
use crate::error::{ErrorKind, KmsError};
use crate::id::{AccountId, AliasName, PrincipalArn, Region};
use crate::key::KeyRecord;
use crate::policy::{
    self, Caller, ContextValue, Decision, PolicyDocument, PolicySet, RequestContext, check_lockout,
    default_key_policy_for,
};
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, KeyUsage, OriginType};

/// Which identity (IAM) policies the engine assumes its callers have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdentityModel {
    /// A principal with no identity policy registered is treated as if it had one allowing
    /// `kms:*` on `*` (the common administrator setup). A principal with registered
    /// policies has exactly those. The default: it keeps the engine as permissive as AWS's
    /// default key policy with administrators calling.
    #[default]
    AllowAll,
    /// Only registered policies count, as in a real account: a principal with none is
    /// allowed only what a key policy grants it directly (or a grant).
    Explicit,
}

/// The identity policy an [`IdentityModel::AllowAll`] principal without registered policies
/// is taken to have.
const ALLOW_ALL_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#;

/// The identity policies of the engine's callers.
#[derive(Debug)]
pub(crate) struct Identities {
    model: IdentityModel,
    /// [`ALLOW_ALL_POLICY`], parsed once.
    allow_all: PolicyDocument,
    /// By principal ARN (a user, a role, or an account root), each principal's policies.
    by_principal: BTreeMap<String, Attached>,
}

/// One principal's policies, by name.
#[derive(Debug, Default)]
struct Attached {
    /// Sorted; `documents[i]` is the policy named `names[i]`.
    names: Vec<String>,
    documents: Vec<PolicyDocument>,
}

impl Default for Identities {
    fn default() -> Self {
        Self::new(IdentityModel::AllowAll)
    }
}

impl Identities {
    pub(crate) fn new(model: IdentityModel) -> Self {
        let allow_all = PolicyDocument::parse_identity_policy(ALLOW_ALL_POLICY)
            .expect("the allow-all identity policy parses");
        Self { model, allow_all, by_principal: BTreeMap::new() }
    }

    /// Whether every caller is allowed every action by its identity policies: the model is
    /// [`IdentityModel::AllowAll`] and nobody has a registered policy. Authorization's hot
    /// path needs this.
    #[inline]
    pub(crate) fn allow_everyone(&self) -> bool {
        self.model == IdentityModel::AllowAll && self.by_principal.is_empty()
    }

    /// The identity policies that apply to `caller`: those of its role (for a role
    /// session) or its own, or the implicit allow-all under [`IdentityModel::AllowAll`].
    pub(crate) fn for_caller(&self, caller: &Caller<'_>) -> &[PolicyDocument] {
        // The holder is the role for a role session (`aws:PrincipalArn`), looked up only
        // when someone has policies.
        let attached = if self.by_principal.is_empty() {
            None
        } else {
            caller.with_principal_arn(|holder| self.by_principal.get(holder))
        };
        match (attached, self.model) {
            (Some(attached), _) => &attached.documents,
            (None, IdentityModel::AllowAll) => std::slice::from_ref(&self.allow_all),
            (None, IdentityModel::Explicit) => &[],
        }
    }
}

/// The principal an identity policy attaches to: a user, a role or an account root, never
/// a session.
fn policy_holder(principal_arn: &str) -> Result<String, KmsError> {
    let principal: PrincipalArn = principal_arn.parse()?;
    if principal.as_str().contains(":assumed-role/") {
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "identity policies attach to users and roles, not to the session {principal_arn}"
            ),
        ));
    }
    Ok(principal.as_str().to_owned())
}

/// Checks an identity policy's name as IAM does: 1..128 of `[\w+=,.@-]`.
fn check_policy_name(name: &str) -> Result<(), KmsError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(KmsError::validation(
            "policyName",
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ))
    }
}

impl Engine {
    /// Attaches the identity (IAM) policy `document`, named `name`, to `principal_arn` (a
    /// user, a role or an account root; a role's policies apply to every session of it),
    /// replacing a policy of that name. Not an AWS KMS operation: IAM's `PutUserPolicy` /
    /// `PutRolePolicy`, which the engine models so that key policies delegating to IAM
    /// can be evaluated.
    ///
    /// # Errors
    /// `Validation` (not a user, role or root ARN; a bad name), `InvalidArn`,
    /// `MalformedPolicyDocument` (the module's message), `LimitExceeded` (too large).
    pub fn put_identity_policy(
        &mut self,
        principal_arn: &str,
        name: &str,
        document: &str,
    ) -> Result<(), KmsError> {
        let holder = policy_holder(principal_arn)?;
        check_policy_name(name)?;
        let document =
            PolicyDocument::parse_identity_policy(document).map_err(|e| e.to_kms_error())?;
        let attached = self.store.identities.by_principal.entry(holder).or_default();
        match attached.names.binary_search_by(|n| n.as_str().cmp(name)) {
            Ok(at) => attached.documents[at] = document,
            Err(at) => {
                attached.names.insert(at, name.to_owned());
                attached.documents.insert(at, document);
            }
        }
        Ok(())
    }

    /// Detaches the identity policy `name` from `principal_arn`.
    ///
    /// # Errors
    /// `Validation`/`InvalidArn` as [`Engine::put_identity_policy`]; `NotFound` if the
    /// principal has no policy of that name.
    pub fn delete_identity_policy(
        &mut self,
        principal_arn: &str,
        name: &str,
    ) -> Result<(), KmsError> {
        let holder = policy_holder(principal_arn)?;
        let identities = &mut self.store.identities.by_principal;
        let found = identities.get_mut(&holder).and_then(|attached| {
            let at = attached.names.binary_search_by(|n| n.as_str().cmp(name)).ok()?;
            attached.names.remove(at);
            attached.documents.remove(at);
            Some(attached.names.is_empty())
        });
        match found {
            Some(true) => {
                identities.remove(&holder);
                Ok(())
            }
            Some(false) => Ok(()),
            None => Err(KmsError::new(
                ErrorKind::NotFound,
                format!("The policy {name} of {principal_arn} cannot be found."),
            )),
        }
    }

    /// The identity policies registered for `principal_arn`, by name, as their text.
    #[must_use]
    pub fn identity_policies(&self, principal_arn: &str) -> Vec<(String, String)> {
        self.store
            .identities
            .by_principal
            .get(principal_arn)
            .map(|attached| {
                attached
                    .names
                    .iter()
                    .zip(&attached.documents)
                    .map(|(name, document)| (name.clone(), document.text().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The identity model in force.
    #[must_use]
    pub const fn identity_model(&self) -> IdentityModel {
        self.store.identities.model
    }
}

/// The caller as policies see it: the service principal when it calls as itself, else
/// the principal.
pub(super) fn policy_caller(ctx: &CallContext) -> Caller<'_> {
    match ctx.calling_service() {
        Some(service) => Caller::service(service),
        None => Caller::from_principal(&ctx.principal),
    }
}

/// The context of the caller alone: who, when, from where.
fn caller_context<'a>(
    ctx: &'a CallContext,
    action: &'a str,
    resource: &'a str,
) -> RequestContext<'a> {
    caller_context_of(policy_caller(ctx), ctx, action, resource)
}

/// [`caller_context`] for a `caller` already built from `ctx.principal`.
fn caller_context_of<'a>(
    caller: Caller<'a>,
    ctx: &'a CallContext,
    action: &'a str,
    resource: &'a str,
) -> RequestContext<'a> {
    let mut request = RequestContext::new(caller, action, resource).with_current_time(ctx.now);
    if let Some(endpoint) = &ctx.via_service {
        request = request.with_via_service(endpoint);
    }
    if let Some(ip) = ctx.source_ip {
        request = request.with_source_ip(ip);
    }
    if let Some(vpce) = &ctx.source_vpce {
        request = request.with_source_vpce(vpce);
    }
    if let Some(source_arn) = &ctx.source_arn {
        request = request.with("aws:SourceArn", source_arn.as_str());
    }
    if ctx.service_is_caller {
        request = request.with("aws:SourceAccount", ctx.account().to_string());
    }
    request
}

/// The request context of `access` to `key`, whose ARN is `resource`: the caller,
/// `kms:<action>` on the key, the key's condition keys, and the request's (with AWS's
/// defaults for omitted members). `caller` is `ctx.principal` as policies see it.
///
/// `resource_aliases` are the key's aliases (`kms:ResourceAliases`), `None` when no policy
/// reads them or the key has more than the aliases-per-key quota (AWS leaves the key out
/// then).
pub(super) fn request_context<'a>(
    caller: Caller<'a>,
    ctx: &'a CallContext,
    access: &Access<'a>,
    key: &'a KeyRecord,
    resource: &'a str,
    resource_aliases: Option<&[&AliasName]>,
) -> RequestContext<'a> {
    let mut request = caller_context_of(caller, ctx, access.action(), resource)
        .with_key_spec(key.spec)
        .with_key_usage(key.usage)
        .with_key_origin(key.origin)
        .with_multi_region(key.multi_region.is_some())
        .with_resource_tags(&key.tags);
    if let Some(context) = access.encryption_context {
        request = request.with_encryption_context(context.iter());
    }
    if let Some(alias) = access.request_alias {
        request = request.with_request_alias(alias.as_str());
    }
    if let Some(aliases) = resource_aliases {
        request = request.with_resource_aliases(aliases.iter().map(|name| name.as_str()));
    }
    match access.request_tags {
        Some(RequestTags::Tags(tags)) => {
            request =
                request.with_request_tags(tags.iter().map(|tag| (&tag.tag_key, &tag.tag_value)));
        }
        Some(RequestTags::Keys(keys)) => {
            request =
                request.with("aws:TagKeys", ContextValue::multi(keys.iter().map(String::as_str)));
        }
        None => {}
    }
    match access.operation {
        Operation::Encrypt
        | Operation::Decrypt
        | Operation::ReEncrypt
        | Operation::GenerateDataKey
        | Operation::GenerateDataKeyWithoutPlaintext => {
            request = request.with_encryption_algorithm(
                access.encryption_algorithm.unwrap_or(EncryptionAlgorithmSpec::SymmetricDefault),
            );
        }
        Operation::Sign | Operation::Verify => {
            if let Some((algorithm, message_type)) = access.signing {
                request = request
                    .with_signing_algorithm(algorithm.as_str())
                    .with("kms:MessageType", message_type.as_str());
            }
        }
        Operation::DeriveSharedSecret => {
            if let Some(algorithm) = access.key_agreement_algorithm {
                request = request.with("kms:KeyAgreementAlgorithm", algorithm.as_str());
            }
        }
        Operation::GenerateDataKeyPair | Operation::GenerateDataKeyPairWithoutPlaintext => {
            if let Some(spec) = access.data_key_pair_spec {
                request = request.with("kms:DataKeyPairSpec", spec.as_str());
            }
        }
        Operation::ScheduleKeyDeletion => {
            request = request.with_schedule_key_deletion_pending_window_in_days(
                access.pending_window_in_days.unwrap_or(30),
            );
        }
        Operation::EnableKeyRotation => {
            request =
                request.with_rotation_period_in_days(access.rotation_period_in_days.unwrap_or(365));
        }
        _ => {}
    }
    if matches!(
        access.operation,
        Operation::CreateGrant | Operation::ListGrants | Operation::RevokeGrant
    ) {
        // True when an AWS service integrated with KMS makes the call, on a principal's
        // behalf (through `kms:ViaService`) or as itself; false for a direct call, so
        // that `"Bool": {"kms:GrantIsForAWSResource": "false"}` matches it.
        request = request.with_grant_is_for_aws_resource(
            ctx.service_principal.is_some() || ctx.via_service.is_some(),
        );
    }
    if let Some(new_grant) = access.new_grant {
        request = request.with_grant_operations(new_grant.operations.iter().map(|op| op.as_str()));
        if let Some(grantee) = new_grant.grantee {
            request = request.with_grantee_principal(grantee);
        }
    }
    request
}

/// Decides `access` to `key` with the full evaluator; a grant is looked for only when the
/// policies alone would deny implicitly (an explicit deny beats any grant).
pub(super) fn decide(
    store: &super::Store,
    ctx: &CallContext,
    access: &Access<'_>,
    key: &KeyRecord,
    touched: &mut Touched,
) -> Result<(), KmsError> {
    let caller = policy_caller(ctx);
    // IAM identity policies are for IAM principals: a service principal calling as
    // itself has none, whatever the identity model.
    let identity_policies =
        if ctx.service_is_caller { &[][..] } else { store.identities.for_caller(&caller) };
    let conditional =
        key.policy.has_conditions() || identity_policies.iter().any(PolicyDocument::has_conditions);
    // The key's ARN is formatted on the stack: a decision allocates nothing until a
    // statement's Condition needs a request value.
    // `kms:ResourceAliases` reads the account's aliases: computed only when a policy reads
    // it, and only within the aliases-per-key quota.
    let resource_aliases = (conditional
        && key.alias_count <= store.aliases_per_key
        && (key.policy.reads_resource_aliases()
            || identity_policies.iter().any(PolicyDocument::reads_resource_aliases)))
    .then(|| store.alias_names_of(key));
    let allowed_by_grant = key.arn.with_text(|resource| {
        let request = if conditional {
            request_context(caller, ctx, access, key, resource, resource_aliases.as_deref())
        } else {
            // No statement reads a condition key (the default policy, allow-all
            // identities): the caller, action and resource decide, so none is computed.
            RequestContext::new(caller, access.action(), resource)
        };
        let policies = PolicySet {
            key_policy: &key.policy,
            key_account: key.arn.account,
            identity_policies,
            grant_allows: false,
        };
        let decision = policy::evaluate(&policies, &request);
        if decision == Decision::Allow {
            return Ok(None);
        }
        if matches!(decision, Decision::ImplicitDeny(_))
            && let Some(grant_id) = crate::grant::allowing(&key.grants, ctx, access)
        {
            return Ok(Some(grant_id));
        }
        Err(access_denied(decision, &request))
    })?;
    if let Some(grant_id) = allowed_by_grant {
        touched.grant(grant_id);
    }
    Ok(())
}

fn access_denied(decision: Decision, request: &RequestContext<'_>) -> KmsError {
    KmsError::new(
        ErrorKind::AccessDenied,
        decision.access_denied_message(request).unwrap_or_default(),
    )
}

/// For operations that name no key (CreateKey, ListKeys, GenerateRandom, …): the caller's
/// identity policies alone decide, on resource `*`. Free while every caller is allowed
/// everything ([`Identities::allow_everyone`]).
pub(super) fn check_key_less<Q: Audited>(
    store: &super::Store,
    ctx: &CallContext,
    operation: Operation,
    parameters: &Q,
) -> Result<(), KmsError> {
    if store.identities.allow_everyone() {
        return Ok(());
    }
    let mut request = caller_context(ctx, operation.action(), "*");
    let identity_policies = store.identities.for_caller(request.caller());
    // The request's own keys only when some statement has a Condition to read them.
    if identity_policies.iter().any(PolicyDocument::has_conditions) {
        request = parameters.key_less_condition_keys(request);
    }
    let decision = policy::evaluate_identity_only(identity_policies, &request);
    if decision.is_allowed() { Ok(()) } else { Err(access_denied(decision, &request)) }
}

/// Whether `operation` names no key, so that only identity policies authorize it.
pub(super) const fn names_no_key(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::CreateKey
            | Operation::ListKeys
            | Operation::ListAliases
            | Operation::GenerateRandom
            | Operation::ListRetirableGrants
            | Operation::ConnectCustomKeyStore
            | Operation::CreateCustomKeyStore
            | Operation::DeleteCustomKeyStore
            | Operation::DescribeCustomKeyStores
            | Operation::DisconnectCustomKeyStore
            | Operation::UpdateCustomKeyStore
    )
}

/// The attributes of a key that a new policy's lockout check sees.
pub(super) struct NewPolicyKey<'a> {
    pub(super) resource: &'a str,
    pub(super) account: AccountId,
    pub(super) spec: KeySpec,
    pub(super) usage: KeyUsage,
    pub(super) origin: OriginType,
    pub(super) multi_region: bool,
    pub(super) tags: &'a BTreeMap<String, String>,
}

/// Parses a key policy a request sets and, unless `bypass`, applies KMS's lockout safety
/// check: the caller must still be allowed `kms:PutKeyPolicy` on the key under the new
/// policy, with its identity policies.
pub(super) fn parse_new_policy(
    store: &super::Store,
    ctx: &CallContext,
    text: &str,
    bypass: bool,
    key: &NewPolicyKey<'_>,
) -> Result<PolicyDocument, KmsError> {
    let document = PolicyDocument::parse_key_policy(text).map_err(|e| e.to_kms_error())?;
    if bypass {
        return Ok(document);
    }
    let request = caller_context(ctx, "kms:PutKeyPolicy", key.resource)
        .with_key_spec(key.spec)
        .with_key_usage(key.usage)
        .with_key_origin(key.origin)
        .with_multi_region(key.multi_region)
        .with_resource_tags(key.tags)
        .with_bypass_policy_lockout_safety_check(false);
    check_lockout(&document, key.account, &request).map_err(|e| e.to_kms_error())?;
    let policies = PolicySet {
        key_policy: &document,
        key_account: key.account,
        identity_policies: store.identities.for_caller(request.caller()),
        grant_allows: false,
    };
    if !policy::evaluate(&policies, &request).is_allowed() {
        return Err(KmsError::new(ErrorKind::MalformedPolicyDocument, policy::LOCKOUT_MESSAGE));
    }
    Ok(document)
}

/// The account's default key policy, parsed at its first key and shared after.
pub(super) fn default_policy(
    store: &mut super::Store,
    region: Region,
    account: AccountId,
) -> Arc<PolicyDocument> {
    Arc::clone(store.default_policies.entry(account).or_insert_with(|| {
        Arc::new(
            PolicyDocument::parse_key_policy(&default_key_policy_for(region, account))
                .expect("AWS's default key policy parses"),
        )
    }))
}

/// `PolicyName`: only `default` exists (NotFoundException otherwise, as AWS answers).
fn check_key_policy_name(name: Option<&str>) -> Result<(), KmsError> {
    match name {
        None | Some(DEFAULT_POLICY_NAME) => Ok(()),
        Some("") => Err(KmsError::validation(
            "policyName",
            "Member must have length greater than or equal to 1",
        )),
        Some(other) => {
            Err(KmsError::new(ErrorKind::NotFound, format!("No such policy exists: {other}")))
        }
    }
}

impl Audited for GetKeyPolicyRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "policyName": self.policy_name.as_deref().unwrap_or(DEFAULT_POLICY_NAME),
        })
    }
}

pub(super) fn get_key_policy(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GetKeyPolicyRequest,
    touched: &mut Touched,
) -> Result<GetKeyPolicyResponse, KmsError> {
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::GetKeyPolicy, key_id, touched)?;
    check_key_policy_name(req.policy_name.as_deref())?;
    Ok(GetKeyPolicyResponse {
        policy: key.policy.text().to_owned(),
        policy_name: DEFAULT_POLICY_NAME.to_owned(),
    })
}

impl Audited for PutKeyPolicyRequest {
    // The policy is not secret: CloudTrail records it.
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "policyName": self.policy_name.as_deref().unwrap_or(DEFAULT_POLICY_NAME),
            "policy": self.policy,
            "bypassPolicyLockoutSafetyCheck": self.bypass_policy_lockout_safety_check,
        })
    }
}

pub(super) fn put_key_policy(
    engine: &mut Engine,
    ctx: &CallContext,
    req: PutKeyPolicyRequest,
    touched: &mut Touched,
) -> Result<PutKeyPolicyResponse, KmsError> {
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::PutKeyPolicy, key_id, touched)?;
    check_key_policy_name(req.policy_name.as_deref())?;
    let resource = key.arn.to_string();
    let new_key = NewPolicyKey {
        resource: &resource,
        account: key.arn.account,
        spec: key.spec,
        usage: key.usage,
        origin: key.origin,
        multi_region: key.multi_region.is_some(),
        tags: &key.tags,
    };
    let document = parse_new_policy(
        &engine.store,
        ctx,
        &req.policy,
        req.bypass_policy_lockout_safety_check,
        &new_key,
    )?;
    let key = engine.store.keys.get_mut(&key_id).ok_or_else(KmsError::internal)?;
    key.policy = Arc::new(document);
    key.policy_is_default = false;
    Ok(PutKeyPolicyResponse {})
}

impl Audited for ListKeyPoliciesRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "limit": self.page.limit,
            "marker": self.page.marker,
        })
    }
}

pub(super) fn list_key_policies(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ListKeyPoliciesRequest,
    touched: &mut Touched,
) -> Result<ListKeyPoliciesResponse, KmsError> {
    page_limit(req.page.limit, 100, 1000)?;
    // The one page never has a next one, so no marker is one this operation issued.
    if check_marker(req.page.marker.as_deref())?.is_some() {
        return Err(invalid_marker());
    }
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    Engine::authorize(&engine.store, ctx, Operation::ListKeyPolicies, key_id, touched)?;
    Ok(ListKeyPoliciesResponse {
        policy_names: vec![DEFAULT_POLICY_NAME.to_owned()],
        page_info: PageInfo::default(),
    })
}

#[cfg(test)]
mod tests;
