//! The codec against a real engine: request bodies written as boto3 writes them, decoded,
//! handled, encoded, and the JSON checked member by member; then every error path.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use engine::api::Operation;
use engine::quota::QuotaConfig;
use engine::{
    AliasName, CallContext, Engine, EngineConfig, ErrorKind, KeyRef, KmsError, Region, Request,
    Timestamp,
};
use serde_json::{Value, json};

use super::{WireError, decode, encode};

/// 2026-11-30T16:00:00Z.
const NOW: u64 = 1_796_054_400;
const DAY: u64 = 86_400;

/// An engine in us-east-1 with quotas off, and a caller in account 111122223333.
struct Kms {
    engine: Engine,
    ctx: CallContext,
}

impl Kms {
    fn new() -> Self {
        Self::at(Timestamp::from_unix_seconds(NOW))
    }

    fn at(now: Timestamp) -> Self {
        Self::with_provider(now, engine::crypto::ProviderKind::default())
    }

    /// With `provider`: the modelling one makes key pairs whatever the real ones implement.
    fn with_provider(now: Timestamp, provider: engine::crypto::ProviderKind) -> Self {
        let engine = Engine::new(
            EngineConfig::new(Region::US_EAST_1, 11)
                .with_quotas(QuotaConfig::disabled())
                .with_provider(provider),
        );
        let ctx = CallContext::new("arn:aws:iam::111122223333:role/app".parse().unwrap(), now);
        Self { engine, ctx }
    }

    /// Decodes `body`, runs it, and parses the encoded response.
    #[track_caller]
    fn call(&mut self, operation: &str, body: &str) -> Value {
        let request = decode(operation, body.as_bytes())
            .unwrap_or_else(|error| panic!("decoding {operation} {body}: {error}"));
        let response = self
            .engine
            .handle(&self.ctx, request)
            .unwrap_or_else(|error| panic!("{operation} {body}: {error}"));
        let encoded = encode(&response);
        serde_json::from_slice(&encoded).unwrap_or_else(|error| {
            panic!(
                "{operation} encoded invalid JSON ({error}): {}",
                String::from_utf8_lossy(&encoded)
            )
        })
    }

    /// The wire error of `body`, from decoding or from the engine.
    #[track_caller]
    fn fail(&mut self, operation: &str, body: &str) -> WireError {
        match decode(operation, body.as_bytes()) {
            Err(error) => error,
            Ok(request) => match self.engine.handle(&self.ctx, request) {
                Err(error) => error.into(),
                Ok(response) => panic!("{operation} {body} succeeded: {response:?}"),
            },
        }
    }

    /// A new symmetric encryption key; its metadata.
    fn create_key(&mut self) -> Value {
        self.call("CreateKey", "{}")["KeyMetadata"].clone()
    }
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[track_caller]
fn unb64(value: &Value) -> Vec<u8> {
    STANDARD.decode(value.as_str().expect("a base64 string")).expect("valid base64")
}

#[track_caller]
fn str_of<'v>(value: &'v Value, member: &str) -> &'v str {
    value[member].as_str().unwrap_or_else(|| panic!("{member} is not a string in {value}"))
}

#[track_caller]
fn assert_error(error: &WireError, type_name: &str, status: u16, message: &str) {
    assert_eq!(
        (error.type_name.as_str(), error.status, error.message.as_str()),
        (type_name, status, message),
        "{error:?}"
    );
}

#[test]
fn the_data_plane_round_trips() {
    let mut kms = Kms::new();
    let key = kms.create_key();
    let key_id = str_of(&key, "KeyId").to_owned();
    let arn = str_of(&key, "Arn").to_owned();
    let other = kms.create_key();
    let other_arn = str_of(&other, "Arn").to_owned();

    let encrypted = kms.call(
        "Encrypt",
        &format!(
            r#"{{"KeyId": "{key_id}", "Plaintext": "{}", "EncryptionContext": {{"purpose": "test"}}}}"#,
            b64(b"card 4111")
        ),
    );
    assert_eq!(encrypted["KeyId"], json!(arn));
    assert_eq!(encrypted["EncryptionAlgorithm"], json!("SYMMETRIC_DEFAULT"));
    let ciphertext = unb64(&encrypted["CiphertextBlob"]);
    assert_eq!(ciphertext.len(), 9 + engine::crypto::blob::OVERHEAD);

    let decrypted = kms.call(
        "Decrypt",
        &format!(
            r#"{{"CiphertextBlob": "{}", "EncryptionContext": {{"purpose": "test"}}}}"#,
            b64(&ciphertext)
        ),
    );
    assert_eq!(unb64(&decrypted["Plaintext"]), b"card 4111");
    assert_eq!(decrypted["KeyId"], json!(arn));
    assert_eq!(decrypted["KeyMaterialId"], key["CurrentKeyMaterialId"]);
    assert_eq!(str_of(&decrypted, "KeyMaterialId").len(), 64);

    let re_encrypted = kms.call(
        "ReEncrypt",
        &format!(
            r#"{{"CiphertextBlob": "{}", "SourceEncryptionContext": {{"purpose": "test"}}, "DestinationKeyId": "{other_arn}", "DestinationEncryptionContext": {{"purpose": "moved"}}}}"#,
            b64(&ciphertext)
        ),
    );
    assert_eq!(re_encrypted["SourceKeyId"], json!(arn));
    assert_eq!(re_encrypted["KeyId"], json!(other_arn));
    assert_eq!(re_encrypted["SourceEncryptionAlgorithm"], json!("SYMMETRIC_DEFAULT"));
    assert_eq!(re_encrypted["DestinationEncryptionAlgorithm"], json!("SYMMETRIC_DEFAULT"));
    assert_eq!(re_encrypted["DestinationKeyMaterialId"], other["CurrentKeyMaterialId"]);
    let moved = kms.call(
        "Decrypt",
        &format!(
            r#"{{"CiphertextBlob": "{}", "EncryptionContext": {{"purpose": "moved"}}, "KeyId": "{other_arn}"}}"#,
            re_encrypted["CiphertextBlob"].as_str().unwrap()
        ),
    );
    assert_eq!(unb64(&moved["Plaintext"]), b"card 4111");

    let data_key =
        kms.call("GenerateDataKey", &format!(r#"{{"KeyId": "{key_id}", "KeySpec": "AES_256"}}"#));
    assert_eq!(data_key["KeyId"], json!(arn));
    let plaintext_key = unb64(&data_key["Plaintext"]);
    assert_eq!(plaintext_key.len(), 32);
    let unwrapped = kms.call(
        "Decrypt",
        &format!(r#"{{"CiphertextBlob": "{}"}}"#, data_key["CiphertextBlob"].as_str().unwrap()),
    );
    assert_eq!(unb64(&unwrapped["Plaintext"]), plaintext_key);

    let sealed_key = kms.call(
        "GenerateDataKeyWithoutPlaintext",
        &format!(r#"{{"KeyId": "{key_id}", "NumberOfBytes": 64}}"#),
    );
    assert!(sealed_key.get("Plaintext").is_none(), "{sealed_key}");
    assert_eq!(sealed_key["KeyId"], json!(arn));
    let unsealed = kms.call(
        "Decrypt",
        &format!(r#"{{"CiphertextBlob": "{}"}}"#, sealed_key["CiphertextBlob"].as_str().unwrap()),
    );
    assert_eq!(unb64(&unsealed["Plaintext"]).len(), 64);

    let random = kms.call("GenerateRandom", r#"{"NumberOfBytes": 48}"#);
    assert_eq!(unb64(&random["Plaintext"]).len(), 48);
    assert_eq!(random.as_object().unwrap().len(), 1, "{random}");

    let last_use = kms.call("GetKeyLastUsage", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    // The last use of the key was the Decrypt of the data key it sealed.
    assert_eq!(last_use["KeyLastUsage"]["Operation"], json!("Decrypt"));
    assert_eq!(last_use["KeyLastUsage"]["Timestamp"], json!(NOW));
    assert!(last_use["KeyLastUsage"]["KmsRequestId"].is_string(), "{last_use}");
    assert_eq!(last_use["KeyCreationDate"], json!(NOW));
    assert_eq!(last_use["TrackingStartDate"], json!(NOW));
}

#[test]
fn key_metadata_has_every_member_and_omits_the_absent_ones() {
    let mut kms = Kms::new();
    let created = kms.call(
        "CreateKey",
        r#"{"Description": "orders", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Tags": [{"TagKey": "team", "TagValue": "payments"}]}"#,
    );
    let metadata = &created["KeyMetadata"];
    let key_id = str_of(metadata, "KeyId");
    assert_eq!(metadata["AWSAccountId"], json!("111122223333"));
    assert_eq!(metadata["Arn"], json!(format!("arn:aws:kms:us-east-1:111122223333:key/{key_id}")));
    assert_eq!(metadata["CreationDate"], json!(NOW));
    assert!(metadata["CreationDate"].is_u64());
    assert_eq!(metadata["Enabled"], json!(true));
    assert_eq!(metadata["Description"], json!("orders"));
    assert_eq!(metadata["KeyUsage"], json!("ENCRYPT_DECRYPT"));
    assert_eq!(metadata["KeyState"], json!("Enabled"));
    assert_eq!(metadata["Origin"], json!("AWS_KMS"));
    assert_eq!(metadata["KeyManager"], json!("CUSTOMER"));
    assert_eq!(metadata["KeySpec"], json!("SYMMETRIC_DEFAULT"));
    assert_eq!(metadata["CustomerMasterKeySpec"], json!("SYMMETRIC_DEFAULT"));
    assert_eq!(metadata["EncryptionAlgorithms"], json!(["SYMMETRIC_DEFAULT"]));
    assert_eq!(metadata["MultiRegion"], json!(false));
    for absent in [
        "DeletionDate",
        "ValidTo",
        "PendingDeletionWindowInDays",
        "MacAlgorithms",
        "MultiRegionConfiguration",
        "CustomKeyStoreId",
        "XksKeyConfiguration",
        "ExpirationModel",
    ] {
        assert!(metadata.get(absent).is_none(), "{absent} in {metadata}");
    }
    // Nothing is ever null.
    assert!(metadata.as_object().unwrap().values().all(|value| !value.is_null()), "{metadata}");

    let described = kms.call("DescribeKey", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(&described["KeyMetadata"], metadata);
}

#[test]
fn keys_aliases_and_tags_round_trip() {
    let mut kms = Kms::new();
    let first = kms.create_key();
    let second = kms.create_key();
    let key_id = str_of(&first, "KeyId").to_owned();

    let page = kms.call("ListKeys", r#"{"Limit": 1}"#);
    assert_eq!(page["Keys"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["Truncated"], json!(true));
    let marker = str_of(&page, "NextMarker").to_owned();
    let rest = kms.call("ListKeys", &format!(r#"{{"Limit": 1, "Marker": "{marker}"}}"#));
    assert_eq!(rest["Truncated"], json!(false));
    assert!(rest.get("NextMarker").is_none(), "{rest}");
    let mut listed = vec![str_of(&page["Keys"][0], "KeyId"), str_of(&rest["Keys"][0], "KeyId")];
    listed.sort_unstable();
    let mut created = vec![str_of(&first, "KeyId"), str_of(&second, "KeyId")];
    created.sort_unstable();
    assert_eq!(listed, created);
    assert_eq!(
        page["Keys"][0]["KeyArn"],
        json!(format!("arn:aws:kms:us-east-1:111122223333:key/{}", listed[0]))
    );

    let no_output = kms.call(
        "CreateAlias",
        &format!(r#"{{"AliasName": "alias/orders", "TargetKeyId": "{key_id}"}}"#),
    );
    assert_eq!(no_output, json!({}));
    let aliases = kms.call("ListAliases", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(
        aliases["Aliases"],
        json!([{
            "AliasName": "alias/orders",
            "AliasArn": "arn:aws:kms:us-east-1:111122223333:alias/orders",
            "TargetKeyId": key_id,
            "CreationDate": NOW,
            "LastUpdatedDate": NOW,
        }])
    );
    assert_eq!(aliases["Truncated"], json!(false));
    let by_alias = kms.call("DescribeKey", r#"{"KeyId": "alias/orders"}"#);
    assert_eq!(by_alias["KeyMetadata"]["KeyId"], json!(key_id));

    let tagged = kms.call(
        "TagResource",
        &format!(
            r#"{{"KeyId": "{key_id}", "Tags": [{{"TagKey": "team", "TagValue": "payments"}}, {{"TagKey": "env", "TagValue": ""}}]}}"#
        ),
    );
    assert_eq!(tagged, json!({}));
    let tags = kms.call("ListResourceTags", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(
        tags,
        json!({
            "Tags": [{"TagKey": "env", "TagValue": ""}, {"TagKey": "team", "TagValue": "payments"}],
            "Truncated": false,
        })
    );
    kms.call("UntagResource", &format!(r#"{{"KeyId": "{key_id}", "TagKeys": ["env"]}}"#));
    let tags = kms.call("ListResourceTags", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(tags["Tags"], json!([{"TagKey": "team", "TagValue": "payments"}]));

    // JSON escapes both ways: quotes, a backslash, a newline, a control character, and
    // characters beyond ASCII.
    let description = "say \"hi\"\\ \n\u{1}é🔑";
    let body = json!({"KeyId": key_id, "Description": description}).to_string();
    kms.call("UpdateKeyDescription", &body);
    let described = kms.call("DescribeKey", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(described["KeyMetadata"]["Description"], json!(description));

    kms.call("DisableKey", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    let disabled = kms.call("DescribeKey", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(disabled["KeyMetadata"]["KeyState"], json!("Disabled"));
    assert_eq!(disabled["KeyMetadata"]["Enabled"], json!(false));
    kms.call("EnableKey", &format!(r#"{{"KeyId": "{key_id}"}}"#));

    let scheduled = kms.call(
        "ScheduleKeyDeletion",
        &format!(r#"{{"KeyId": "{key_id}", "PendingWindowInDays": 7}}"#),
    );
    let arn = str_of(&first, "Arn");
    assert_eq!(
        scheduled,
        json!({
            "KeyId": arn,
            "DeletionDate": NOW + 7 * DAY,
            "KeyState": "PendingDeletion",
            "PendingWindowInDays": 7,
        })
    );
    let pending = kms.call("DescribeKey", &format!(r#"{{"KeyId": "{arn}"}}"#));
    assert_eq!(pending["KeyMetadata"]["DeletionDate"], json!(NOW + 7 * DAY));
    assert_eq!(pending["KeyMetadata"]["PendingDeletionWindowInDays"], json!(7));
    let cancelled = kms.call("CancelKeyDeletion", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(cancelled, json!({ "KeyId": arn }));
}

#[test]
fn timestamps_keep_their_fraction() {
    let now = Timestamp::from_unix_nanos(NOW * 1_000_000_000 + 250_000_000);
    let mut kms = Kms::at(now);
    let request = decode("CreateKey", b"{}").unwrap();
    let body = encode(&kms.engine.handle(&kms.ctx, request).unwrap());
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains(&format!(r#""CreationDate":{NOW}.25,"#)), "{text}");

    // And back: a fractional ValidTo reaches the engine to the nanosecond it can.
    let body = format!(
        r#"{{"KeyId": "alias/x", "ImportToken": "AA==", "EncryptedKeyMaterial": "AA==", "ValidTo": {NOW}.5, "ExpirationModel": "KEY_MATERIAL_EXPIRES"}}"#
    );
    let Request::ImportKeyMaterial(import) = decode("ImportKeyMaterial", body.as_bytes()).unwrap()
    else {
        panic!("not an ImportKeyMaterial request");
    };
    assert_eq!(
        import.valid_to,
        Some(Timestamp::from_unix_nanos(NOW * 1_000_000_000 + 500_000_000))
    );
    let Request::ImportKeyMaterial(import) = decode(
        "ImportKeyMaterial",
        format!(r#"{{"KeyId": "alias/x", "ImportToken": "AA==", "EncryptedKeyMaterial": "AA==", "ValidTo": {NOW}}}"#)
            .as_bytes(),
    )
    .unwrap() else {
        panic!("not an ImportKeyMaterial request");
    };
    assert_eq!(import.valid_to, Some(Timestamp::from_unix_seconds(NOW)));
}

#[test]
fn macs_rotation_import_and_key_stores_round_trip() {
    let mut kms = Kms::new();

    let hmac =
        kms.call("CreateKey", r#"{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}"#);
    let hmac = &hmac["KeyMetadata"];
    assert_eq!(hmac["MacAlgorithms"], json!(["HMAC_SHA_256"]));
    assert!(hmac.get("EncryptionAlgorithms").is_none(), "{hmac}");
    let hmac_id = str_of(hmac, "KeyId");
    let message = b64(b"hello");
    let mac = kms.call(
        "GenerateMac",
        &format!(
            r#"{{"KeyId": "{hmac_id}", "Message": "{message}", "MacAlgorithm": "HMAC_SHA_256"}}"#
        ),
    );
    assert_eq!(unb64(&mac["Mac"]).len(), 32);
    assert_eq!(mac["KeyId"], hmac["Arn"]);
    assert_eq!(mac["MacAlgorithm"], json!("HMAC_SHA_256"));
    let verify = format!(
        r#"{{"KeyId": "{hmac_id}", "Message": "{message}", "MacAlgorithm": "HMAC_SHA_256", "Mac": "{}"}}"#,
        mac["Mac"].as_str().unwrap()
    );
    assert_eq!(
        kms.call("VerifyMac", &verify),
        json!({"KeyId": hmac["Arn"], "MacValid": true, "MacAlgorithm": "HMAC_SHA_256"})
    );
    let forged = format!(
        r#"{{"KeyId": "{hmac_id}", "Message": "{}", "MacAlgorithm": "HMAC_SHA_256", "Mac": "{}"}}"#,
        b64(b"hellO"),
        mac["Mac"].as_str().unwrap()
    );
    assert_eq!(kms.fail("VerifyMac", &forged).type_name, "KMSInvalidMacException");

    let key = kms.create_key();
    let key_id = str_of(&key, "KeyId");
    let arn = str_of(&key, "Arn");
    kms.call(
        "EnableKeyRotation",
        &format!(r#"{{"KeyId": "{key_id}", "RotationPeriodInDays": 90}}"#),
    );
    let status = kms.call("GetKeyRotationStatus", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(status["KeyRotationEnabled"], json!(true));
    assert_eq!(status["KeyId"], json!(arn));
    assert_eq!(status["RotationPeriodInDays"], json!(90));
    assert_eq!(status["NextRotationDate"], json!(NOW + 90 * DAY));
    assert!(status.get("OnDemandRotationStartDate").is_none(), "{status}");
    let rotated = kms.call("RotateKeyOnDemand", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(rotated, json!({ "KeyId": arn }));
    let rotations = kms.call(
        "ListKeyRotations",
        &format!(r#"{{"KeyId": "{key_id}", "IncludeKeyMaterial": "ALL_KEY_MATERIAL"}}"#),
    );
    let entries = rotations["Rotations"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{rotations}");
    assert_eq!(entries[0]["KeyMaterialId"], key["CurrentKeyMaterialId"]);
    assert_eq!(entries[0]["KeyMaterialState"], json!("NON_CURRENT"));
    assert!(entries[0].get("RotationType").is_none(), "{rotations}");
    assert_eq!(entries[1]["KeyMaterialState"], json!("CURRENT"));
    assert_eq!(entries[1]["RotationType"], json!("ON_DEMAND"));
    assert_eq!(entries[1]["RotationDate"], json!(NOW));
    assert_eq!(rotations["Truncated"], json!(false));

    let external = kms.call("CreateKey", r#"{"Origin": "EXTERNAL"}"#);
    let external = &external["KeyMetadata"];
    assert_eq!(external["KeyState"], json!("PendingImport"));
    let parameters = kms.call(
        "GetParametersForImport",
        &format!(
            r#"{{"KeyId": "{}", "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}}"#,
            str_of(external, "KeyId")
        ),
    );
    assert_eq!(parameters["KeyId"], external["Arn"]);
    // A DER SubjectPublicKeyInfo starts with a SEQUENCE.
    assert_eq!(unb64(&parameters["PublicKey"])[0], 0x30);
    assert!(!unb64(&parameters["ImportToken"]).is_empty());
    assert_eq!(parameters["ParametersValidTo"], json!(NOW + DAY));

    let store = kms.call(
        "CreateCustomKeyStore",
        r#"{"CustomKeyStoreName": "hsm", "CloudHsmClusterId": "cluster-1a23b4cdefg", "TrustAnchorCertificate": "-----BEGIN CERTIFICATE-----\nkmsim\n-----END CERTIFICATE-----", "KeyStorePassword": "kmsPswd123"}"#,
    );
    let store_id = str_of(&store, "CustomKeyStoreId").to_owned();
    assert!(store_id.starts_with("cks-"), "{store}");
    assert_eq!(
        kms.call("ConnectCustomKeyStore", &format!(r#"{{"CustomKeyStoreId": "{store_id}"}}"#)),
        json!({})
    );
    let stores = kms.call("DescribeCustomKeyStores", r#"{"CustomKeyStoreName": "hsm"}"#);
    assert_eq!(
        stores,
        json!({
            "CustomKeyStores": [{
                "CustomKeyStoreId": store_id,
                "CustomKeyStoreName": "hsm",
                "CloudHsmClusterId": "cluster-1a23b4cdefg",
                "TrustAnchorCertificate": "-----BEGIN CERTIFICATE-----\nkmsim\n-----END CERTIFICATE-----",
                "ConnectionState": "CONNECTED",
                "CreationDate": NOW,
                "CustomKeyStoreType": "AWS_CLOUDHSM",
            }],
            "Truncated": false,
        })
    );
}

#[test]
fn multi_region_keys_round_trip() {
    let mut kms = Kms::new();
    let primary = kms.call("CreateKey", r#"{"MultiRegion": true}"#);
    let primary = &primary["KeyMetadata"];
    let key_id = str_of(primary, "KeyId");
    assert!(key_id.starts_with("mrk-"), "{primary}");
    assert_eq!(
        primary["MultiRegionConfiguration"],
        json!({
            "MultiRegionKeyType": "PRIMARY",
            "PrimaryKey": {"Arn": primary["Arn"], "Region": "us-east-1"},
            "ReplicaKeys": [],
        })
    );
    let replica = kms.call(
        "ReplicateKey",
        &format!(
            r#"{{"KeyId": "{key_id}", "ReplicaRegion": "us-west-2", "Description": "west", "Tags": [{{"TagKey": "k", "TagValue": "v"}}]}}"#
        ),
    );
    let metadata = &replica["ReplicaKeyMetadata"];
    assert_eq!(metadata["Arn"], json!(format!("arn:aws:kms:us-west-2:111122223333:key/{key_id}")));
    assert_eq!(metadata["Description"], json!("west"));
    assert_eq!(metadata["MultiRegionConfiguration"]["MultiRegionKeyType"], json!("REPLICA"));
    assert_eq!(
        replica["ReplicaPolicy"],
        json!(engine::policy::default_key_policy_for(
            Region::US_WEST_2,
            "111122223333".parse().unwrap()
        ))
    );
    assert_eq!(replica["ReplicaTags"], json!([{"TagKey": "k", "TagValue": "v"}]));
    // A Policy of the caller's choosing, validated as PutKeyPolicy validates it.
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:*", "Resource": "*"}]}"#;
    let with_policy = kms.call(
        "ReplicateKey",
        &json!({"KeyId": key_id, "ReplicaRegion": "eu-west-1", "Policy": policy}).to_string(),
    );
    assert_eq!(with_policy["ReplicaPolicy"], json!(policy));
    let lockout = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/other"}, "Action": "kms:*", "Resource": "*"}]}"#;
    assert_error(
        &kms.fail(
            "ReplicateKey",
            &json!({"KeyId": key_id, "ReplicaRegion": "ap-south-1", "Policy": lockout}).to_string(),
        ),
        "MalformedPolicyDocumentException",
        400,
        engine::policy::LOCKOUT_MESSAGE,
    );
    let bypassed = kms.call(
        "ReplicateKey",
        &json!({"KeyId": key_id, "ReplicaRegion": "ap-south-1", "Policy": lockout, "BypassPolicyLockoutSafetyCheck": true})
            .to_string(),
    );
    assert_eq!(bypassed["ReplicaPolicy"], json!(lockout));
}

#[test]
fn key_policies_round_trip() {
    let mut kms = Kms::new();
    let key = kms.create_key();
    let (key_id, arn) = (str_of(&key, "KeyId").to_owned(), str_of(&key, "Arn").to_owned());
    let got =
        kms.call("GetKeyPolicy", &format!(r#"{{"KeyId": "{key_id}", "PolicyName": "default"}}"#));
    assert_eq!(
        got,
        json!({
            "Policy": engine::policy::default_key_policy(kms.ctx.account()),
            "PolicyName": "default",
        })
    );
    let listed = kms.call("ListKeyPolicies", &format!(r#"{{"KeyId": "{arn}", "Limit": 10}}"#));
    assert_eq!(listed, json!({ "PolicyNames": ["default"], "Truncated": false }));

    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:*", "Resource": "*"}]}"#;
    let body = json!({ "KeyId": key_id, "PolicyName": "default", "Policy": policy }).to_string();
    assert_eq!(kms.call("PutKeyPolicy", &body), json!({}));
    let got = kms.call("GetKeyPolicy", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(got["Policy"], json!(policy));

    // CreateKey with a policy, and with one that would lock the caller out.
    let body = json!({ "Policy": policy, "Description": "mine" }).to_string();
    let created = kms.call("CreateKey", &body);
    let created_id = str_of(&created["KeyMetadata"], "KeyId").to_owned();
    let got = kms.call("GetKeyPolicy", &format!(r#"{{"KeyId": "{created_id}"}}"#));
    assert_eq!(got["Policy"], json!(policy));
    let lockout = policy.replace("role/app", "role/other");
    let refused = kms.fail("CreateKey", &json!({ "Policy": lockout }).to_string());
    assert_error(
        &refused,
        "MalformedPolicyDocumentException",
        400,
        engine::policy::LOCKOUT_MESSAGE,
    );
    let bypassed = json!({ "Policy": lockout, "BypassPolicyLockoutSafetyCheck": true });
    kms.call("CreateKey", &bypassed.to_string());

    // AWS's refusals.
    let malformed = kms.fail("CreateKey", r#"{"Policy": "my policy"}"#);
    assert_eq!(malformed.type_name, "MalformedPolicyDocumentException");
    let other_name =
        kms.fail("GetKeyPolicy", &format!(r#"{{"KeyId": "{key_id}", "PolicyName": "other"}}"#));
    assert_eq!(other_name.type_name, "NotFoundException");
    let missing = kms.fail("PutKeyPolicy", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(missing.type_name, "ValidationException");
    assert!(missing.message.contains("'policy'"), "{}", missing.message);
    let wrong_type = kms.fail(
        "PutKeyPolicy",
        &format!(
            r#"{{"KeyId": "{key_id}", "Policy": "{{}}", "BypassPolicyLockoutSafetyCheck": "yes"}}"#
        ),
    );
    assert_eq!(wrong_type.type_name, "SerializationException");
    let alias = kms.fail("GetKeyPolicy", r#"{"KeyId": "alias/app"}"#);
    assert_eq!(alias.type_name, "NotFoundException");
}

#[test]
fn grants_round_trip() {
    let mut kms = Kms::new();
    let key = kms.create_key();
    let key_id = str_of(&key, "KeyId").to_owned();
    let arn = str_of(&key, "Arn").to_owned();
    let grantee = "arn:aws:iam::444455556666:role/app";
    let retiring = "arn:aws:iam::111122223333:role/ops";
    let body = json!({
        "KeyId": key_id,
        "GranteePrincipal": grantee,
        "RetiringPrincipal": retiring,
        "Operations": ["Encrypt", "Decrypt"],
        "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}},
        "Name": "app",
    })
    .to_string();
    let created = kms.call("CreateGrant", &body);
    let grant_id = str_of(&created, "GrantId").to_owned();
    let token = str_of(&created, "GrantToken").to_owned();
    assert_eq!(grant_id.len(), 64);
    assert_eq!(created.as_object().map(serde_json::Map::len), Some(2), "{created}");
    // The same name and parameters: the same grant, a new token.
    let again = kms.call("CreateGrant", &body);
    assert_eq!(again["GrantId"], json!(grant_id));
    assert_ne!(again["GrantToken"], json!(token));
    let plain = kms.call(
        "CreateGrant",
        &json!({"KeyId": arn, "GranteePrincipal": grantee, "Operations": ["DescribeKey"]})
            .to_string(),
    );
    let plain_id = str_of(&plain, "GrantId").to_owned();

    let entry = json!({
        "KeyId": arn,
        "GrantId": grant_id,
        "Name": "app",
        "CreationDate": NOW,
        "GranteePrincipal": grantee,
        "RetiringPrincipal": retiring,
        "IssuingAccount": "arn:aws:iam::111122223333:root",
        "Operations": ["Encrypt", "Decrypt"],
        "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}},
    });
    let listed =
        kms.call("ListGrants", &format!(r#"{{"KeyId": "{key_id}", "GrantId": "{grant_id}"}}"#));
    assert_eq!(listed, json!({"Grants": [entry], "Truncated": false}));
    let page = kms.call("ListGrants", &format!(r#"{{"KeyId": "{key_id}", "Limit": 1}}"#));
    assert_eq!(page["Truncated"], json!(true));
    assert_eq!(page["Grants"].as_array().map(Vec::len), Some(1));
    let marker = str_of(&page, "NextMarker").to_owned();
    let rest = kms.call(
        "ListGrants",
        &format!(r#"{{"KeyId": "{key_id}", "Limit": 1, "Marker": "{marker}"}}"#),
    );
    assert_eq!(rest["Truncated"], json!(false));
    assert!(rest.get("NextMarker").is_none(), "{rest}");
    let by_grantee =
        kms.call("ListGrants", &json!({"KeyId": key_id, "GranteePrincipal": grantee}).to_string());
    assert_eq!(by_grantee["Grants"].as_array().map(Vec::len), Some(2));
    let retirable =
        kms.call("ListRetirableGrants", &json!({"RetiringPrincipal": retiring}).to_string());
    assert_eq!(retirable, json!({"Grants": [entry], "Truncated": false}));
    // A grant without name, retiring principal or constraints lists none of them.
    let minimal =
        kms.call("ListGrants", &format!(r#"{{"KeyId": "{key_id}", "GrantId": "{plain_id}"}}"#));
    assert_eq!(
        minimal["Grants"][0],
        json!({
            "KeyId": arn,
            "GrantId": plain_id,
            "CreationDate": NOW,
            "GranteePrincipal": grantee,
            "IssuingAccount": "arn:aws:iam::111122223333:root",
            "Operations": ["DescribeKey"],
        })
    );

    assert_eq!(kms.call("RetireGrant", &json!({"GrantToken": token}).to_string()), json!({}));
    assert_eq!(
        kms.call("RevokeGrant", &format!(r#"{{"KeyId": "{key_id}", "GrantId": "{plain_id}"}}"#)),
        json!({})
    );
    let empty = kms.call("ListGrants", &format!(r#"{{"KeyId": "{key_id}"}}"#));
    assert_eq!(empty, json!({"Grants": [], "Truncated": false}));
}

#[test]
fn grant_errors_are_aws_shaped() {
    let mut kms = Kms::new();
    let key = kms.create_key();
    let key_id = str_of(&key, "KeyId").to_owned();
    let grantee = "arn:aws:iam::444455556666:role/app";
    assert_error(
        &kms.fail("CreateGrant", "{}"),
        "ValidationException",
        400,
        // GranteePrincipal is no longer required on its own: it or GranteeServicePrincipal.
        "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value null at 'operations' failed to satisfy constraint: Member must not be null",
    );
    assert_error(
        &kms.fail(
            "CreateGrant",
            &json!({"KeyId": key_id, "GranteePrincipal": grantee, "Operations": ["DECRYPT"]})
                .to_string(),
        ),
        "ValidationException",
        400,
        "1 validation error detected: Value '[DECRYPT]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret]]",
    );
    assert_error(
        &kms.fail(
            "CreateGrant",
            &json!({"KeyId": key_id, "GranteePrincipal": grantee, "Operations": "Decrypt"})
                .to_string(),
        ),
        "SerializationException",
        400,
        "member 'Operations' must be an array, not a string",
    );
    assert_error(
        &kms.fail(
            "CreateGrant",
            &json!({"KeyId": key_id, "GranteePrincipal": grantee, "Operations": ["Sign"]})
                .to_string(),
        ),
        "ValidationException",
        400,
        &format!(
            "Grant operation Sign is not valid for {} (SYMMETRIC_DEFAULT key with key usage ENCRYPT_DECRYPT); its valid grant operations are Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, ReEncryptFrom, ReEncryptTo, CreateGrant, RetireGrant, DescribeKey",
            str_of(&key, "Arn")
        ),
    );
    assert_error(
        &kms.fail(
            "CreateGrant",
            &json!({"KeyId": key_id, "GranteePrincipal": grantee, "Operations": ["Decrypt"], "DryRun": true}).to_string(),
        ),
        "DryRunOperationException",
        400,
        "The request would have succeeded, but the DryRun option is set.",
    );
    assert_error(
        &kms.fail(
            "Encrypt",
            &json!({"KeyId": key_id, "Plaintext": "aGk=", "GrantTokens": ["not-a-token"]})
                .to_string(),
        ),
        "InvalidGrantTokenException",
        400,
        "Invalid grant token",
    );
    assert_error(
        &kms.fail("RetireGrant", r#"{"GrantToken": "not-a-token"}"#),
        "InvalidGrantTokenException",
        400,
        "Invalid grant token",
    );
    assert_error(
        &kms.fail("RevokeGrant", &format!(r#"{{"KeyId": "{key_id}", "GrantId": "aabbccdd"}}"#)),
        "InvalidGrantIdException",
        400,
        "Invalid grant ID 'aabbccdd'",
    );
    let unknown = "0".repeat(64);
    assert_error(
        &kms.fail("RevokeGrant", &format!(r#"{{"KeyId": "{key_id}", "GrantId": "{unknown}"}}"#)),
        "NotFoundException",
        400,
        &format!("Grant ID {unknown} not found"),
    );
    assert_error(
        &kms.fail("RevokeGrant", &format!(r#"{{"KeyId": "{key_id}"}}"#)),
        "ValidationException",
        400,
        "1 validation error detected: Value null at 'grantId' failed to satisfy constraint: Member must not be null",
    );
    assert_error(
        &kms.fail("RetireGrant", "{}"),
        "ValidationException",
        400,
        "Specify the grant to retire by either its GrantToken or both KeyId and GrantId",
    );
    assert_error(
        &kms.fail("ListGrants", &format!(r#"{{"KeyId": "{key_id}", "Marker": "x"}}"#)),
        "InvalidMarkerException",
        400,
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    assert_error(
        &kms.fail("ListRetirableGrants", r#"{"Limit": 101, "RetiringPrincipal": "p"}"#),
        "ValidationException",
        400,
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    // Service principals: the engine's rules, in AWS's exception.
    for (body, message) in [
        (
            json!({"KeyId": key_id, "GranteeServicePrincipal": "logs.amazonaws.com", "Operations": ["Encrypt"], "RetiringPrincipal": "arn:aws:iam::111122223333:root"}),
            "A grant to the service principal logs.amazonaws.com requires a SourceArn constraint",
        ),
        (
            json!({"KeyId": key_id, "GranteePrincipal": "arn:aws:iam::111122223333:root", "GranteeServicePrincipal": "logs.amazonaws.com", "Operations": ["Encrypt"]}),
            "Specify either GranteePrincipal or GranteeServicePrincipal, not both",
        ),
        (
            json!({"KeyId": key_id, "Operations": ["Encrypt"]}),
            "Specify the grantee: GranteePrincipal or GranteeServicePrincipal",
        ),
        (
            json!({"KeyId": key_id, "GranteePrincipal": "arn:aws:iam::111122223333:root", "Operations": ["Encrypt"], "Constraints": {"SourceArn": "arn:aws:s3:::b"}}),
            "1 validation error detected: Value at 'constraints.sourceArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
        ),
    ] {
        assert_error(
            &kms.fail("CreateGrant", &body.to_string()),
            "ValidationException",
            400,
            message,
        );
    }
    assert_error(
        &kms.fail("ListRetirableGrants", "{}"),
        "ValidationException",
        400,
        "Specify RetiringPrincipal or RetiringServicePrincipal",
    );
}

/// GranteeServicePrincipal, RetiringServicePrincipal and the SourceArn constraint in and
/// out: CreateGrant, ListGrants (and its filter), ListRetirableGrants.
#[test]
fn service_principal_grants_round_trip() {
    let mut kms = Kms::new();
    let key = kms.create_key();
    let (key_id, arn) = (str_of(&key, "KeyId").to_owned(), str_of(&key, "Arn").to_owned());
    let source_arn = "arn:aws:logs:us-east-1:111122223333:log-group:app";
    let created = kms.call(
        "CreateGrant",
        &json!({
            "KeyId": key_id,
            "GranteeServicePrincipal": "logs.amazonaws.com",
            "RetiringServicePrincipal": "logs.amazonaws.com",
            "Operations": ["Encrypt", "GenerateDataKey"],
            "Constraints": {"SourceArn": source_arn},
        })
        .to_string(),
    );
    let grant_id = str_of(&created, "GrantId").to_owned();
    let listed = kms.call(
        "ListGrants",
        &json!({"KeyId": key_id, "GranteeServicePrincipal": "logs.amazonaws.com"}).to_string(),
    );
    let entry = &listed["Grants"][0];
    assert_eq!(
        *entry,
        json!({
            "KeyId": arn,
            "GrantId": grant_id,
            "CreationDate": NOW,
            "GranteeServicePrincipal": "logs.amazonaws.com",
            "RetiringServicePrincipal": "logs.amazonaws.com",
            "IssuingAccount": "arn:aws:iam::111122223333:root",
            "Operations": ["Encrypt", "GenerateDataKey"],
            "Constraints": {"SourceArn": source_arn},
        })
    );
    let other = kms.call(
        "ListGrants",
        &json!({"KeyId": key_id, "GranteeServicePrincipal": "s3.amazonaws.com"}).to_string(),
    );
    assert_eq!(other["Grants"], json!([]));
    let retirable = kms.call(
        "ListRetirableGrants",
        &json!({"RetiringServicePrincipal": "logs.amazonaws.com"}).to_string(),
    );
    assert_eq!(retirable["Grants"], json!([entry]));
}

#[test]
fn malformed_bodies_are_serialization_exceptions() {
    for (body, message) in [
        ("[]", "the request body must be a JSON object, not an array"),
        ("null", "the request body must be a JSON object, not null"),
        ("\"KeyId\"", "the request body must be a JSON object, not a string"),
    ] {
        let error = decode("DescribeKey", body.as_bytes()).unwrap_err();
        assert_error(&error, "SerializationException", 400, message);
    }
    // Not JSON: serde_json's message says where, never what.
    for body in ["{\"KeyId\": ", "{} {}", "{'KeyId': 'x'}", "\u{0}"] {
        let error = decode("DescribeKey", body.as_bytes()).unwrap_err();
        assert_eq!((error.type_name.as_str(), error.status), ("SerializationException", 400));
        assert!(
            error.message.starts_with("the request body is not valid JSON: ")
                && error.message.contains("line 1 column"),
            "{error:?}"
        );
    }
    for (operation, body, message) in [
        ("DescribeKey", r#"{"KeyId": 5}"#, "member 'KeyId' must be a string, not a number"),
        (
            "Encrypt",
            r#"{"KeyId": "alias/a", "Plaintext": ["x"]}"#,
            "member 'Plaintext' must be a string, not an array",
        ),
        (
            "Encrypt",
            r#"{"KeyId": "alias/a", "Plaintext": "aGk=", "DryRun": "yes"}"#,
            "member 'DryRun' must be a boolean, not a string",
        ),
        (
            "Encrypt",
            r#"{"KeyId": "alias/a", "Plaintext": "aGk=", "EncryptionContext": {"a": 1}}"#,
            "member 'EncryptionContext.a' must be a string, not a number",
        ),
        (
            "Encrypt",
            r#"{"KeyId": "alias/a", "Plaintext": "aGk=", "GrantTokens": ["t", 2]}"#,
            "member 'GrantTokens[1]' must be a string, not a number",
        ),
        (
            "TagResource",
            r#"{"KeyId": "alias/a", "Tags": ["team"]}"#,
            "member 'Tags[0]' must be an object, not a string",
        ),
        (
            "TagResource",
            r#"{"KeyId": "alias/a", "Tags": [{"TagKey": "a", "TagValue": false}]}"#,
            "member 'Tags[0].TagValue' must be a string, not a boolean",
        ),
        ("ListKeys", r#"{"Limit": 1.5}"#, "member 'Limit' must be an integer, not a number"),
        (
            "ListKeys",
            r#"{"Limit": 4294967296}"#,
            "member 'Limit' is out of range for a 32-bit integer",
        ),
        (
            "ImportKeyMaterial",
            r#"{"KeyId": "alias/a", "ImportToken": "AA==", "EncryptedKeyMaterial": "AA==", "ValidTo": "2027-01-01"}"#,
            "member 'ValidTo' must be a number of epoch seconds, not a string",
        ),
        (
            "ImportKeyMaterial",
            r#"{"KeyId": "alias/a", "ImportToken": "AA==", "EncryptedKeyMaterial": "AA==", "ValidTo": -1}"#,
            "member 'ValidTo' is not a timestamp between 1970 and 2554",
        ),
        (
            "Decrypt",
            r#"{"CiphertextBlob": "not base64!"}"#,
            "member 'CiphertextBlob' is not valid base64",
        ),
        (
            "CreateCustomKeyStore",
            r#"{"CustomKeyStoreName": "x", "XksProxyAuthenticationCredential": "key"}"#,
            "member 'XksProxyAuthenticationCredential' must be an object, not a string",
        ),
    ] {
        let error = decode(operation, body.as_bytes()).unwrap_err();
        assert_error(&error, "SerializationException", 400, message);
    }
}

#[test]
fn missing_members_are_validation_exceptions_in_aws_wording() {
    let null = |member: &str| {
        format!("Value null at '{member}' failed to satisfy constraint: Member must not be null")
    };
    for (operation, body, message) in [
        ("DescribeKey", "{}", format!("1 validation error detected: {}", null("keyId"))),
        // `null` is absent, as in AWS.
        (
            "DescribeKey",
            r#"{"KeyId": null}"#,
            format!("1 validation error detected: {}", null("keyId")),
        ),
        ("DescribeKey", "", format!("1 validation error detected: {}", null("keyId"))),
        (
            "Encrypt",
            r#"{"EncryptionContext": {}}"#,
            format!("2 validation errors detected: {}; {}", null("keyId"), null("plaintext")),
        ),
        (
            "ReEncrypt",
            r#"{"CiphertextBlob": "AA=="}"#,
            format!("1 validation error detected: {}", null("destinationKeyId")),
        ),
        (
            "TagResource",
            r#"{"KeyId": "alias/a", "Tags": [{"TagKey": "a", "TagValue": "b"}, {"TagKey": "c"}]}"#,
            format!("1 validation error detected: {}", null("tags.2.member.tagValue")),
        ),
        (
            "CreateCustomKeyStore",
            r#"{"CustomKeyStoreName": "x", "XksProxyConnectivity": "PUBLIC_ENDPOINT", "XksProxyUriEndpoint": "https://xks.example.com", "XksProxyUriPath": "/kms/xks/v1", "XksProxyAuthenticationCredential": {"AccessKeyId": "ABCDEFGHIJKLMNOPQRST"}}"#,
            format!(
                "1 validation error detected: {}",
                null("xksProxyAuthenticationCredential.rawSecretAccessKey")
            ),
        ),
        ("GenerateRandom", "{}", format!("1 validation error detected: {}", null("numberOfBytes"))),
    ] {
        let error = decode(operation, body.as_bytes()).unwrap_err();
        assert_error(&error, "ValidationException", 400, &message);
    }
}

#[test]
fn values_the_engine_refuses_are_its_errors() {
    let mut kms = Kms::new();
    // An enum outside AWS's set, in AWS's words, naming the member it came in.
    let error =
        decode("GenerateDataKey", br#"{"KeyId": "alias/a", "KeySpec": "AES_512"}"#).unwrap_err();
    assert_error(
        &error,
        "ValidationException",
        400,
        "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
    let error = decode(
        "ReEncrypt",
        br#"{"CiphertextBlob": "AA==", "DestinationKeyId": "alias/a", "DestinationEncryptionAlgorithm": "ROT13"}"#,
    )
    .unwrap_err();
    assert_error(
        &error,
        "ValidationException",
        400,
        "1 validation error detected: Value 'ROT13' at 'destinationEncryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE, KMSIM_ML_KEM_HKDF_SHA_256_AES_256_GCM]",
    );
    // A negative integer, which the engine's u32s cannot carry.
    let error = decode("ListKeys", br#"{"Limit": -3}"#).unwrap_err();
    assert_error(
        &error,
        "ValidationException",
        400,
        "1 validation error detected: Value '-3' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    // Identifiers go through the engine's parsers, so their errors are the engine's.
    for (operation, body, expected) in [
        ("DescribeKey", r#"{"KeyId": "not-a-key"}"#, "not-a-key".parse::<KeyRef>().unwrap_err()),
        (
            "DescribeKey",
            r#"{"KeyId": "arn:aws:kms:us-east-1:1111:key/x"}"#,
            "arn:aws:kms:us-east-1:1111:key/x".parse::<KeyRef>().unwrap_err(),
        ),
        (
            "CreateAlias",
            r#"{"AliasName": "orders", "TargetKeyId": "alias/x"}"#,
            "orders".parse::<AliasName>().unwrap_err(),
        ),
        (
            "UpdatePrimaryRegion",
            r#"{"KeyId": "alias/x", "PrimaryRegion": "Mars-1"}"#,
            "Mars-1".parse::<Region>().unwrap_err(),
        ),
    ] {
        let error = decode(operation, body.as_bytes()).unwrap_err();
        assert_eq!(error, WireError::from(expected), "{operation} {body}");
    }
    assert_eq!(
        (
            "not-a-key".parse::<KeyRef>().unwrap_err().kind,
            "arn:aws:kms:us-east-1:1111:key/x".parse::<KeyRef>().unwrap_err().kind,
            "orders".parse::<AliasName>().unwrap_err().kind,
        ),
        (ErrorKind::NotFound, ErrorKind::InvalidArn, ErrorKind::InvalidAliasName)
    );
    assert_eq!(kms.fail("DescribeKey", r#"{"KeyId": "not-a-key"}"#).type_name, "NotFoundException");

    // An engine error after decoding: its __type, message and status.
    let error = kms.fail("DescribeKey", r#"{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}"#);
    assert_error(
        &error,
        "NotFoundException",
        400,
        "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist",
    );
    let body: Value = serde_json::from_slice(&error.body()).unwrap();
    assert_eq!(body, json!({"__type": "NotFoundException", "message": error.message}));
}

#[test]
fn unknown_operations_are_refused_and_every_engine_operation_is_known() {
    for name in ["Frobnicate", "SignIt", "encrypt", "TrentService.", ""] {
        let error = decode(name, b"{}").unwrap_err();
        assert_error(
            &error,
            "UnknownOperationException",
            400,
            &format!("unknown operation '{name}'"),
        );
    }
    for operation in Operation::ALL {
        for name in [operation.as_str().to_owned(), format!("TrentService.{operation}")] {
            match decode(&name, b"{}") {
                Ok(request) => assert_eq!(request.operation(), *operation),
                // Operations with required members answer for the missing ones.
                Err(error) => assert_eq!(error.type_name, "ValidationException", "{name}: {error}"),
            }
        }
    }
}

#[test]
fn unknown_members_are_ignored_and_unmodelled_ones_refused() {
    let Request::ListKeys(list) =
        decode("ListKeys", br#"{"Limit": 5, "SomeFutureMember": {"x": [1, null]}}"#).unwrap()
    else {
        panic!("not a ListKeys request");
    };
    assert_eq!(list.page.limit, Some(5));
    for (operation, body, member) in [
        (
            "Decrypt",
            r#"{"CiphertextBlob": "AA==", "Recipient": {"AttestationDocument": "AA=="}}"#,
            "Recipient",
        ),
        ("GenerateDataKey", r#"{"KeyId": "alias/a", "Recipient": {}}"#, "Recipient"),
        (
            "UpdateCustomKeyStore",
            r#"{"CustomKeyStoreId": "cks-1", "XksProxyUriPath": "/kms/xks/v2"}"#,
            "XksProxyUriPath",
        ),
    ] {
        let error = decode(operation, body.as_bytes()).unwrap_err();
        assert_error(
            &error,
            "UnsupportedOperationException",
            400,
            &format!("kmsim does not support the {member} parameter"),
        );
    }
}

#[test]
fn secrets_are_decoded_exactly_and_never_echoed() {
    // A JSON escape inside the base64 takes the copying path; the bytes are the same.
    let Request::Encrypt(escaped) =
        decode("Encrypt", br#"{"KeyId": "alias/a", "Plaintext": "c2Vj\u0063mV0"}"#).unwrap()
    else {
        panic!("not an Encrypt request");
    };
    assert_eq!(escaped.plaintext.expose(), b"secret");
    // Neither Debug nor errors show a secret.
    assert!(!format!("{escaped:?}").contains("secret"), "{escaped:?}");
    assert!(!format!("{escaped:?}").contains("c2VjcmV0"), "{escaped:?}");
    let error =
        decode("Encrypt", br#"{"KeyId": "alias/a", "Plaintext": "c2VjcmV0!"}"#).unwrap_err();
    assert_error(&error, "SerializationException", 400, "member 'Plaintext' is not valid base64");
    let Request::CreateCustomKeyStore(store) = decode(
        "CreateCustomKeyStore",
        br#"{"CustomKeyStoreName": "x", "KeyStorePassword": "hunter2hunter2"}"#,
    )
    .unwrap() else {
        panic!("not a CreateCustomKeyStore request");
    };
    assert_eq!(
        store.key_store_password.as_ref().map(engine::Plaintext::expose),
        Some(&b"hunter2hunter2"[..])
    );
    assert!(!format!("{store:?}").contains("hunter2"), "{store:?}");
}

#[test]
fn error_bodies_and_statuses() {
    for kind in ErrorKind::ALL {
        let error = WireError::from(KmsError::new(kind, "why"));
        let fault = matches!(
            kind,
            ErrorKind::DependencyTimeout | ErrorKind::KeyUnavailable | ErrorKind::KmsInternal
        );
        assert_eq!(error.status, if fault { 500 } else { 400 }, "{kind}");
        assert_eq!(error.type_name, kind.aws_code());
        let body: Value = serde_json::from_slice(&error.body()).unwrap();
        assert_eq!(body, json!({"__type": kind.aws_code(), "message": "why"}));
    }
    // InvalidCiphertextException carries no message, and its body none either.
    let opaque = WireError::from(KmsError::new(ErrorKind::InvalidCiphertext, ""));
    assert_eq!(opaque.body(), br#"{"__type":"InvalidCiphertextException"}"#);
    let quoted = WireError::from(KmsError::new(ErrorKind::NotFound, "Alias 'a\"b' is not found."));
    let body: Value = serde_json::from_slice(&quoted.body()).unwrap();
    assert_eq!(body["message"], json!("Alias 'a\"b' is not found."));
}

/// A wire `Kms` whose engine makes key pairs (the modelling provider).
fn pair_kms() -> Kms {
    Kms::with_provider(
        Timestamp::from_unix_seconds(NOW),
        engine::crypto::ProviderKind::InsecureModelling,
    )
}

#[test]
fn key_pairs_on_the_wire() {
    let mut kms = pair_kms();
    let metadata = kms.call("CreateKey", r#"{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}"#)
        ["KeyMetadata"]
        .clone();
    assert_eq!(metadata["KeySpec"], "ECC_NIST_P256");
    assert_eq!(metadata["CustomerMasterKeySpec"], "ECC_NIST_P256");
    assert_eq!(metadata["SigningAlgorithms"], json!(["ECDSA_SHA_256"]));
    assert!(metadata.get("EncryptionAlgorithms").is_none());
    let key = metadata["KeyId"].as_str().unwrap().to_owned();
    let public = kms.call("GetPublicKey", &format!(r#"{{"KeyId":"{key}"}}"#));
    assert_eq!(public["KeyUsage"], "SIGN_VERIFY");
    assert_eq!(public["SigningAlgorithms"], json!(["ECDSA_SHA_256"]));
    assert_eq!(unb64(&public["PublicKey"]).len(), 91, "a P-256 SubjectPublicKeyInfo");
    let message = b64(b"hello");
    let signed = kms.call(
        "Sign",
        &format!(r#"{{"KeyId":"{key}","Message":"{message}","SigningAlgorithm":"ECDSA_SHA_256"}}"#),
    );
    assert_eq!(signed["SigningAlgorithm"], "ECDSA_SHA_256");
    let signature = signed["Signature"].as_str().unwrap().to_owned();
    let verify = |message: &str, signature: &str| {
        format!(
            r#"{{"KeyId":"{key}","Message":"{message}","Signature":"{signature}","SigningAlgorithm":"ECDSA_SHA_256","MessageType":"RAW"}}"#
        )
    };
    let verified = kms.call("Verify", &verify(&message, &signature));
    assert_eq!(verified["SignatureValid"], true);
    let forged = kms.fail("Verify", &verify(&b64(b"hellO"), &signature));
    assert_eq!(forged.type_name, "KMSInvalidSignatureException");
    let missing = kms.fail("Sign", &format!(r#"{{"KeyId":"{key}","Message":"{message}"}}"#));
    assert_eq!(missing.type_name, "ValidationException");
    let digest = kms.fail(
        "Sign",
        &format!(
            r#"{{"KeyId":"{key}","Message":"{message}","SigningAlgorithm":"ECDSA_SHA_256","MessageType":"DIGEST"}}"#
        ),
    );
    assert_eq!(digest.type_name, "ValidationException");

    // RSA-OAEP through Encrypt and Decrypt.
    let rsa = kms.call("CreateKey", r#"{"KeySpec":"RSA_2048","KeyUsage":"ENCRYPT_DECRYPT"}"#)
        ["KeyMetadata"]
        .clone();
    assert_eq!(rsa["EncryptionAlgorithms"], json!(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]));
    let rsa = rsa["KeyId"].as_str().unwrap().to_owned();
    let encrypted = kms.call(
        "Encrypt",
        &format!(
            r#"{{"KeyId":"{rsa}","Plaintext":"{message}","EncryptionAlgorithm":"RSAES_OAEP_SHA_256"}}"#
        ),
    );
    assert_eq!(encrypted["EncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    let blob = encrypted["CiphertextBlob"].as_str().unwrap().to_owned();
    assert_eq!(unb64(&encrypted["CiphertextBlob"]).len(), 256);
    let decrypted = kms.call(
        "Decrypt",
        &format!(
            r#"{{"KeyId":"{rsa}","CiphertextBlob":"{blob}","EncryptionAlgorithm":"RSAES_OAEP_SHA_256"}}"#
        ),
    );
    assert_eq!(unb64(&decrypted["Plaintext"]), b"hello");
    assert_eq!(decrypted["EncryptionAlgorithm"], "RSAES_OAEP_SHA_256");

    // DeriveSharedSecret between two KEY_AGREEMENT keys.
    let agreement = r#"{"KeySpec":"ECC_NIST_P384","KeyUsage":"KEY_AGREEMENT"}"#;
    let ours = kms.call("CreateKey", agreement)["KeyMetadata"].clone();
    assert_eq!(ours["KeyAgreementAlgorithms"], json!(["ECDH"]));
    let ours = ours["KeyId"].as_str().unwrap().to_owned();
    let theirs =
        kms.call("CreateKey", agreement)["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let public_of = |kms: &mut Kms, key: &str| {
        kms.call("GetPublicKey", &format!(r#"{{"KeyId":"{key}"}}"#))["PublicKey"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (our_public, their_public) = (public_of(&mut kms, &ours), public_of(&mut kms, &theirs));
    let derive = |key: &str, peer: &str| {
        format!(r#"{{"KeyId":"{key}","KeyAgreementAlgorithm":"ECDH","PublicKey":"{peer}"}}"#)
    };
    let one = kms.call("DeriveSharedSecret", &derive(&ours, &their_public));
    let two = kms.call("DeriveSharedSecret", &derive(&theirs, &our_public));
    assert_eq!(one["SharedSecret"], two["SharedSecret"]);
    assert_eq!(unb64(&one["SharedSecret"]).len(), 48);
    assert_eq!(one["KeyOrigin"], "AWS_KMS");

    // GenerateDataKeyPair(WithoutPlaintext).
    let wrapping = kms.create_key()["KeyId"].as_str().unwrap().to_owned();
    let pair = kms.call(
        "GenerateDataKeyPair",
        &format!(r#"{{"KeyId":"{wrapping}","KeyPairSpec":"ECC_NIST_P256","EncryptionContext":{{"a":"b"}}}}"#),
    );
    assert_eq!(pair["KeyPairSpec"], "ECC_NIST_P256");
    assert!(pair["KeyMaterialId"].is_string());
    let private = unb64(&pair["PrivateKeyPlaintext"]);
    let opened = kms.call(
        "Decrypt",
        &format!(
            r#"{{"CiphertextBlob":"{}","EncryptionContext":{{"a":"b"}}}}"#,
            pair["PrivateKeyCiphertextBlob"].as_str().unwrap()
        ),
    );
    assert_eq!(unb64(&opened["Plaintext"]), private);
    let without = kms.call(
        "GenerateDataKeyPairWithoutPlaintext",
        &format!(r#"{{"KeyId":"{wrapping}","KeyPairSpec":"RSA_2048"}}"#),
    );
    assert!(without.get("PrivateKeyPlaintext").is_none());
    assert_eq!(unb64(&without["PublicKey"]).len(), 294, "an RSA-2048 SubjectPublicKeyInfo");
    let recipient = kms.fail(
        "GenerateDataKeyPair",
        &format!(r#"{{"KeyId":"{wrapping}","KeyPairSpec":"RSA_2048","Recipient":{{}}}}"#),
    );
    assert_eq!(recipient.type_name, "UnsupportedOperationException");
    let symmetric_public = kms.fail("GetPublicKey", &format!(r#"{{"KeyId":"{wrapping}"}}"#));
    assert_eq!(symmetric_public.type_name, "UnsupportedOperationException");
}
