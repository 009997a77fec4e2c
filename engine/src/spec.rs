//! AWS's enumerations: key specs, usages, algorithms, origins and states, each spelled as
//! AWS spells it on the wire (`as_str`) and parsed from that spelling (`FromStr`).

use std::fmt;
use std::str::FromStr;

use crate::error::KmsError;

/// Defines an enum whose variants map 1:1 to AWS enum strings.
macro_rules! aws_enum {
    (
        $(#[$meta:meta])*
        $name:ident as $member:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $aws:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in AWS's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The AWS spelling, e.g. `"SYMMETRIC_DEFAULT"`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $aws,)+ }
            }
        }

        impl FromStr for $name {
            type Err = KmsError;
            fn from_str(s: &str) -> Result<Self, KmsError> {
                match s {
                    $($aws => Ok(Self::$variant),)+
                    _ => Err(KmsError::validation(
                        $member,
                        concat!("Member must satisfy enum value set: [", aws_enum!(@join $($aws),+), "]"),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
    (@join $first:literal $(, $rest:literal)*) => { concat!($first $(, ", ", $rest)*) };
}

aws_enum! {
    /// What kind of key material a key holds (`KeySpec`).
    KeySpec as "keySpec" {
        /// 256-bit AES-GCM key for symmetric encryption.
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        /// RSA 2048-bit key pair.
        Rsa2048 = "RSA_2048",
        /// RSA 3072-bit key pair.
        Rsa3072 = "RSA_3072",
        /// RSA 4096-bit key pair.
        Rsa4096 = "RSA_4096",
        /// NIST P-256 key pair.
        EccNistP256 = "ECC_NIST_P256",
        /// NIST P-384 key pair.
        EccNistP384 = "ECC_NIST_P384",
        /// NIST P-521 key pair.
        EccNistP521 = "ECC_NIST_P521",
        /// secp256k1 key pair.
        EccSecgP256k1 = "ECC_SECG_P256K1",
        /// Ed25519 key pair.
        EccNistEdwards25519 = "ECC_NIST_EDWARDS25519",
        /// 224-bit HMAC key.
        Hmac224 = "HMAC_224",
        /// 256-bit HMAC key.
        Hmac256 = "HMAC_256",
        /// 384-bit HMAC key.
        Hmac384 = "HMAC_384",
        /// 512-bit HMAC key.
        Hmac512 = "HMAC_512",
        /// SM2 key pair (China Regions only).
        Sm2 = "SM2",
        /// ML-DSA-44 key pair.
        MlDsa44 = "ML_DSA_44",
        /// ML-DSA-65 key pair.
        MlDsa65 = "ML_DSA_65",
        /// ML-DSA-87 key pair.
        MlDsa87 = "ML_DSA_87",
        /// kmsim extension, not in AWS KMS: ML-KEM-768 (FIPS 203) key pair for ENCRYPT_DECRYPT
        /// through the KEM-DEM construction of [`EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm`].
        KmsimMlKem768 = "KMSIM_ML_KEM_768",
        /// kmsim extension, not in AWS KMS: ML-KEM-1024 key pair, as [`Self::KmsimMlKem768`].
        KmsimMlKem1024 = "KMSIM_ML_KEM_1024",
        /// kmsim extension, not in AWS KMS: a hybrid P-256 ECDH + ML-KEM-768 key pair whose
        /// data-encryption key combines both shared secrets.
        KmsimEccNistP256MlKem768 = "KMSIM_ECC_NIST_P256_ML_KEM_768",
    }
}

impl KeySpec {
    /// The MAC algorithm of an HMAC key spec (1:1), or `None` for other specs.
    #[must_use]
    pub const fn mac_algorithm(self) -> Option<MacAlgorithmSpec> {
        match self {
            Self::Hmac224 => Some(MacAlgorithmSpec::HmacSha224),
            Self::Hmac256 => Some(MacAlgorithmSpec::HmacSha256),
            Self::Hmac384 => Some(MacAlgorithmSpec::HmacSha384),
            Self::Hmac512 => Some(MacAlgorithmSpec::HmacSha512),
            _ => None,
        }
    }

    /// Whether the spec is an HMAC key spec.
    #[must_use]
    pub const fn is_hmac(self) -> bool {
        self.mac_algorithm().is_some()
    }

    /// Whether the spec is a key pair (RSA, ECC, SM2, ML-DSA or a kmsim ML-KEM extension).
    #[must_use]
    pub const fn is_asymmetric(self) -> bool {
        !matches!(self, Self::SymmetricDefault) && !self.is_hmac()
    }

    /// Whether the spec is one of kmsim's extensions beyond AWS KMS (the `KMSIM_` ML-KEM
    /// specs); AWS would refuse it.
    #[must_use]
    pub const fn is_kmsim_extension(self) -> bool {
        matches!(self, Self::KmsimMlKem768 | Self::KmsimMlKem1024 | Self::KmsimEccNistP256MlKem768)
    }
}

aws_enum! {
    /// What a key may be used for (`KeyUsage`).
    KeyUsage as "keyUsage" {
        /// Encrypt and decrypt.
        EncryptDecrypt = "ENCRYPT_DECRYPT",
        /// Sign and verify.
        SignVerify = "SIGN_VERIFY",
        /// Generate and verify MACs.
        GenerateVerifyMac = "GENERATE_VERIFY_MAC",
        /// Derive shared secrets.
        KeyAgreement = "KEY_AGREEMENT",
    }
}

aws_enum! {
    /// Encryption algorithms (`EncryptionAlgorithmSpec`).
    EncryptionAlgorithmSpec as "encryptionAlgorithm" {
        /// AES-256-GCM under a per-request derived key (symmetric keys).
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        /// RSAES-OAEP with SHA-1.
        RsaesOaepSha1 = "RSAES_OAEP_SHA_1",
        /// RSAES-OAEP with SHA-256.
        RsaesOaepSha256 = "RSAES_OAEP_SHA_256",
        /// SM2 public-key encryption (China Regions only).
        Sm2Pke = "SM2PKE",
        /// kmsim extension, not in AWS KMS: ML-KEM encapsulation, HKDF-SHA-256 of the shared
        /// secret, then AES-256-GCM of the plaintext (the format is in ARCHITECTURE.md).
        KmsimMlKemHkdfAes256Gcm = "KMSIM_ML_KEM_HKDF_SHA_256_AES_256_GCM",
    }
}

aws_enum! {
    /// Signing algorithms (`SigningAlgorithmSpec`).
    SigningAlgorithmSpec as "signingAlgorithm" {
        /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
        RsassaPssSha256 = "RSASSA_PSS_SHA_256",
        /// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
        RsassaPssSha384 = "RSASSA_PSS_SHA_384",
        /// RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt.
        RsassaPssSha512 = "RSASSA_PSS_SHA_512",
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        RsassaPkcs1V15Sha256 = "RSASSA_PKCS1_V1_5_SHA_256",
        /// RSASSA-PKCS1-v1_5 with SHA-384.
        RsassaPkcs1V15Sha384 = "RSASSA_PKCS1_V1_5_SHA_384",
        /// RSASSA-PKCS1-v1_5 with SHA-512.
        RsassaPkcs1V15Sha512 = "RSASSA_PKCS1_V1_5_SHA_512",
        /// ECDSA with SHA-256 (P-256 and secp256k1); DER signature.
        EcdsaSha256 = "ECDSA_SHA_256",
        /// ECDSA with SHA-384 (P-384); DER signature.
        EcdsaSha384 = "ECDSA_SHA_384",
        /// ECDSA with SHA-512 (P-521); DER signature.
        EcdsaSha512 = "ECDSA_SHA_512",
        /// SM2 digital signature with SM3 (China Regions only).
        Sm2Dsa = "SM2DSA",
        /// ML-DSA (FIPS 204), whose hash is SHAKE256.
        MlDsaShake256 = "ML_DSA_SHAKE_256",
        /// Pure Ed25519 (RFC 8032), message type RAW only.
        Ed25519Sha512 = "ED25519_SHA_512",
        /// Ed25519ph (RFC 8032 §5.1, HashEdDSA), message type DIGEST only.
        Ed25519PhSha512 = "ED25519_PH_SHA_512",
    }
}

aws_enum! {
    /// What a Sign or Verify `Message` is (`MessageType`).
    MessageType as "messageType" {
        /// The message itself; the algorithm hashes it.
        Raw = "RAW",
        /// The message's digest under the algorithm's hash; never hashed again.
        Digest = "DIGEST",
        /// ML-DSA only: the 64-byte μ of FIPS 204 §6.2, computed by the caller.
        ExternalMu = "EXTERNAL_MU",
    }
}

aws_enum! {
    /// Key agreement algorithms (`KeyAgreementAlgorithmSpec`).
    KeyAgreementAlgorithmSpec as "keyAgreementAlgorithm" {
        /// Elliptic-curve Diffie-Hellman; the shared secret is the raw x-coordinate.
        Ecdh = "ECDH",
    }
}

aws_enum! {
    /// Key pair specs for GenerateDataKeyPair (`DataKeyPairSpec`).
    DataKeyPairSpec as "keyPairSpec" {
        /// RSA 2048-bit key pair.
        Rsa2048 = "RSA_2048",
        /// RSA 3072-bit key pair.
        Rsa3072 = "RSA_3072",
        /// RSA 4096-bit key pair.
        Rsa4096 = "RSA_4096",
        /// NIST P-256 key pair.
        EccNistP256 = "ECC_NIST_P256",
        /// NIST P-384 key pair.
        EccNistP384 = "ECC_NIST_P384",
        /// NIST P-521 key pair.
        EccNistP521 = "ECC_NIST_P521",
        /// secp256k1 key pair.
        EccSecgP256k1 = "ECC_SECG_P256K1",
        /// SM2 key pair (China Regions only).
        Sm2 = "SM2",
        /// Ed25519 key pair.
        EccNistEdwards25519 = "ECC_NIST_EDWARDS25519",
        /// kmsim extension, not in AWS KMS: an ML-KEM-768 key pair.
        KmsimMlKem768 = "KMSIM_ML_KEM_768",
        /// kmsim extension, not in AWS KMS: an ML-KEM-1024 key pair.
        KmsimMlKem1024 = "KMSIM_ML_KEM_1024",
    }
}

impl DataKeyPairSpec {
    /// The key spec whose key pair this is.
    #[must_use]
    pub const fn key_spec(self) -> KeySpec {
        match self {
            Self::Rsa2048 => KeySpec::Rsa2048,
            Self::Rsa3072 => KeySpec::Rsa3072,
            Self::Rsa4096 => KeySpec::Rsa4096,
            Self::EccNistP256 => KeySpec::EccNistP256,
            Self::EccNistP384 => KeySpec::EccNistP384,
            Self::EccNistP521 => KeySpec::EccNistP521,
            Self::EccSecgP256k1 => KeySpec::EccSecgP256k1,
            Self::Sm2 => KeySpec::Sm2,
            Self::EccNistEdwards25519 => KeySpec::EccNistEdwards25519,
            Self::KmsimMlKem768 => KeySpec::KmsimMlKem768,
            Self::KmsimMlKem1024 => KeySpec::KmsimMlKem1024,
        }
    }
}

aws_enum! {
    /// MAC algorithms (`MacAlgorithmSpec`).
    MacAlgorithmSpec as "macAlgorithm" {
        /// HMAC with SHA-224.
        HmacSha224 = "HMAC_SHA_224",
        /// HMAC with SHA-256.
        HmacSha256 = "HMAC_SHA_256",
        /// HMAC with SHA-384.
        HmacSha384 = "HMAC_SHA_384",
        /// HMAC with SHA-512.
        HmacSha512 = "HMAC_SHA_512",
    }
}

impl MacAlgorithmSpec {
    /// Length of the MAC [bytes], which is also the length of the key material.
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Self::HmacSha224 => 28,
            Self::HmacSha256 => 32,
            Self::HmacSha384 => 48,
            Self::HmacSha512 => 64,
        }
    }
}

aws_enum! {
    /// Data key lengths for `GenerateDataKey` (`DataKeySpec`).
    DataKeySpec as "keySpec" {
        /// 32-byte data key.
        Aes256 = "AES_256",
        /// 16-byte data key.
        Aes128 = "AES_128",
    }
}

impl DataKeySpec {
    /// Length of the data key [bytes].
    #[must_use]
    pub const fn len_bytes(self) -> usize {
        match self {
            Self::Aes256 => 32,
            Self::Aes128 => 16,
        }
    }
}

aws_enum! {
    /// Where a key's material comes from (`OriginType`).
    OriginType as "origin" {
        /// Generated by KMS.
        AwsKms = "AWS_KMS",
        /// Imported by the customer.
        External = "EXTERNAL",
        /// Generated in a CloudHSM key store.
        AwsCloudhsm = "AWS_CLOUDHSM",
        /// Held in an external key store.
        ExternalKeyStore = "EXTERNAL_KEY_STORE",
    }
}

aws_enum! {
    /// The state of a key (`KeyState`); see the key-state table in `key_state`.
    KeyState as "keyState" {
        /// Being created (new multi-Region replica), transient.
        Creating = "Creating",
        /// Usable.
        Enabled = "Enabled",
        /// Not usable for cryptography until enabled.
        Disabled = "Disabled",
        /// Scheduled for deletion at the end of its waiting window.
        PendingDeletion = "PendingDeletion",
        /// Waiting for imported key material.
        PendingImport = "PendingImport",
        /// A multi-Region primary waiting for its replicas to be deleted.
        PendingReplicaDeletion = "PendingReplicaDeletion",
        /// In a disconnected custom key store.
        Unavailable = "Unavailable",
        /// Changing primary Region, transient.
        Updating = "Updating",
    }
}

aws_enum! {
    /// Who manages a key (`KeyManager`).
    KeyManager as "keyManager" {
        /// An AWS managed key.
        Aws = "AWS",
        /// A customer managed key.
        Customer = "CUSTOMER",
    }
}

aws_enum! {
    /// The role of a multi-Region key (`MultiRegionKeyType`).
    MultiRegionKeyType as "multiRegionKeyType" {
        /// The primary key.
        Primary = "PRIMARY",
        /// A replica key.
        Replica = "REPLICA",
    }
}

aws_enum! {
    /// How a key's material was rotated (`RotationType`).
    RotationType as "rotationType" {
        /// By the automatic schedule.
        Automatic = "AUTOMATIC",
        /// By RotateKeyOnDemand.
        OnDemand = "ON_DEMAND",
    }
}

aws_enum! {
    /// What ListKeyRotations lists (`IncludeKeyMaterial`).
    IncludeKeyMaterial as "includeKeyMaterial" {
        /// Only the rotations: every material but the first.
        RotationsOnly = "ROTATIONS_ONLY",
        /// Every material, the first included.
        AllKeyMaterial = "ALL_KEY_MATERIAL",
    }
}

aws_enum! {
    /// Whether a material is the one new encryptions use (`KeyMaterialState`).
    KeyMaterialState as "keyMaterialState" {
        /// The material new encryptions use.
        Current = "CURRENT",
        /// An older material, kept to decrypt older ciphertexts.
        NonCurrent = "NON_CURRENT",
        /// Imported material waiting to become current by RotateKeyOnDemand.
        PendingRotation = "PENDING_ROTATION",
    }
}

aws_enum! {
    /// The kind of a custom key store (`CustomKeyStoreType`).
    CustomKeyStoreType as "customKeyStoreType" {
        /// Backed by an AWS CloudHSM cluster.
        AwsCloudhsm = "AWS_CLOUDHSM",
        /// Backed by an external key manager through an XKS proxy.
        ExternalKeyStore = "EXTERNAL_KEY_STORE",
    }
}

aws_enum! {
    /// A custom key store's connection state (`ConnectionStateType`).
    ConnectionState as "connectionState" {
        /// Connected: its keys are usable.
        Connected = "CONNECTED",
        /// Connecting.
        Connecting = "CONNECTING",
        /// Connecting failed; disconnect before trying again.
        Failed = "FAILED",
        /// Disconnected: its keys are Unavailable.
        Disconnected = "DISCONNECTED",
        /// Disconnecting.
        Disconnecting = "DISCONNECTING",
    }
}

aws_enum! {
    /// Why a connection failed (`ConnectionErrorCodeType`), the ones kmsim models.
    ConnectionErrorCode as "connectionErrorCode" {
        /// The CloudHSM cluster has no active HSM.
        InsufficientCloudhsmHsms = "INSUFFICIENT_CLOUDHSM_HSMS",
        /// The XKS proxy did not answer (a kmsim-modelled fault).
        XksProxyTimedOut = "XKS_PROXY_TIMED_OUT",
    }
}

aws_enum! {
    /// How KMS reaches an XKS proxy (`XksProxyConnectivityType`).
    XksProxyConnectivity as "xksProxyConnectivity" {
        /// Over the internet.
        PublicEndpoint = "PUBLIC_ENDPOINT",
        /// Through a VPC endpoint service.
        VpcEndpointService = "VPC_ENDPOINT_SERVICE",
    }
}

aws_enum! {
    /// How imported key material is wrapped (`AlgorithmSpec`).
    WrappingAlgorithm as "wrappingAlgorithm" {
        /// RSAES-PKCS1-v1_5 (deprecated by AWS; refused by kmsim).
        RsaesPkcs1V15 = "RSAES_PKCS1_V1_5",
        /// RSAES-OAEP with SHA-1.
        RsaesOaepSha1 = "RSAES_OAEP_SHA_1",
        /// RSAES-OAEP with SHA-256.
        RsaesOaepSha256 = "RSAES_OAEP_SHA_256",
        /// RSA-OAEP (SHA-1) of an AES key, then AES key wrap with padding of the material.
        RsaAesKeyWrapSha1 = "RSA_AES_KEY_WRAP_SHA_1",
        /// RSA-OAEP (SHA-256) of an AES key, then AES key wrap with padding of the material.
        RsaAesKeyWrapSha256 = "RSA_AES_KEY_WRAP_SHA_256",
        /// SM2 public-key encryption (China Regions only; refused by kmsim).
        Sm2Pke = "SM2PKE",
    }
}

aws_enum! {
    /// The wrapping key pair's spec (`WrappingKeySpec`).
    WrappingKeySpec as "wrappingKeySpec" {
        /// RSA 2048-bit.
        Rsa2048 = "RSA_2048",
        /// RSA 3072-bit.
        Rsa3072 = "RSA_3072",
        /// RSA 4096-bit.
        Rsa4096 = "RSA_4096",
        /// SM2 (China Regions only; refused by kmsim).
        Sm2 = "SM2",
    }
}

aws_enum! {
    /// Whether imported key material expires (`ExpirationModelType`).
    ExpirationModel as "expirationModel" {
        /// It expires at `ValidTo`.
        KeyMaterialExpires = "KEY_MATERIAL_EXPIRES",
        /// It does not expire.
        KeyMaterialDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE",
    }
}

aws_enum! {
    /// What a grant allows (`GrantOperation`): the permission of one operation, with
    /// ReEncrypt split into its two halves.
    GrantOperation as "operations" {
        /// `kms:Decrypt`.
        Decrypt = "Decrypt",
        /// `kms:Encrypt`.
        Encrypt = "Encrypt",
        /// `kms:GenerateDataKey`.
        GenerateDataKey = "GenerateDataKey",
        /// `kms:GenerateDataKeyWithoutPlaintext`.
        GenerateDataKeyWithoutPlaintext = "GenerateDataKeyWithoutPlaintext",
        /// `kms:ReEncryptFrom`: ReEncrypt with the key as the source.
        ReEncryptFrom = "ReEncryptFrom",
        /// `kms:ReEncryptTo`: ReEncrypt with the key as the destination.
        ReEncryptTo = "ReEncryptTo",
        /// `kms:Sign`.
        Sign = "Sign",
        /// `kms:Verify`.
        Verify = "Verify",
        /// `kms:GetPublicKey`.
        GetPublicKey = "GetPublicKey",
        /// `kms:CreateGrant`: grants no wider than this one.
        CreateGrant = "CreateGrant",
        /// `kms:RetireGrant`: the grantee may retire the grant.
        RetireGrant = "RetireGrant",
        /// `kms:DescribeKey`.
        DescribeKey = "DescribeKey",
        /// `kms:GenerateDataKeyPair`.
        GenerateDataKeyPair = "GenerateDataKeyPair",
        /// `kms:GenerateDataKeyPairWithoutPlaintext`.
        GenerateDataKeyPairWithoutPlaintext = "GenerateDataKeyPairWithoutPlaintext",
        /// `kms:GenerateMac`.
        GenerateMac = "GenerateMac",
        /// `kms:VerifyMac`.
        VerifyMac = "VerifyMac",
        /// `kms:DeriveSharedSecret`.
        DeriveSharedSecret = "DeriveSharedSecret",
    }
}

impl GrantOperation {
    /// The IAM action of the permission, e.g. `kms:ReEncryptFrom`.
    #[must_use]
    pub const fn action(self) -> &'static str {
        match self {
            Self::Decrypt => "kms:Decrypt",
            Self::Encrypt => "kms:Encrypt",
            Self::GenerateDataKey => "kms:GenerateDataKey",
            Self::GenerateDataKeyWithoutPlaintext => "kms:GenerateDataKeyWithoutPlaintext",
            Self::ReEncryptFrom => "kms:ReEncryptFrom",
            Self::ReEncryptTo => "kms:ReEncryptTo",
            Self::Sign => "kms:Sign",
            Self::Verify => "kms:Verify",
            Self::GetPublicKey => "kms:GetPublicKey",
            Self::CreateGrant => "kms:CreateGrant",
            Self::RetireGrant => "kms:RetireGrant",
            Self::DescribeKey => "kms:DescribeKey",
            Self::GenerateDataKeyPair => "kms:GenerateDataKeyPair",
            Self::GenerateDataKeyPairWithoutPlaintext => "kms:GenerateDataKeyPairWithoutPlaintext",
            Self::GenerateMac => "kms:GenerateMac",
            Self::VerifyMac => "kms:VerifyMac",
            Self::DeriveSharedSecret => "kms:DeriveSharedSecret",
        }
    }

    /// Whether a grant's encryption context constraint applies to this operation: the
    /// operations that take an encryption context (AWS's GrantConstraints). DescribeKey,
    /// RetireGrant and CreateGrant ignore it (CreateGrant has its own rule instead).
    #[must_use]
    pub const fn takes_encryption_context(self) -> bool {
        matches!(
            self,
            Self::Decrypt
                | Self::Encrypt
                | Self::GenerateDataKey
                | Self::GenerateDataKeyWithoutPlaintext
                | Self::ReEncryptFrom
                | Self::ReEncryptTo
                | Self::GenerateDataKeyPair
                | Self::GenerateDataKeyPairWithoutPlaintext
        )
    }

    /// The grant operations valid on a key of `spec` and `usage` (AWS's "Grant operations"
    /// table): what the key type can do, plus DescribeKey, CreateGrant and RetireGrant.
    #[must_use]
    pub fn valid_for(spec: KeySpec, usage: KeyUsage) -> &'static [Self] {
        match (spec, usage) {
            (KeySpec::SymmetricDefault, _) => &[
                Self::Decrypt,
                Self::Encrypt,
                Self::GenerateDataKey,
                Self::GenerateDataKeyWithoutPlaintext,
                Self::GenerateDataKeyPair,
                Self::GenerateDataKeyPairWithoutPlaintext,
                Self::ReEncryptFrom,
                Self::ReEncryptTo,
                Self::CreateGrant,
                Self::RetireGrant,
                Self::DescribeKey,
            ],
            (_, KeyUsage::GenerateVerifyMac) => &[
                Self::GenerateMac,
                Self::VerifyMac,
                Self::CreateGrant,
                Self::RetireGrant,
                Self::DescribeKey,
            ],
            (_, KeyUsage::EncryptDecrypt) => &[
                Self::Decrypt,
                Self::Encrypt,
                Self::ReEncryptFrom,
                Self::ReEncryptTo,
                Self::GetPublicKey,
                Self::CreateGrant,
                Self::RetireGrant,
                Self::DescribeKey,
            ],
            (_, KeyUsage::SignVerify) => &[
                Self::Sign,
                Self::Verify,
                Self::GetPublicKey,
                Self::CreateGrant,
                Self::RetireGrant,
                Self::DescribeKey,
            ],
            (_, KeyUsage::KeyAgreement) => &[
                Self::DeriveSharedSecret,
                Self::GetPublicKey,
                Self::CreateGrant,
                Self::RetireGrant,
                Self::DescribeKey,
            ],
        }
    }
}
