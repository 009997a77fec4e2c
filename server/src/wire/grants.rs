//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.

use engine::api::{
    CreateGrantRequest, CreateGrantResponse, GrantConstraints, GrantListEntry, ListGrantsRequest,
    ListGrantsResponse, ListRetirableGrantsRequest, ListRetirableGrantsResponse,
    RetireGrantRequest, RevokeGrantRequest,
};
use engine::crypto::blob::EncryptionContext;

use super::WireError;
use super::keys::write_page_info;
use super::request_body::{Members, parse, parse_optional};
use super::response_body::ObjectWriter;

/// `Constraints` (`GrantConstraints`).
fn constraints(m: &Members<'_, '_>) -> Result<Option<GrantConstraints>, WireError> {
    let Some(c) = m.object("Constraints")? else { return Ok(None) };
    Ok(Some(GrantConstraints {
        encryption_context_subset: c.context("EncryptionContextSubset")?,
        encryption_context_equals: c.context("EncryptionContextEquals")?,
        source_arn: c.string("SourceArn")?,
    }))
}

/// `CreateGrant`.
pub(super) fn create_grant(m: &Members<'_, '_>) -> Result<CreateGrantRequest, WireError> {
    let key_id = m.str("KeyId")?;
    // Exactly one of each pair: the engine says which is missing or doubled.
    let grantee_principal = m.string("GranteePrincipal")?;
    let grantee_service_principal = m.string("GranteeServicePrincipal")?;
    let operations = m.aws_enums("Operations")?;
    let constraints = constraints(m)?;
    let retiring_principal = m.string("RetiringPrincipal")?;
    let retiring_service_principal = m.string("RetiringServicePrincipal")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let name = m.string("Name")?;
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(
        m;
        key_id = "KeyId",
        operations = "Operations",
    );
    Ok(CreateGrantRequest {
        key_id: parse(key_id)?,
        grantee_principal,
        grantee_service_principal,
        operations,
        retiring_principal,
        retiring_service_principal,
        constraints,
        grant_tokens,
        name,
        dry_run,
    })
}

/// `ListGrants`.
pub(super) fn list_grants(m: &Members<'_, '_>) -> Result<ListGrantsRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let grant_id = m.str("GrantId")?;
    let grantee_principal = m.string("GranteePrincipal")?;
    let grantee_service_principal = m.string("GranteeServicePrincipal")?;
    let page = m.page()?;
    require!(m; key_id = "KeyId");
    Ok(ListGrantsRequest {
        key_id: parse(key_id)?,
        grant_id: parse_optional(grant_id)?,
        grantee_principal,
        grantee_service_principal,
        page,
    })
}

/// `ListRetirableGrants`.
pub(super) fn list_retirable_grants(
    m: &Members<'_, '_>,
) -> Result<ListRetirableGrantsRequest, WireError> {
    // Exactly one of the two: the engine says which is missing or doubled.
    let retiring_principal = m.string("RetiringPrincipal")?;
    let retiring_service_principal = m.string("RetiringServicePrincipal")?;
    let page = m.page()?;
    Ok(ListRetirableGrantsRequest { retiring_principal, retiring_service_principal, page })
}

/// `RetireGrant`.
pub(super) fn retire_grant(m: &Members<'_, '_>) -> Result<RetireGrantRequest, WireError> {
    Ok(RetireGrantRequest {
        grant_token: m.string("GrantToken")?,
        key_id: parse_optional(m.str("KeyId")?)?,
        grant_id: parse_optional(m.str("GrantId")?)?,
        dry_run: m.bool("DryRun")?.unwrap_or(false),
    })
}

/// `RevokeGrant`.
pub(super) fn revoke_grant(m: &Members<'_, '_>) -> Result<RevokeGrantRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let grant_id = m.str("GrantId")?;
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; key_id = "KeyId", grant_id = "GrantId");
    Ok(RevokeGrantRequest { key_id: parse(key_id)?, grant_id: parse(grant_id)?, dry_run })
}

/// `CreateGrant`.
pub(super) fn write_create_grant(mut w: ObjectWriter<'_>, response: &CreateGrantResponse) {
    let CreateGrantResponse { grant_token, grant_id } = response;
    w.str("GrantToken", grant_token);
    w.display("GrantId", grant_id);
    w.close();
}

/// `ListGrants`.
pub(super) fn write_list_grants(mut w: ObjectWriter<'_>, response: &ListGrantsResponse) {
    let ListGrantsResponse { grants, page_info } = response;
    write_grants(&mut w, grants);
    write_page_info(&mut w, page_info);
    w.close();
}

/// `ListRetirableGrants`.
pub(super) fn write_list_retirable_grants(
    mut w: ObjectWriter<'_>,
    response: &ListRetirableGrantsResponse,
) {
    let ListRetirableGrantsResponse { grants, page_info } = response;
    write_grants(&mut w, grants);
    write_page_info(&mut w, page_info);
    w.close();
}

/// `Grants`: a list of `GrantListEntry`.
fn write_grants(w: &mut ObjectWriter<'_>, grants: &[GrantListEntry]) {
    w.objects("Grants", grants, |w, entry| {
        let GrantListEntry {
            key_id,
            grant_id,
            name,
            creation_date,
            grantee_principal,
            grantee_service_principal,
            retiring_principal,
            retiring_service_principal,
            issuing_account,
            operations,
            constraints,
        } = entry;
        w.display("KeyId", key_id);
        w.display("GrantId", grant_id);
        w.opt_str("Name", name.as_deref());
        w.timestamp("CreationDate", *creation_date);
        w.opt_str("GranteePrincipal", grantee_principal.as_deref());
        w.opt_str("GranteeServicePrincipal", grantee_service_principal.as_deref());
        w.opt_str("RetiringPrincipal", retiring_principal.as_deref());
        w.opt_str("RetiringServicePrincipal", retiring_service_principal.as_deref());
        w.display("IssuingAccount", issuing_account);
        w.strs("Operations", operations.iter().map(|op| op.as_str()));
        if let Some(constraints) = constraints {
            let GrantConstraints {
                encryption_context_subset,
                encryption_context_equals,
                source_arn,
            } = constraints;
            w.object("Constraints", |w| {
                write_context(w, "EncryptionContextSubset", encryption_context_subset.as_ref());
                write_context(w, "EncryptionContextEquals", encryption_context_equals.as_ref());
                w.opt_str("SourceArn", source_arn.as_deref());
            });
        }
    });
}

/// A string-to-string map member, if present.
fn write_context(w: &mut ObjectWriter<'_>, name: &str, context: Option<&EncryptionContext>) {
    if let Some(context) = context {
        w.object(name, |w| {
            for (key, value) in context {
                w.str(key, value);
            }
        });
    }
}
