//! The audit log: one CloudTrail-shaped record for every call, successful or not, and for
//! every time-driven event. Records never contain plaintexts, data keys, ciphertexts or key
//! material: request parameters are built by each request from its non-secret members.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use serde_json::Value;

use crate::api::Operation;
use crate::id::{AccountId, KeyArn, PrincipalArn, Region};
use crate::time::Timestamp;

/// Where audit records go; chosen when the engine is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditSink {
    /// Keep every record (tests, small runs).
    KeepAll,
    /// Build no records; only count events (very large simulations).
    CountOnly,
    /// Keep the most recent `capacity` records.
    Ring {
        /// How many records to keep.
        capacity: usize,
    },
}

impl Default for AuditSink {
    /// A ring of the latest 100,000 records: bounded memory, yet enough to inspect.
    fn default() -> Self {
        Self::Ring { capacity: 100_000 }
    }
}

/// `userIdentity`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// `type`: Root, IAMUser, AssumedRole or AWSAccount; absent for KMS's own events.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<&'static str>,
    /// `arn` of the caller; absent for KMS's own events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `accountId`.
    pub account_id: AccountId,
    /// `invokedBy`: the AWS service that called on the principal's behalf, or
    /// `kms.amazonaws.com` for KMS's own events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
}

/// One entry of `resources`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditResource {
    /// `accountId` of the key.
    pub account_id: AccountId,
    /// `type`: always `AWS::KMS::Key`.
    #[serde(rename = "type")]
    pub resource_type: &'static str,
    /// `ARN` of the key.
    #[serde(rename = "ARN")]
    pub arn: String,
}

impl AuditResource {
    pub(crate) fn key(arn: &KeyArn) -> Self {
        Self { account_id: arn.account, resource_type: "AWS::KMS::Key", arn: arn.to_string() }
    }
}

/// One CloudTrail-shaped record.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// `eventVersion`.
    pub event_version: &'static str,
    /// `userIdentity`.
    pub user_identity: UserIdentity,
    /// `eventTime`.
    pub event_time: Timestamp,
    /// `eventSource`: `kms.amazonaws.com`.
    pub event_source: &'static str,
    /// `eventName`: the operation, or DeleteKey etc. for KMS's own events.
    pub event_name: &'static str,
    /// `awsRegion`.
    pub aws_region: Region,
    /// `sourceIPAddress`.
    #[serde(rename = "sourceIPAddress", skip_serializing_if = "Option::is_none")]
    pub source_ip_address: Option<String>,
    /// `requestParameters`, without secrets.
    pub request_parameters: Value,
    /// `responseElements`: null for cryptographic operations.
    pub response_elements: Value,
    /// `additionalEventData`: the grant that allowed the call (`{"grantId": …}`), or that
    /// RetireGrant retired; absent otherwise.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub additional_event_data: Value,
    /// `errorCode` of a failed call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    /// `errorMessage` of a failed call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `requestID`.
    #[serde(rename = "requestID")]
    pub request_id: String,
    /// `eventID`.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// `readOnly`.
    pub read_only: bool,
    /// `resources`: the keys the call touched.
    pub resources: Vec<AuditResource>,
    /// `eventType`: `AwsApiCall`, or `AwsServiceEvent` for KMS's own events.
    pub event_type: &'static str,
    /// `managementEvent`: always true for KMS.
    pub management_event: bool,
    /// `recipientAccountId`.
    pub recipient_account_id: AccountId,
    /// `eventCategory`: `Management`.
    pub event_category: &'static str,
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for AccountId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for KeyArn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for PrincipalArn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Counts of audit events, kept whatever the sink.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditCounts {
    /// Every event.
    pub total: u64,
    /// Events that recorded an error.
    pub errors: u64,
    /// Events by `eventName`.
    pub by_event_name: BTreeMap<&'static str, u64>,
}

/// The audit log of one engine.
#[derive(Debug)]
pub struct AuditLog {
    sink: AuditSink,
    records: VecDeque<AuditRecord>,
    /// Calls by operation (indexed by `Operation as usize`): an array, not a map, because
    /// every call of a simulation bumps it.
    calls: [u64; Operation::ALL.len()],
    errors: u64,
    /// KMS's own events (DeleteKey, …) by name.
    service_events: BTreeMap<&'static str, u64>,
}

impl AuditLog {
    pub(crate) fn new(sink: AuditSink) -> Self {
        Self {
            sink,
            records: VecDeque::new(),
            calls: [0; Operation::ALL.len()],
            errors: 0,
            service_events: BTreeMap::new(),
        }
    }

    /// Whether records are built at all; with [`AuditSink::CountOnly`] they are not, so
    /// large simulations pay only for a counter.
    pub(crate) fn keeps_records(&self) -> bool {
        !matches!(self.sink, AuditSink::CountOnly | AuditSink::Ring { capacity: 0 })
    }

    pub(crate) fn count_call(&mut self, operation: Operation, is_error: bool) {
        self.calls[operation as usize] += 1;
        self.errors += u64::from(is_error);
    }

    pub(crate) fn count_service_event(&mut self, event_name: &'static str) {
        *self.service_events.entry(event_name).or_default() += 1;
    }

    pub(crate) fn push(&mut self, record: AuditRecord) {
        if let AuditSink::Ring { capacity } = self.sink {
            while self.records.len() >= capacity {
                self.records.pop_front();
            }
        }
        self.records.push_back(record);
    }

    /// The kept records, oldest first.
    pub fn records(&self) -> impl ExactSizeIterator<Item = &AuditRecord> {
        self.records.iter()
    }

    /// Removes and returns the kept records, oldest first.
    pub fn drain(&mut self) -> Vec<AuditRecord> {
        self.records.drain(..).collect()
    }

    /// The counts of every event so far.
    #[must_use]
    pub fn counts(&self) -> AuditCounts {
        let calls = Operation::ALL.iter().map(|&op| (op.as_str(), self.calls[op as usize]));
        let by_event_name: BTreeMap<&'static str, u64> = calls
            .chain(self.service_events.iter().map(|(&name, &n)| (name, n)))
            .filter(|&(_, n)| n > 0)
            .collect();
        AuditCounts { total: by_event_name.values().sum(), errors: self.errors, by_event_name }
    }

    /// The sink chosen at construction.
    #[must_use]
    pub const fn sink(&self) -> AuditSink {
        self.sink
    }
}

/// The identity of the caller, for `userIdentity`.
/// CloudTrail's identity of an AWS service principal calling as itself: type
/// `AWSService`, the service as `invokedBy`, no ARN.
pub(crate) fn service_identity(service: &str, account: AccountId) -> UserIdentity {
    UserIdentity {
        identity_type: Some("AWSService"),
        arn: None,
        account_id: account,
        invoked_by: Some(service.to_owned()),
    }
}

pub(crate) fn caller_identity(principal: &PrincipalArn, via: Option<&str>) -> UserIdentity {
    UserIdentity {
        identity_type: Some(principal.identity_type()),
        arn: Some(principal.as_str().to_owned()),
        account_id: principal.account(),
        invoked_by: via.map(str::to_owned),
    }
}
