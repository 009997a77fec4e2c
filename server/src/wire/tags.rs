//! Tags: TagResource, UntagResource, ListResourceTags.

use engine::api::{
    ListResourceTagsRequest, ListResourceTagsResponse, Tag, TagResourceRequest,
    UntagResourceRequest,
};

use super::WireError;
use super::keys::write_page_info;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `TagResource`.
pub(super) fn tag_resource(m: &Members<'_, '_>) -> Result<TagResourceRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let tags = m.tags("Tags")?;
    require!(m; key_id = "KeyId", tags = "Tags");
    Ok(TagResourceRequest { key_id: parse(key_id)?, tags })
}

/// `UntagResource`.
pub(super) fn untag_resource(m: &Members<'_, '_>) -> Result<UntagResourceRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let tag_keys = m.strings("TagKeys")?;
    require!(m; key_id = "KeyId", tag_keys = "TagKeys");
    Ok(UntagResourceRequest { key_id: parse(key_id)?, tag_keys })
}

/// `ListResourceTags`.
pub(super) fn list_resource_tags(
    m: &Members<'_, '_>,
) -> Result<ListResourceTagsRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let page = m.page()?;
    require!(m; key_id = "KeyId");
    Ok(ListResourceTagsRequest { key_id: parse(key_id)?, page })
}

/// A list of `Tag`s.
pub(super) fn write_tags(w: &mut ObjectWriter<'_>, name: &str, tags: &[Tag]) {
    w.objects(name, tags, |w, tag| {
        let Tag { tag_key, tag_value } = tag;
        w.str("TagKey", tag_key);
        w.str("TagValue", tag_value);
    });
}

/// `ListResourceTags`.
pub(super) fn write_list_resource_tags(
    mut w: ObjectWriter<'_>,
    response: &ListResourceTagsResponse,
) {
    let ListResourceTagsResponse { tags, page_info } = response;
    write_tags(&mut w, "Tags", tags);
    write_page_info(&mut w, page_info);
    w.close();
}
