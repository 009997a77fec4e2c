//! CreateAlias, UpdateAlias, DeleteAlias, ListAliases, TagResource, UntagResource,
//! ListResourceTags.

use engine::api::*;
use engine::audit::AuditSink;
use engine::spec::KeySpec;
use engine::{EngineConfig, EngineLimits, ErrorKind, KeyRef, Region};

use crate::support::*;

fn alias(name: &str) -> engine::AliasName {
    name.parse().unwrap()
}

#[test]
fn aliases_resolve_everywhere_aws_accepts_them() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/app"), key)).unwrap();
    let alias_arn: KeyRef = "arn:aws:kms:us-east-1:111122223333:alias/app".parse().unwrap();
    for key_ref in ["alias/app".parse::<KeyRef>().unwrap(), alias_arn] {
        let sealed = kms.encrypt(&ctx, EncryptRequest::new(key_ref.clone(), "x")).unwrap();
        assert_eq!(sealed.key_id.key_id, key);
        assert_eq!(
            kms.describe_key(&ctx, DescribeKeyRequest::new(key_ref.clone()))
                .unwrap()
                .key_metadata
                .key_id,
            key
        );
        kms.generate_data_key(
            &ctx,
            GenerateDataKeyRequest::new(key_ref, engine::spec::DataKeySpec::Aes256),
        )
        .unwrap();
    }
    let e = kms
        .encrypt(&ctx, EncryptRequest::new("alias/nope".parse::<KeyRef>().unwrap(), "x"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.message, "Alias 'arn:aws:kms:us-east-1:111122223333:alias/nope' is not found.");
}

#[test]
fn create_alias_rules() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/a"), key)).unwrap();
    let e = kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/a"), key)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyExists);
    assert_eq!(
        e.message,
        "An alias with the name arn:aws:kms:us-east-1:111122223333:alias/a already exists"
    );
    assert_eq!(
        kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/aws/s3"), key))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidAliasName
    );
    let by_alias = kms.create_alias(
        &ctx,
        CreateAliasRequest::new(alias("alias/b"), "alias/a".parse::<KeyRef>().unwrap()),
    );
    // TargetKeyId takes a key id or ARN only (the wording AWS answers, as moto's suite
    // records it).
    let by_alias = by_alias.unwrap_err();
    assert_eq!(by_alias.kind, ErrorKind::Validation);
    assert_eq!(by_alias.message, "Aliases must refer to keys. Not aliases");
    // The same name in another account is another alias.
    let other_key = symmetric_key(&mut kms, &mallory());
    kms.create_alias(&mallory(), CreateAliasRequest::new(alias("alias/a"), other_key)).unwrap();
    assert_eq!(
        kms.encrypt(&ctx, EncryptRequest::new("alias/a".parse::<KeyRef>().unwrap(), "x"))
            .unwrap()
            .key_id
            .key_id,
        key
    );
}

#[test]
fn fifty_aliases_per_key() {
    let mut kms = engine::Engine::new(
        EngineConfig::new(Region::US_EAST_1, 5)
            .with_audit_sink(AuditSink::CountOnly)
            .with_limits(EngineLimits::default())
            .with_quotas(engine::quota::QuotaConfig::disabled()),
    );
    let ctx = alice();
    let key = symmetric_key(&mut kms, &ctx);
    let spare = symmetric_key(&mut kms, &ctx);
    for i in 0..50 {
        kms.create_alias(&ctx, CreateAliasRequest::new(alias(&format!("alias/a{i:02}")), key))
            .unwrap();
    }
    let e = kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/a50"), key)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded);
    kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/spare"), spare)).unwrap();
    assert_eq!(
        kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/spare"), key))
            .unwrap_err()
            .kind,
        ErrorKind::LimitExceeded
    );
    kms.delete_alias(&ctx, DeleteAliasRequest::new(alias("alias/a00"))).unwrap();
    kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/spare"), key)).unwrap();
}

#[test]
fn update_alias_keeps_key_type_and_usage() {
    let (mut kms, ctx) = (engine(), alice());
    let (a, b) = (symmetric_key(&mut kms, &ctx), symmetric_key(&mut kms, &ctx));
    let mac = hmac_key(&mut kms, &ctx, KeySpec::Hmac256);
    kms.create_alias(&ctx, CreateAliasRequest::new(alias("alias/x"), a)).unwrap();
    kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/x"), b)).unwrap();
    assert_eq!(
        kms.encrypt(&ctx, EncryptRequest::new("alias/x".parse::<KeyRef>().unwrap(), "x"))
            .unwrap()
            .key_id
            .key_id,
        b
    );
    let e = kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/x"), mac)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(
        kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/none"), b)).unwrap_err().kind,
        ErrorKind::NotFound
    );
    // The old target may be pending deletion; the new one may not.
    kms.schedule_key_deletion(&ctx, ScheduleKeyDeletionRequest::new(b)).unwrap();
    kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/x"), a)).unwrap();
    let e = kms.update_alias(&ctx, UpdateAliasRequest::new(alias("alias/x"), b)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::KmsInvalidState);
    let aliases = kms.list_aliases(&ctx, ListAliasesRequest::new()).unwrap().aliases;
    let entry = aliases.iter().find(|e| e.alias_name.as_str() == "alias/x").unwrap();
    assert_eq!(entry.target_key_id, Some(a), "a failed update changes nothing");
}

#[test]
fn list_aliases_paginates_and_filters() {
    let (mut kms, ctx) = (engine(), alice());
    let (a, b) = (symmetric_key(&mut kms, &ctx), symmetric_key(&mut kms, &ctx));
    for i in 0..5 {
        kms.create_alias(&ctx, CreateAliasRequest::new(alias(&format!("alias/a-{i}")), a)).unwrap();
        kms.create_alias(&ctx, CreateAliasRequest::new(alias(&format!("alias/b-{i}")), b)).unwrap();
    }
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let page = kms
            .list_aliases(
                &ctx,
                ListAliasesRequest::new().with_page(Page { limit: Some(4), marker }),
            )
            .unwrap();
        names.extend(page.aliases.iter().map(|e| e.alias_name.to_string()));
        if !page.page_info.truncated {
            break;
        }
        marker = page.page_info.next_marker;
    }
    // AWS's predefined aliases (alias/aws/…, without a key yet) are listed too.
    let mut expected: Vec<String> = (0..5)
        .map(|i| format!("alias/a-{i}"))
        .chain((0..5).map(|i| format!("alias/b-{i}")))
        .chain(predefined_aliases())
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let only_b = kms.list_aliases(&ctx, ListAliasesRequest::new().with_key_id(b)).unwrap().aliases;
    assert_eq!(only_b.len(), 5);
    assert!(only_b.iter().all(|e| e.target_key_id == Some(b)
        && e.alias_arn.to_string().starts_with("arn:aws:kms:us-east-1:111122223333:alias/b-")));
    let others: Vec<String> = kms
        .list_aliases(&mallory(), ListAliasesRequest::new())
        .unwrap()
        .aliases
        .iter()
        .map(|e| e.alias_name.to_string())
        .collect();
    assert_eq!(others, predefined_aliases().collect::<Vec<_>>(), "another account's aliases");
    let bad = Page { limit: Some(101), marker: None };
    assert_eq!(
        kms.list_aliases(&ctx, ListAliasesRequest::new().with_page(bad)).unwrap_err().kind,
        ErrorKind::Validation
    );
}

#[test]
fn tags() {
    let (mut kms, ctx) = (engine(), alice());
    let key = kms
        .create_key(&ctx, CreateKeyRequest::new().with_tags(vec![Tag::new("team", "pay")]))
        .unwrap()
        .key_id();
    kms.tag_resource(
        &ctx,
        TagResourceRequest::new(
            key,
            vec![Tag::new("env", "prod"), Tag::new("team", "payments"), Tag::new("empty", "")],
        ),
    )
    .unwrap();
    let tags = kms.list_resource_tags(&ctx, ListResourceTagsRequest::new(key)).unwrap().tags;
    assert_eq!(
        tags,
        vec![Tag::new("empty", ""), Tag::new("env", "prod"), Tag::new("team", "payments")]
    );
    kms.untag_resource(&ctx, UntagResourceRequest::new(key, vec!["empty".into(), "absent".into()]))
        .unwrap();
    let page = kms
        .list_resource_tags(
            &ctx,
            ListResourceTagsRequest::new(key).with_page(Page { limit: Some(1), marker: None }),
        )
        .unwrap();
    assert_eq!((page.tags.len(), page.page_info.truncated), (1, true));
    // Markers are opaque: the hex of the last key, since tag keys may hold any Unicode.
    assert_eq!(page.page_info.next_marker.as_deref(), Some(hex::encode("env").as_str()));
    let rest = kms
        .list_resource_tags(
            &ctx,
            ListResourceTagsRequest::new(key)
                .with_page(Page { limit: Some(1), marker: page.page_info.next_marker }),
        )
        .unwrap();
    assert_eq!((rest.tags[0].tag_key.as_str(), rest.page_info.truncated), ("team", false));

    for bad in [Tag::new("aws:owner", "x"), Tag::new("AWS:owner", "x")] {
        assert_eq!(
            kms.tag_resource(&ctx, TagResourceRequest::new(key, vec![bad])).unwrap_err().kind,
            ErrorKind::Tag
        );
    }
    // Lengths are shape constraints: ValidationException naming the member.
    let e = kms
        .tag_resource(
            &ctx,
            TagResourceRequest::new(key, vec![Tag::new("ok", "x"), Tag::new("", "x")]),
        )
        .unwrap_err();
    assert_eq!(
        e.message,
        "1 validation error detected: Value at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    for bad in [Tag::new("k".repeat(129), "x"), Tag::new("k", "v".repeat(257))] {
        assert_eq!(
            kms.tag_resource(&ctx, TagResourceRequest::new(key, vec![bad])).unwrap_err().kind,
            ErrorKind::Validation
        );
    }
    kms.tag_resource(
        &ctx,
        TagResourceRequest::new(key, vec![Tag::new("k".repeat(128), "v".repeat(256))]),
    )
    .unwrap();
    let many: Vec<Tag> = (0..48).map(|i| Tag::new(format!("t{i}"), "v")).collect();
    assert_eq!(
        kms.tag_resource(&ctx, TagResourceRequest::new(key, many)).unwrap_err().kind,
        ErrorKind::LimitExceeded
    );
    assert_eq!(
        kms.list_resource_tags(&ctx, ListResourceTagsRequest::new(key)).unwrap().tags.len(),
        3,
        "a failed call adds no tag"
    );
}

/// The aliases a new account's ListAliases shows: AWS's predefined `alias/aws/…`.
fn predefined_aliases() -> impl Iterator<Item = String> {
    [
        "acm",
        "dynamodb",
        "ebs",
        "elasticfilesystem",
        "es",
        "glue",
        "kinesisvideo",
        "lambda",
        "rds",
        "redshift",
        "s3",
        "secretsmanager",
        "ssm",
        "xray",
    ]
    .into_iter()
    .map(|service| format!("alias/aws/{service}"))
}
