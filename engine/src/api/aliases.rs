//! Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.

use super::{Page, PageInfo};
use crate::id::{AliasArn, AliasName, KeyId, KeyRef};
use crate::time::Timestamp;

/// `CreateAlias` request.
#[derive(Clone, Debug)]
pub struct CreateAliasRequest {
    /// `AliasName`: `alias/…`, not in `alias/aws/`.
    pub alias_name: AliasName,
    /// `TargetKeyId`: a key id or key ARN of a customer managed key.
    pub target_key_id: KeyRef,
}

impl CreateAliasRequest {
    /// Points the new alias `alias_name` at `target_key_id`.
    #[must_use]
    pub fn new(alias_name: AliasName, target_key_id: impl Into<KeyRef>) -> Self {
        Self { alias_name, target_key_id: target_key_id.into() }
    }
}

/// `CreateAlias` response (empty).
#[derive(Clone, Debug, Default)]
pub struct CreateAliasResponse {}

/// `UpdateAlias` request.
#[derive(Clone, Debug)]
pub struct UpdateAliasRequest {
    /// `AliasName`.
    pub alias_name: AliasName,
    /// `TargetKeyId`: the new target; same key type and usage as the old one.
    pub target_key_id: KeyRef,
}

impl UpdateAliasRequest {
    /// Points `alias_name` at `target_key_id`.
    #[must_use]
    pub fn new(alias_name: AliasName, target_key_id: impl Into<KeyRef>) -> Self {
        Self { alias_name, target_key_id: target_key_id.into() }
    }
}

/// `UpdateAlias` response (empty).
#[derive(Clone, Debug, Default)]
pub struct UpdateAliasResponse {}

/// `DeleteAlias` request.
#[derive(Clone, Debug)]
pub struct DeleteAliasRequest {
    /// `AliasName`.
    pub alias_name: AliasName,
}

impl DeleteAliasRequest {
    /// Deletes `alias_name`.
    #[must_use]
    pub const fn new(alias_name: AliasName) -> Self {
        Self { alias_name }
    }
}

/// `DeleteAlias` response (empty).
#[derive(Clone, Debug, Default)]
pub struct DeleteAliasResponse {}

/// `ListAliases` request (Limit 1..100, default 50).
#[derive(Clone, Debug, Default)]
pub struct ListAliasesRequest {
    /// `KeyId`: only aliases of this key (key id or key ARN).
    pub key_id: Option<KeyRef>,
    /// `Limit` and `Marker`.
    pub page: Page,
}

impl ListAliasesRequest {
    /// The first page of all the caller's aliases.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Only aliases of `key_id`.
    #[must_use]
    pub fn with_key_id(mut self, key_id: impl Into<KeyRef>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// Sets `Limit` and `Marker`.
    #[must_use]
    pub fn with_page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }
}

/// One entry of `ListAliases` (`AliasListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasListEntry {
    /// `AliasName`.
    pub alias_name: AliasName,
    /// `AliasArn`.
    pub alias_arn: AliasArn,
    /// `TargetKeyId`: the bare key id; `None` for a predefined AWS alias (`alias/aws/…`)
    /// whose AWS managed key does not exist yet.
    pub target_key_id: Option<KeyId>,
    /// `CreationDate`; `None` for a predefined AWS alias without its key.
    pub creation_date: Option<Timestamp>,
    /// `LastUpdatedDate`; `None` for a predefined AWS alias without its key.
    pub last_updated_date: Option<Timestamp>,
}

/// `ListAliases` response.
#[derive(Clone, Debug)]
pub struct ListAliasesResponse {
    /// `Aliases`.
    pub aliases: Vec<AliasListEntry>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}
