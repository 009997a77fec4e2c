//! Requests and responses: one pair per AWS KMS operation, with public fields named after
//! the AWS JSON members (snake_case here, PascalCase on the wire).
//!
//! Required members are constructor arguments; optional ones have `with_*` methods.
//! [`Request`] and [`Response`] wrap every pair so calls can be scheduled, logged and
//! replayed as data (see `Engine::handle`).

pub mod aliases;
pub mod crypto;
pub mod custom_key_stores;
pub mod grants;
pub mod import;
pub mod key_pairs;
pub mod keys;
pub mod mac;
pub mod multi_region;
pub mod policies;
pub mod rotation;
pub mod tags;

pub use aliases::*;
pub use crypto::*;
pub use custom_key_stores::*;
pub use grants::*;
pub use import::*;
pub use key_pairs::*;
pub use keys::*;
pub use mac::*;
pub use multi_region::*;
pub use policies::*;
pub use rotation::*;
pub use tags::*;

/// Generates [`Operation`], [`Request`] and [`Response`] from one list of operations.
macro_rules! operation_enums {
    ($( $op:ident($req:ident -> $resp:ident) read_only: $ro:literal; )+) => {
        /// Every operation the engine implements, named as AWS names it.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum Operation {
            $(
                #[doc = concat!("`", stringify!($op), "`")]
                $op,
            )+
        }

        impl Operation {
            /// Every operation, alphabetically.
            pub const ALL: &'static [Self] = &[$(Self::$op),+];

            /// The AWS operation name, which is also the CloudTrail `eventName`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$op => stringify!($op),)+ }
            }

            /// The IAM action a policy names for the operation, e.g. `kms:Encrypt`.
            #[must_use]
            pub const fn action(self) -> &'static str {
                match self { $(Self::$op => concat!("kms:", stringify!($op)),)+ }
            }

            /// Whether a success updates the key's GetKeyLastUsage: the cryptographic
            /// operations AWS tracks.
            #[must_use]
            pub const fn tracks_last_usage(self) -> bool {
                matches!(
                    self,
                    Self::Decrypt
                        | Self::Encrypt
                        | Self::GenerateDataKey
                        | Self::GenerateDataKeyWithoutPlaintext
                        | Self::GenerateMac
                        | Self::ReEncrypt
                        | Self::VerifyMac
                        | Self::DeriveSharedSecret
                        | Self::GenerateDataKeyPair
                        | Self::GenerateDataKeyPairWithoutPlaintext
                        | Self::Sign
                        | Self::Verify
                )
            }

            /// Whether CloudTrail records the call as read-only.
            #[must_use]
            pub const fn is_read_only(self) -> bool {
                match self { $(Self::$op => $ro,)+ }
            }
        }

        impl std::fmt::Display for Operation {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Any request, as data.
        #[derive(Clone, Debug)]
        pub enum Request {
            $(
                #[doc = concat!("`", stringify!($op), "`")]
                $op($req),
            )+
        }

        impl Request {
            /// Which operation this request is for.
            #[must_use]
            pub const fn operation(&self) -> Operation {
                match self { $(Self::$op(_) => Operation::$op,)+ }
            }
        }

        $(
            impl From<$req> for Request {
                fn from(req: $req) -> Self {
                    Self::$op(req)
                }
            }
        )+

        /// Any response, as data.
        #[derive(Clone, Debug)]
        pub enum Response {
            $(
                #[doc = concat!("`", stringify!($op), "`")]
                $op($resp),
            )+
        }
    };
}

operation_enums! {
    CancelKeyDeletion(CancelKeyDeletionRequest -> CancelKeyDeletionResponse) read_only: false;
    ConnectCustomKeyStore(ConnectCustomKeyStoreRequest -> ConnectCustomKeyStoreResponse) read_only: false;
    CreateAlias(CreateAliasRequest -> CreateAliasResponse) read_only: false;
    CreateCustomKeyStore(CreateCustomKeyStoreRequest -> CreateCustomKeyStoreResponse) read_only: false;
    CreateGrant(CreateGrantRequest -> CreateGrantResponse) read_only: false;
    CreateKey(CreateKeyRequest -> CreateKeyResponse) read_only: false;
    Decrypt(DecryptRequest -> DecryptResponse) read_only: true;
    DeleteAlias(DeleteAliasRequest -> DeleteAliasResponse) read_only: false;
    DeleteCustomKeyStore(DeleteCustomKeyStoreRequest -> DeleteCustomKeyStoreResponse) read_only: false;
    DeleteImportedKeyMaterial(DeleteImportedKeyMaterialRequest -> DeleteImportedKeyMaterialResponse) read_only: false;
    DeriveSharedSecret(DeriveSharedSecretRequest -> DeriveSharedSecretResponse) read_only: true;
    DescribeCustomKeyStores(DescribeCustomKeyStoresRequest -> DescribeCustomKeyStoresResponse) read_only: true;
    DescribeKey(DescribeKeyRequest -> DescribeKeyResponse) read_only: true;
    DisableKey(DisableKeyRequest -> DisableKeyResponse) read_only: false;
    DisableKeyRotation(DisableKeyRotationRequest -> DisableKeyRotationResponse) read_only: false;
    DisconnectCustomKeyStore(DisconnectCustomKeyStoreRequest -> DisconnectCustomKeyStoreResponse) read_only: false;
    EnableKey(EnableKeyRequest -> EnableKeyResponse) read_only: false;
    EnableKeyRotation(EnableKeyRotationRequest -> EnableKeyRotationResponse) read_only: false;
    Encrypt(EncryptRequest -> EncryptResponse) read_only: true;
    GenerateDataKey(GenerateDataKeyRequest -> GenerateDataKeyResponse) read_only: true;
    GenerateDataKeyPair(GenerateDataKeyPairRequest -> GenerateDataKeyPairResponse) read_only: true;
    GenerateDataKeyPairWithoutPlaintext(GenerateDataKeyPairWithoutPlaintextRequest -> GenerateDataKeyPairWithoutPlaintextResponse) read_only: true;
    GenerateDataKeyWithoutPlaintext(GenerateDataKeyWithoutPlaintextRequest -> GenerateDataKeyWithoutPlaintextResponse) read_only: true;
    GenerateMac(GenerateMacRequest -> GenerateMacResponse) read_only: true;
    GenerateRandom(GenerateRandomRequest -> GenerateRandomResponse) read_only: true;
    GetKeyLastUsage(GetKeyLastUsageRequest -> GetKeyLastUsageResponse) read_only: true;
    GetKeyPolicy(GetKeyPolicyRequest -> GetKeyPolicyResponse) read_only: true;
    GetKeyRotationStatus(GetKeyRotationStatusRequest -> GetKeyRotationStatusResponse) read_only: true;
    GetParametersForImport(GetParametersForImportRequest -> GetParametersForImportResponse) read_only: true;
    GetPublicKey(GetPublicKeyRequest -> GetPublicKeyResponse) read_only: true;
    ImportKeyMaterial(ImportKeyMaterialRequest -> ImportKeyMaterialResponse) read_only: false;
    ListAliases(ListAliasesRequest -> ListAliasesResponse) read_only: true;
    ListGrants(ListGrantsRequest -> ListGrantsResponse) read_only: true;
    ListKeyRotations(ListKeyRotationsRequest -> ListKeyRotationsResponse) read_only: true;
    ListKeyPolicies(ListKeyPoliciesRequest -> ListKeyPoliciesResponse) read_only: true;
    ListKeys(ListKeysRequest -> ListKeysResponse) read_only: true;
    ListResourceTags(ListResourceTagsRequest -> ListResourceTagsResponse) read_only: true;
    ListRetirableGrants(ListRetirableGrantsRequest -> ListRetirableGrantsResponse) read_only: true;
    PutKeyPolicy(PutKeyPolicyRequest -> PutKeyPolicyResponse) read_only: false;
    ReEncrypt(ReEncryptRequest -> ReEncryptResponse) read_only: true;
    ReplicateKey(ReplicateKeyRequest -> ReplicateKeyResponse) read_only: false;
    RetireGrant(RetireGrantRequest -> RetireGrantResponse) read_only: false;
    RevokeGrant(RevokeGrantRequest -> RevokeGrantResponse) read_only: false;
    RotateKeyOnDemand(RotateKeyOnDemandRequest -> RotateKeyOnDemandResponse) read_only: false;
    ScheduleKeyDeletion(ScheduleKeyDeletionRequest -> ScheduleKeyDeletionResponse) read_only: false;
    Sign(SignRequest -> SignResponse) read_only: true;
    TagResource(TagResourceRequest -> TagResourceResponse) read_only: false;
    UntagResource(UntagResourceRequest -> UntagResourceResponse) read_only: false;
    UpdateAlias(UpdateAliasRequest -> UpdateAliasResponse) read_only: false;
    UpdateCustomKeyStore(UpdateCustomKeyStoreRequest -> UpdateCustomKeyStoreResponse) read_only: false;
    UpdateKeyDescription(UpdateKeyDescriptionRequest -> UpdateKeyDescriptionResponse) read_only: false;
    UpdatePrimaryRegion(UpdatePrimaryRegionRequest -> UpdatePrimaryRegionResponse) read_only: false;
    Verify(VerifyRequest -> VerifyResponse) read_only: true;
    VerifyMac(VerifyMacRequest -> VerifyMacResponse) read_only: true;
}

/// A page request of a list operation: `Limit` and `Marker`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// Maximum number of entries to return; `None` means the operation's default.
    pub limit: Option<u32>,
    /// The `NextMarker` of the previous page.
    pub marker: Option<String>,
}

/// What a list response says about further pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// Pass as `marker` to get the next page; `None` on the last page.
    pub next_marker: Option<String>,
    /// Whether there are more entries after this page.
    pub truncated: bool,
}
