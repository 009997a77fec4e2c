//! Properties over random policies and requests drawn from a small vocabulary (so that
//! statements often apply): more Deny never allows, less Allow never allows, and the same
//! inputs always give the same decision.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::id::AccountId;
use crate::policy::{Caller, Decision, PolicyDocument, PolicySet, RequestContext, evaluate};

const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const CALLERS: &[&str] = &[
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:iam::444455556666:user/eve",
    "arn:aws:iam::444455556666:root",
    "service:s3.amazonaws.com",
];

const ACTIONS: &[&str] =
    &["kms:Encrypt", "kms:Decrypt", "kms:GetKeyPolicy", "kms:ScheduleKeyDeletion"];

fn principal(i: usize) -> Value {
    match i {
        0 => json!("*"),
        1 => json!({"AWS": "111122223333"}),
        2 => json!({"AWS": "arn:aws:iam::111122223333:user/alice"}),
        3 => json!({"AWS": "444455556666"}),
        4 => {
            json!({"AWS": ["arn:aws:iam::111122223333:role/app", "arn:aws:iam::444455556666:user/eve"]})
        }
        _ => json!({"Service": "s3.amazonaws.com"}),
    }
}

fn action(i: usize) -> Value {
    match i {
        0 => json!("kms:*"),
        1 => json!("kms:Encrypt"),
        2 => json!("kms:Get*"),
        3 => json!("kms:De*"),
        4 => json!("*"),
        5 => json!(["kms:Encrypt", "kms:Decrypt"]),
        _ => json!("kms:?ncrypt"),
    }
}

fn resource(i: usize) -> Value {
    match i {
        0 => json!("*"),
        1 => json!(KEY),
        2 => json!("arn:aws:kms:*:111122223333:key/*"),
        _ => json!("arn:aws:kms:*:444455556666:key/*"),
    }
}

fn condition(i: usize) -> Value {
    match i {
        0 => json!({"StringEquals": {"kms:EncryptionContext:dept": "IT"}}),
        1 => json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["dept", "app"]}}),
        2 => json!({"ForAnyValue:StringLike": {"kms:EncryptionContextKeys": "d*"}}),
        3 => json!({"Null": {"aws:SourceVpce": "true"}}),
        4 => json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        5 => json!({"StringNotEqualsIfExists": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}),
        _ => json!({"Bool": {"kms:MultiRegion": "false"}}),
    }
}

/// One statement, by vocabulary index.
#[derive(Clone, Debug)]
struct Spec {
    deny: bool,
    not_principal: bool,
    principal: usize,
    not_action: bool,
    action: usize,
    resource: usize,
    condition: Option<usize>,
}

fn arb_spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        any::<bool>(),
        0..6usize,
        prop::bool::weighted(0.2),
        0..7usize,
        0..4usize,
        prop::option::of(0..7usize),
    )
        .prop_map(
            |(deny, not_principal, principal, not_action, action, resource, condition)| Spec {
                deny,
                not_principal,
                principal,
                not_action,
                action,
                resource,
                condition,
            },
        )
}

impl Spec {
    fn render(&self, key_policy: bool) -> Value {
        let mut statement = serde_json::Map::new();
        statement.insert("Effect".into(), json!(if self.deny { "Deny" } else { "Allow" }));
        if key_policy {
            // NotPrincipal is only valid with Deny.
            let element =
                if self.deny && self.not_principal { "NotPrincipal" } else { "Principal" };
            statement.insert(element.into(), principal(self.principal));
        }
        let element = if self.not_action { "NotAction" } else { "Action" };
        statement.insert(element.into(), action(self.action));
        statement.insert("Resource".into(), resource(self.resource));
        if let Some(c) = self.condition {
            statement.insert("Condition".into(), condition(c));
        }
        Value::Object(statement)
    }
}

/// A request, by vocabulary index.
#[derive(Clone, Debug)]
struct Request {
    caller: usize,
    action: usize,
    context: usize,
    source_ip: bool,
    vpce: bool,
    via_ec2: bool,
    multi_region: bool,
}

fn arb_request() -> impl Strategy<Value = Request> {
    (
        0..CALLERS.len(),
        0..ACTIONS.len(),
        0..3usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(caller, action, context, source_ip, vpce, via_ec2, multi_region)| {
            Request { caller, action, context, source_ip, vpce, via_ec2, multi_region }
        })
}

impl Request {
    fn context(&self) -> RequestContext<'static> {
        let name = CALLERS[self.caller];
        let caller = match name.strip_prefix("service:") {
            Some(service) => Caller::service(service),
            None => Caller::from_principal(&name.parse().unwrap()).into_owned(),
        };
        let pairs: &[(&str, &str)] = match self.context {
            0 => &[],
            1 => &[("dept", "IT")],
            _ => &[("dept", "HR"), ("app", "x")],
        };
        let mut ctx = RequestContext::new(caller, ACTIONS[self.action], KEY)
            .with_encryption_context(pairs.iter().copied())
            .with_multi_region(self.multi_region);
        if self.source_ip {
            ctx = ctx.with_source_ip("203.0.113.8".parse().unwrap());
        }
        if self.vpce {
            ctx = ctx.with_source_vpce("vpce-1");
        }
        if self.via_ec2 {
            ctx = ctx.with_via_service("ec2.us-east-1.amazonaws.com");
        }
        ctx
    }
}

/// Everything one decision depends on.
#[derive(Clone, Debug)]
struct Scenario {
    key: Vec<Spec>,
    identity: Vec<Vec<Spec>>,
    grant: bool,
    request: Request,
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(arb_spec(), 0..5),
        prop::collection::vec(prop::collection::vec(arb_spec(), 0..4), 0..3),
        prop::bool::weighted(0.1),
        arb_request(),
    )
        .prop_map(|(key, identity, grant, request)| Scenario { key, identity, grant, request })
}

fn document(specs: &[Spec], key_policy: bool) -> String {
    let statements: Vec<Value> = specs.iter().map(|s| s.render(key_policy)).collect();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

impl Scenario {
    fn decide(&self) -> Decision {
        let key_policy = PolicyDocument::parse_key_policy(&document(&self.key, true)).unwrap();
        let identity: Vec<PolicyDocument> = self
            .identity
            .iter()
            .map(|specs| PolicyDocument::parse_identity_policy(&document(specs, false)).unwrap())
            .collect();
        let policies = PolicySet {
            key_policy: &key_policy,
            key_account: AccountId::new(111_122_223_333).unwrap(),
            identity_policies: &identity,
            grant_allows: self.grant,
        };
        evaluate(&policies, &self.request.context())
    }

    /// Where `(in_key, policy, index)` points, modulo the sizes, as a statement list to
    /// change: the key policy's, or one identity policy's (created if there is none).
    fn target(&mut self, in_key: bool, policy: usize) -> &mut Vec<Spec> {
        if in_key {
            return &mut self.key;
        }
        if self.identity.is_empty() {
            self.identity.push(Vec::new());
        }
        let n = self.identity.len();
        &mut self.identity[policy % n]
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_allows(
        scenario in arb_scenario(),
        deny in arb_spec(),
        in_key in any::<bool>(),
        policy in any::<usize>(),
        position in any::<usize>(),
    ) {
        let before = scenario.decide();
        let mut changed = scenario;
        let statements = changed.target(in_key, policy);
        let at = position % (statements.len() + 1);
        statements.insert(at, Spec { deny: true, ..deny });
        let after = changed.decide();
        prop_assert!(before.is_allowed() || !after.is_allowed(), "{before:?} became {after:?}");
    }

    #[test]
    fn removing_an_allow_never_allows(
        scenario in arb_scenario(),
        in_key in any::<bool>(),
        policy in any::<usize>(),
        pick in any::<usize>(),
    ) {
        let before = scenario.decide();
        let mut changed = scenario;
        let statements = changed.target(in_key, policy);
        let allows: Vec<usize> = (0..statements.len()).filter(|&i| !statements[i].deny).collect();
        prop_assume!(!allows.is_empty());
        statements.remove(allows[pick % allows.len()]);
        let after = changed.decide();
        prop_assert!(before.is_allowed() || !after.is_allowed(), "{before:?} became {after:?}");
    }

    #[test]
    fn adding_an_allow_never_denies(
        scenario in arb_scenario(),
        allow in arb_spec(),
        in_key in any::<bool>(),
        policy in any::<usize>(),
    ) {
        let before = scenario.decide();
        let mut changed = scenario;
        changed.target(in_key, policy).push(Spec { deny: false, ..allow });
        let after = changed.decide();
        prop_assert!(!before.is_allowed() || after.is_allowed(), "{before:?} became {after:?}");
    }

    #[test]
    fn evaluation_is_deterministic(scenario in arb_scenario()) {
        let text = document(&scenario.key, true);
        let (a, b) = (PolicyDocument::parse_key_policy(&text), PolicyDocument::parse_key_policy(&text));
        prop_assert_eq!(a, b);
        // `decide` parses the documents and builds the request anew each time.
        let first = scenario.decide();
        prop_assert_eq!(scenario.decide(), first);
        prop_assert_eq!(scenario.decide(), first);
    }
}
