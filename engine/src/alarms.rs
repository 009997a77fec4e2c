//! Alarms on the audit stream, as a monitoring system raises them from CloudTrail: rules
//! evaluated over every call's audit event, in the engine's time.
//!
//! ```
//! use engine::alarms::{AlarmKind, AlarmRule};
//! use engine::api::{CreateKeyRequest, DisableKeyRequest, EncryptRequest};
//! use engine::{CallContext, Engine, EngineConfig, Region, Timestamp};
//!
//! let rule = AlarmRule::DisabledKeyUsed {
//!     name: "disabled key still called".to_owned(),
//!     operation: None,
//!     window_s: 300,
//! };
//! let mut kms = Engine::new(EngineConfig::new(Region::US_EAST_1, 42).with_alarm_rules(vec![rule]));
//! let ctx = CallContext::new("arn:aws:iam::111122223333:role/app".parse()?, Timestamp::from_unix_seconds(1_796_025_600));
//!
//! let key = kms.create_key(&ctx, CreateKeyRequest::new())?.key_id();
//! kms.disable_key(&ctx, DisableKeyRequest::new(key))?;
//! assert!(kms.encrypt(&ctx, EncryptRequest::new(key, "order 42")).is_err());
//!
//! let alarm = &kms.alarms()[0];
//! assert_eq!((alarm.kind, alarm.count), (AlarmKind::DisabledKeyUsed, 1));
//! assert_eq!(alarm.sample.error_code, Some("DisabledException"));
//! # Ok::<(), engine::KmsError>(())
//! ```
//!
//! # What a rule counts
//!
//! Each call is seen as its audit record would show it (whatever the audit sink, so
//! [`crate::audit::AuditSink::CountOnly`] works): its operation, its error code, the caller,
//! and the keys in its `resources`. A per-key rule counts a call once for each key it names
//! (ReEncrypt names two); a call that names no key (a throttled call, a key that was not
//! found) counts only for per-account rules, in the caller's account. KMS's own events
//! (DeleteKey at the end of a deletion window) are not calls and count for nothing.
//!
//! - [`AlarmRule::ErrorRate`]: failed calls with one error code.
//! - [`AlarmRule::CallVolume`]: calls of any outcome (a runaway client).
//! - [`AlarmRule::KeyPendingDeletionUsed`]: calls refused (`KMSInvalidStateException`)
//!   because the key they name is pending deletion. This is AWS's documented alarm, a
//!   CloudWatch metric filter on the "is pending deletion" error message
//!   (<https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html>):
//!   operations the state allows (DescribeKey, CancelKeyDeletion) do not trigger it, since
//!   that is the operator, not a dependent who still needs the key.
//! - [`AlarmRule::DisabledKeyUsed`]: calls refused (`DisabledException`) because the key
//!   is disabled; EnableKey and DescribeKey on a disabled key succeed and do not count.
//!
//! # Windows and hysteresis
//!
//! A rule's condition holds at time `t` when more than `threshold` matching events fell in
//! the window `(t − window_s, t]`: the newest and the oldest of `threshold + 1` events are
//! less than `window_s` apart. The key-state rules have a threshold of 0: one event fires.
//!
//! The condition is evaluated at each matching event.
//!
//! - The alarm is raised once, by the event at which the condition first holds; it starts
//!   at the oldest of those `threshold + 1` events.
//! - While it is raised, every further matching event adds to its `count` and moves its
//!   `last_event_time`: one alarm per incident, not one per event.
//! - It re-arms once a whole window has passed since the last event at which the
//!   condition held; the next event at which it holds raises a new alarm. For the key-state
//!   rules that is `window_s` without a refused call. Waiting a window, rather than
//!   re-arming as soon as the count drops, keeps a rate hovering at the threshold (each new
//!   event pushing the oldest out) from raising an alarm every few events.
//!
//! Time is the engine's clock at the call: the call's `now`, as long as callers move time
//! forward (see [`crate::CallContext`]), so the same calls at the same times raise the same
//! alarms.
//!
//! # Cost
//!
//! With no rule configured, a call pays one `is_empty` branch. With rules, a call pays a
//! comparison per rule, and one `BTreeMap` lookup per rule it matches. Each (rule, key or
//! account) keeps at most `threshold + 1` timestamps of 8 bytes, and only while they fall
//! in its window. The windows of keys and accounts that stopped matching are dropped in a
//! sweep whenever a rule's map has doubled since its last sweep, so memory follows the keys
//! active within a window, not every key ever seen.
//!
//! Alarms hold ids, names, times and counts: never a plaintext, a ciphertext or key
//! material, which audit records do not hold either.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::CallContext;
use crate::api::Operation;
use crate::error::ErrorKind;
use crate::id::{AccountId, KeyArn, PrincipalArn, Region};
use crate::spec::KeyState;
use crate::time::{NANOS_PER_SECOND, Timestamp};

/// The window of the key-state rules unless a rule sets one [s]: five minutes.
pub const KEY_STATE_WINDOW_S: u64 = 300;

/// A rule a monitoring system evaluates over the audit stream.
///
/// Deserialised from a table with a `kind` (`error_rate`, `key_pending_deletion_used`,
/// `disabled_key_used`, `call_volume`) and that kind's fields; unknown fields are refused.
/// `error_code` is an AWS exception name (`"AccessDeniedException"`), `operation` an AWS
/// operation name (`"Decrypt"`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AlarmRule {
    /// More than `threshold` calls that failed with `error_code` within `window_s`: for
    /// example more than 5 AccessDeniedException on Decrypt for one key within a minute.
    ErrorRate {
        /// The rule's name, which its alarms carry.
        name: String,
        /// The error the calls failed with.
        #[serde(with = "aws_code")]
        error_code: ErrorKind,
        /// Only calls of this operation; `None` for every operation.
        #[serde(default, with = "operation_name", skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// How many calls within the window are still normal; one more raises the alarm.
        threshold: u64,
        /// The sliding window [s].
        window_s: u64,
        /// Count per key (true, the default) or per calling account (false).
        #[serde(default = "yes")]
        per_key: bool,
    },
    /// A call refused because the key it names is pending deletion (or pending replica
    /// deletion): someone still needs the key.
    KeyPendingDeletionUsed {
        /// The rule's name, which its alarms carry.
        name: String,
        /// Only calls of this operation; `None` for every operation.
        #[serde(default, with = "operation_name", skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// How long the key must go without such a call before a new one raises a new
        /// alarm [s]; [`KEY_STATE_WINDOW_S`] by default.
        #[serde(default = "key_state_window")]
        window_s: u64,
    },
    /// A call refused because the key it names is disabled: a client still uses it.
    DisabledKeyUsed {
        /// The rule's name, which its alarms carry.
        name: String,
        /// Only calls of this operation; `None` for every operation.
        #[serde(default, with = "operation_name", skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// How long the key must go without such a call before a new one raises a new
        /// alarm [s]; [`KEY_STATE_WINDOW_S`] by default.
        #[serde(default = "key_state_window")]
        window_s: u64,
    },
    /// More than `threshold` calls, whatever their outcome, within `window_s`: a runaway
    /// client.
    CallVolume {
        /// The rule's name, which its alarms carry.
        name: String,
        /// Only calls of this operation; `None` for every operation.
        #[serde(default, with = "operation_name", skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// How many calls within the window are still normal; one more raises the alarm.
        threshold: u64,
        /// The sliding window [s].
        window_s: u64,
        /// Count per key (true, the default) or per calling account (false).
        #[serde(default = "yes")]
        per_key: bool,
    },
}

const fn yes() -> bool {
    true
}

const fn key_state_window() -> u64 {
    KEY_STATE_WINDOW_S
}

impl AlarmRule {
    /// The rule's name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::ErrorRate { name, .. }
            | Self::KeyPendingDeletionUsed { name, .. }
            | Self::DisabledKeyUsed { name, .. }
            | Self::CallVolume { name, .. } => name,
        }
    }

    /// Which kind of rule it is.
    #[must_use]
    pub const fn kind(&self) -> AlarmKind {
        match self {
            Self::ErrorRate { .. } => AlarmKind::ErrorRate,
            Self::KeyPendingDeletionUsed { .. } => AlarmKind::KeyPendingDeletionUsed,
            Self::DisabledKeyUsed { .. } => AlarmKind::DisabledKeyUsed,
            Self::CallVolume { .. } => AlarmKind::CallVolume,
        }
    }

    /// The operation it is limited to, if any.
    #[must_use]
    pub const fn operation(&self) -> Option<Operation> {
        match self {
            Self::ErrorRate { operation, .. }
            | Self::KeyPendingDeletionUsed { operation, .. }
            | Self::DisabledKeyUsed { operation, .. }
            | Self::CallVolume { operation, .. } => *operation,
        }
    }

    /// Matching events within a window that are still normal; 0 for the key-state rules.
    #[must_use]
    pub const fn threshold(&self) -> u64 {
        match self {
            Self::ErrorRate { threshold, .. } | Self::CallVolume { threshold, .. } => *threshold,
            Self::KeyPendingDeletionUsed { .. } | Self::DisabledKeyUsed { .. } => 0,
        }
    }

    /// The window [s].
    #[must_use]
    pub const fn window_s(&self) -> u64 {
        match self {
            Self::ErrorRate { window_s, .. }
            | Self::KeyPendingDeletionUsed { window_s, .. }
            | Self::DisabledKeyUsed { window_s, .. }
            | Self::CallVolume { window_s, .. } => *window_s,
        }
    }

    /// Whether it counts per key (true) or per calling account; the key-state rules are
    /// per key.
    #[must_use]
    pub const fn per_key(&self) -> bool {
        match self {
            Self::ErrorRate { per_key, .. } | Self::CallVolume { per_key, .. } => *per_key,
            Self::KeyPendingDeletionUsed { .. } | Self::DisabledKeyUsed { .. } => true,
        }
    }
}

/// Checks a set of rules before an engine gets them: every rule has a name, no two share
/// one (names identify the alarms), and every window is at least a second long (an empty
/// window would never fire).
///
/// # Errors
/// A message naming the first rule at fault.
pub fn validate(rules: &[AlarmRule]) -> Result<(), String> {
    for (index, rule) in rules.iter().enumerate() {
        let name = rule.name();
        if name.is_empty() {
            return Err(format!("alarm rule {index} has an empty name"));
        }
        if rules[..index].iter().any(|other| other.name() == name) {
            return Err(format!(
                "two alarm rules are named `{name}`: names identify the alarms they raise"
            ));
        }
        if rule.window_s() == 0 {
            return Err(format!("alarm rule `{name}`: window_s must be at least 1"));
        }
    }
    Ok(())
}

/// The kind of rule that raised an alarm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    /// [`AlarmRule::ErrorRate`].
    ErrorRate,
    /// [`AlarmRule::KeyPendingDeletionUsed`].
    KeyPendingDeletionUsed,
    /// [`AlarmRule::DisabledKeyUsed`].
    DisabledKeyUsed,
    /// [`AlarmRule::CallVolume`].
    CallVolume,
}

impl AlarmKind {
    /// The name in rule files and results: `error_rate`, `key_pending_deletion_used`,
    /// `disabled_key_used`, `call_volume`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ErrorRate => "error_rate",
            Self::KeyPendingDeletionUsed => "key_pending_deletion_used",
            Self::DisabledKeyUsed => "disabled_key_used",
            Self::CallVolume => "call_volume",
        }
    }
}

/// An alarm raised: one incident of one rule for one key (or account). See the module docs
/// for when it starts, grows and ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alarm {
    /// The rule's name.
    pub rule: String,
    /// The rule's kind.
    pub kind: AlarmKind,
    /// The Region of the engine that raised it.
    pub region: Region,
    /// The key, for a per-key rule; `None` for a per-account one.
    pub key_arn: Option<KeyArn>,
    /// The key's account for a per-key rule, the calling account for a per-account one.
    pub account: AccountId,
    /// When the event that made the condition hold happened.
    pub raised_time: Timestamp,
    /// When the oldest event of the window that raised it happened.
    pub first_event_time: Timestamp,
    /// When the latest event counted in it happened.
    pub last_event_time: Timestamp,
    /// Matching events from the first to the last.
    pub count: u64,
    /// The event that raised it.
    pub sample: AlarmSample,
}

/// An event, as its audit record shows it, without the parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlarmSample {
    /// `eventName`: the operation.
    pub event_name: &'static str,
    /// `errorCode`, for a failed call.
    pub error_code: Option<&'static str>,
    /// `sourceIPAddress`: the caller's IP address, or the AWS service that called.
    pub source_ip_address: Option<String>,
    /// `userIdentity.arn`: the caller.
    pub principal_arn: PrincipalArn,
}

/// What the evaluator sees of one call: what its audit record would say.
#[derive(Debug)]
pub(crate) struct CallEvent<'a> {
    /// The engine's clock at the call.
    pub(crate) time: Timestamp,
    pub(crate) operation: Operation,
    pub(crate) error: Option<ErrorKind>,
    /// The keys the record's `resources` name.
    pub(crate) keys: &'a [Option<KeyArn>],
    pub(crate) ctx: &'a CallContext,
}

/// What a rule counts for: a key, or the calling account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Key(KeyArn),
    Account(AccountId),
}

/// The sliding window of one (rule, group).
#[derive(Debug, Default)]
struct Window {
    /// The newest matching events still inside the window, oldest first; at most
    /// `threshold + 1`, because all the rule asks is whether that many fit in one window.
    times: VecDeque<Timestamp>,
    /// The raised alarm this group's events add to (an index into `raised`), until it
    /// re-arms.
    active: Option<usize>,
    /// The last event at which the condition held.
    last_held: Timestamp,
}

/// Which of a call's groups a matching rule counts it for.
#[derive(Clone, Copy, Debug)]
enum Scope {
    EveryKey,
    Account,
    KeysIn(fn(KeyState) -> bool),
}

/// The rules of one engine, their windows and the alarms raised so far.
#[derive(Debug)]
pub(crate) struct AlarmEvaluator {
    region: Region,
    rules: Vec<AlarmRule>,
    /// Per rule (same index), its windows by group: a `BTreeMap` so nothing depends on hash
    /// order.
    windows: Vec<BTreeMap<Group, Window>>,
    /// Per rule, the map size at which its next sweep runs.
    sweep_at: Vec<usize>,
    raised: Vec<Alarm>,
}

/// The smallest map size that triggers a sweep: below it, the memory is not worth a pass.
const SWEEP_MIN_WINDOWS: usize = 1_024;

impl AlarmEvaluator {
    pub(crate) fn new(region: Region, rules: Vec<AlarmRule>) -> Self {
        let windows = rules.iter().map(|_| BTreeMap::new()).collect();
        let sweep_at = vec![SWEEP_MIN_WINDOWS; rules.len()];
        Self { region, rules, windows, sweep_at, raised: Vec::new() }
    }

    /// Whether there is no rule: the call path checks this and nothing else.
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub(crate) fn rules(&self) -> &[AlarmRule] {
        &self.rules
    }

    pub(crate) fn raised(&self) -> &[Alarm] {
        &self.raised
    }

    /// Counts one call against every rule. `state_of` gives a key's state as callers see
    /// it; it is asked only for the keys of a refused call that a key-state rule matches.
    /// A refused call changed nothing, so the state after it is the state it was refused
    /// for.
    pub(crate) fn observe(
        &mut self,
        event: &CallEvent<'_>,
        state_of: impl Fn(&KeyArn) -> Option<KeyState>,
    ) {
        for index in 0..self.rules.len() {
            let rule = &self.rules[index];
            if rule.operation().is_some_and(|operation| operation != event.operation) {
                continue;
            }
            let per_key_or_account =
                |per_key| if per_key { Scope::EveryKey } else { Scope::Account };
            let scope = match *rule {
                AlarmRule::ErrorRate { error_code, per_key, .. } => {
                    if event.error != Some(error_code) {
                        continue;
                    }
                    per_key_or_account(per_key)
                }
                AlarmRule::CallVolume { per_key, .. } => per_key_or_account(per_key),
                AlarmRule::KeyPendingDeletionUsed { .. } => {
                    if event.error != Some(ErrorKind::KmsInvalidState) {
                        continue;
                    }
                    Scope::KeysIn(|state| {
                        matches!(
                            state,
                            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
                        )
                    })
                }
                AlarmRule::DisabledKeyUsed { .. } => {
                    if event.error != Some(ErrorKind::Disabled) {
                        continue;
                    }
                    Scope::KeysIn(|state| state == KeyState::Disabled)
                }
            };
            match scope {
                Scope::Account => self.hit(index, Group::Account(event.ctx.account()), event),
                Scope::EveryKey => {
                    for &arn in event.keys.iter().flatten() {
                        self.hit(index, Group::Key(arn), event);
                    }
                }
                Scope::KeysIn(in_state) => {
                    for &arn in event.keys.iter().flatten() {
                        if state_of(&arn).is_some_and(in_state) {
                            self.hit(index, Group::Key(arn), event);
                        }
                    }
                }
            }
        }
    }

    /// One matching event for rule `index` and `group`: slides the window, then raises,
    /// grows or re-arms the group's alarm.
    fn hit(&mut self, index: usize, group: Group, event: &CallEvent<'_>) {
        let rule = &self.rules[index];
        let threshold = rule.threshold();
        let window_ns = rule.window_s().saturating_mul(NANOS_PER_SECOND);
        let keep = usize::try_from(threshold.saturating_add(1)).unwrap_or(usize::MAX);
        let now = event.time;
        if self.windows[index].len() >= self.sweep_at[index] {
            // A window whose events have all left it, and whose alarm (if any) would re-arm
            // at the next event, is the same as no window: dropping it changes no outcome.
            self.windows[index].retain(|_, window| {
                let events_left =
                    window.times.back().is_none_or(|&t| t.plus_nanos(window_ns) <= now);
                let rearms =
                    window.active.is_none() || now >= window.last_held.plus_nanos(window_ns);
                !(events_left && rearms)
            });
            self.sweep_at[index] = (2 * self.windows[index].len()).max(SWEEP_MIN_WINDOWS);
        }
        let window = self.windows[index].entry(group).or_default();
        // Re-arm first: an alarm whose condition has not held for a whole window is over,
        // and this event may start a new one.
        if window.active.is_some() && now >= window.last_held.plus_nanos(window_ns) {
            window.active = None;
        }
        while window.times.front().is_some_and(|&t| t.plus_nanos(window_ns) <= now) {
            window.times.pop_front();
        }
        window.times.push_back(now);
        if window.times.len() > keep {
            window.times.pop_front();
        }
        let in_window = u64::try_from(window.times.len()).unwrap_or(u64::MAX);
        let oldest = window.times.front().copied().unwrap_or(now);
        let holds = in_window > threshold;
        if holds {
            window.last_held = now;
        }
        match window.active {
            Some(active) => {
                let alarm = &mut self.raised[active];
                alarm.last_event_time = now;
                alarm.count += 1;
            }
            None if holds => {
                window.active = Some(self.raised.len());
                let (key_arn, account) = match group {
                    Group::Key(arn) => (Some(arn), arn.account),
                    Group::Account(account) => (None, account),
                };
                let ctx = event.ctx;
                self.raised.push(Alarm {
                    rule: rule.name().to_owned(),
                    kind: rule.kind(),
                    region: self.region,
                    key_arn,
                    account,
                    raised_time: now,
                    first_event_time: oldest,
                    last_event_time: now,
                    count: in_window,
                    sample: AlarmSample {
                        event_name: event.operation.as_str(),
                        error_code: event.error.map(ErrorKind::aws_code),
                        // As the audit record's `sourceIPAddress`.
                        source_ip_address: ctx
                            .source_ip
                            .map(|ip| ip.to_string())
                            .or_else(|| ctx.service_principal.clone()),
                        principal_arn: ctx.principal.clone(),
                    },
                });
            }
            None => {}
        }
    }
}

/// `error_code` as its AWS exception name.
mod aws_code {
    use serde::de::Error as _;
    use serde::{Deserialize as _, Deserializer, Serializer};

    use crate::error::ErrorKind;

    pub(super) fn serialize<S: Serializer>(kind: &ErrorKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.aws_code())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ErrorKind, D::Error> {
        let code = String::deserialize(d)?;
        ErrorKind::from_aws_code(&code).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown error code `{code}`: expected an AWS KMS exception name such as AccessDeniedException"
            ))
        })
    }
}

/// `operation` as its AWS name.
mod operation_name {
    use serde::de::Error as _;
    use serde::{Deserialize as _, Deserializer, Serializer};

    use crate::api::Operation;

    pub(super) fn serialize<S: Serializer>(
        operation: &Option<Operation>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match operation {
            Some(operation) => s.serialize_str(operation.as_str()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Operation>, D::Error> {
        let name = String::deserialize(d)?;
        Operation::ALL.iter().copied().find(|o| o.as_str() == name).map(Some).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown operation `{name}`: expected an AWS KMS operation name such as Decrypt"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{KeyId, PrincipalArn};

    fn key(n: u32) -> KeyArn {
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&n.to_be_bytes());
        KeyArn {
            region: Region::US_EAST_1,
            account: AccountId::new(111_122_223_333).unwrap(),
            key_id: KeyId::single_region(bytes),
        }
    }

    /// More than one call to a key within a second raises an alarm for that key.
    fn busy_key_rule() -> AlarmRule {
        AlarmRule::CallVolume {
            name: "busy".to_owned(),
            operation: None,
            per_key: true,
            threshold: 1,
            window_s: 1,
        }
    }

    #[test]
    fn windows_of_keys_no_longer_called_are_dropped_without_changing_an_outcome() {
        let mut alarms = AlarmEvaluator::new(Region::US_EAST_1, vec![busy_key_rule()]);
        let account = AccountId::new(111_122_223_333).unwrap();
        let ctx = CallContext::new(PrincipalArn::root(account), Timestamp::from_unix_seconds(0));
        let call = |alarms: &mut AlarmEvaluator, n: u32, ms: u64| {
            let keys = [Some(key(n))];
            let time = Timestamp::from_unix_nanos(ms * 1_000_000);
            let event = CallEvent {
                time,
                operation: Operation::Encrypt,
                error: None,
                keys: &keys,
                ctx: &ctx,
            };
            alarms.observe(&event, |_| None);
        };
        // Key 0 is called twice within a second: an alarm, still active when the sweeps run.
        call(&mut alarms, 0, 0);
        call(&mut alarms, 0, 500);
        // 20,000 other keys, one call each, 1 ms apart: about 1,000 within any window.
        for n in 1..=20_000 {
            call(&mut alarms, n, 500 + u64::from(n));
        }
        let live = alarms.windows[0].len();
        assert!(live <= 3 * SWEEP_MIN_WINDOWS, "{live} windows kept of 20,001 keys");
        assert_eq!(alarms.raised().len(), 1, "one call per key raises nothing");
        // A swept key behaves as a new one: one call does not raise, a second within the
        // window does.
        call(&mut alarms, 1, 30_000);
        assert_eq!(alarms.raised().len(), 1);
        call(&mut alarms, 1, 30_100);
        assert_eq!(alarms.raised().len(), 2);
        assert_eq!(alarms.raised()[1].count, 2);
    }
}
