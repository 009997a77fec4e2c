//! Tags: TagResource, UntagResource, ListResourceTags.

use super::{Page, PageInfo};
use crate::id::KeyRef;

/// A tag (`Tag`): `TagKey` 1..128 characters, `TagValue` 0..256, no `aws:` prefix.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag {
    /// `TagKey`.
    pub tag_key: String,
    /// `TagValue`.
    pub tag_value: String,
}

impl Tag {
    /// The tag `tag_key` = `tag_value`.
    #[must_use]
    pub fn new(tag_key: impl Into<String>, tag_value: impl Into<String>) -> Self {
        Self { tag_key: tag_key.into(), tag_value: tag_value.into() }
    }
}

/// `TagResource` request.
#[derive(Clone, Debug)]
pub struct TagResourceRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `Tags`: added, or overwriting the values of existing keys.
    pub tags: Vec<Tag>,
}

impl TagResourceRequest {
    /// Adds `tags` to `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, tags: Vec<Tag>) -> Self {
        Self { key_id: key_id.into(), tags }
    }
}

/// `TagResource` response (empty).
#[derive(Clone, Debug, Default)]
pub struct TagResourceResponse {}

/// `UntagResource` request.
#[derive(Clone, Debug)]
pub struct UntagResourceRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `TagKeys`: keys to remove; absent keys are ignored.
    pub tag_keys: Vec<String>,
}

impl UntagResourceRequest {
    /// Removes the tags `tag_keys` from `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, tag_keys: Vec<String>) -> Self {
        Self { key_id: key_id.into(), tag_keys }
    }
}

/// `UntagResource` response (empty).
#[derive(Clone, Debug, Default)]
pub struct UntagResourceResponse {}

/// `ListResourceTags` request (Limit 1..50, default 50).
#[derive(Clone, Debug)]
pub struct ListResourceTagsRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `Limit` and `Marker`.
    pub page: Page,
}

impl ListResourceTagsRequest {
    /// The first page of `key_id`'s tags.
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

/// `ListResourceTags` response.
#[derive(Clone, Debug)]
pub struct ListResourceTagsResponse {
    /// `Tags`, sorted by key.
    pub tags: Vec<Tag>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}
