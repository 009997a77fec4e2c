//! The one error type of the engine: an AWS KMS exception name and a message.

use std::fmt;

/// The AWS KMS exception a call failed with. One variant per AWS exception name.
///
/// Exhaustive on purpose: the simulator matches every kind, so a new kind forces its
/// metrics to be updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// `AccessDeniedException`: the caller may not use this key or operation.
    AccessDenied,
    /// `AlreadyExistsException`: the alias (or other named resource) exists already.
    AlreadyExists,
    /// `CloudHsmClusterInUseException`: another custom key store uses the cluster.
    CloudHsmClusterInUse,
    /// `CloudHsmClusterInvalidConfigurationException`: the cluster has too few HSMs.
    CloudHsmClusterInvalidConfiguration,
    /// `ConflictException`: the request conflicts with work in progress (e.g. a rotation).
    Conflict,
    /// `CustomKeyStoreHasCMKsException`: the store still holds KMS keys.
    CustomKeyStoreHasCmks,
    /// `CustomKeyStoreInvalidStateException`: the store's connection state forbids this.
    CustomKeyStoreInvalidState,
    /// `CustomKeyStoreNameInUseException`: another store has that name.
    CustomKeyStoreNameInUse,
    /// `CustomKeyStoreNotFoundException`: no custom key store has the given id.
    CustomKeyStoreNotFound,
    /// `DependencyTimeoutException`: a dependency timed out (retryable).
    DependencyTimeout,
    /// `DisabledException`: the key is disabled.
    Disabled,
    /// `DryRunOperationException`: the request would have succeeded but `DryRun` was set.
    DryRunOperation,
    /// `ExpiredImportTokenException`: the import token is more than 24 hours old.
    ExpiredImportToken,
    /// `IncorrectKeyException`: the ciphertext was made under a different key than the one named.
    IncorrectKey,
    /// `IncorrectKeyMaterialException`: other material than the key had before.
    IncorrectKeyMaterial,
    /// `InvalidAliasNameException`: the alias name is malformed or reserved.
    InvalidAliasName,
    /// `InvalidArnException`: an ARN is malformed.
    InvalidArn,
    /// `InvalidCiphertextException`: the ciphertext or its encryption context does not verify.
    /// Deliberately carries no detail.
    InvalidCiphertext,
    /// `InvalidGrantIdException`: a grant id is not one (not 64 lowercase hex digits).
    InvalidGrantId,
    /// `InvalidGrantTokenException`: a grant token is malformed or names no grant.
    InvalidGrantToken,
    /// `InvalidImportTokenException`: the import token is not one issued for this key.
    InvalidImportToken,
    /// `InvalidKeyUsageException`: the key's usage or spec does not allow the operation.
    InvalidKeyUsage,
    /// `InvalidMarkerException`: the pagination marker was not issued by this list operation.
    InvalidMarker,
    /// `KeyUnavailableException`: the key is temporarily unavailable (retryable).
    KeyUnavailable,
    /// `KMSInternalException`: an internal error (retryable).
    KmsInternal,
    /// `KMSInvalidMacException`: the MAC does not verify.
    KmsInvalidMac,
    /// `KMSInvalidSignatureException`: the signature does not verify (Verify).
    KmsInvalidSignature,
    /// `KMSInvalidStateException`: the key's state does not allow the operation.
    KmsInvalidState,
    /// `LimitExceededException`: a resource quota would be exceeded.
    LimitExceeded,
    /// `MalformedPolicyDocumentException`: a key policy is not valid JSON, breaks the
    /// policy grammar, or would lock its caller out.
    MalformedPolicyDocument,
    /// `NotFoundException`: the key, alias or other resource does not exist.
    NotFound,
    /// `TagException`: a tag is malformed or uses a reserved prefix.
    Tag,
    /// `ThrottlingException`: a request-rate quota was exceeded (retryable).
    Throttling,
    /// `UnsupportedOperationException`: the operation is not supported for this resource.
    UnsupportedOperation,
    /// `ValidationException`: a request parameter is malformed or out of range.
    Validation,
}

impl ErrorKind {
    /// Every kind, in declaration order (for exhaustive tests and metric tables).
    pub const ALL: [Self; 35] = [
        Self::AccessDenied,
        Self::AlreadyExists,
        Self::CloudHsmClusterInUse,
        Self::CloudHsmClusterInvalidConfiguration,
        Self::Conflict,
        Self::CustomKeyStoreHasCmks,
        Self::CustomKeyStoreInvalidState,
        Self::CustomKeyStoreNameInUse,
        Self::CustomKeyStoreNotFound,
        Self::DependencyTimeout,
        Self::Disabled,
        Self::DryRunOperation,
        Self::ExpiredImportToken,
        Self::IncorrectKey,
        Self::IncorrectKeyMaterial,
        Self::InvalidAliasName,
        Self::InvalidArn,
        Self::InvalidCiphertext,
        Self::InvalidGrantId,
        Self::InvalidGrantToken,
        Self::InvalidImportToken,
        Self::InvalidKeyUsage,
        Self::InvalidMarker,
        Self::KeyUnavailable,
        Self::KmsInternal,
        Self::KmsInvalidMac,
        Self::KmsInvalidSignature,
        Self::KmsInvalidState,
        Self::LimitExceeded,
        Self::MalformedPolicyDocument,
        Self::NotFound,
        Self::Tag,
        Self::Throttling,
        Self::UnsupportedOperation,
        Self::Validation,
    ];

    /// The kind whose [`ErrorKind::aws_code`] is `code` (`"AccessDeniedException"`), if any.
    #[must_use]
    pub fn from_aws_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.aws_code() == code)
    }

    /// The AWS exception name, as in the `__type` of a wire error: `"NotFoundException"`.
    #[must_use]
    pub const fn aws_code(self) -> &'static str {
        match self {
            Self::AccessDenied => "AccessDeniedException",
            Self::AlreadyExists => "AlreadyExistsException",
            Self::CloudHsmClusterInUse => "CloudHsmClusterInUseException",
            Self::CloudHsmClusterInvalidConfiguration => {
                "CloudHsmClusterInvalidConfigurationException"
            }
            Self::Conflict => "ConflictException",
            Self::CustomKeyStoreHasCmks => "CustomKeyStoreHasCMKsException",
            Self::CustomKeyStoreInvalidState => "CustomKeyStoreInvalidStateException",
            Self::CustomKeyStoreNameInUse => "CustomKeyStoreNameInUseException",
            Self::CustomKeyStoreNotFound => "CustomKeyStoreNotFoundException",
            Self::DependencyTimeout => "DependencyTimeoutException",
            Self::Disabled => "DisabledException",
            Self::DryRunOperation => "DryRunOperationException",
            Self::ExpiredImportToken => "ExpiredImportTokenException",
            Self::IncorrectKey => "IncorrectKeyException",
            Self::IncorrectKeyMaterial => "IncorrectKeyMaterialException",
            Self::InvalidAliasName => "InvalidAliasNameException",
            Self::InvalidArn => "InvalidArnException",
            Self::InvalidCiphertext => "InvalidCiphertextException",
            Self::InvalidGrantId => "InvalidGrantIdException",
            Self::InvalidGrantToken => "InvalidGrantTokenException",
            Self::InvalidImportToken => "InvalidImportTokenException",
            Self::InvalidKeyUsage => "InvalidKeyUsageException",
            Self::InvalidMarker => "InvalidMarkerException",
            Self::KeyUnavailable => "KeyUnavailableException",
            Self::KmsInternal => "KMSInternalException",
            Self::KmsInvalidMac => "KMSInvalidMacException",
            Self::KmsInvalidSignature => "KMSInvalidSignatureException",
            Self::KmsInvalidState => "KMSInvalidStateException",
            Self::LimitExceeded => "LimitExceededException",
            Self::MalformedPolicyDocument => "MalformedPolicyDocumentException",
            Self::NotFound => "NotFoundException",
            Self::Tag => "TagException",
            Self::Throttling => "ThrottlingException",
            Self::UnsupportedOperation => "UnsupportedOperationException",
            Self::Validation => "ValidationException",
        }
    }

    /// Whether an AWS SDK retries this error: server faults and throttling.
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::DependencyTimeout | Self::KeyUnavailable | Self::KmsInternal | Self::Throttling
        )
    }

    /// The HTTP status AWS answers this exception with: 500 for the server faults
    /// (`DependencyTimeoutException`, `KeyUnavailableException`, `KMSInternalException`:
    /// the shapes botocore's model marks `"fault": true`, and "HTTP Status Code: 500" in the
    /// API reference), 400 for every other, AWS's common client errors included.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            Self::DependencyTimeout | Self::KeyUnavailable | Self::KmsInternal => 500,
            _ => 400,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.aws_code())
    }
}

/// A failed KMS call: which AWS exception, and AWS's message for it.
///
/// Messages never contain secret bytes (plaintexts, data keys, key material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsError {
    /// Which AWS exception this is.
    pub kind: ErrorKind,
    /// The human-readable message, worded as AWS words it where AWS documents it.
    pub message: String,
}

impl KmsError {
    /// An error of `kind` with `message`.
    #[must_use]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// The AWS exception name, e.g. `"NotFoundException"`.
    #[must_use]
    pub const fn aws_code(&self) -> &'static str {
        self.kind.aws_code()
    }

    /// Whether an AWS SDK would retry this error.
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// `ValidationException` in AWS's wording for one failed member constraint.
    pub(crate) fn validation(member: &str, constraint: &str) -> Self {
        Self::new(
            ErrorKind::Validation,
            format!(
                "1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}"
            ),
        )
    }

    /// `ValidationException` in AWS's wording for one failed member constraint, echoing the
    /// (non-secret) value.
    pub(crate) fn validation_value(
        member: &str,
        value: impl fmt::Display,
        constraint: &str,
    ) -> Self {
        Self::new(
            ErrorKind::Validation,
            format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
            ),
        )
    }

    /// `KMSInternalException` for a failed primitive; says nothing about secrets.
    pub(crate) fn internal() -> Self {
        Self::new(
            ErrorKind::KmsInternal,
            "The request was rejected because an internal exception occurred. The request can be retried.",
        )
    }

    /// `InvalidCiphertextException`: opaque by design, whatever went wrong.
    pub(crate) fn invalid_ciphertext() -> Self {
        Self::new(ErrorKind::InvalidCiphertext, "")
    }

    /// `DryRunOperationException` for a dry run that would have succeeded.
    pub(crate) fn dry_run() -> Self {
        Self::new(
            ErrorKind::DryRunOperation,
            "The request would have succeeded, but the DryRun option is set.",
        )
    }
}

impl fmt::Display for KmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(self.kind.aws_code())
        } else {
            write!(f, "{}: {}", self.kind.aws_code(), self.message)
        }
    }
}

impl std::error::Error for KmsError {}
