//! AWS JSON 1.1, the wire protocol of AWS KMS: request bodies to engine requests, engine
//! responses and errors back to bodies.
//!
//! ```
//! use server::wire;
//!
//! let request = wire::decode("GenerateRandom", br#"{"NumberOfBytes": 16}"#)?;
//! assert_eq!(request.operation().as_str(), "GenerateRandom");
//!
//! let error = wire::decode("Encrypt", br#"{"Plaintext": "aGk="}"#).unwrap_err();
//! assert_eq!(error.type_name, "ValidationException");
//! assert_eq!(
//!     error.message,
//!     "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"
//! );
//! # Ok::<(), wire::WireError>(())
//! ```
//!
//! # How a call crosses the wire
//!
//! ```text
//!  POST /  X-Amz-Target: TrentService.<operation>       body: {"KeyId": "...", "Plaintext": "<base64>"}
//!     │
//!  decode(operation, body) ── not JSON, wrong member type ──► SerializationException (400)
//!     │                     ── required member missing    ──► ValidationException (400)
//!     │                     ── id, ARN, enum the engine refuses ──► the engine's AWS error
//!     ▼
//!  engine::Request ──► Engine::handle ──► Err(KmsError) ──► WireError::from ──► body(), status
//!                                     └─► Ok(Response) ──► encode(response) ──► 200, JSON body
//! ```
//!
//! The rules, as the AWS SDKs speak the protocol:
//! - Members are PascalCase, as in the AWS API; unknown members are ignored and a `null`
//!   member counts as absent. An empty body is `{}`.
//! - Blobs are standard, padded base64; timestamps are JSON numbers of epoch seconds;
//!   enums are their AWS spellings; absent optional members are omitted, never `null`.
//! - Members AWS defines that the engine does not model (`Policy`, `Recipient`, …) are
//!   refused with `UnsupportedOperationException` rather than ignored: ignoring them would
//!   change what the call means (a `Recipient`'s plaintext would come back in the clear).
//! - Secrets (`Plaintext`, `Message`, `KeyStorePassword`, `RawSecretAccessKey`) are decoded
//!   straight into [`engine::Plaintext`]; no copy of their bytes is left behind unzeroized,
//!   and no error message echoes them.

use std::fmt;

use engine::api::{
    ConnectCustomKeyStoreResponse, CreateAliasResponse, DeleteAliasResponse,
    DeleteCustomKeyStoreResponse, DisableKeyResponse, DisableKeyRotationResponse,
    DisconnectCustomKeyStoreResponse, EnableKeyResponse, EnableKeyRotationResponse, Operation,
    PutKeyPolicyResponse, RetireGrantResponse, RevokeGrantResponse, TagResourceResponse,
    UntagResourceResponse, UpdateAliasResponse, UpdateCustomKeyStoreResponse,
    UpdateKeyDescriptionResponse, UpdatePrimaryRegionResponse,
};
use engine::{KmsError, Request, Response};

/// Binds each named `Option` to its value, or returns the `ValidationException` that AWS
/// answers for the missing ones (`Value null at 'keyId' …`), all of them in one message.
macro_rules! require {
    ($members:expr; $($var:ident = $name:literal),+ $(,)?) => {
        let missing = [$(($name, $var.is_none())),+];
        let ($(Some($var),)+) = ($($var,)+) else {
            return Err($members.missing(&missing));
        };
    };
}

mod aliases;
mod crypto;
mod custom_key_stores;
mod grants;
mod import;
mod key_pairs;
mod keys;
mod mac;
mod multi_region;
mod policies;
mod request_body;
mod response_body;
mod rotation;
mod tags;
#[cfg(test)]
mod tests;

use request_body::Members;
use response_body::ObjectWriter;

/// The prefix of every KMS operation in the `X-Amz-Target` header.
const TARGET_PREFIX: &str = "TrentService.";

/// An error as the wire carries it: `{"__type": type_name, "message": message}` with `status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    /// The AWS exception name, e.g. `NotFoundException`: the body's `__type`.
    pub type_name: String,
    /// The human-readable message; never holds secret bytes.
    pub message: String,
    /// The HTTP status code of the response.
    pub status: u16,
}

impl WireError {
    /// An error of AWS type `type_name` (`NotFoundException`) with HTTP `status`.
    #[must_use]
    pub fn new(type_name: &str, message: impl Into<String>, status: u16) -> Self {
        Self { type_name: type_name.to_owned(), message: message.into(), status }
    }

    /// `KMSInternalException` (500): the server, not the request, failed.
    #[must_use]
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("KMSInternalException", message, 500)
    }

    /// The JSON error body: `{"__type":"NotFoundException","message":"…"}`.
    ///
    /// An empty message is left out, as AWS leaves out the message of
    /// `InvalidCiphertextException` (the engine's are deliberately empty).
    #[must_use]
    pub fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.type_name.len() + self.message.len());
        let mut object = ObjectWriter::open(&mut out);
        object.str("__type", &self.type_name);
        if !self.message.is_empty() {
            object.str("message", &self.message);
        }
        object.close();
        out
    }

    /// `SerializationException`: the body is not JSON, not an object, or a member has the
    /// wrong JSON type.
    fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", message, 400)
    }

    /// `UnknownOperationException`: no operation has that name.
    fn unknown_operation(operation: &str) -> Self {
        Self::new("UnknownOperationException", format!("unknown operation '{operation}'"), 400)
    }
}

impl From<KmsError> for WireError {
    fn from(error: KmsError) -> Self {
        Self {
            type_name: error.kind.aws_code().to_owned(),
            status: error.kind.http_status(),
            message: error.message,
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.type_name)
        } else {
            write!(f, "{}: {}", self.type_name, self.message)
        }
    }
}

impl std::error::Error for WireError {}

/// Decodes the body of `TrentService.<operation>` into an engine request.
///
/// `operation` is the operation's name (`Encrypt`); the whole `X-Amz-Target` value
/// (`TrentService.Encrypt`) is accepted too.
///
/// # Errors
/// - `UnknownOperationException` if no operation has that name;
/// - `SerializationException` if the body is not a JSON object, a member has the wrong
///   JSON type, or a blob is not base64;
/// - `ValidationException` for missing required members and enum values outside AWS's set;
/// - the engine's own exception when it refuses an identifier (a malformed key id is
///   `NotFoundException`, a malformed ARN `InvalidArnException`, as in AWS);
/// - `UnsupportedOperationException` for AWS members the engine does not model.
pub fn decode(operation: &str, body: &[u8]) -> Result<Request, WireError> {
    let name = operation.strip_prefix(TARGET_PREFIX).unwrap_or(operation);
    let operation = Operation::ALL
        .iter()
        .copied()
        .find(|op| op.as_str() == name)
        .ok_or_else(|| WireError::unknown_operation(operation))?;
    let object = request_body::parse_object(body)?;
    decode_members(operation, &Members::top(&object))
}

/// Builds the request of `operation` from its members.
fn decode_members(operation: Operation, m: &Members<'_, '_>) -> Result<Request, WireError> {
    // Exhaustive on purpose: `Operation` is generated with `Request`, so a new operation
    // fails to compile here until the codec has it.
    Ok(match operation {
        Operation::CancelKeyDeletion => Request::CancelKeyDeletion(keys::cancel_key_deletion(m)?),
        Operation::ConnectCustomKeyStore => {
            Request::ConnectCustomKeyStore(custom_key_stores::connect(m)?)
        }
        Operation::CreateAlias => Request::CreateAlias(aliases::create_alias(m)?),
        Operation::CreateCustomKeyStore => {
            Request::CreateCustomKeyStore(custom_key_stores::create(m)?)
        }
        Operation::CreateGrant => Request::CreateGrant(grants::create_grant(m)?),
        Operation::CreateKey => Request::CreateKey(keys::create_key(m)?),
        Operation::Decrypt => Request::Decrypt(crypto::decrypt(m)?),
        Operation::DeleteAlias => Request::DeleteAlias(aliases::delete_alias(m)?),
        Operation::DeleteCustomKeyStore => {
            Request::DeleteCustomKeyStore(custom_key_stores::delete(m)?)
        }
        Operation::DeleteImportedKeyMaterial => {
            Request::DeleteImportedKeyMaterial(import::delete_imported_key_material(m)?)
        }
        Operation::DeriveSharedSecret => {
            Request::DeriveSharedSecret(key_pairs::derive_shared_secret(m)?)
        }
        Operation::DescribeCustomKeyStores => {
            Request::DescribeCustomKeyStores(custom_key_stores::describe(m)?)
        }
        Operation::DescribeKey => Request::DescribeKey(keys::describe_key(m)?),
        Operation::DisableKey => Request::DisableKey(keys::disable_key(m)?),
        Operation::DisableKeyRotation => {
            Request::DisableKeyRotation(rotation::disable_key_rotation(m)?)
        }
        Operation::DisconnectCustomKeyStore => {
            Request::DisconnectCustomKeyStore(custom_key_stores::disconnect(m)?)
        }
        Operation::EnableKey => Request::EnableKey(keys::enable_key(m)?),
        Operation::EnableKeyRotation => {
            Request::EnableKeyRotation(rotation::enable_key_rotation(m)?)
        }
        Operation::Encrypt => Request::Encrypt(crypto::encrypt(m)?),
        Operation::GenerateDataKey => Request::GenerateDataKey(crypto::generate_data_key(m)?),
        Operation::GenerateDataKeyWithoutPlaintext => Request::GenerateDataKeyWithoutPlaintext(
            crypto::generate_data_key_without_plaintext(m)?,
        ),
        Operation::GenerateDataKeyPair => {
            Request::GenerateDataKeyPair(key_pairs::generate_data_key_pair(m)?)
        }
        Operation::GenerateDataKeyPairWithoutPlaintext => {
            Request::GenerateDataKeyPairWithoutPlaintext(
                key_pairs::generate_data_key_pair_without_plaintext(m)?,
            )
        }
        Operation::GenerateMac => Request::GenerateMac(mac::generate_mac(m)?),
        Operation::GetPublicKey => Request::GetPublicKey(key_pairs::get_public_key(m)?),
        Operation::GenerateRandom => Request::GenerateRandom(crypto::generate_random(m)?),
        Operation::GetKeyLastUsage => Request::GetKeyLastUsage(keys::get_key_last_usage(m)?),
        Operation::GetKeyPolicy => Request::GetKeyPolicy(policies::get_key_policy(m)?),
        Operation::PutKeyPolicy => Request::PutKeyPolicy(policies::put_key_policy(m)?),
        Operation::ListKeyPolicies => Request::ListKeyPolicies(policies::list_key_policies(m)?),
        Operation::GetKeyRotationStatus => {
            Request::GetKeyRotationStatus(rotation::get_key_rotation_status(m)?)
        }
        Operation::GetParametersForImport => {
            Request::GetParametersForImport(import::get_parameters_for_import(m)?)
        }
        Operation::ImportKeyMaterial => Request::ImportKeyMaterial(import::import_key_material(m)?),
        Operation::ListAliases => Request::ListAliases(aliases::list_aliases(m)?),
        Operation::ListGrants => Request::ListGrants(grants::list_grants(m)?),
        Operation::ListKeyRotations => Request::ListKeyRotations(rotation::list_key_rotations(m)?),
        Operation::ListKeys => Request::ListKeys(keys::list_keys(m)?),
        Operation::ListResourceTags => Request::ListResourceTags(tags::list_resource_tags(m)?),
        Operation::ListRetirableGrants => {
            Request::ListRetirableGrants(grants::list_retirable_grants(m)?)
        }
        Operation::ReEncrypt => Request::ReEncrypt(crypto::re_encrypt(m)?),
        Operation::ReplicateKey => Request::ReplicateKey(multi_region::replicate_key(m)?),
        Operation::RetireGrant => Request::RetireGrant(grants::retire_grant(m)?),
        Operation::RevokeGrant => Request::RevokeGrant(grants::revoke_grant(m)?),
        Operation::RotateKeyOnDemand => {
            Request::RotateKeyOnDemand(rotation::rotate_key_on_demand(m)?)
        }
        Operation::ScheduleKeyDeletion => {
            Request::ScheduleKeyDeletion(keys::schedule_key_deletion(m)?)
        }
        Operation::Sign => Request::Sign(key_pairs::sign(m)?),
        Operation::TagResource => Request::TagResource(tags::tag_resource(m)?),
        Operation::UntagResource => Request::UntagResource(tags::untag_resource(m)?),
        Operation::UpdateAlias => Request::UpdateAlias(aliases::update_alias(m)?),
        Operation::UpdateCustomKeyStore => {
            Request::UpdateCustomKeyStore(custom_key_stores::update(m)?)
        }
        Operation::UpdateKeyDescription => {
            Request::UpdateKeyDescription(keys::update_key_description(m)?)
        }
        Operation::UpdatePrimaryRegion => {
            Request::UpdatePrimaryRegion(multi_region::update_primary_region(m)?)
        }
        Operation::Verify => Request::Verify(key_pairs::verify(m)?),
        Operation::VerifyMac => Request::VerifyMac(mac::verify_mac(m)?),
    })
}

/// Encodes an engine response as the operation's JSON body.
///
/// The body of Decrypt, GenerateDataKey and GenerateRandom holds the base64 of a secret,
/// as the protocol requires; it is written once, into the returned buffer's final
/// allocation, so no reallocation leaves a copy behind. Whoever sends the body should
/// zeroize it afterwards.
#[must_use]
pub fn encode(response: &Response) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let w = ObjectWriter::open(&mut out);
    // Exhaustive on purpose: a new operation fails to compile here until the codec has it.
    match response {
        Response::CancelKeyDeletion(r) => keys::write_cancel_key_deletion(w, r),
        // Operations without an output shape. The empty struct patterns fail to compile if
        // one of these responses gains a member.
        Response::ConnectCustomKeyStore(ConnectCustomKeyStoreResponse {})
        | Response::CreateAlias(CreateAliasResponse {})
        | Response::DeleteAlias(DeleteAliasResponse {})
        | Response::DeleteCustomKeyStore(DeleteCustomKeyStoreResponse {})
        | Response::DisableKey(DisableKeyResponse {})
        | Response::DisableKeyRotation(DisableKeyRotationResponse {})
        | Response::DisconnectCustomKeyStore(DisconnectCustomKeyStoreResponse {})
        | Response::EnableKey(EnableKeyResponse {})
        | Response::EnableKeyRotation(EnableKeyRotationResponse {})
        | Response::PutKeyPolicy(PutKeyPolicyResponse {})
        | Response::RetireGrant(RetireGrantResponse {})
        | Response::RevokeGrant(RevokeGrantResponse {})
        | Response::TagResource(TagResourceResponse {})
        | Response::UntagResource(UntagResourceResponse {})
        | Response::UpdateAlias(UpdateAliasResponse {})
        | Response::UpdateCustomKeyStore(UpdateCustomKeyStoreResponse {})
        | Response::UpdateKeyDescription(UpdateKeyDescriptionResponse {})
        | Response::UpdatePrimaryRegion(UpdatePrimaryRegionResponse {}) => w.close(),
        Response::CreateCustomKeyStore(r) => custom_key_stores::write_create(w, r),
        Response::CreateGrant(r) => grants::write_create_grant(w, r),
        Response::CreateKey(r) => keys::write_create_key(w, r),
        Response::Decrypt(r) => crypto::write_decrypt(w, r),
        Response::DeleteImportedKeyMaterial(r) => {
            import::write_delete_imported_key_material(w, r);
        }
        Response::DeriveSharedSecret(r) => key_pairs::write_derive_shared_secret(w, r),
        Response::DescribeCustomKeyStores(r) => custom_key_stores::write_describe(w, r),
        Response::DescribeKey(r) => keys::write_describe_key(w, r),
        Response::Encrypt(r) => crypto::write_encrypt(w, r),
        Response::GenerateDataKey(r) => crypto::write_generate_data_key(w, r),
        Response::GenerateDataKeyWithoutPlaintext(r) => {
            crypto::write_generate_data_key_without_plaintext(w, r);
        }
        Response::GenerateDataKeyPair(r) => key_pairs::write_generate_data_key_pair(w, r),
        Response::GenerateDataKeyPairWithoutPlaintext(r) => {
            key_pairs::write_generate_data_key_pair_without_plaintext(w, r);
        }
        Response::GenerateMac(r) => mac::write_generate_mac(w, r),
        Response::GetPublicKey(r) => key_pairs::write_get_public_key(w, r),
        Response::GenerateRandom(r) => crypto::write_generate_random(w, r),
        Response::GetKeyLastUsage(r) => keys::write_get_key_last_usage(w, r),
        Response::GetKeyPolicy(r) => policies::write_get_key_policy(w, r),
        Response::ListKeyPolicies(r) => policies::write_list_key_policies(w, r),
        Response::GetKeyRotationStatus(r) => rotation::write_get_key_rotation_status(w, r),
        Response::GetParametersForImport(r) => import::write_get_parameters_for_import(w, r),
        Response::ImportKeyMaterial(r) => import::write_import_key_material(w, r),
        Response::ListAliases(r) => aliases::write_list_aliases(w, r),
        Response::ListGrants(r) => grants::write_list_grants(w, r),
        Response::ListKeyRotations(r) => rotation::write_list_key_rotations(w, r),
        Response::ListKeys(r) => keys::write_list_keys(w, r),
        Response::ListResourceTags(r) => tags::write_list_resource_tags(w, r),
        Response::ListRetirableGrants(r) => grants::write_list_retirable_grants(w, r),
        Response::ReEncrypt(r) => crypto::write_re_encrypt(w, r),
        Response::ReplicateKey(r) => multi_region::write_replicate_key(w, r),
        Response::RotateKeyOnDemand(r) => rotation::write_rotate_key_on_demand(w, r),
        Response::ScheduleKeyDeletion(r) => keys::write_schedule_key_deletion(w, r),
        Response::Sign(r) => key_pairs::write_sign(w, r),
        Response::Verify(r) => key_pairs::write_verify(w, r),
        Response::VerifyMac(r) => mac::write_verify_mac(w, r),
    }
    out
}
