//! `engine`: an in-process KMS modelled on AWS KMS, call for call, with real cryptography.
//!
//! ```
//! use engine::{CallContext, Engine, EngineConfig, Region, Timestamp};
//! use engine::api::{CreateKeyRequest, DecryptRequest, EncryptRequest, GenerateDataKeyRequest};
//! use engine::spec::DataKeySpec;
//!
//! let mut kms = Engine::new(EngineConfig::new(Region::US_EAST_1, 42));
//! let ctx = CallContext::new("arn:aws:iam::111122223333:role/app".parse()?, Timestamp::from_unix_seconds(1_796_025_600));
//!
//! let key = kms.create_key(&ctx, CreateKeyRequest::new().with_description("orders"))?;
//! let sealed = kms.encrypt(&ctx, EncryptRequest::new(key.key_id(), "card 4111"))?;
//! let opened = kms.decrypt(&ctx, DecryptRequest::new(sealed.ciphertext_blob))?;
//! assert_eq!(opened.plaintext.expose(), b"card 4111");
//!
//! // Envelope encryption: one data key, used locally, stored encrypted beside the data.
//! let data_key = kms.generate_data_key(&ctx, GenerateDataKeyRequest::new(key.key_id(), DataKeySpec::Aes256))?;
//! assert_eq!(data_key.plaintext.len(), 32);
//! let unwrapped = kms.decrypt(&ctx, DecryptRequest::new(data_key.ciphertext_blob))?;
//! assert_eq!(unwrapped.plaintext, data_key.plaintext);
//! # Ok::<(), engine::KmsError>(())
//! ```
//!
//! # How a call flows
//!
//! ```text
//!  caller (sim / server / test)
//!     │  CallContext { principal, now, via_service, source_ip }  +  Request
//!     ▼
//!  Engine::handle ──► advance_to(now): deletions that fell due ──► EngineEvent, DeleteKey record
//!     │
//!     ├─ validate members (ValidationException …)          nothing changes on any error
//!     ├─ resolve KeyRef (key id | key ARN | alias | alias ARN)
//!     ├─ authorize (default key policy, then grants) + key-state table
//!     ├─ crypto: HKDF(salt) → AES-256-GCM, via the CryptoProvider
//!     ▼
//!  Response  ──►  AuditLog (keep all | count only | ring), never a secret
//!            ──►  alarm rules over the same event (Engine::alarms), when configured
//! ```
//!
//! The engine is sans-IO: no clock (time arrives in [`CallContext::now`]), no OS randomness
//! (a ChaCha20 generator seeded by [`EngineConfig::seed`]), no threads, no files.

pub mod alarms;
pub mod api;
pub mod audit;
pub mod crypto;
mod engine;
pub mod error;
mod grant;
pub mod id;
mod key;
pub mod key_pair;
pub mod key_state;
pub mod policy;
pub mod quota;
pub mod replication;
pub mod secret;
pub mod spec;
mod text;
pub mod time;

pub use crate::api::{Request, Response};
pub use crate::engine::{
    CallContext, Engine, EngineConfig, EngineEvent, EngineLimits, IdentityModel,
};
pub use crate::error::{ErrorKind, KmsError};
pub use crate::id::{
    AccountId, AliasArn, AliasName, GrantId, KeyArn, KeyId, KeyMaterialId, KeyRef, PrincipalArn,
    Region,
};
pub use crate::secret::Plaintext;
pub use crate::time::Timestamp;
