//! HMAC keys: GenerateMac and VerifyMac.

use engine::api::{GenerateMacRequest, GenerateMacResponse, VerifyMacRequest, VerifyMacResponse};

use super::WireError;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `GenerateMac`.
pub(super) fn generate_mac(m: &Members<'_, '_>) -> Result<GenerateMacRequest, WireError> {
    let message = m.secret_blob("Message")?;
    let key_id = m.str("KeyId")?;
    let mac_algorithm = m.aws_enum("MacAlgorithm")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; message = "Message", key_id = "KeyId", mac_algorithm = "MacAlgorithm");
    Ok(GenerateMacRequest { message, key_id: parse(key_id)?, mac_algorithm, grant_tokens, dry_run })
}

/// `VerifyMac`.
pub(super) fn verify_mac(m: &Members<'_, '_>) -> Result<VerifyMacRequest, WireError> {
    let message = m.secret_blob("Message")?;
    let key_id = m.str("KeyId")?;
    let mac_algorithm = m.aws_enum("MacAlgorithm")?;
    let mac = m.blob("Mac")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(
        m;
        message = "Message",
        key_id = "KeyId",
        mac_algorithm = "MacAlgorithm",
        mac = "Mac",
    );
    Ok(VerifyMacRequest {
        message,
        key_id: parse(key_id)?,
        mac_algorithm,
        mac,
        grant_tokens,
        dry_run,
    })
}

/// `GenerateMac`.
pub(super) fn write_generate_mac(mut w: ObjectWriter<'_>, response: &GenerateMacResponse) {
    let GenerateMacResponse { mac, mac_algorithm, key_id } = response;
    w.blob("Mac", mac);
    w.str("MacAlgorithm", mac_algorithm.as_str());
    w.display("KeyId", key_id);
    w.close();
}

/// `VerifyMac`.
pub(super) fn write_verify_mac(mut w: ObjectWriter<'_>, response: &VerifyMacResponse) {
    let VerifyMacResponse { key_id, mac_valid, mac_algorithm } = response;
    w.display("KeyId", key_id);
    w.bool("MacValid", *mac_valid);
    w.str("MacAlgorithm", mac_algorithm.as_str());
    w.close();
}
