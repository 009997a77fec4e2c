//! Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
//! RotateKeyOnDemand, ListKeyRotations.

use engine::api::{
    DisableKeyRotationRequest, EnableKeyRotationRequest, GetKeyRotationStatusRequest,
    GetKeyRotationStatusResponse, ListKeyRotationsRequest, ListKeyRotationsResponse,
    RotateKeyOnDemandRequest, RotateKeyOnDemandResponse, RotationsListEntry,
};

use super::WireError;
use super::keys::{key_id_only, write_page_info};
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `EnableKeyRotation`.
pub(super) fn enable_key_rotation(
    m: &Members<'_, '_>,
) -> Result<EnableKeyRotationRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let rotation_period_in_days = m.integer("RotationPeriodInDays", 90)?;
    require!(m; key_id = "KeyId");
    Ok(EnableKeyRotationRequest { key_id: parse(key_id)?, rotation_period_in_days })
}

/// `DisableKeyRotation`.
pub(super) fn disable_key_rotation(
    m: &Members<'_, '_>,
) -> Result<DisableKeyRotationRequest, WireError> {
    Ok(DisableKeyRotationRequest { key_id: key_id_only(m)? })
}

/// `GetKeyRotationStatus`.
pub(super) fn get_key_rotation_status(
    m: &Members<'_, '_>,
) -> Result<GetKeyRotationStatusRequest, WireError> {
    Ok(GetKeyRotationStatusRequest { key_id: key_id_only(m)? })
}

/// `RotateKeyOnDemand`.
pub(super) fn rotate_key_on_demand(
    m: &Members<'_, '_>,
) -> Result<RotateKeyOnDemandRequest, WireError> {
    Ok(RotateKeyOnDemandRequest { key_id: key_id_only(m)? })
}

/// `ListKeyRotations`.
pub(super) fn list_key_rotations(
    m: &Members<'_, '_>,
) -> Result<ListKeyRotationsRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let include_key_material = m.aws_enum("IncludeKeyMaterial")?;
    let page = m.page()?;
    require!(m; key_id = "KeyId");
    Ok(ListKeyRotationsRequest { key_id: parse(key_id)?, include_key_material, page })
}

/// `GetKeyRotationStatus`.
pub(super) fn write_get_key_rotation_status(
    mut w: ObjectWriter<'_>,
    response: &GetKeyRotationStatusResponse,
) {
    let GetKeyRotationStatusResponse {
        key_rotation_enabled,
        key_id,
        rotation_period_in_days,
        next_rotation_date,
        on_demand_rotation_start_date,
    } = response;
    w.bool("KeyRotationEnabled", *key_rotation_enabled);
    w.display("KeyId", key_id);
    w.opt_integer("RotationPeriodInDays", *rotation_period_in_days);
    w.opt_timestamp("NextRotationDate", *next_rotation_date);
    w.opt_timestamp("OnDemandRotationStartDate", *on_demand_rotation_start_date);
    w.close();
}

/// `RotateKeyOnDemand`.
pub(super) fn write_rotate_key_on_demand(
    mut w: ObjectWriter<'_>,
    response: &RotateKeyOnDemandResponse,
) {
    let RotateKeyOnDemandResponse { key_id } = response;
    w.display("KeyId", key_id);
    w.close();
}

/// `ListKeyRotations`.
pub(super) fn write_list_key_rotations(
    mut w: ObjectWriter<'_>,
    response: &ListKeyRotationsResponse,
) {
    let ListKeyRotationsResponse { rotations, page_info } = response;
    w.objects("Rotations", rotations, |w, entry| {
        let RotationsListEntry {
            key_id,
            key_material_id,
            key_material_state,
            rotation_date,
            rotation_type,
        } = entry;
        w.display("KeyId", key_id);
        w.display("KeyMaterialId", key_material_id);
        w.str("KeyMaterialState", key_material_state.as_str());
        w.opt_timestamp("RotationDate", *rotation_date);
        w.opt_str("RotationType", rotation_type.map(|t| t.as_str()));
    });
    write_page_info(&mut w, page_info);
    w.close();
}
