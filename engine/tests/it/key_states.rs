//! The AWS key-state table, exhaustively: `tests/data/key_state_matrix.csv` holds AWS's answer
//! for every operation in every key state, and these tests hold the engine to it twice:
//! cell by cell against [`engine::key_state::check`], and call by call through the public
//! engine API for every state a key can reach today (Enabled, Disabled, PendingDeletion).
//!
//! Each test reports every wrong cell at once rather than stopping at the first.

use std::collections::BTreeMap;
use std::panic::Location;

use engine::api::*;
use engine::crypto::ProviderKind;
use engine::key_state;
use engine::spec::{DataKeyPairSpec, SigningAlgorithmSpec};
use engine::spec::{
    DataKeySpec, GrantOperation, KeySpec, KeyState, MacAlgorithmSpec, WrappingAlgorithm,
    WrappingKeySpec,
};
use engine::{AliasName, CallContext, Engine, GrantId, KeyArn, KeyId, KmsError, Region};

use crate::support::*;

/// AWS's table as data: one row per operation, one column per key state.
const MATRIX: &str = include_str!("../data/key_state_matrix.csv");

/// The ARN `{arn}` stands for in [`every_operation_in_every_state_matches_the_aws_table`].
const FIXED_ARN: &str =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// What AWS answers in one cell of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expected {
    /// The call succeeds.
    Ok,
    /// The call fails with this exception and message (`{arn}` stands for the key ARN).
    Err { code: String, message: String },
}

impl Expected {
    fn parse(cell: &str) -> Result<Self, String> {
        if cell == "OK" {
            return Ok(Self::Ok);
        }
        let (code, message) = cell
            .split_once(": ")
            .ok_or_else(|| format!("cell `{cell}` is neither OK nor `<Exception>: <message>`"))?;
        if !code.ends_with("Exception") || message.is_empty() {
            return Err(format!("cell `{cell}` is neither OK nor `<Exception>: <message>`"));
        }
        Ok(Self::Err { code: code.to_owned(), message: message.to_owned() })
    }

    /// The cell as an outcome reads, with `{arn}` replaced by `arn`.
    fn render(&self, arn: &KeyArn) -> String {
        match self {
            Self::Ok => "OK".to_owned(),
            Self::Err { code, message } => {
                format!("{code}: {}", message.replace("{arn}", &arn.to_string()))
            }
        }
    }
}

/// An outcome, written as a cell of the table is.
fn render(outcome: &Result<(), KmsError>) -> String {
    match outcome {
        Ok(()) => "OK".to_owned(),
        Err(e) => format!("{}: {}", e.aws_code(), e.message),
    }
}

/// The parsed table.
#[derive(Debug)]
struct Matrix {
    rows: BTreeMap<Operation, BTreeMap<KeyState, Expected>>,
}

impl Matrix {
    /// Parses [`MATRIX`], insisting on one row per operation and a column per key state.
    fn load() -> Self {
        let mut lines = MATRIX
            .lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.trim()))
            .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
        let (_, header) = lines.next().expect("key_state_matrix.csv has a header line");
        let mut columns = header.split(',');
        assert_eq!(columns.next(), Some("operation"), "the first column is `operation`");
        let states: Vec<KeyState> = columns
            .map(|name| {
                name.parse().unwrap_or_else(|e: KmsError| {
                    panic!("header column `{name}` is not a KeyState: {}", e.message)
                })
            })
            .collect();
        assert_eq!(states, KeyState::ALL, "the state columns are every KeyState, in AWS's order");

        let mut rows = BTreeMap::new();
        for (line_no, line) in lines {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(
                fields.len(),
                1 + states.len(),
                "line {line_no}: expected an operation and {} cells, found {} fields",
                states.len(),
                fields.len()
            );
            let operation = *Operation::ALL
                .iter()
                .find(|op| op.as_str() == fields[0])
                .unwrap_or_else(|| panic!("line {line_no}: `{}` is not an Operation", fields[0]));
            let cells = states
                .iter()
                .zip(&fields[1..])
                .map(|(&state, cell)| {
                    let expected = Expected::parse(cell)
                        .unwrap_or_else(|e| panic!("line {line_no}, column {state}: {e}"));
                    (state, expected)
                })
                .collect();
            let previous = rows.insert(operation, cells);
            assert!(previous.is_none(), "line {line_no}: a second row for {operation}");
        }
        let missing: Vec<&str> = Operation::ALL
            .iter()
            .filter(|op| !rows.contains_key(op))
            .map(|op| op.as_str())
            .collect();
        assert!(missing.is_empty(), "key_state_matrix.csv has no row for {missing:?}");
        assert_eq!(rows.len(), Operation::ALL.len(), "one row per operation");
        Self { rows }
    }

    fn expected(&self, operation: Operation, state: KeyState) -> &Expected {
        &self.rows[&operation][&state]
    }
}

/// Records a mismatch between the table's `expected` answer and the `actual` one.
#[track_caller]
fn check(
    mismatches: &mut Vec<String>,
    cell: &str,
    expected: &Expected,
    arn: &KeyArn,
    actual: &Result<(), KmsError>,
) {
    let (expected, actual) = (expected.render(arn), render(actual));
    if expected != actual {
        mismatches.push(format!(
            "{cell}:\n    expected {expected}\n    got      {actual}\n    (checked at {})",
            Location::caller()
        ));
    }
}

/// Fails listing every mismatch, if there is any.
#[track_caller]
fn assert_none(mismatches: &[String]) {
    assert!(
        mismatches.is_empty(),
        "{} cell(s) disagree with key_state_matrix.csv:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_operation_in_every_state_matches_the_aws_table() {
    let matrix = Matrix::load();
    let arn: KeyArn = FIXED_ARN.parse().expect("a valid key ARN");
    let mut mismatches = Vec::new();
    for &operation in Operation::ALL {
        for &state in KeyState::ALL {
            let actual = key_state::check(operation, state, &arn);
            check(
                &mut mismatches,
                &format!("{operation} / {state}"),
                matrix.expected(operation, state),
                &arn,
                &actual,
            );
        }
    }
    assert_none(&mismatches);
}

/// The key states the public engine API can bring a key into today.
const REACHABLE: [KeyState; 3] = [KeyState::Enabled, KeyState::Disabled, KeyState::PendingDeletion];

/// A fresh engine holding the key under test, already in its state.
struct Fixture<T> {
    kms: Engine,
    ctx: CallContext,
    key: KeyId,
    arn: KeyArn,
    /// Whatever was made with the key while it was still Enabled.
    prepared: T,
}

/// A fresh engine with a key made by `request`; `prepare` runs while the key is Enabled
/// (to make ciphertexts, MACs, aliases, tags or other keys), then the key is brought into
/// `state`.
fn fixture<T>(
    state: KeyState,
    request: CreateKeyRequest,
    prepare: impl FnOnce(&mut Engine, &CallContext, KeyId) -> T,
) -> Fixture<T> {
    fixture_in(engine(), state, request, prepare)
}

/// [`fixture`] for a key pair: in an engine whose provider makes key pairs whatever the
/// real providers implement yet (the modelling provider keeps the state machine).
fn pair_fixture<T>(
    state: KeyState,
    request: CreateKeyRequest,
    prepare: impl FnOnce(&mut Engine, &CallContext, KeyId) -> T,
) -> Fixture<T> {
    fixture_in(engine_with(ProviderKind::InsecureModelling, 7), state, request, prepare)
}

/// [`fixture`] in `kms`.
fn fixture_in<T>(
    mut kms: Engine,
    state: KeyState,
    request: CreateKeyRequest,
    prepare: impl FnOnce(&mut Engine, &CallContext, KeyId) -> T,
) -> Fixture<T> {
    let ctx = alice();
    let created = kms.create_key(&ctx, request).expect("create the key under test");
    let (key, arn) = (created.key_id(), created.arn());
    let prepared = prepare(&mut kms, &ctx, key);
    match state {
        KeyState::Enabled => {}
        KeyState::Disabled => {
            kms.disable_key(&ctx, DisableKeyRequest::new(key)).expect("disable the key");
        }
        KeyState::PendingDeletion => {
            kms.schedule_key_deletion(&ctx, ScheduleKeyDeletionRequest::new(key))
                .expect("schedule the key's deletion");
        }
        other => panic!("no public API brings a key into {other} yet"),
    }
    let reached = kms
        .describe_key(&ctx, DescribeKeyRequest::new(key))
        .expect("describe the key under test")
        .key_metadata
        .key_state;
    assert_eq!(reached, state, "the fixture should have brought {arn} into {state}");
    Fixture { kms, ctx, key, arn, prepared }
}

/// One call against a key in a state, and what it answered.
struct Trial {
    /// Which call, when an operation is tried more than one way.
    variant: &'static str,
    /// The key in the state: the one an error must name.
    arn: KeyArn,
    /// The answer expected when it is not the table's cell (see `UpdateAlias`).
    expected: Option<Expected>,
    outcome: Result<(), KmsError>,
}

impl Trial {
    fn new<T>(fixture: &Fixture<T>, outcome: Result<(), KmsError>) -> Self {
        Self { variant: "", arn: fixture.arn, expected: None, outcome }
    }

    const fn variant(mut self, variant: &'static str) -> Self {
        self.variant = variant;
        self
    }
}

fn alias(name: &str) -> AliasName {
    name.parse().expect("a valid alias name")
}

fn external() -> CreateKeyRequest {
    CreateKeyRequest::new().with_origin(engine::spec::OriginType::External)
}

fn signing_key() -> CreateKeyRequest {
    CreateKeyRequest::new()
        .with_key_spec(KeySpec::EccNistP256)
        .with_key_usage(engine::spec::KeyUsage::SignVerify)
}

fn hmac() -> CreateKeyRequest {
    CreateKeyRequest::hmac(KeySpec::Hmac256)
}

const MAC: MacAlgorithmSpec = MacAlgorithmSpec::HmacSha256;

/// The grantee of the grants made here.
const GRANTEE: &str = "arn:aws:iam::444455556666:role/grantee";

/// A grant on `key` (made while Enabled); its id.
fn grant(kms: &mut Engine, ctx: &CallContext, key: KeyId) -> GrantId {
    let request = CreateGrantRequest::new(key, GRANTEE, vec![GrantOperation::Decrypt]);
    kms.create_grant(ctx, request).expect("create the grant while Enabled").grant_id
}

fn tag() -> Tag {
    Tag::new("team", "payments")
}

/// Runs `operation` against a key in `state`, every way it takes a key, each in a fresh
/// engine; `None` for operations that take no key.
fn trials(operation: Operation, state: KeyState) -> Option<Vec<Trial>> {
    use Operation as O;
    let trials = match operation {
        // No key to be in a state: CreateKey, ListKeys, GenerateRandom and ListAliases
        // without a KeyId filter always pass the table (test (a) covers their rows).
        O::CreateKey | O::ListKeys | O::GenerateRandom | O::ListRetirableGrants => return None,
        // Custom key store operations act on a store, not a key.
        O::CreateCustomKeyStore
        | O::DescribeCustomKeyStores
        | O::UpdateCustomKeyStore
        | O::DeleteCustomKeyStore
        | O::ConnectCustomKeyStore
        | O::DisconnectCustomKeyStore => return None,
        O::CancelKeyDeletion => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.cancel_key_deletion(&f.ctx, CancelKeyDeletionRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::CreateAlias => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f
                .kms
                .create_alias(&f.ctx, CreateAliasRequest::new(alias("alias/new"), f.key))
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::CreateGrant => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let request = CreateGrantRequest::new(f.key, GRANTEE, vec![GrantOperation::Decrypt]);
            let outcome = f.kms.create_grant(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::ListGrants => {
            let mut f = fixture(state, CreateKeyRequest::new(), grant);
            let outcome = f.kms.list_grants(&f.ctx, ListGrantsRequest::new(f.key)).map(|r| {
                let ids: Vec<GrantId> = r.grants.iter().map(|g| g.grant_id).collect();
                assert_eq!(ids, [f.prepared], "ListGrants in {state} lists the grant");
            });
            vec![Trial::new(&f, outcome)]
        }
        O::RetireGrant => {
            let mut f = fixture(state, CreateKeyRequest::new(), grant);
            let request = RetireGrantRequest::by_id(f.key, f.prepared);
            let outcome = f.kms.retire_grant(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::RevokeGrant => {
            let mut f = fixture(state, CreateKeyRequest::new(), grant);
            let request = RevokeGrantRequest::new(f.key, f.prepared);
            let outcome = f.kms.revoke_grant(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::Decrypt => {
            let mut f = fixture(state, CreateKeyRequest::new(), |kms, ctx, key| {
                kms.encrypt(ctx, EncryptRequest::new(key, "x"))
                    .expect("encrypt while Enabled")
                    .ciphertext_blob
            });
            let outcome = f.kms.decrypt(&f.ctx, DecryptRequest::new(f.prepared.clone())).map(|r| {
                assert_eq!(r.plaintext.expose(), b"x", "Decrypt in {state} returned the plaintext");
            });
            vec![Trial::new(&f, outcome)]
        }
        O::DeleteAlias => {
            let mut f = fixture(state, CreateKeyRequest::new(), |kms, ctx, key| {
                kms.create_alias(ctx, CreateAliasRequest::new(alias("alias/k"), key))
                    .expect("create the alias while Enabled");
            });
            let outcome =
                f.kms.delete_alias(&f.ctx, DeleteAliasRequest::new(alias("alias/k"))).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::DescribeKey => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f.kms.describe_key(&f.ctx, DescribeKeyRequest::new(f.key)).map(|r| {
                assert_eq!(r.key_metadata.key_state, state, "DescribeKey reports the state");
            });
            vec![Trial::new(&f, outcome)]
        }
        O::DisableKey => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f.kms.disable_key(&f.ctx, DisableKeyRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        // Rotation: a symmetric encryption key, the only kind that rotates.
        O::EnableKeyRotation => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.enable_key_rotation(&f.ctx, EnableKeyRotationRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::DisableKeyRotation => {
            let mut f = fixture(state, CreateKeyRequest::new(), |kms, ctx, key| {
                kms.enable_key_rotation(ctx, EnableKeyRotationRequest::new(key))
                    .expect("enable rotation while Enabled");
            });
            let outcome =
                f.kms.disable_key_rotation(&f.ctx, DisableKeyRotationRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GetKeyLastUsage => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.get_key_last_usage(&f.ctx, GetKeyLastUsageRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GetKeyPolicy => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f.kms.get_key_policy(&f.ctx, GetKeyPolicyRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::ListKeyPolicies => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.list_key_policies(&f.ctx, ListKeyPoliciesRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::PutKeyPolicy => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let policy = engine::policy::default_key_policy(f.ctx.account());
            let outcome =
                f.kms.put_key_policy(&f.ctx, PutKeyPolicyRequest::new(f.key, policy)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GetKeyRotationStatus => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f
                .kms
                .get_key_rotation_status(&f.ctx, GetKeyRotationStatusRequest::new(f.key))
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::RotateKeyOnDemand => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.rotate_key_on_demand(&f.ctx, RotateKeyOnDemandRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::ListKeyRotations => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.list_key_rotations(&f.ctx, ListKeyRotationsRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::ReplicateKey => {
            let mut f =
                fixture(state, CreateKeyRequest::new().with_multi_region(true), |_, _, _| ());
            let outcome = f
                .kms
                .replicate_key(&f.ctx, ReplicateKeyRequest::new(f.key, Region::EU_WEST_1))
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::UpdatePrimaryRegion => {
            // A replica to promote, made while Enabled; only for the Enabled trial, since a
            // primary with replicas goes PendingReplicaDeletion rather than PendingDeletion
            // (the state check comes first in every other state).
            let mut f =
                fixture(state, CreateKeyRequest::new().with_multi_region(true), |kms, ctx, key| {
                    if state == KeyState::Enabled {
                        kms.replicate_key(ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1))
                            .expect("replicate while Enabled");
                    }
                });
            let outcome = f
                .kms
                .update_primary_region(
                    &f.ctx,
                    UpdatePrimaryRegionRequest::new(f.key, Region::EU_WEST_1),
                )
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        // Imported material: an EXTERNAL key, given material while Enabled.
        O::GetParametersForImport => {
            let mut f = fixture(state, external(), |kms, ctx, key| {
                import_material(kms, ctx, key, &[5; 32], None).expect("import while PendingImport");
            });
            let outcome = f
                .kms
                .get_parameters_for_import(
                    &f.ctx,
                    GetParametersForImportRequest::new(
                        f.key,
                        WrappingAlgorithm::RsaesOaepSha256,
                        WrappingKeySpec::Rsa2048,
                    ),
                )
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::ImportKeyMaterial => {
            let mut f = fixture(state, external(), |kms, ctx, key| {
                import_material(kms, ctx, key, &[5; 32], None).expect("import while PendingImport");
            });
            let (kms, ctx, key) = (&mut f.kms, f.ctx.clone(), f.key);
            let outcome = import_material(kms, &ctx, key, &[5; 32], None).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::DeleteImportedKeyMaterial => {
            let mut f = fixture(state, external(), |kms, ctx, key| {
                import_material(kms, ctx, key, &[5; 32], None).expect("import while PendingImport");
            });
            let outcome = f
                .kms
                .delete_imported_key_material(&f.ctx, DeleteImportedKeyMaterialRequest::new(f.key))
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::EnableKey => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f.kms.enable_key(&f.ctx, EnableKeyRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::Encrypt => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f.kms.encrypt(&f.ctx, EncryptRequest::new(f.key, "x")).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GenerateDataKey => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let request = GenerateDataKeyRequest::new(f.key, DataKeySpec::Aes256);
            let outcome = f.kms.generate_data_key(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GenerateDataKeyWithoutPlaintext => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let request = GenerateDataKeyRequest::new(f.key, DataKeySpec::Aes256).into();
            let outcome = f.kms.generate_data_key_without_plaintext(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::Sign => {
            let mut f = pair_fixture(state, signing_key(), |_, _, _| ());
            let request = SignRequest::new(f.key, "m", SigningAlgorithmSpec::EcdsaSha256);
            let outcome = f.kms.sign(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::Verify => {
            let mut f = pair_fixture(state, signing_key(), |kms, ctx, key| {
                let request = SignRequest::new(key, "m", SigningAlgorithmSpec::EcdsaSha256);
                kms.sign(ctx, request).expect("sign while Enabled").signature
            });
            let request = VerifyRequest::new(
                f.key,
                "m",
                f.prepared.clone(),
                SigningAlgorithmSpec::EcdsaSha256,
            );
            let outcome = f.kms.verify(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GetPublicKey => {
            let mut f = pair_fixture(state, signing_key(), |_, _, _| ());
            let outcome = f.kms.get_public_key(&f.ctx, GetPublicKeyRequest::new(f.key)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::DeriveSharedSecret => {
            let agreement = || {
                CreateKeyRequest::new()
                    .with_key_spec(KeySpec::EccNistP256)
                    .with_key_usage(engine::spec::KeyUsage::KeyAgreement)
            };
            let mut f = pair_fixture(state, agreement(), |kms, ctx, _| {
                let peer = kms.create_key(ctx, agreement()).expect("create the peer").key_id();
                kms.get_public_key(ctx, GetPublicKeyRequest::new(peer))
                    .expect("the peer's public key")
                    .public_key
            });
            let request = DeriveSharedSecretRequest::new(
                f.key,
                engine::spec::KeyAgreementAlgorithmSpec::Ecdh,
                f.prepared.clone(),
            );
            let outcome = f.kms.derive_shared_secret(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GenerateDataKeyPair => {
            let mut f = pair_fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let request = GenerateDataKeyPairRequest::new(f.key, DataKeyPairSpec::EccNistP256);
            let outcome = f.kms.generate_data_key_pair(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GenerateDataKeyPairWithoutPlaintext => {
            let mut f = pair_fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let request = GenerateDataKeyPairWithoutPlaintextRequest::new(
                f.key,
                DataKeyPairSpec::EccNistP256,
            );
            let outcome = f.kms.generate_data_key_pair_without_plaintext(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::GenerateMac => {
            let mut f = fixture(state, hmac(), |_, _, _| ());
            let outcome =
                f.kms.generate_mac(&f.ctx, GenerateMacRequest::new(f.key, "m", MAC)).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::ListAliases => {
            // With a KeyId filter naming the key; without one no key is involved.
            let mut f = fixture(state, CreateKeyRequest::new(), |kms, ctx, key| {
                kms.create_alias(ctx, CreateAliasRequest::new(alias("alias/k"), key))
                    .expect("create the alias while Enabled");
            });
            let request = ListAliasesRequest::new().with_key_id(f.key);
            let outcome = f.kms.list_aliases(&f.ctx, request).map(|r| {
                let names: Vec<&str> = r.aliases.iter().map(|a| a.alias_name.as_str()).collect();
                assert_eq!(names, ["alias/k"], "ListAliases in {state} lists the key's alias");
            });
            vec![Trial::new(&f, outcome).variant("with KeyId filter")]
        }
        O::ListResourceTags => {
            let mut f =
                fixture(state, CreateKeyRequest::new().with_tags(vec![tag()]), |_, _, _| ());
            let outcome =
                f.kms.list_resource_tags(&f.ctx, ListResourceTagsRequest::new(f.key)).map(|r| {
                    assert_eq!(r.tags, [tag()], "ListResourceTags in {state} lists the tag");
                });
            vec![Trial::new(&f, outcome)]
        }
        O::ReEncrypt => {
            // The key in the state as the source: its ciphertext goes to a fresh Enabled key.
            let mut source = fixture(state, CreateKeyRequest::new(), |kms, ctx, key| {
                let blob = kms
                    .encrypt(ctx, EncryptRequest::new(key, "x"))
                    .expect("encrypt while Enabled")
                    .ciphertext_blob;
                (blob, symmetric_key(kms, ctx))
            });
            let (blob, destination) = source.prepared.clone();
            let outcome = source
                .kms
                .re_encrypt(&source.ctx, ReEncryptRequest::new(blob, destination))
                .map(drop);
            let as_source = Trial::new(&source, outcome).variant("key as source");
            // The key in the state as the destination of an Enabled key's ciphertext.
            let mut dest = fixture(state, CreateKeyRequest::new(), |kms, ctx, _| {
                let other = symmetric_key(kms, ctx);
                kms.encrypt(ctx, EncryptRequest::new(other, "x"))
                    .expect("encrypt under the Enabled source key")
                    .ciphertext_blob
            });
            let request = ReEncryptRequest::new(dest.prepared.clone(), dest.key);
            let outcome = dest.kms.re_encrypt(&dest.ctx, request).map(drop);
            let as_destination = Trial::new(&dest, outcome).variant("key as destination");
            vec![as_source, as_destination]
        }
        O::ScheduleKeyDeletion => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome = f
                .kms
                .schedule_key_deletion(&f.ctx, ScheduleKeyDeletionRequest::new(f.key))
                .map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::TagResource => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let outcome =
                f.kms.tag_resource(&f.ctx, TagResourceRequest::new(f.key, vec![tag()])).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::UntagResource => {
            let mut f =
                fixture(state, CreateKeyRequest::new().with_tags(vec![tag()]), |_, _, _| ());
            let request = UntagResourceRequest::new(f.key, vec![tag().tag_key]);
            let outcome = f.kms.untag_resource(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::UpdateAlias => {
            // The table's cell (footnote 10): the key in the state is the NEW target.
            let mut to = fixture(state, CreateKeyRequest::new(), |kms, ctx, _| {
                let old = symmetric_key(kms, ctx);
                kms.create_alias(ctx, CreateAliasRequest::new(alias("alias/a"), old))
                    .expect("point the alias at an Enabled key");
            });
            let request = UpdateAliasRequest::new(alias("alias/a"), to.key);
            let outcome = to.kms.update_alias(&to.ctx, request).map(drop);
            let as_new_target = Trial::new(&to, outcome).variant("key as new target");
            // Footnote 10 again: the state of the OLD target does not matter, so moving the
            // alias off the key in the state onto an Enabled key succeeds in every state.
            let mut from = fixture(state, CreateKeyRequest::new(), |kms, ctx, key| {
                kms.create_alias(ctx, CreateAliasRequest::new(alias("alias/a"), key))
                    .expect("point the alias at the key while Enabled");
                symmetric_key(kms, ctx)
            });
            let request = UpdateAliasRequest::new(alias("alias/a"), from.prepared);
            let outcome = from.kms.update_alias(&from.ctx, request).map(drop);
            let mut as_old_target = Trial::new(&from, outcome).variant("key as old target");
            as_old_target.expected = Some(Expected::Ok);
            vec![as_new_target, as_old_target]
        }
        O::UpdateKeyDescription => {
            let mut f = fixture(state, CreateKeyRequest::new(), |_, _, _| ());
            let request = UpdateKeyDescriptionRequest::new(f.key, "new description");
            let outcome = f.kms.update_key_description(&f.ctx, request).map(drop);
            vec![Trial::new(&f, outcome)]
        }
        O::VerifyMac => {
            let mut f = fixture(state, hmac(), |kms, ctx, key| {
                kms.generate_mac(ctx, GenerateMacRequest::new(key, "m", MAC))
                    .expect("generate the MAC while Enabled")
                    .mac
            });
            let request = VerifyMacRequest::new(f.key, "m", MAC, f.prepared.clone());
            let outcome = f.kms.verify_mac(&f.ctx, request).map(|r| {
                assert!(r.mac_valid, "VerifyMac in {state} accepts the MAC made while Enabled");
            });
            vec![Trial::new(&f, outcome)]
        }
    };
    Some(trials)
}

#[test]
fn reachable_states_through_the_engine_match_the_table() {
    let matrix = Matrix::load();
    let mut mismatches = Vec::new();
    let mut calls = 0;
    for state in REACHABLE {
        for &operation in Operation::ALL {
            let Some(trials) = trials(operation, state) else { continue };
            for trial in trials {
                calls += 1;
                let cell = match trial.variant {
                    "" => format!("{operation} / {state}"),
                    variant => format!("{operation} ({variant}) / {state}"),
                };
                let expected =
                    trial.expected.as_ref().unwrap_or_else(|| matrix.expected(operation, state));
                check(&mut mismatches, &cell, expected, &trial.arn, &trial.outcome);
            }
        }
    }
    // Every operation but the 10 that take no key; ReEncrypt and UpdateAlias two ways each.
    let ways = Operation::ALL.len() - 10 + 2;
    assert_eq!(
        calls,
        REACHABLE.len() * ways,
        "every operation that takes a key ran in every reachable state"
    );
    assert_none(&mismatches);
}
