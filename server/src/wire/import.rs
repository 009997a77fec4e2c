//! Imported key material: GetParametersForImport, ImportKeyMaterial,
//! DeleteImportedKeyMaterial.

use engine::api::{
    DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse,
    GetParametersForImportRequest, GetParametersForImportResponse, ImportKeyMaterialRequest,
    ImportKeyMaterialResponse,
};

use super::WireError;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `GetParametersForImport`.
pub(super) fn get_parameters_for_import(
    m: &Members<'_, '_>,
) -> Result<GetParametersForImportRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let wrapping_algorithm = m.aws_enum("WrappingAlgorithm")?;
    let wrapping_key_spec = m.aws_enum("WrappingKeySpec")?;
    require!(
        m;
        key_id = "KeyId",
        wrapping_algorithm = "WrappingAlgorithm",
        wrapping_key_spec = "WrappingKeySpec",
    );
    Ok(GetParametersForImportRequest {
        key_id: parse(key_id)?,
        wrapping_algorithm,
        wrapping_key_spec,
    })
}

/// `ImportKeyMaterial`.
pub(super) fn import_key_material(
    m: &Members<'_, '_>,
) -> Result<ImportKeyMaterialRequest, WireError> {
    // Newer AWS members for importing into a key's material versions, which the engine
    // does not model.
    m.unsupported("ImportType")?;
    m.unsupported("KeyMaterialDescription")?;
    m.unsupported("KeyMaterialId")?;
    let key_id = m.str("KeyId")?;
    let import_token = m.blob("ImportToken")?;
    let encrypted_key_material = m.blob("EncryptedKeyMaterial")?;
    let valid_to = m.timestamp("ValidTo")?;
    let expiration_model = m.aws_enum("ExpirationModel")?;
    require!(
        m;
        key_id = "KeyId",
        import_token = "ImportToken",
        encrypted_key_material = "EncryptedKeyMaterial",
    );
    Ok(ImportKeyMaterialRequest {
        key_id: parse(key_id)?,
        import_token,
        encrypted_key_material,
        valid_to,
        expiration_model,
    })
}

/// `DeleteImportedKeyMaterial`.
pub(super) fn delete_imported_key_material(
    m: &Members<'_, '_>,
) -> Result<DeleteImportedKeyMaterialRequest, WireError> {
    m.unsupported("KeyMaterialId")?;
    let key_id = m.str("KeyId")?;
    require!(m; key_id = "KeyId");
    Ok(DeleteImportedKeyMaterialRequest { key_id: parse(key_id)? })
}

/// `GetParametersForImport`.
pub(super) fn write_get_parameters_for_import(
    mut w: ObjectWriter<'_>,
    response: &GetParametersForImportResponse,
) {
    let GetParametersForImportResponse { key_id, import_token, public_key, parameters_valid_to } =
        response;
    w.display("KeyId", key_id);
    w.blob("ImportToken", import_token);
    w.blob("PublicKey", public_key);
    w.timestamp("ParametersValidTo", *parameters_valid_to);
    w.close();
}

/// `ImportKeyMaterial`.
pub(super) fn write_import_key_material(
    mut w: ObjectWriter<'_>,
    response: &ImportKeyMaterialResponse,
) {
    let ImportKeyMaterialResponse { key_id, key_material_id } = response;
    w.display("KeyId", key_id);
    w.display("KeyMaterialId", key_material_id);
    w.close();
}

/// `DeleteImportedKeyMaterial`.
pub(super) fn write_delete_imported_key_material(
    mut w: ObjectWriter<'_>,
    response: &DeleteImportedKeyMaterialResponse,
) {
    let DeleteImportedKeyMaterialResponse { key_id } = response;
    w.display("KeyId", key_id);
    w.close();
}
