//! The AWS key-state table: which operations a key's state allows, and the exception and
//! message AWS answers otherwise (AWS KMS Developer Guide, "Key states of AWS KMS keys").

use crate::api::Operation;
use crate::error::{ErrorKind, KmsError};
use crate::id::KeyArn;
use crate::spec::KeyState;

/// Checks that a key in `state` allows `operation`; the error is AWS's, naming `arn`.
///
/// `UpdateAlias` is checked against its *new* target key (the old target may be pending
/// deletion). Operations that touch no key (`CreateKey`, `ListKeys`, `ListAliases`,
/// `GenerateRandom`) always pass.
///
/// # Errors
/// `DisabledException` or `KMSInvalidStateException` with AWS's message, as the table says.
pub fn check(operation: Operation, state: KeyState, arn: &KeyArn) -> Result<(), KmsError> {
    use KeyState as S;
    use Operation as O;
    let invalid =
        |what: &str| Err(KmsError::new(ErrorKind::KmsInvalidState, format!("{arn} is {what}.")));
    let disabled = || Err(KmsError::new(ErrorKind::Disabled, format!("{arn} is disabled.")));
    let origin_external = || {
        Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("{arn} origin is EXTERNAL which is not valid for this operation."),
        ))
    };
    let pending_deletion = || match state {
        S::PendingReplicaDeletion => invalid("pending replica deletion"),
        _ => invalid("pending deletion"),
    };
    match operation {
        O::CreateKey | O::ListKeys | O::ListAliases | O::GenerateRandom => Ok(()),
        // Custom key store operations act on a store, not a key.
        O::CreateCustomKeyStore
        | O::DescribeCustomKeyStores
        | O::UpdateCustomKeyStore
        | O::DeleteCustomKeyStore
        | O::ConnectCustomKeyStore
        | O::DisconnectCustomKeyStore => Ok(()),
        // Footnotes: always allowed.
        O::DescribeKey | O::DeleteAlias | O::ListResourceTags | O::GetKeyLastUsage => Ok(()),
        // Key policies can be read and changed in every state (kms-facts section 3).
        O::GetKeyPolicy | O::PutKeyPolicy | O::ListKeyPolicies => Ok(()),
        // "ListGrants, … RetireGrant, RevokeGrant: OK everywhere"; ListRetirableGrants takes
        // no key.
        O::ListGrants | O::ListRetirableGrants | O::RetireGrant | O::RevokeGrant => Ok(()),
        // The table's CreateGrant row: footnotes 1, 3 (the X2/X3 choice as for the
        // cryptographic operations), 5, 14; Unavailable and Updating allow it.
        O::CreateGrant => match state {
            S::Enabled | S::Unavailable | S::Updating => Ok(()),
            S::Disabled => disabled(),
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            S::PendingImport => invalid("pending import"),
            S::Creating => invalid("creating"),
        },
        O::CancelKeyDeletion => match state {
            S::PendingDeletion | S::PendingReplicaDeletion => Ok(()),
            _ => Err(KmsError::new(
                ErrorKind::KmsInvalidState,
                format!("{arn} is not pending deletion."),
            )),
        },
        O::CreateAlias
        | O::TagResource
        | O::UntagResource
        | O::UpdateKeyDescription
        | O::UpdateAlias => match state {
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            _ => Ok(()),
        },
        O::ScheduleKeyDeletion => match state {
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            S::Updating => invalid("updating"),
            _ => Ok(()),
        },
        O::EnableKey | O::DisableKey => match state {
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            S::PendingImport => invalid("pending import"),
            S::Creating => invalid("creating"),
            S::Updating => invalid("updating"),
            // Unavailable: succeeds, and takes effect when the key becomes available.
            S::Enabled | S::Disabled | S::Unavailable => Ok(()),
        },
        // Rotation management: footnotes 1, 3, 6, 14; Updating allows it.
        O::EnableKeyRotation | O::DisableKeyRotation | O::RotateKeyOnDemand => match state {
            S::Enabled | S::Updating => Ok(()),
            S::Disabled => disabled(),
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            S::PendingImport => origin_external(),
            // Footnote 7: only custom-key-store keys are Unavailable, and they cannot rotate.
            S::Unavailable => Err(KmsError::new(
                ErrorKind::UnsupportedOperation,
                format!("{arn} is in a custom key store: its key material cannot rotate."),
            )),
            S::Creating => invalid("creating"),
        },
        // Footnotes 6 and 7; every other state answers (pending deletion reads disabled).
        O::GetKeyRotationStatus => match state {
            S::PendingImport => origin_external(),
            S::Unavailable => Err(KmsError::new(
                ErrorKind::UnsupportedOperation,
                format!("{arn} is in a custom key store: its key material cannot rotate."),
            )),
            _ => Ok(()),
        },
        // ReplicateKey and UpdatePrimaryRegion: footnotes 1, 3, 5, 14, 15 (UpdatePrimaryRegion
        // allows Updating); custom-key-store keys (Unavailable) cannot be multi-Region.
        O::ReplicateKey | O::UpdatePrimaryRegion => match state {
            S::Enabled => Ok(()),
            S::Updating if operation == O::UpdatePrimaryRegion => Ok(()),
            S::Updating => invalid("updating"),
            S::Disabled => disabled(),
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            S::PendingImport => invalid("pending import"),
            S::Unavailable => invalid("unavailable"),
            S::Creating => invalid("creating"),
        },
        // Imported material (footnotes 8, 9, 14, 15): the table's GetParametersForImport and
        // ImportKeyMaterial rows; only custom-key-store keys are Unavailable, and they have no
        // imported material (footnote 9).
        O::GetParametersForImport | O::ImportKeyMaterial | O::DeleteImportedKeyMaterial => {
            match state {
                S::Enabled | S::Disabled | S::PendingImport => Ok(()),
                S::PendingDeletion | S::PendingReplicaDeletion
                    if operation == O::DeleteImportedKeyMaterial =>
                {
                    Ok(())
                }
                S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
                S::Unavailable => Err(KmsError::new(
                    ErrorKind::UnsupportedOperation,
                    format!("{arn} is in a custom key store: it has no imported key material."),
                )),
                S::Creating => invalid("creating"),
                S::Updating if operation == O::ImportKeyMaterial => Ok(()),
                S::Updating => invalid("updating"),
            }
        }
        // Not in the 2023 table; a listing, like ListAliases, answers in every state.
        O::ListKeyRotations => Ok(()),
        // Cryptographic operations. The table allows DisabledException or
        // KMSInvalidStateException for pending deletion; AWS answers the latter.
        O::Encrypt
        | O::Decrypt
        | O::ReEncrypt
        | O::GenerateDataKey
        | O::GenerateDataKeyWithoutPlaintext
        | O::GenerateMac
        | O::VerifyMac
        | O::GenerateDataKeyPair
        | O::GenerateDataKeyPairWithoutPlaintext
        | O::Sign
        | O::Verify
        | O::GetPublicKey
        // Not in the 2023 table: DeriveSharedSecret's error list is Sign's (kms-facts §3).
        | O::DeriveSharedSecret => match state {
            S::Enabled | S::Updating => Ok(()),
            S::Disabled => disabled(),
            S::PendingDeletion | S::PendingReplicaDeletion => pending_deletion(),
            S::PendingImport => invalid("pending import"),
            S::Unavailable => invalid("unavailable"),
            S::Creating => invalid("creating"),
        },
    }
}
