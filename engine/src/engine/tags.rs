//! Tags: TagResource, UntagResource, ListResourceTags.

use std::collections::BTreeMap;
use std::ops::Bound;

use serde_json::{Value, json};

use super::{
    Access, Audited, Engine, RequestTags, Touched, check_marker, hex_decode, hex_encode,
    invalid_marker, page_limit, paginate,
};
use crate::api::*;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};

/// Longest `TagKey` [characters].
const TAG_KEY_MAX_CHARS: usize = 128;
/// Longest `TagValue` [characters].
const TAG_VALUE_MAX_CHARS: usize = 256;

fn check_tag_key(member: &str, key: &str) -> Result<(), KmsError> {
    let chars = key.chars().count();
    if chars == 0 {
        return Err(KmsError::validation(
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if chars > TAG_KEY_MAX_CHARS {
        return Err(KmsError::validation(
            member,
            "Member must have length less than or equal to 128",
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(KmsError::new(
            ErrorKind::Tag,
            format!("Tag key '{key}' uses the reserved prefix 'aws:'"),
        ));
    }
    Ok(())
}

/// Checks `tags` and returns them as a map; AWS rejects a request that names one key twice.
pub(super) fn validated_tags(
    tags: &[Tag],
    max_tags: u32,
) -> Result<BTreeMap<String, String>, KmsError> {
    let mut map = BTreeMap::new();
    for (i, tag) in tags.iter().enumerate() {
        // AWS numbers list members from 1 in validation messages.
        check_tag_key(&format!("tags.{}.member.tagKey", i + 1), &tag.tag_key)?;
        if tag.tag_value.chars().count() > TAG_VALUE_MAX_CHARS {
            return Err(KmsError::validation(
                &format!("tags.{}.member.tagValue", i + 1),
                "Member must have length less than or equal to 256",
            ));
        }
        if map.insert(tag.tag_key.clone(), tag.tag_value.clone()).is_some() {
            return Err(KmsError::new(
                ErrorKind::Tag,
                format!("Tag key '{}' appears more than once in the request", tag.tag_key),
            ));
        }
    }
    check_tag_count(map.len(), max_tags)?;
    Ok(map)
}

fn check_tag_count(count: usize, max_tags: u32) -> Result<(), KmsError> {
    if count > max_tags as usize {
        return Err(KmsError::new(
            ErrorKind::LimitExceeded,
            format!("A key can have at most {max_tags} tags; the request would give it {count}"),
        ));
    }
    Ok(())
}

impl Audited for TagResourceRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "tags": self.tags.iter().map(|t| json!({"tagKey": t.tag_key, "tagValue": t.tag_value})).collect::<Vec<_>>(),
        })
    }
}

pub(super) fn tag_resource(
    engine: &mut Engine,
    ctx: &CallContext,
    req: TagResourceRequest,
    touched: &mut Touched,
) -> Result<TagResourceResponse, KmsError> {
    let max_tags = engine.limits.tags_per_key;
    let new_tags = validated_tags(&req.tags, max_tags)?;
    let access =
        Access::new(Operation::TagResource).with_request_tags(RequestTags::Tags(&req.tags));
    let key = engine.key_mut(ctx, access, &req.key_id, touched)?;
    let added = new_tags.keys().filter(|k| !key.tags.contains_key(*k)).count();
    check_tag_count(key.tags.len() + added, max_tags)?;
    key.tags.extend(new_tags);
    Ok(TagResourceResponse {})
}

impl Audited for UntagResourceRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string(), "tagKeys": self.tag_keys })
    }
}

pub(super) fn untag_resource(
    engine: &mut Engine,
    ctx: &CallContext,
    req: UntagResourceRequest,
    touched: &mut Touched,
) -> Result<UntagResourceResponse, KmsError> {
    for (i, tag_key) in req.tag_keys.iter().enumerate() {
        check_tag_key(&format!("tagKeys.{}.member", i + 1), tag_key)?;
    }
    let access =
        Access::new(Operation::UntagResource).with_request_tags(RequestTags::Keys(&req.tag_keys));
    let key = engine.key_mut(ctx, access, &req.key_id, touched)?;
    for tag_key in &req.tag_keys {
        key.tags.remove(tag_key);
    }
    Ok(UntagResourceResponse {})
}

impl Audited for ListResourceTagsRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string(), "limit": self.page.limit, "marker": self.page.marker })
    }
}

pub(super) fn list_resource_tags(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ListResourceTagsRequest,
    touched: &mut Touched,
) -> Result<ListResourceTagsResponse, KmsError> {
    let limit = page_limit(req.page.limit, 50, 50)?;
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::ListResourceTags, key_id, touched)?;
    // Markers are the hex of the last tag key: tag keys may hold characters that the
    // Marker member's pattern does not allow.
    let after = match check_marker(req.page.marker.as_deref())? {
        None => None,
        Some(marker) => Some(
            hex_decode(marker)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(invalid_marker)?,
        ),
    };
    let start = after.as_ref().map_or(Bound::Unbounded, Bound::Excluded);
    let entries = key.tags.range::<String, _>((start, Bound::Unbounded));
    let (tags, page_info) =
        paginate(entries.map(|(k, v)| Tag::new(k.clone(), v.clone())), limit, |tag| {
            hex_encode(tag.tag_key.as_bytes())
        });
    Ok(ListResourceTagsResponse { tags, page_info })
}
