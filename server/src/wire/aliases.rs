//! Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.

use engine::api::{
    AliasListEntry, CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest,
    ListAliasesResponse, UpdateAliasRequest,
};

use super::WireError;
use super::keys::write_page_info;
use super::request_body::{Members, parse, parse_optional};
use super::response_body::ObjectWriter;

/// `CreateAlias`.
pub(super) fn create_alias(m: &Members<'_, '_>) -> Result<CreateAliasRequest, WireError> {
    let alias_name = m.str("AliasName")?;
    let target_key_id = m.str("TargetKeyId")?;
    require!(m; alias_name = "AliasName", target_key_id = "TargetKeyId");
    Ok(CreateAliasRequest { alias_name: parse(alias_name)?, target_key_id: parse(target_key_id)? })
}

/// `UpdateAlias`.
pub(super) fn update_alias(m: &Members<'_, '_>) -> Result<UpdateAliasRequest, WireError> {
    let alias_name = m.str("AliasName")?;
    let target_key_id = m.str("TargetKeyId")?;
    require!(m; alias_name = "AliasName", target_key_id = "TargetKeyId");
    Ok(UpdateAliasRequest { alias_name: parse(alias_name)?, target_key_id: parse(target_key_id)? })
}

/// `DeleteAlias`.
pub(super) fn delete_alias(m: &Members<'_, '_>) -> Result<DeleteAliasRequest, WireError> {
    let alias_name = m.str("AliasName")?;
    require!(m; alias_name = "AliasName");
    Ok(DeleteAliasRequest { alias_name: parse(alias_name)? })
}

/// `ListAliases`.
pub(super) fn list_aliases(m: &Members<'_, '_>) -> Result<ListAliasesRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let page = m.page()?;
    Ok(ListAliasesRequest { key_id: parse_optional(key_id)?, page })
}

/// `ListAliases`.
pub(super) fn write_list_aliases(mut w: ObjectWriter<'_>, response: &ListAliasesResponse) {
    let ListAliasesResponse { aliases, page_info } = response;
    w.objects("Aliases", aliases, |w, entry| {
        let AliasListEntry {
            alias_name,
            alias_arn,
            target_key_id,
            creation_date,
            last_updated_date,
        } = entry;
        w.str("AliasName", alias_name.as_str());
        w.display("AliasArn", alias_arn);
        // A predefined AWS alias whose key does not exist yet has only a name and an ARN.
        w.opt_display("TargetKeyId", target_key_id.as_ref());
        w.opt_timestamp("CreationDate", *creation_date);
        w.opt_timestamp("LastUpdatedDate", *last_updated_date);
    });
    write_page_info(&mut w, page_info);
    w.close();
}
