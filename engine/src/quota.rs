//! Request-rate quotas: which quota a call counts against, AWS's default rates, and the
//! token buckets that throttle calls with `ThrottlingException`.
//!
//! ```
//! use engine::quota::{QuotaClass, QuotaConfig, Quotas, class_for};
//! use engine::api::Operation;
//! use engine::{AccountId, ErrorKind, Region, Timestamp};
//!
//! let mut quotas = Quotas::new(Region::US_EAST_1, QuotaConfig::default());
//! let account: AccountId = "111122223333".parse()?;
//! let now = Timestamp::from_unix_seconds(1_796_025_600);
//!
//! // CreateKey: 5 requests/s, so five calls at one instant pass and the sixth is throttled.
//! let class = class_for(Operation::CreateKey, None).expect("CreateKey has a quota");
//! assert_eq!(class, QuotaClass::Api(Operation::CreateKey));
//! for _ in 0..5 {
//!     quotas.admit(account, class, now)?;
//! }
//! let throttled = quotas.admit(account, class, now).unwrap_err();
//! assert_eq!(throttled.kind, ErrorKind::Throttling);
//! // 200 ms later one more token has dripped in.
//! quotas.admit(account, class, now.plus_nanos(200_000_000))?;
//! # Ok::<(), engine::KmsError>(())
//! ```
//!
//! # What counts against what
//!
//! AWS KMS sets its request quotas per account and per Region (kms-facts §8.1).
//! [`class_for`] says which quota a call counts against:
//!
//! - the cryptographic operations (Encrypt, Decrypt, ReEncrypt, GenerateDataKey,
//!   GenerateDataKeyWithoutPlaintext, GenerateMac, VerifyMac, GenerateRandom) share one quota
//!   per key type: [`QuotaClass::CryptoSymmetric`] (symmetric encryption and HMAC keys, and
//!   GenerateRandom, which uses no key), [`QuotaClass::CryptoRsa`], [`QuotaClass::CryptoEcc`]
//!   (ECC and SM2 keys) and [`QuotaClass::CryptoMlDsa`];
//! - GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext share one quota per key-pair
//!   spec, [`QuotaClass::GenerateDataKeyPair`];
//! - every other operation has its own quota, [`QuotaClass::Api`].
//!
//! A cryptographic call on a key in a custom key store also counts against that store's
//! quota ([`CUSTOM_KEY_STORE_RATE`], per store); [`Quotas::admit_with_store`] checks both.
//! Cross-account calls count against the caller's account, not the key owner's: the caller
//! passes the account to charge.
//!
//! [`default_rate`] is AWS's current table, as one `match` whose arms cite kms-facts §8.1.
//! [`QuotaConfig`] switches quotas off or overrides any rate; AWS lets customers raise every
//! quota but the custom-key-store one.
//!
//! # The bucket
//!
//! AWS documents each quota as a number of requests "in each one-second interval" and does
//! not publish its algorithm (kms-facts §8.2). This module uses one token bucket per
//! (account, [`QuotaClass`]) and one per custom key store, within one Region's engine:
//!
//! - **Capacity is one second of the rate.** A full bucket admits `rate` requests at one
//!   instant, so a caller that stays within "`rate` requests in each one-second interval" is
//!   never throttled, whatever the phase of its bursts.
//!   Rates below 1/s (GenerateDataKeyPair RSA_4096 in China: 0.1/s) get a capacity of one
//!   request instead, since a bucket smaller than one request would never admit anything;
//!   AWS describes 0.1/s as "1 in each 10-second interval".
//! - **Refill is continuous and linear** at `rate`, not a reset at each second boundary: a
//!   fixed window would admit `2 × rate` requests across a boundary and would make the
//!   outcome depend on where the window's edges fall, which AWS does not define.
//! - **A new bucket starts full**, like a quiet account.
//! - **A throttled request takes no token** and changes nothing, so a client that retries
//!   with backoff recovers at the quota's rate. AWS counts throttled requests against nothing
//!   either: its SDKs retry them.
//! - **Time is the call's `now`** ([`Timestamp`], integer nanoseconds). Time going backwards
//!   (calls at out-of-order instants) never adds tokens; the bucket refills again only once
//!   time passes the latest instant it has seen.
//!
//! The level is kept in integer fixed point, so admission is exact and deterministic: one
//! request is [`UNITS_PER_REQUEST`] = 10^12 units (10^9 ns × 10^3 milli-requests), and
//! `elapsed [ns] × rate [milli-requests/s]` units drip in over `elapsed`.
//! A 10,000/s bucket thus holds 10^16 units and gains exactly one request per 100 µs.
//! Because `min(capacity, level + elapsed × rate)` gives the same result whether it is
//! computed in one step or several, a throttled request need not even store its refill.
//!
//! Not modelled: the "hot key" throttling of bursts of state changes to one key below the
//! per-API rate, a busy CloudHSM cluster throttling below 1,800/s, and the extra quota
//! charges of ReplicateKey (two CreateKey in the replica's Region) and UpdatePrimaryRegion
//! (one in each Region), which belong to the caller that routes those operations.

use std::collections::BTreeMap;
use std::fmt;

use crate::api::Operation;
use crate::error::{ErrorKind, KmsError};
use crate::id::{AccountId, Region};
use crate::spec::KeySpec;
use crate::time::{NANOS_PER_SECOND, Timestamp};

/// Milli-requests in one request.
const MILLI_PER_REQUEST: u64 = 1_000;

/// Bucket units in one request: 10^9 ns × 10^3 milli-requests [units/request].
///
/// With this unit, `elapsed [ns] × rate [milli-requests/s]` is exactly the refill in units.
pub const UNITS_PER_REQUEST: u128 = 1_000_000_000_000;

/// AWS's message for `ThrottlingException` (kms-facts §8.2).
pub const THROTTLING_MESSAGE: &str =
    "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";

/// The request quota of each custom key store (CloudHSM or external): 1,800 [requests/s],
/// per store, not adjustable in AWS (kms-facts §8.1 "Custom key store").
pub const CUSTOM_KEY_STORE_RATE: RequestRate = RequestRate::per_second(1_800);

/// A request rate, in integer milli-requests per second [milli-requests/s], so that 0.1/s
/// is exact.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct RequestRate {
    milli_per_second: u64,
}

impl RequestRate {
    /// `requests` [requests/s], saturating at `u64::MAX` [milli-requests/s].
    #[must_use]
    pub const fn per_second(requests: u64) -> Self {
        Self { milli_per_second: requests.saturating_mul(MILLI_PER_REQUEST) }
    }

    /// `milli_requests` [milli-requests/s]: `per_second_milli(100)` is 0.1 [requests/s].
    #[must_use]
    pub const fn per_second_milli(milli_requests: u64) -> Self {
        Self { milli_per_second: milli_requests }
    }

    /// The rate [milli-requests/s].
    #[must_use]
    pub const fn milli_per_second(self) -> u64 {
        self.milli_per_second
    }

    /// Bucket capacity [units]: one second of the rate, but at least one request so that
    /// rates below 1/s admit anything; zero for a zero rate, which admits nothing.
    fn capacity_units(self) -> u128 {
        if self.milli_per_second == 0 {
            return 0;
        }
        let one_second = u128::from(self.milli_per_second) * u128::from(NANOS_PER_SECOND);
        one_second.max(UNITS_PER_REQUEST)
    }
}

/// `10000/s`, `0.1/s`, `0.25/s`.
impl fmt::Display for RequestRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.milli_per_second / MILLI_PER_REQUEST;
        let mut frac = self.milli_per_second % MILLI_PER_REQUEST;
        if frac == 0 {
            return write!(f, "{whole}/s");
        }
        let mut digits = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        write!(f, "{whole}.{frac:0digits$}/s")
    }
}

/// One request quota: what a call counts against.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum QuotaClass {
    /// Cryptographic operations on symmetric encryption and HMAC keys, and GenerateRandom.
    CryptoSymmetric,
    /// Cryptographic operations on RSA keys.
    CryptoRsa,
    /// Cryptographic operations on ECC and SM2 keys.
    CryptoEcc,
    /// Cryptographic operations on ML-DSA keys.
    CryptoMlDsa,
    /// kmsim extension: cryptographic operations on the `KMSIM_` ML-KEM keys, which AWS does
    /// not have and so sets no quota for.
    CryptoKmsimMlKem,
    /// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext for one key-pair spec.
    GenerateDataKeyPair(KeySpec),
    /// The per-API quota of one (non-cryptographic) operation.
    Api(Operation),
}

/// AWS's quota name, as Service Quotas shows it: "CreateKey request rate".
impl fmt::Display for QuotaClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CryptoSymmetric => {
                f.write_str("Cryptographic operations (symmetric) request rate")
            }
            Self::CryptoRsa => f.write_str("Cryptographic operations (RSA) request rate"),
            Self::CryptoEcc => f.write_str("Cryptographic operations (ECC and SM2) request rate"),
            Self::CryptoMlDsa => f.write_str("Cryptographic operations (ML-DSA) request rate"),
            Self::CryptoKmsimMlKem => {
                f.write_str("Cryptographic operations (ML-KEM, kmsim extension) request rate")
            }
            Self::GenerateDataKeyPair(KeySpec::Sm2) => {
                f.write_str("GenerateDataKeyPair (SM2 — China Regions only) request rate")
            }
            Self::GenerateDataKeyPair(spec) => {
                write!(f, "GenerateDataKeyPair ({spec}) request rate")
            }
            Self::Api(operation) => write!(f, "{operation} request rate"),
        }
    }
}

/// AWS's default rate for `class` in `region` [requests/s], or `None` if the class has no
/// quota (a key-pair quota for a spec that is not a key-pair spec, a per-API quota for a
/// cryptographic operation).
///
/// Source: kms-facts §8.1 (the 2026-era "Request quotas" page); each arm cites its line.
#[must_use]
pub fn default_rate(region: Region, class: QuotaClass) -> Option<RequestRate> {
    let china = region.partition() == "aws-cn";
    let per_second = |n| Some(RequestRate::per_second(n));
    match class {
        QuotaClass::CryptoSymmetric => match region.as_str() {
            // "100,000 in us-east-1, us-west-2, eu-west-1."
            "us-east-1" | "us-west-2" | "eu-west-1" => per_second(100_000),
            // "20,000 in us-east-2, ap-southeast-1, ap-southeast-2, ap-northeast-1,
            // eu-central-1, eu-west-2;"
            "us-east-2" | "ap-southeast-1" | "ap-southeast-2" | "ap-northeast-1"
            | "eu-central-1" | "eu-west-2" => per_second(20_000),
            // "10,000 default;"
            _ => per_second(10_000),
        },
        // "Cryptographic operations (RSA) — Decrypt, Encrypt, ReEncrypt, Sign, Verify: 1,000"
        QuotaClass::CryptoRsa => per_second(1_000),
        // "Cryptographic operations (ECC and SM2) — Sign, Verify, DeriveSharedSecret
        // (+ Encrypt/Decrypt/ReEncrypt for SM2): 1,000"
        QuotaClass::CryptoEcc => per_second(1_000),
        // "Cryptographic operations (ML-DSA) — Sign, Verify: 1,000."
        QuotaClass::CryptoMlDsa => per_second(1_000),
        // Not an AWS quota: kmsim gives its ML-KEM extension the rate of the other key-pair
        // classes.
        QuotaClass::CryptoKmsimMlKem => per_second(1_000),
        QuotaClass::GenerateDataKeyPair(spec) => match spec {
            // "ECC_NIST_P256 100, P384 100, P521 100, SECG_P256K1 100, EDWARDS25519 100;"
            KeySpec::EccNistP256
            | KeySpec::EccNistP384
            | KeySpec::EccNistP521
            | KeySpec::EccSecgP256k1
            | KeySpec::EccNistEdwards25519 => per_second(100),
            // Not an AWS quota: kmsim's ML-KEM pairs get the ECC pairs' rate.
            KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 => per_second(100),
            // "RSA_2048 20 (China 1);"
            KeySpec::Rsa2048 => per_second(if china { 1 } else { 20 }),
            // "RSA_3072 4 (China 0.5);"
            KeySpec::Rsa3072 => Some(if china {
                RequestRate::per_second_milli(500)
            } else {
                RequestRate::per_second(4)
            }),
            // "RSA_4096 1 (China 0.1);"
            KeySpec::Rsa4096 => Some(if china {
                RequestRate::per_second_milli(100)
            } else {
                RequestRate::per_second(1)
            }),
            // "SM2 25."
            KeySpec::Sm2 => per_second(25),
            // Not key-pair specs: GenerateDataKeyPair does not take them.
            KeySpec::SymmetricDefault
            | KeySpec::Hmac224
            | KeySpec::Hmac256
            | KeySpec::Hmac384
            | KeySpec::Hmac512
            | KeySpec::MlDsa44
            | KeySpec::MlDsa65
            | KeySpec::MlDsa87
            | KeySpec::KmsimEccNistP256MlKem768 => None,
        },
        QuotaClass::Api(operation) => api_rate(operation),
    }
}

/// The per-API quota of `operation` [requests/s] ("Per-API quotas (current)" in
/// kms-facts §8.1), or `None` for a cryptographic operation, which counts in a shared class.
///
/// Exhaustive on purpose: a new operation must be placed here and in [`class_for`].
fn api_rate(operation: Operation) -> Option<RequestRate> {
    let per_second = |n| Some(RequestRate::per_second(n));
    match operation {
        // "CancelKeyDeletion 5;"
        Operation::CancelKeyDeletion => per_second(5),
        // "ConnectCustomKeyStore 5;"
        Operation::ConnectCustomKeyStore => per_second(5),
        // "CreateAlias 5;"
        Operation::CreateAlias => per_second(5),
        // "CreateCustomKeyStore 5;"
        Operation::CreateCustomKeyStore => per_second(5),
        // "CreateGrant 50;"
        Operation::CreateGrant => per_second(50),
        // "CreateKey 5;"
        Operation::CreateKey => per_second(5),
        // "DeleteAlias 15;"
        Operation::DeleteAlias => per_second(15),
        // "DeleteCustomKeyStore 5;"
        Operation::DeleteCustomKeyStore => per_second(5),
        // "DescribeCustomKeyStores 5;"
        Operation::DescribeCustomKeyStores => per_second(5),
        // "DeleteImportedKeyMaterial 15 (2023: 5);"
        Operation::DeleteImportedKeyMaterial => per_second(15),
        // "DescribeKey 2000;"
        Operation::DescribeKey => per_second(2_000),
        // "DisableKey 5;"
        Operation::DisableKey => per_second(5),
        // "DisableKeyRotation 5;"
        Operation::DisableKeyRotation => per_second(5),
        // "DisconnectCustomKeyStore 5;"
        Operation::DisconnectCustomKeyStore => per_second(5),
        // "EnableKey 5;"
        Operation::EnableKey => per_second(5),
        // "EnableKeyRotation 15;"
        Operation::EnableKeyRotation => per_second(15),
        // "GetKeyLastUsage 5;"
        Operation::GetKeyLastUsage => per_second(5),
        // "GetParametersForImport 1 (2023: 0.25);"
        Operation::GetParametersForImport => per_second(1),
        // "ImportKeyMaterial 15 (2023: 5);"
        Operation::ImportKeyMaterial => per_second(15),
        // "GetKeyPolicy 1000;"
        Operation::GetKeyPolicy => per_second(1_000),
        // "ListKeyPolicies 100;"
        Operation::ListKeyPolicies => per_second(100),
        // "PutKeyPolicy 15;"
        Operation::PutKeyPolicy => per_second(15),
        // "GetKeyRotationStatus 1000;"
        Operation::GetKeyRotationStatus => per_second(1_000),
        // "ListAliases 500;"
        Operation::ListAliases => per_second(500),
        // "ListGrants 100;"
        Operation::ListGrants => per_second(100),
        // "ListKeyRotations 100;"
        Operation::ListKeyRotations => per_second(100),
        // "ListKeys 500;"
        Operation::ListKeys => per_second(500),
        // "ListResourceTags 2000;"
        Operation::ListResourceTags => per_second(2_000),
        // "ListRetirableGrants 100;"
        Operation::ListRetirableGrants => per_second(100),
        // "ReplicateKey 5;"
        Operation::ReplicateKey => per_second(5),
        // "RetireGrant 50 (2023: 30);"
        Operation::RetireGrant => per_second(50),
        // "RevokeGrant 50 (2023: 30);"
        Operation::RevokeGrant => per_second(50),
        // "RotateKeyOnDemand 5;"
        Operation::RotateKeyOnDemand => per_second(5),
        // "ScheduleKeyDeletion 15;"
        Operation::ScheduleKeyDeletion => per_second(15),
        // "TagResource 10;"
        Operation::TagResource => per_second(10),
        // "UntagResource 5;"
        Operation::UntagResource => per_second(5),
        // "UpdateAlias 5;"
        Operation::UpdateAlias => per_second(5),
        // "UpdatePrimaryRegion 5;"
        Operation::UpdatePrimaryRegion => per_second(5),
        // "UpdateCustomKeyStore 5;"
        Operation::UpdateCustomKeyStore => per_second(5),
        // "UpdateKeyDescription 5;"
        Operation::UpdateKeyDescription => per_second(5),
        // "Cryptographic operations (symmetric) — Decrypt, Encrypt, GenerateDataKey,
        // GenerateDataKeyWithoutPlaintext, GenerateMac, GenerateRandom, ReEncrypt, VerifyMac":
        // shared quotas, no per-API one.
        Operation::Decrypt
        | Operation::Encrypt
        | Operation::GenerateDataKey
        | Operation::GenerateDataKeyWithoutPlaintext
        | Operation::GenerateMac
        | Operation::GenerateRandom
        | Operation::ReEncrypt
        | Operation::VerifyMac => None,
        // "GetPublicKey 2000;"
        Operation::GetPublicKey => per_second(2_000),
        // Sign, Verify, DeriveSharedSecret: the shared RSA, ECC and ML-DSA quotas;
        // GenerateDataKeyPair(WithoutPlaintext): the per-spec key-pair quotas.
        Operation::Sign
        | Operation::Verify
        | Operation::DeriveSharedSecret
        | Operation::GenerateDataKeyPair
        | Operation::GenerateDataKeyPairWithoutPlaintext => None,
    }
}

/// The shared cryptographic quota of a key of `key_spec`; an unknown key (`None`) counts
/// as symmetric, the type of nearly every key and of every custom-key-store key.
const fn crypto_class(key_spec: Option<KeySpec>) -> QuotaClass {
    match key_spec {
        None
        | Some(
            KeySpec::SymmetricDefault
            | KeySpec::Hmac224
            | KeySpec::Hmac256
            | KeySpec::Hmac384
            | KeySpec::Hmac512,
        ) => QuotaClass::CryptoSymmetric,
        Some(KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096) => QuotaClass::CryptoRsa,
        Some(
            KeySpec::EccNistP256
            | KeySpec::EccNistP384
            | KeySpec::EccNistP521
            | KeySpec::EccSecgP256k1
            | KeySpec::EccNistEdwards25519
            | KeySpec::Sm2,
        ) => QuotaClass::CryptoEcc,
        Some(KeySpec::MlDsa44 | KeySpec::MlDsa65 | KeySpec::MlDsa87) => QuotaClass::CryptoMlDsa,
        Some(
            KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 | KeySpec::KmsimEccNistP256MlKem768,
        ) => QuotaClass::CryptoKmsimMlKem,
    }
}

/// Which quota a call of `operation` counts against, given the spec of the key it uses
/// (`None` when the call names no key or its key cannot be resolved).
///
/// Cryptographic operations count in the shared class of their key's type (GenerateRandom,
/// which uses no key, in [`QuotaClass::CryptoSymmetric`]); every other operation counts in
/// [`QuotaClass::Api`] if it has a per-API quota, and against nothing (`None`) otherwise.
#[must_use]
pub fn class_for(operation: Operation, key_spec: Option<KeySpec>) -> Option<QuotaClass> {
    match operation {
        Operation::Decrypt
        | Operation::Encrypt
        | Operation::GenerateDataKey
        | Operation::GenerateDataKeyWithoutPlaintext
        | Operation::GenerateMac
        | Operation::ReEncrypt
        | Operation::VerifyMac
        | Operation::Sign
        | Operation::Verify
        | Operation::DeriveSharedSecret => Some(crypto_class(key_spec)),
        Operation::GenerateRandom => Some(QuotaClass::CryptoSymmetric),
        // Counted against the quota of the pair generated (the request's KeyPairSpec, which
        // the engine passes as `key_spec`), not of the wrapping key.
        Operation::GenerateDataKeyPair | Operation::GenerateDataKeyPairWithoutPlaintext => {
            key_spec.map(QuotaClass::GenerateDataKeyPair)
        }
        Operation::CancelKeyDeletion
        | Operation::ConnectCustomKeyStore
        | Operation::CreateCustomKeyStore
        | Operation::DeleteCustomKeyStore
        | Operation::DescribeCustomKeyStores
        | Operation::DisconnectCustomKeyStore
        | Operation::UpdateCustomKeyStore
        | Operation::CreateAlias
        | Operation::CreateGrant
        | Operation::CreateKey
        | Operation::DeleteAlias
        | Operation::DescribeKey
        | Operation::DisableKey
        | Operation::DisableKeyRotation
        | Operation::EnableKey
        | Operation::EnableKeyRotation
        | Operation::GetKeyLastUsage
        | Operation::GetPublicKey
        | Operation::GetKeyRotationStatus
        | Operation::GetKeyPolicy
        | Operation::ListKeyPolicies
        | Operation::PutKeyPolicy
        | Operation::GetParametersForImport
        | Operation::ImportKeyMaterial
        | Operation::DeleteImportedKeyMaterial
        | Operation::ListAliases
        | Operation::ListGrants
        | Operation::ListKeyRotations
        | Operation::ListKeys
        | Operation::ListResourceTags
        | Operation::ListRetirableGrants
        | Operation::ReplicateKey
        | Operation::RetireGrant
        | Operation::RevokeGrant
        | Operation::RotateKeyOnDemand
        | Operation::ScheduleKeyDeletion
        | Operation::TagResource
        | Operation::UntagResource
        | Operation::UpdateAlias
        | Operation::UpdateKeyDescription
        | Operation::UpdatePrimaryRegion => api_rate(operation).map(|_| QuotaClass::Api(operation)),
    }
}

/// Which quotas apply and at what rates. The default is AWS's defaults, enabled.
#[derive(Clone, Debug)]
pub struct QuotaConfig {
    /// Whether any request is ever throttled; `false` admits everything.
    pub enabled: bool,
    /// Rates that replace AWS's default for their class [requests/s]; a class with no
    /// default gains a quota here.
    pub overrides: BTreeMap<QuotaClass, RequestRate>,
    /// The rate of each custom key store [requests/s]; AWS's is [`CUSTOM_KEY_STORE_RATE`].
    pub custom_key_store_rate: RequestRate,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            overrides: BTreeMap::new(),
            custom_key_store_rate: CUSTOM_KEY_STORE_RATE,
        }
    }
}

impl QuotaConfig {
    /// No quotas: every request is admitted.
    #[must_use]
    pub fn disabled() -> Self {
        Self { enabled: false, ..Self::default() }
    }

    /// This configuration with `class` limited to `rate` [requests/s] instead of its default.
    #[must_use]
    pub fn with_rate(mut self, class: QuotaClass, rate: RequestRate) -> Self {
        self.overrides.insert(class, rate);
        self
    }

    /// This configuration with every custom key store limited to `rate` [requests/s].
    #[must_use]
    pub const fn with_custom_key_store_rate(mut self, rate: RequestRate) -> Self {
        self.custom_key_store_rate = rate;
        self
    }
}

/// One token bucket. The level is in units of 1/[`UNITS_PER_REQUEST`] request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Bucket {
    /// Tokens held [units].
    level: u128,
    /// The latest instant the level was brought up to.
    updated: Timestamp,
}

impl Bucket {
    /// The bucket at `now`: `previous` refilled at `rate`, or a full new bucket.
    fn at(previous: Option<Self>, rate: RequestRate, now: Timestamp) -> Self {
        let capacity = rate.capacity_units();
        let Some(bucket) = previous else {
            return Self { level: capacity, updated: now };
        };
        if now <= bucket.updated {
            // Time stood still or went backwards: no tokens, and keep the latest instant so
            // the interval is not counted twice when time moves forward again.
            return bucket;
        }
        let elapsed_ns = now.unix_nanos() - bucket.updated.unix_nanos();
        let refill = u128::from(elapsed_ns).saturating_mul(u128::from(rate.milli_per_second()));
        Self { level: bucket.level.saturating_add(refill).min(capacity), updated: now }
    }

    /// Whether the bucket holds a whole request.
    const fn has_token(&self) -> bool {
        self.level >= UNITS_PER_REQUEST
    }

    /// The bucket after one request took its token.
    const fn taken(self) -> Self {
        Self { level: self.level.saturating_sub(UNITS_PER_REQUEST), updated: self.updated }
    }
}

/// The request-rate quotas of one Region: a token bucket per (account, quota) and per
/// custom key store.
#[derive(Clone, Debug)]
pub struct Quotas {
    region: Region,
    config: QuotaConfig,
    /// The symmetric class's rate, resolved once: nearly every request is in it, and
    /// resolving means an override lookup and a match on the Region's name.
    symmetric_rate: Option<RequestRate>,
    accounts: BTreeMap<(AccountId, QuotaClass), Bucket>,
    stores: BTreeMap<String, Bucket>,
}

impl Quotas {
    /// The quotas of `region`, at AWS's defaults for that Region unless `config` says
    /// otherwise.
    #[must_use]
    pub fn new(region: Region, config: QuotaConfig) -> Self {
        let symmetric_rate = Self::resolve_rate(region, &config, QuotaClass::CryptoSymmetric);
        Self { region, config, symmetric_rate, accounts: BTreeMap::new(), stores: BTreeMap::new() }
    }

    /// Whether any request can be throttled.
    #[must_use]
    pub const fn is_enabled(&self) -> bool {
        self.config.enabled
    }

    /// The rate of `class` [requests/s]: the override, else AWS's default; `None` when
    /// quotas are disabled or the class has none.
    #[must_use]
    pub fn rate(&self, class: QuotaClass) -> Option<RequestRate> {
        if class == QuotaClass::CryptoSymmetric {
            return self.symmetric_rate;
        }
        Self::resolve_rate(self.region, &self.config, class)
    }

    fn resolve_rate(
        region: Region,
        config: &QuotaConfig,
        class: QuotaClass,
    ) -> Option<RequestRate> {
        if !config.enabled {
            return None;
        }
        config.overrides.get(&class).copied().or_else(|| default_rate(region, class))
    }

    /// Admits one request of `account` against `class` at `now`, taking a token.
    /// A class without a quota admits everything.
    ///
    /// # Errors
    /// `ThrottlingException` ([`ErrorKind::Throttling`]) if the bucket holds less than one
    /// request; the request then takes nothing.
    pub fn admit(
        &mut self,
        account: AccountId,
        class: QuotaClass,
        now: Timestamp,
    ) -> Result<(), KmsError> {
        self.admit_inner(Some((account, class)), None, now)
    }

    /// Admits one request against the custom key store `store_id` alone at `now`.
    ///
    /// # Errors
    /// `ThrottlingException` ([`ErrorKind::Throttling`]) if the store's bucket holds less than
    /// one request; the request then takes nothing.
    pub fn admit_custom_key_store(
        &mut self,
        store_id: &str,
        now: Timestamp,
    ) -> Result<(), KmsError> {
        self.admit_inner(None, Some(store_id), now)
    }

    /// Admits one request of `account` against `class` and, for a key in a custom key store,
    /// against `store_id` too, atomically: it takes a token from both buckets or from neither.
    ///
    /// # Errors
    /// `ThrottlingException` ([`ErrorKind::Throttling`]) if either bucket holds less than one
    /// request; the request then takes nothing from either.
    pub fn admit_with_store(
        &mut self,
        account: AccountId,
        class: QuotaClass,
        store_id: Option<&str>,
        now: Timestamp,
    ) -> Result<(), KmsError> {
        self.admit_inner(Some((account, class)), store_id, now)
    }

    fn admit_inner(
        &mut self,
        account: Option<(AccountId, QuotaClass)>,
        store_id: Option<&str>,
        now: Timestamp,
    ) -> Result<(), KmsError> {
        if !self.config.enabled {
            return Ok(());
        }
        // Compute both buckets at `now`, decide, and store only an admission (a bucket
        // seen for the first time is stored full, which is what an absent one means).
        let store_rate = self.config.custom_key_store_rate;
        let store_bucket =
            store_id.map(|id| (id, Bucket::at(self.stores.get(id).copied(), store_rate, now)));
        let store_admits = store_bucket.as_ref().is_none_or(|(_, bucket)| bucket.has_token());
        let account_rate = account.and_then(|key| Some((key, self.rate(key.1)?)));
        if let Some((key, rate)) = account_rate {
            // One search of the map for both the read and the write: this runs per request.
            let slot = self.accounts.entry(key).or_insert_with(|| Bucket::at(None, rate, now));
            let bucket = Bucket::at(Some(*slot), rate, now);
            if !(bucket.has_token() && store_admits) {
                return Err(throttled());
            }
            *slot = bucket.taken();
        } else if !store_admits {
            return Err(throttled());
        }
        if let Some((id, bucket)) = store_bucket {
            if let Some(slot) = self.stores.get_mut(id) {
                *slot = bucket.taken();
            } else {
                self.stores.insert(id.to_owned(), bucket.taken());
            }
        }
        Ok(())
    }
}

/// `ThrottlingException` with AWS's message.
fn throttled() -> KmsError {
    KmsError::new(ErrorKind::Throttling, THROTTLING_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_unix_seconds(1_796_025_600);
    const MS: u64 = 1_000_000;

    fn account(n: u64) -> AccountId {
        AccountId::new(n).unwrap()
    }

    fn quotas(region: &'static str, config: QuotaConfig) -> Quotas {
        Quotas::new(Region::from_static(region), config)
    }

    /// Admits requests at `now` until the first throttle; returns how many were admitted.
    #[track_caller]
    fn drain(q: &mut Quotas, who: AccountId, class: QuotaClass, now: Timestamp) -> u64 {
        let mut admitted = 0;
        while q.admit(who, class, now).is_ok() {
            admitted += 1;
            assert!(admitted <= 10_000_000, "bucket never ran dry");
        }
        admitted
    }

    fn rate(region: &'static str, class: QuotaClass) -> Option<RequestRate> {
        default_rate(Region::from_static(region), class)
    }

    #[test]
    fn symmetric_defaults_follow_region_tiers() {
        let sym = QuotaClass::CryptoSymmetric;
        for region in ["us-east-1", "us-west-2", "eu-west-1"] {
            assert_eq!(rate(region, sym), Some(RequestRate::per_second(100_000)), "{region}");
        }
        for region in [
            "us-east-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "eu-central-1",
            "eu-west-2",
        ] {
            assert_eq!(rate(region, sym), Some(RequestRate::per_second(20_000)), "{region}");
        }
        for region in ["sa-east-1", "us-west-1", "eu-north-1", "cn-north-1", "us-gov-west-1"] {
            assert_eq!(rate(region, sym), Some(RequestRate::per_second(10_000)), "{region}");
        }
    }

    #[test]
    fn key_pair_defaults_differ_in_china() {
        let pair = QuotaClass::GenerateDataKeyPair;
        let milli = RequestRate::per_second_milli;
        assert_eq!(rate("cn-north-1", pair(KeySpec::Rsa4096)), Some(milli(100)));
        assert_eq!(rate("cn-northwest-1", pair(KeySpec::Rsa3072)), Some(milli(500)));
        assert_eq!(rate("cn-north-1", pair(KeySpec::Rsa2048)), Some(milli(1_000)));
        assert_eq!(rate("us-east-1", pair(KeySpec::Rsa4096)), Some(milli(1_000)));
        assert_eq!(rate("us-east-1", pair(KeySpec::Rsa3072)), Some(milli(4_000)));
        assert_eq!(rate("us-east-1", pair(KeySpec::Rsa2048)), Some(milli(20_000)));
        assert_eq!(rate("cn-north-1", pair(KeySpec::Sm2)), Some(milli(25_000)));
        for spec in [
            KeySpec::EccNistP256,
            KeySpec::EccNistP384,
            KeySpec::EccNistP521,
            KeySpec::EccSecgP256k1,
            KeySpec::EccNistEdwards25519,
        ] {
            assert_eq!(rate("cn-north-1", pair(spec)), Some(milli(100_000)), "{spec}");
            assert_eq!(rate("eu-west-2", pair(spec)), Some(milli(100_000)), "{spec}");
        }
        for spec in [KeySpec::SymmetricDefault, KeySpec::Hmac256, KeySpec::MlDsa65] {
            assert_eq!(rate("us-east-1", pair(spec)), None, "{spec}");
        }
    }

    #[test]
    fn asymmetric_crypto_defaults() {
        for class in [QuotaClass::CryptoRsa, QuotaClass::CryptoEcc, QuotaClass::CryptoMlDsa] {
            for region in ["us-east-1", "eu-west-2", "sa-east-1", "cn-north-1"] {
                assert_eq!(rate(region, class), Some(RequestRate::per_second(1_000)), "{class:?}");
            }
        }
    }

    #[test]
    fn per_api_defaults() {
        let api = |op| rate("us-east-1", QuotaClass::Api(op)).map(RequestRate::milli_per_second);
        assert_eq!(api(Operation::CreateKey), Some(5_000));
        assert_eq!(api(Operation::DescribeKey), Some(2_000_000));
        assert_eq!(api(Operation::ListKeys), Some(500_000));
        assert_eq!(api(Operation::ScheduleKeyDeletion), Some(15_000));
        assert_eq!(api(Operation::TagResource), Some(10_000));
        assert_eq!(api(Operation::UntagResource), Some(5_000));
        assert_eq!(api(Operation::DeleteAlias), Some(15_000));
        assert_eq!(api(Operation::ListResourceTags), Some(2_000_000));
        assert_eq!(api(Operation::EnableKeyRotation), Some(15_000));
        assert_eq!(api(Operation::GetKeyRotationStatus), Some(1_000_000));
        assert_eq!(api(Operation::Encrypt), None);
        // "GetPublicKey 2000;"
        assert_eq!(api(Operation::GetPublicKey), Some(2_000_000));
        assert_eq!(api(Operation::Sign), None);
    }

    /// Every operation counts somewhere: crypto operations in a shared class and never in an
    /// `Api` one, every other operation in its own `Api` class.
    #[test]
    fn every_operation_has_exactly_one_quota() {
        let crypto = [
            Operation::Decrypt,
            Operation::Encrypt,
            Operation::GenerateDataKey,
            Operation::GenerateDataKeyWithoutPlaintext,
            Operation::GenerateMac,
            Operation::GenerateRandom,
            Operation::ReEncrypt,
            Operation::VerifyMac,
            Operation::Sign,
            Operation::Verify,
            Operation::DeriveSharedSecret,
        ];
        let pairs =
            [Operation::GenerateDataKeyPair, Operation::GenerateDataKeyPairWithoutPlaintext];
        for &op in Operation::ALL {
            let is_crypto = crypto.contains(&op);
            let api = rate("us-east-1", QuotaClass::Api(op));
            if pairs.contains(&op) {
                // The per-spec key-pair quotas: the class names the pair generated.
                assert_eq!(api, None, "{op}");
                assert_eq!(class_for(op, None), None, "{op}");
                assert_eq!(
                    class_for(op, Some(KeySpec::Rsa4096)),
                    Some(QuotaClass::GenerateDataKeyPair(KeySpec::Rsa4096))
                );
                continue;
            }
            assert_eq!(api.is_none(), is_crypto, "{op}");
            let expected =
                if is_crypto { QuotaClass::CryptoSymmetric } else { QuotaClass::Api(op) };
            assert_eq!(class_for(op, None), Some(expected), "{op}");
        }
    }

    #[test]
    fn crypto_class_follows_key_spec() {
        for &spec in KeySpec::ALL {
            let expected = match spec.as_str() {
                "SYMMETRIC_DEFAULT" | "HMAC_224" | "HMAC_256" | "HMAC_384" | "HMAC_512" => {
                    QuotaClass::CryptoSymmetric
                }
                s if s.starts_with("RSA_") => QuotaClass::CryptoRsa,
                s if s.starts_with("ECC_") || s == "SM2" => QuotaClass::CryptoEcc,
                s if s.starts_with("ML_DSA_") => QuotaClass::CryptoMlDsa,
                s if s.starts_with("KMSIM_") => QuotaClass::CryptoKmsimMlKem,
                s => panic!("unclassified key spec {s}"),
            };
            for op in [
                Operation::Encrypt,
                Operation::Decrypt,
                Operation::ReEncrypt,
                Operation::VerifyMac,
                Operation::Sign,
                Operation::Verify,
                Operation::DeriveSharedSecret,
            ] {
                assert_eq!(class_for(op, Some(spec)), Some(expected), "{op} {spec}");
            }
            // GenerateRandom uses no key, whatever the caller passes.
            assert_eq!(
                class_for(Operation::GenerateRandom, Some(spec)),
                Some(QuotaClass::CryptoSymmetric)
            );
            // Management operations ignore the key spec.
            assert_eq!(
                class_for(Operation::DescribeKey, Some(spec)),
                Some(QuotaClass::Api(Operation::DescribeKey))
            );
        }
    }

    #[test]
    fn names_are_aws_quota_names() {
        assert_eq!(
            QuotaClass::CryptoSymmetric.to_string(),
            "Cryptographic operations (symmetric) request rate"
        );
        assert_eq!(
            QuotaClass::CryptoRsa.to_string(),
            "Cryptographic operations (RSA) request rate"
        );
        assert_eq!(
            QuotaClass::CryptoEcc.to_string(),
            "Cryptographic operations (ECC and SM2) request rate"
        );
        assert_eq!(
            QuotaClass::CryptoMlDsa.to_string(),
            "Cryptographic operations (ML-DSA) request rate"
        );
        assert_eq!(
            QuotaClass::GenerateDataKeyPair(KeySpec::EccNistP256).to_string(),
            "GenerateDataKeyPair (ECC_NIST_P256) request rate"
        );
        assert_eq!(QuotaClass::Api(Operation::CreateKey).to_string(), "CreateKey request rate");
    }

    #[test]
    fn rates_display_exactly() {
        assert_eq!(RequestRate::per_second(10_000).to_string(), "10000/s");
        assert_eq!(RequestRate::per_second_milli(100).to_string(), "0.1/s");
        assert_eq!(RequestRate::per_second_milli(250).to_string(), "0.25/s");
        assert_eq!(RequestRate::per_second_milli(1_005).to_string(), "1.005/s");
        assert_eq!(RequestRate::per_second(u64::MAX), RequestRate::per_second_milli(u64::MAX));
        assert_eq!(CUSTOM_KEY_STORE_RATE.milli_per_second(), 1_800_000);
    }

    #[test]
    fn units_are_one_request_per_second_of_a_one_per_second_rate() {
        assert_eq!(UNITS_PER_REQUEST, u128::from(NANOS_PER_SECOND) * u128::from(MILLI_PER_REQUEST));
        // One second at 1/s drips in exactly one request.
        let one = RequestRate::per_second(1);
        let full = Bucket::at(None, one, T0);
        assert_eq!(full.level, UNITS_PER_REQUEST);
        let empty = full.taken();
        assert_eq!(
            Bucket::at(Some(empty), one, T0.plus_nanos(1_000_000_000)).level,
            UNITS_PER_REQUEST
        );
        assert_eq!(RequestRate::per_second(10_000).capacity_units(), 10_000 * UNITS_PER_REQUEST);
    }

    #[test]
    fn full_bucket_admits_one_second_of_the_rate_at_one_instant() {
        let mut q = quotas("sa-east-1", QuotaConfig::default());
        let sym = QuotaClass::CryptoSymmetric;
        assert_eq!(drain(&mut q, account(1), sym, T0), 10_000);
        let err = q.admit(account(1), sym, T0).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Throttling);
    }

    #[test]
    fn refill_is_linear_and_exact() {
        let mut q = quotas("sa-east-1", QuotaConfig::default());
        let sym = QuotaClass::CryptoSymmetric;
        assert_eq!(drain(&mut q, account(1), sym, T0), 10_000);
        // One nanosecond short of 100 ms: 999.99 requests, so 999 whole ones.
        assert_eq!(drain(&mut q, account(1), sym, T0.plus_nanos(100 * MS - 1)), 999);
        // At 100 ms the remainder completes the thousandth: exactly 1,000 in total.
        assert_eq!(drain(&mut q, account(1), sym, T0.plus_nanos(100 * MS)), 1);
        // A fresh drain 100 ms after a dry bucket: exactly 1,000.
        assert_eq!(drain(&mut q, account(1), sym, T0.plus_nanos(200 * MS)), 1_000);
    }

    #[test]
    fn idle_bucket_is_capped_at_one_second() {
        let mut q = quotas("sa-east-1", QuotaConfig::default());
        let sym = QuotaClass::CryptoSymmetric;
        assert_eq!(drain(&mut q, account(1), sym, T0), 10_000);
        assert_eq!(drain(&mut q, account(1), sym, T0.plus_nanos(10_000 * MS)), 10_000);
    }

    #[test]
    fn sub_one_per_second_rate_admits_one_per_interval() {
        // GenerateDataKeyPair RSA_4096 in China: 0.1/s, "1 in each 10-second interval".
        let mut q = quotas("cn-north-1", QuotaConfig::default());
        let class = QuotaClass::GenerateDataKeyPair(KeySpec::Rsa4096);
        assert_eq!(q.rate(class), Some(RequestRate::per_second_milli(100)));
        assert_eq!(drain(&mut q, account(1), class, T0), 1);
        assert!(q.admit(account(1), class, T0.plus_nanos(9_999 * MS)).is_err());
        assert!(q.admit(account(1), class, T0.plus_nanos(10_000 * MS - 1)).is_err());
        assert_eq!(drain(&mut q, account(1), class, T0.plus_nanos(10_000 * MS)), 1);
        // Idle for a minute: still only one, the capacity of a sub-1/s bucket.
        assert_eq!(drain(&mut q, account(1), class, T0.plus_nanos(70_000 * MS)), 1);
    }

    #[test]
    fn zero_rate_admits_nothing() {
        let config =
            QuotaConfig::default().with_rate(QuotaClass::CryptoRsa, RequestRate::per_second(0));
        let mut q = quotas("us-east-1", config);
        assert_eq!(drain(&mut q, account(1), QuotaClass::CryptoRsa, T0), 0);
        assert_eq!(drain(&mut q, account(1), QuotaClass::CryptoRsa, T0.plus_nanos(60_000 * MS)), 0);
    }

    #[test]
    fn classes_are_independent() {
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let create_key = QuotaClass::Api(Operation::CreateKey);
        let create_alias = QuotaClass::Api(Operation::CreateAlias);
        assert_eq!(drain(&mut q, account(1), create_key, T0), 5);
        assert_eq!(drain(&mut q, account(1), create_alias, T0), 5);
        assert_eq!(drain(&mut q, account(1), QuotaClass::CryptoRsa, T0), 1_000);
        assert_eq!(drain(&mut q, account(1), QuotaClass::CryptoEcc, T0), 1_000);
    }

    #[test]
    fn accounts_are_independent() {
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let create_key = QuotaClass::Api(Operation::CreateKey);
        assert_eq!(drain(&mut q, account(1), create_key, T0), 5);
        assert_eq!(drain(&mut q, account(2), create_key, T0), 5);
        assert!(q.admit(account(1), create_key, T0).is_err());
    }

    #[test]
    fn throttled_requests_take_no_tokens() {
        // TagResource: 10/s, one token per 100 ms.
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let tag = QuotaClass::Api(Operation::TagResource);
        assert_eq!(drain(&mut q, account(1), tag, T0), 10);
        // Half a token at 50 ms: many throttled attempts.
        for _ in 0..100 {
            assert!(q.admit(account(1), tag, T0.plus_nanos(50 * MS)).is_err());
        }
        // The half token was kept: at 100 ms exactly one request passes.
        assert_eq!(drain(&mut q, account(1), tag, T0.plus_nanos(100 * MS)), 1);
    }

    #[test]
    fn time_going_backwards_adds_nothing() {
        let mut q = quotas("sa-east-1", QuotaConfig::default());
        let sym = QuotaClass::CryptoSymmetric;
        let t10 = T0.plus_nanos(10_000 * MS);
        assert_eq!(drain(&mut q, account(1), sym, t10), 10_000);
        assert!(q.admit(account(1), sym, T0.plus_nanos(5_000 * MS)).is_err());
        assert!(q.admit(account(1), sym, Timestamp::UNIX_EPOCH).is_err());
        // Forward again: only the 100 ms since the latest instant count.
        assert_eq!(drain(&mut q, account(1), sym, t10.plus_nanos(100 * MS)), 1_000);
    }

    #[test]
    fn backwards_request_spends_tokens_already_held() {
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let create_key = QuotaClass::Api(Operation::CreateKey);
        let t10 = T0.plus_nanos(10_000 * MS);
        assert!(q.admit(account(1), create_key, t10).is_ok());
        assert_eq!(drain(&mut q, account(1), create_key, T0), 4);
        // One token per 200 ms, counted from t10, not from T0.
        assert_eq!(drain(&mut q, account(1), create_key, t10.plus_nanos(200 * MS)), 1);
    }

    #[test]
    fn store_throttle_takes_no_account_token() {
        let sym = QuotaClass::CryptoSymmetric;
        let config = QuotaConfig::default()
            .with_rate(sym, RequestRate::per_second(2))
            .with_custom_key_store_rate(RequestRate::per_second(1));
        let mut q = quotas("us-east-1", config);
        assert!(q.admit_with_store(account(1), sym, Some("cks-1"), T0).is_ok());
        // The store is dry: throttled, and the account keeps its second token.
        let err = q.admit_with_store(account(1), sym, Some("cks-1"), T0).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Throttling);
        assert_eq!(drain(&mut q, account(1), sym, T0), 1);
    }

    #[test]
    fn account_throttle_takes_no_store_token() {
        let sym = QuotaClass::CryptoSymmetric;
        let config = QuotaConfig::default()
            .with_rate(sym, RequestRate::per_second(1))
            .with_custom_key_store_rate(RequestRate::per_second(2));
        let mut q = quotas("us-east-1", config);
        assert!(q.admit_with_store(account(1), sym, Some("cks-1"), T0).is_ok());
        // The account is dry: throttled, and the store keeps its second token.
        assert!(q.admit_with_store(account(1), sym, Some("cks-1"), T0).is_err());
        assert!(q.admit_custom_key_store("cks-1", T0).is_ok());
        assert!(q.admit_custom_key_store("cks-1", T0).is_err());
    }

    #[test]
    fn stores_are_independent_and_shared_across_accounts() {
        let sym = QuotaClass::CryptoSymmetric;
        let config = QuotaConfig::default().with_custom_key_store_rate(RequestRate::per_second(3));
        let mut q = quotas("us-east-1", config);
        for n in 1..=3 {
            assert!(q.admit_with_store(account(n), sym, Some("cks-1"), T0).is_ok());
        }
        assert!(q.admit_with_store(account(4), sym, Some("cks-1"), T0).is_err());
        assert!(q.admit_with_store(account(4), sym, Some("cks-2"), T0).is_ok());
        // Without a store, only the account's quota applies.
        assert!(q.admit_with_store(account(4), sym, None, T0).is_ok());
    }

    #[test]
    fn default_store_rate_is_1800() {
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let mut admitted = 0;
        while q.admit_custom_key_store("xks-1", T0).is_ok() {
            admitted += 1;
            assert!(admitted <= 1_000_000, "store bucket never ran dry");
        }
        assert_eq!(admitted, 1_800);
    }

    #[test]
    fn disabled_config_never_throttles() {
        let mut q = quotas("us-east-1", QuotaConfig::disabled());
        let create_key = QuotaClass::Api(Operation::CreateKey);
        for _ in 0..100_000 {
            assert!(q.admit(account(1), create_key, T0).is_ok());
            assert!(
                q.admit_with_store(account(1), QuotaClass::CryptoSymmetric, Some("cks-1"), T0)
                    .is_ok()
            );
        }
        assert_eq!(q.rate(create_key), None);
        assert!(q.accounts.is_empty() && q.stores.is_empty());
    }

    #[test]
    fn overrides_replace_defaults() {
        let create_key = QuotaClass::Api(Operation::CreateKey);
        let config = QuotaConfig::default()
            .with_rate(create_key, RequestRate::per_second(7))
            .with_rate(QuotaClass::CryptoSymmetric, RequestRate::per_second(3));
        let mut q = quotas("us-east-1", config);
        assert_eq!(q.rate(create_key), Some(RequestRate::per_second(7)));
        assert_eq!(drain(&mut q, account(1), create_key, T0), 7);
        assert_eq!(drain(&mut q, account(1), QuotaClass::CryptoSymmetric, T0), 3);
        // Classes without an override keep AWS's default.
        assert_eq!(drain(&mut q, account(1), QuotaClass::Api(Operation::CreateAlias), T0), 5);
    }

    #[test]
    fn class_without_quota_is_never_throttled() {
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let class = QuotaClass::Api(Operation::Encrypt);
        assert_eq!(q.rate(class), None);
        for _ in 0..10_000 {
            assert!(q.admit(account(1), class, T0).is_ok());
        }
        assert!(q.accounts.is_empty());
        // An override gives it one.
        let mut q = quotas(
            "us-east-1",
            QuotaConfig::default().with_rate(class, RequestRate::per_second(2)),
        );
        assert_eq!(drain(&mut q, account(1), class, T0), 2);
    }

    #[test]
    fn throttling_error_is_aws_shaped() {
        let mut q = quotas("us-east-1", QuotaConfig::default());
        let class = QuotaClass::GenerateDataKeyPair(KeySpec::Rsa4096);
        assert!(q.admit(account(1), class, T0).is_ok());
        let err = q.admit(account(1), class, T0).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Throttling);
        assert_eq!(err.aws_code(), "ThrottlingException");
        assert!(err.is_retryable());
        assert_eq!(
            err.message,
            "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let class = QuotaClass::CryptoSymmetric;
        let config = QuotaConfig::default().with_rate(class, RequestRate::per_second(u64::MAX));
        let mut q = quotas("us-east-1", config);
        assert!(q.admit(account(1), class, Timestamp::UNIX_EPOCH).is_ok());
        assert!(q.admit(account(1), class, Timestamp::from_unix_nanos(u64::MAX)).is_ok());
        let bucket = q.accounts[&(account(1), class)];
        assert_eq!(
            bucket.level,
            RequestRate::per_second(u64::MAX).capacity_units() - UNITS_PER_REQUEST
        );
    }
}
