//! HMAC keys: GenerateMac and VerifyMac.

use crate::id::{KeyArn, KeyRef};
use crate::secret::Plaintext;
use crate::spec::MacAlgorithmSpec;

/// `GenerateMac` request.
#[derive(Clone, Debug)]
pub struct GenerateMacRequest {
    /// `Message`, 1..4096 bytes; sensitive, like a plaintext.
    pub message: Plaintext,
    /// `KeyId` of an HMAC key.
    pub key_id: KeyRef,
    /// `MacAlgorithm`: must be the key spec's algorithm.
    pub mac_algorithm: MacAlgorithmSpec,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl GenerateMacRequest {
    /// The MAC of `message` under `key_id` with `mac_algorithm`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        message: impl Into<Plaintext>,
        mac_algorithm: MacAlgorithmSpec,
    ) -> Self {
        Self {
            message: message.into(),
            key_id: key_id.into(),
            mac_algorithm,
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }
}

/// `GenerateMac` response.
#[derive(Clone, Debug)]
pub struct GenerateMacResponse {
    /// `Mac`.
    pub mac: Vec<u8>,
    /// `MacAlgorithm`.
    pub mac_algorithm: MacAlgorithmSpec,
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
}

/// `VerifyMac` request.
#[derive(Clone, Debug)]
pub struct VerifyMacRequest {
    /// `Message`, 1..4096 bytes; sensitive, like a plaintext.
    pub message: Plaintext,
    /// `KeyId` of an HMAC key.
    pub key_id: KeyRef,
    /// `MacAlgorithm`.
    pub mac_algorithm: MacAlgorithmSpec,
    /// `Mac`, 1..6144 bytes.
    pub mac: Vec<u8>,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl VerifyMacRequest {
    /// Checks that `mac` is the MAC of `message` under `key_id`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        message: impl Into<Plaintext>,
        mac_algorithm: MacAlgorithmSpec,
        mac: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            message: message.into(),
            key_id: key_id.into(),
            mac_algorithm,
            mac: mac.into(),
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }
}

/// `VerifyMac` response. A MAC that does not verify is `KMSInvalidMacException`, never
/// `mac_valid: false`.
#[derive(Clone, Debug)]
pub struct VerifyMacResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `MacValid`: always true.
    pub mac_valid: bool,
    /// `MacAlgorithm`.
    pub mac_algorithm: MacAlgorithmSpec,
}
