//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.

use super::{Page, PageInfo};
use crate::crypto::blob::EncryptionContext;
use crate::id::{GrantId, KeyArn, KeyRef, PrincipalArn};
use crate::spec::GrantOperation;
use crate::time::Timestamp;

/// `GrantConstraints`: the encryption context a request must carry for the grant to allow
/// it, and the resource an AWS service must call about. At most one of the two encryption
/// context constraints is set; up to 8 pairs, each value at most 384 characters. Keys
/// compare case-insensitively, values case-sensitively.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrantConstraints {
    /// `EncryptionContextSubset`: the request's context must include these pairs.
    pub encryption_context_subset: Option<EncryptionContext>,
    /// `EncryptionContextEquals`: the request's context must be exactly these pairs.
    pub encryption_context_equals: Option<EncryptionContext>,
    /// `SourceArn` (20..512 characters, an ARN): the request's `aws:SourceArn` must be
    /// this ARN (every operation but RetireGrant). Required by a grant to a service
    /// principal.
    pub source_arn: Option<String>,
}

impl GrantConstraints {
    /// `EncryptionContextSubset` = `context`.
    #[must_use]
    pub fn subset(context: EncryptionContext) -> Self {
        Self { encryption_context_subset: Some(context), ..Self::default() }
    }

    /// `EncryptionContextEquals` = `context`.
    #[must_use]
    pub fn equals(context: EncryptionContext) -> Self {
        Self { encryption_context_equals: Some(context), ..Self::default() }
    }

    /// `SourceArn` = `source_arn`.
    #[must_use]
    pub fn source_arn(source_arn: impl Into<String>) -> Self {
        Self { source_arn: Some(source_arn.into()), ..Self::default() }
    }

    /// Adds `SourceArn` = `source_arn`.
    #[must_use]
    pub fn with_source_arn(mut self, source_arn: impl Into<String>) -> Self {
        self.source_arn = Some(source_arn.into());
        self
    }
}

/// `CreateGrant` request.
#[derive(Clone, Debug)]
pub struct CreateGrantRequest {
    /// `KeyId`: a key id or key ARN (another account's key by its ARN).
    pub key_id: KeyRef,
    /// `GranteePrincipal`: the principal ARN the grant allows (1..256 characters of
    /// `[\w+=,.@:/-]`); an account's root ARN allows every principal of the account.
    /// Exactly one of it and `grantee_service_principal`.
    pub grantee_principal: Option<String>,
    /// `GranteeServicePrincipal`: the AWS service principal the grant allows, calling as
    /// itself (1..128 characters); needs a `SourceArn` constraint and a retiring principal.
    pub grantee_service_principal: Option<String>,
    /// `Operations`: what the grant allows; each must be valid for the key's type.
    pub operations: Vec<GrantOperation>,
    /// `RetiringPrincipal`: who may retire the grant besides the issuing account.
    pub retiring_principal: Option<String>,
    /// `RetiringServicePrincipal`: a service principal that may retire the grant (not with
    /// `retiring_principal`).
    pub retiring_service_principal: Option<String>,
    /// `Constraints`.
    pub constraints: Option<GrantConstraints>,
    /// `GrantTokens`, at most 10: the tokens of a new grant that allows this CreateGrant.
    pub grant_tokens: Vec<String>,
    /// `Name` (1..256 characters of `[a-zA-Z0-9:/_-]`): a retry with the same name and
    /// parameters returns the grant already created.
    pub name: Option<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl CreateGrantRequest {
    /// A grant on `key_id` allowing `grantee_principal` the `operations`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        grantee_principal: impl Into<String>,
        operations: Vec<GrantOperation>,
    ) -> Self {
        Self {
            key_id: key_id.into(),
            grantee_principal: Some(grantee_principal.into()),
            grantee_service_principal: None,
            operations,
            retiring_principal: None,
            retiring_service_principal: None,
            constraints: None,
            grant_tokens: Vec::new(),
            name: None,
            dry_run: false,
        }
    }

    /// A grant on `key_id` allowing the AWS service principal `service_principal` the
    /// `operations` (`GranteeServicePrincipal`); it also needs a `SourceArn` constraint and
    /// a retiring principal.
    #[must_use]
    pub fn for_service_principal(
        key_id: impl Into<KeyRef>,
        service_principal: impl Into<String>,
        operations: Vec<GrantOperation>,
    ) -> Self {
        Self {
            grantee_principal: None,
            grantee_service_principal: Some(service_principal.into()),
            ..Self::new(key_id, String::new(), operations)
        }
    }

    /// Sets `RetiringPrincipal`.
    #[must_use]
    pub fn with_retiring_principal(mut self, principal: impl Into<String>) -> Self {
        self.retiring_principal = Some(principal.into());
        self
    }

    /// Sets `RetiringServicePrincipal`.
    #[must_use]
    pub fn with_retiring_service_principal(mut self, service_principal: impl Into<String>) -> Self {
        self.retiring_service_principal = Some(service_principal.into());
        self
    }

    /// Sets `Constraints`.
    #[must_use]
    pub fn with_constraints(mut self, constraints: GrantConstraints) -> Self {
        self.constraints = Some(constraints);
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }

    /// Sets `Name`.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `CreateGrant` response.
#[derive(Clone, Debug)]
pub struct CreateGrantResponse {
    /// `GrantToken`: opaque, not secret, new with every call; any token of a grant lets
    /// its grantee use it before it is consistent.
    pub grant_token: String,
    /// `GrantId`.
    pub grant_id: GrantId,
}

/// `ListGrants` request (Limit 1..100, default 50).
#[derive(Clone, Debug)]
pub struct ListGrantsRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `GrantId`: only this grant.
    pub grant_id: Option<GrantId>,
    /// `GranteePrincipal`: only grants to exactly this principal.
    pub grantee_principal: Option<String>,
    /// `GranteeServicePrincipal`: only grants to exactly this service principal.
    pub grantee_service_principal: Option<String>,
    /// `Limit` and `Marker`.
    pub page: Page,
}

impl ListGrantsRequest {
    /// The first page of `key_id`'s grants.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self {
            key_id: key_id.into(),
            grant_id: None,
            grantee_principal: None,
            grantee_service_principal: None,
            page: Page::default(),
        }
    }

    /// Sets `GranteeServicePrincipal`.
    #[must_use]
    pub fn with_grantee_service_principal(mut self, service_principal: impl Into<String>) -> Self {
        self.grantee_service_principal = Some(service_principal.into());
        self
    }

    /// Sets `GrantId`.
    #[must_use]
    pub const fn with_grant_id(mut self, grant_id: GrantId) -> Self {
        self.grant_id = Some(grant_id);
        self
    }

    /// Sets `GranteePrincipal`.
    #[must_use]
    pub fn with_grantee_principal(mut self, principal: impl Into<String>) -> Self {
        self.grantee_principal = Some(principal.into());
        self
    }

    /// Sets `Limit` and `Marker`.
    #[must_use]
    pub fn with_page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }
}

/// One grant (`GrantListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantListEntry {
    /// `KeyId`: the ARN of the grant's key.
    pub key_id: KeyArn,
    /// `GrantId`.
    pub grant_id: GrantId,
    /// `Name`, if the grant has one.
    pub name: Option<String>,
    /// `CreationDate`.
    pub creation_date: Timestamp,
    /// `GranteePrincipal`, for a grant to an IAM principal.
    pub grantee_principal: Option<String>,
    /// `GranteeServicePrincipal`, for a grant to an AWS service principal.
    pub grantee_service_principal: Option<String>,
    /// `RetiringPrincipal`.
    pub retiring_principal: Option<String>,
    /// `RetiringServicePrincipal`.
    pub retiring_service_principal: Option<String>,
    /// `IssuingAccount`: the root ARN of the account that created the grant.
    pub issuing_account: PrincipalArn,
    /// `Operations`.
    pub operations: Vec<GrantOperation>,
    /// `Constraints`.
    pub constraints: Option<GrantConstraints>,
}

/// `ListGrants` response.
#[derive(Clone, Debug)]
pub struct ListGrantsResponse {
    /// `Grants`, in grant id order.
    pub grants: Vec<GrantListEntry>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}

/// `ListRetirableGrants` request (Limit 1..100, default 50).
#[derive(Clone, Debug)]
pub struct ListRetirableGrantsRequest {
    /// `RetiringPrincipal`: a principal of the caller's account. Exactly one of it and
    /// `retiring_service_principal`.
    pub retiring_principal: Option<String>,
    /// `RetiringServicePrincipal`: a service principal.
    pub retiring_service_principal: Option<String>,
    /// `Limit` and `Marker`.
    pub page: Page,
}

impl ListRetirableGrantsRequest {
    /// The first page of the grants `retiring_principal` may retire.
    #[must_use]
    pub fn new(retiring_principal: impl Into<String>) -> Self {
        Self {
            retiring_principal: Some(retiring_principal.into()),
            retiring_service_principal: None,
            page: Page::default(),
        }
    }

    /// The first page of the grants the service principal `service_principal` may
    /// retire.
    #[must_use]
    pub fn for_service_principal(service_principal: impl Into<String>) -> Self {
        Self {
            retiring_principal: None,
            retiring_service_principal: Some(service_principal.into()),
            page: Page::default(),
        }
    }

    /// Sets `Limit` and `Marker`.
    #[must_use]
    pub fn with_page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }
}

/// `ListRetirableGrants` response.
#[derive(Clone, Debug)]
pub struct ListRetirableGrantsResponse {
    /// `Grants`, by key id, then grant id.
    pub grants: Vec<GrantListEntry>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}

/// `RetireGrant` request: the grant by its token, or by key and grant id.
#[derive(Clone, Debug, Default)]
pub struct RetireGrantRequest {
    /// `GrantToken`.
    pub grant_token: Option<String>,
    /// `KeyId`: a key id or key ARN; with `grant_id`.
    pub key_id: Option<KeyRef>,
    /// `GrantId`; with `key_id`.
    pub grant_id: Option<GrantId>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl RetireGrantRequest {
    /// Retires the grant that `grant_token` names.
    #[must_use]
    pub fn by_token(grant_token: impl Into<String>) -> Self {
        Self { grant_token: Some(grant_token.into()), ..Self::default() }
    }

    /// Retires grant `grant_id` of `key_id`.
    #[must_use]
    pub fn by_id(key_id: impl Into<KeyRef>, grant_id: GrantId) -> Self {
        Self { key_id: Some(key_id.into()), grant_id: Some(grant_id), ..Self::default() }
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `RetireGrant` response (empty).
#[derive(Clone, Debug, Default)]
pub struct RetireGrantResponse {}

/// `RevokeGrant` request.
#[derive(Clone, Debug)]
pub struct RevokeGrantRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `GrantId`.
    pub grant_id: GrantId,
    /// `DryRun`.
    pub dry_run: bool,
}

impl RevokeGrantRequest {
    /// Revokes grant `grant_id` of `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, grant_id: GrantId) -> Self {
        Self { key_id: key_id.into(), grant_id, dry_run: false }
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `RevokeGrant` response (empty).
#[derive(Clone, Debug, Default)]
pub struct RevokeGrantResponse {}
