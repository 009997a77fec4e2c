//! AWS managed keys: the `alias/aws/<service>` keys KMS keeps for an AWS service in each
//! account and Region.
//!
//! What AWS documents (KMS Developer Guide, "AWS managed keys"; API reference, DescribeKey
//! and ListAliases) and this module does:
//!
//! - The key is created on first use: when a request that came through the service
//!   (`kms:ViaService` = `<service endpoint>.<region>.amazonaws.com`) names the alias, or
//!   when DescribeKey names a predefined alias ("KMS creates an AWS managed key. Then, it
//!   associates the alias with the new KMS key"). The creation is KMS's, on the service's
//!   behalf, so it stands even if the call that asked for it is then refused.
//! - Its key policy is fixed: every principal of the account may use it for
//!   Encrypt/Decrypt/ReEncrypt*/GenerateDataKey*/CreateGrant/DescribeKey, only through the
//!   service (`kms:ViaService`) and only from the account (`kms:CallerAccount`); the account
//!   may read its metadata (Describe*/Get*/List*). Nothing else is allowed, so a direct call,
//!   a key-policy change, disabling, deleting, tagging, or changing its rotation is
//!   `AccessDeniedException` from the policy, as in AWS.
//! - It rotates every year, which nobody can change (DisableKeyRotation and
//!   EnableKeyRotation are refused by the policy); GetKeyRotationStatus reads true.
//! - It is not billed and does not count against the account's customer managed keys.
//! - ListAliases shows AWS's predefined aliases even before their key exists, with no
//!   `TargetKeyId`.

use std::sync::Arc;

use super::{AliasRecord, CallContext, Engine, random_array};
use crate::id::{AccountId, AliasName, KeyArn, KeyId, KeyMaterialId, KeyRef, Region};
use crate::key::{KeyMaterial, KeyRecord, RotationSchedule};
use crate::policy::PolicyDocument;
use crate::secret::Plaintext;
use crate::spec::{KeyManager, KeySpec, KeyState, KeyUsage, OriginType};

/// An AWS service that keeps an AWS managed key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ManagedKeyService {
    /// `<name>` in `alias/aws/<name>`.
    pub(crate) alias_suffix: &'static str,
    /// The service's endpoint prefix: `kms:ViaService` is
    /// `<endpoint_prefix>.<region>.amazonaws.com` (EBS calls through EC2's endpoint).
    pub(crate) endpoint_prefix: &'static str,
    /// The service as the key policy's first Sid names it.
    display_name: &'static str,
    /// What the key protects, for its description.
    protects: &'static str,
    /// Whether ListAliases shows the alias before the key exists.
    predefined: bool,
}

/// The services, by alias. The predefined ones are the fourteen aliases a new account's
/// ListAliases shows (moto's `RESERVED_ALIASES`, taken from such a listing); the others
/// (SNS, SQS, …) appear when their key is first created.
pub(crate) const SERVICES: &[ManagedKeyService] = &[
    service("acm", "acm", "AWS Certificate Manager", "ACM private keys", true),
    service("backup", "backup", "AWS Backup", "backups", false),
    service("codecommit", "codecommit", "AWS CodeCommit", "CodeCommit repositories", false),
    service("dynamodb", "dynamodb", "Amazon DynamoDB", "DynamoDB tables", true),
    service("ebs", "ec2", "EBS", "EBS volumes", true),
    service("ecr", "ecr", "Amazon ECR", "ECR repositories", false),
    service(
        "elasticfilesystem",
        "elasticfilesystem",
        "Amazon Elastic File System",
        "Elastic File Systems",
        true,
    ),
    service("es", "es", "Amazon OpenSearch Service", "OpenSearch domains", true),
    service("glue", "glue", "AWS Glue", "Glue data", true),
    service("kinesis", "kinesis", "Amazon Kinesis", "Kinesis streams", false),
    service("kinesisvideo", "kinesisvideo", "Amazon Kinesis Video Streams", "video streams", true),
    service("lambda", "lambda", "AWS Lambda", "Lambda functions", true),
    service("rds", "rds", "RDS", "RDS database volumes", true),
    service("redshift", "redshift", "Amazon Redshift", "Redshift clusters", true),
    service("s3", "s3", "S3", "S3 objects", true),
    service("secretsmanager", "secretsmanager", "AWS Secrets Manager", "secrets", true),
    service("sns", "sns", "Amazon SNS", "SNS topics", false),
    service("sqs", "sqs", "Amazon SQS", "SQS queues", false),
    service("ssm", "ssm", "AWS Systems Manager", "SSM parameters", true),
    service("xray", "xray", "AWS X-Ray", "X-Ray traces", true),
];

const fn service(
    alias_suffix: &'static str,
    endpoint_prefix: &'static str,
    display_name: &'static str,
    protects: &'static str,
    predefined: bool,
) -> ManagedKeyService {
    ManagedKeyService { alias_suffix, endpoint_prefix, display_name, protects, predefined }
}

impl ManagedKeyService {
    /// The service of the alias `name` (`alias/aws/s3`), if it is one of [`SERVICES`].
    pub(crate) fn of_alias(name: &AliasName) -> Option<&'static Self> {
        let suffix = name.as_str().strip_prefix("alias/aws/")?;
        SERVICES.iter().find(|service| service.alias_suffix == suffix)
    }

    /// The alias, `alias/aws/<name>`.
    pub(crate) fn alias_name(&self) -> AliasName {
        format!("alias/aws/{}", self.alias_suffix)
            .parse()
            .unwrap_or_else(|_| unreachable!("alias/aws/<service> is a valid alias name"))
    }

    /// `kms:ViaService` for a request through this service in `region`.
    pub(crate) fn via_service(&self, region: Region) -> String {
        format!("{}.{region}.amazonaws.com", self.endpoint_prefix)
    }

    /// The predefined aliases, in name order.
    pub(crate) fn predefined() -> impl Iterator<Item = &'static Self> {
        SERVICES.iter().filter(|service| service.predefined)
    }

    /// The key's fixed policy, as GetKeyPolicy returns it (KMS's pretty-printer).
    pub(crate) fn key_policy(&self, region: Region, account: AccountId) -> String {
        let (name, partition) = (self.display_name, region.partition());
        let via = self.via_service(region);
        format!(
            "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"auto-{suffix}\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Allow access through {name} for all principals in the account that are authorized to use {name}\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"*\"\n    }},\n    \"Action\" : [ \"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", \"kms:CreateGrant\", \"kms:DescribeKey\" ],\n    \"Resource\" : \"*\",\n    \"Condition\" : {{\n      \"StringEquals\" : {{\n        \"kms:CallerAccount\" : \"{account}\",\n        \"kms:ViaService\" : \"{via}\"\n      }}\n    }}\n  }}, {{\n    \"Sid\" : \"Allow direct access to key metadata to the account\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:{partition}:iam::{account}:root\"\n    }},\n    \"Action\" : [ \"kms:Describe*\", \"kms:Get*\", \"kms:List*\" ],\n    \"Resource\" : \"*\"\n  }} ]\n}}",
            suffix = self.alias_suffix,
        )
    }
}

/// How a request names a key that may be an AWS managed key not created yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FirstUse {
    /// DescribeKey: a predefined alias creates its key whoever asks, any other through its
    /// service.
    Describe,
    /// A cryptographic operation: only a request through the alias's own service creates
    /// the key.
    ThroughService,
}

impl Engine {
    /// Creates the AWS managed key `key_ref` names, if it names one of the caller's
    /// `alias/aws/<service>` aliases that has no key yet and this use creates it (see
    /// [`FirstUse`]). Anything else is left to [`Engine::resolve`].
    pub(super) fn create_aws_managed_key_on_first_use(
        &mut self,
        ctx: &CallContext,
        key_ref: &KeyRef,
        first_use: FirstUse,
    ) {
        let name = match key_ref {
            KeyRef::AliasName(name) => name,
            KeyRef::AliasArn(arn) if arn.account == ctx.account() && arn.region == self.region => {
                &arn.name
            }
            _ => return,
        };
        let Some(service) = ManagedKeyService::of_alias(name) else { return };
        if self.store.aliases.contains_key(&(ctx.account(), name.clone())) {
            return;
        }
        let through_service =
            ctx.via_service.as_deref() == Some(service.via_service(self.region).as_str());
        let creates = through_service || (first_use == FirstUse::Describe && service.predefined);
        if creates {
            self.create_aws_managed_key(ctx.account(), service, ctx.now);
        }
    }

    /// Creates `service`'s AWS managed key in `account` at `now`, with its alias.
    fn create_aws_managed_key(
        &mut self,
        account: AccountId,
        service: &ManagedKeyService,
        now: crate::time::Timestamp,
    ) -> KeyId {
        let key_id = loop {
            let id = KeyId::single_region(random_array(&mut self.rng));
            if !self.store.keys.contains_key(&id) {
                break id;
            }
        };
        let mut material = vec![0u8; 32];
        rand_core::Rng::fill_bytes(&mut self.rng, &mut material);
        let material = KeyMaterial {
            id: KeyMaterialId(random_array(&mut self.rng)),
            bytes: Plaintext::new(material),
            public_key: None,
            rotation: None,
        };
        let policy = PolicyDocument::parse_key_policy(&service.key_policy(self.region, account))
            .unwrap_or_else(|e| unreachable!("the AWS managed key policy parses: {e}"));
        let next_rotation = now.plus_days(AWS_MANAGED_ROTATION_PERIOD_DAYS);
        let record = KeyRecord {
            arn: KeyArn { region: self.region, account, key_id },
            creation_date: now,
            description: format!(
                "Default key that protects my {} when no other key is defined",
                service.protects
            ),
            spec: KeySpec::SymmetricDefault,
            usage: KeyUsage::EncryptDecrypt,
            origin: OriginType::AwsKms,
            manager: KeyManager::Aws,
            state: KeyState::Enabled,
            deletion_date: None,
            pending_window_in_days: None,
            tags: std::collections::BTreeMap::new(),
            alias_count: 1,
            materials: vec![material],
            rotation: Some(RotationSchedule {
                period_in_days: AWS_MANAGED_ROTATION_PERIOD_DAYS,
                next_rotation,
                overdue: false,
            }),
            on_demand_rotations: 0,
            on_demand_rotation_start: None,
            last_usage: None,
            multi_region: None,
            state_before_update: None,
            custom_key_store: None,
            imported: None,
            grants: crate::grant::Grants::default(),
            policy: Arc::new(policy),
            policy_is_default: false,
        };
        self.store.insert_key(record);
        self.store.due.insert((next_rotation, super::Due::AutomaticRotation, key_id));
        self.store.aliases.insert(
            (account, service.alias_name()),
            AliasRecord { target: key_id, creation_date: now, last_updated_date: now },
        );
        key_id
    }
}

/// AWS managed keys rotate every year (since May 2022), and nobody can change it [days].
pub(crate) const AWS_MANAGED_ROTATION_PERIOD_DAYS: u32 = 365;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_policy_parses() {
        let suffixes: Vec<&str> = SERVICES.iter().map(|s| s.alias_suffix).collect();
        let mut sorted = suffixes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(suffixes, sorted, "SERVICES must be sorted by alias, without duplicates");
        assert_eq!(ManagedKeyService::predefined().count(), 14);
        let account = AccountId::new(111_122_223_333).unwrap();
        for service in SERVICES {
            let name = service.alias_name();
            assert!(name.is_aws_reserved());
            assert_eq!(ManagedKeyService::of_alias(&name), Some(service));
            let text = service.key_policy(Region::US_EAST_1, account);
            let policy = PolicyDocument::parse_key_policy(&text).unwrap();
            assert!(policy.has_conditions(), "{}", service.alias_suffix);
        }
        let ebs = ManagedKeyService::of_alias(&"alias/aws/ebs".parse().unwrap()).unwrap();
        assert_eq!(ebs.via_service(Region::US_EAST_1), "ec2.us-east-1.amazonaws.com");
        assert_eq!(ManagedKeyService::of_alias(&"alias/aws/nothing".parse().unwrap()), None);
        assert_eq!(ManagedKeyService::of_alias(&"alias/s3".parse().unwrap()), None);
    }
}
