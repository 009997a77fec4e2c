//! What to simulate, as plain data: the world, the keys, the workloads, the faults and the
//! clients. Tests and the command line build a [`Scenario`] in code; the TOML scenario files
//! map onto the same structure.

use engine::alarms::AlarmRule;
use engine::api::Operation;
use engine::crypto::ProviderKind;
use engine::quota::QuotaConfig;
use engine::spec::{DataKeyPairSpec, KeySpec, KeyUsage};
use engine::{AccountId, Region};

use crate::dist::Dist;
use crate::pricing::{Catalog, MONTH_30_DAYS_S};
use crate::retry::RetryConfig;

/// Nanoseconds in a second [ns].
pub const SECOND_NS: u64 = 1_000_000_000;
/// Nanoseconds in a millisecond [ns].
pub const MILLISECOND_NS: u64 = 1_000_000;

/// One simulation's input.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// A short name, for reports.
    pub name: String,
    /// How long the workloads run [ns of simulated time].
    pub duration_ns: u64,
    /// The crypto provider of every Region's engine.
    pub provider: ProviderKind,
    /// Regions, AZs, HSMs and the network between them.
    pub world: World,
    /// Keys created before the workloads start.
    pub keys: Vec<KeyGroup>,
    /// Who calls KMS, how often, with what.
    pub workloads: Vec<Workload>,
    /// What goes wrong, and when.
    pub faults: Vec<Fault>,
    /// Control-plane calls made at given times (rotations, for instance).
    pub actions: Vec<Action>,
    /// Alarm rules every Region's engine evaluates over its audit stream; the report lists
    /// the alarms they raise.
    pub alarms: Vec<AlarmRule>,
    /// IAM identity policies, registered in every Region's engine (IAM is global). A
    /// principal with none is allowed every KMS action, as if its policies allowed `kms:*`.
    pub identity_policies: Vec<IdentityPolicy>,
    /// How long a new, retired or revoked grant takes to take effect in every Region's
    /// engine for callers that present no grant token [ns]; 0 (the default) is at once.
    pub grant_propagation_ns: u64,
    /// How the SDK clients behave.
    pub client: ClientConfig,
    /// Time-series resolution [ns]; one row per interval.
    pub interval_ns: u64,
    /// The price catalog the run's cost is accrued with.
    pub pricing: Catalog,
    /// The month costs are projected to [s]; 30 days by default.
    pub month_seconds: u64,
    /// Which optional files a results folder gets.
    pub outputs: Outputs,
}

/// Optional parts of a results folder (the summary, CSVs and report are always written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outputs {
    /// The plots (SVG and PNG) under `plots/`.
    pub plots: bool,
    /// `histograms.json`.
    pub histograms: bool,
    /// `timeseries.csv`.
    pub time_series: bool,
}

impl Default for Outputs {
    fn default() -> Self {
        Self { plots: true, histograms: true, time_series: true }
    }
}

impl Scenario {
    /// An empty scenario in `world`: no keys, no workloads, no faults; one-second time series;
    /// the default provider; SDK standard retries with a 10-second attempt timeout.
    #[must_use]
    pub fn new(name: impl Into<String>, world: World, duration_ns: u64) -> Self {
        Self {
            name: name.into(),
            duration_ns,
            provider: ProviderKind::default(),
            world,
            keys: Vec::new(),
            workloads: Vec::new(),
            faults: Vec::new(),
            actions: Vec::new(),
            alarms: Vec::new(),
            identity_policies: Vec::new(),
            grant_propagation_ns: 0,
            client: ClientConfig::default(),
            interval_ns: SECOND_NS,
            pricing: Catalog::aws_2026(),
            month_seconds: MONTH_30_DAYS_S,
            outputs: Outputs::default(),
        }
    }
}

impl Scenario {
    /// A steady mixed load: one Region (us-east-1), three AZs with HSMs for 50% utilisation
    /// at `rate_per_s`, 100 symmetric keys chosen by Zipf (s = 1), and a fleet of SDK clients
    /// (one per 100 requests/s) sending Encrypt 45%, Decrypt 45%, GenerateDataKey 10% of
    /// 1 KiB payloads with one of 8 tenant encryption contexts, Poisson arrivals.
    #[must_use]
    pub fn steady(name: impl Into<String>, rate_per_s: f64, duration_ns: u64) -> Self {
        let mean_service_s = ServiceTimes::default().of(Operation::Encrypt).mean() / 1e9;
        let hsms_per_az =
            crate::dist::round((rate_per_s * mean_service_s / (3.0 * 0.5)).ceil()).max(1);
        let hsms_per_az = u32::try_from(hsms_per_az).unwrap_or(u32::MAX);
        let mut scenario =
            Self::new(name, World::standard(&[Region::US_EAST_1], hsms_per_az), duration_ns);
        scenario.keys.push(KeyGroup::symmetric("app", 100, Region::US_EAST_1));
        let mut app = Workload::poisson("app", Region::US_EAST_1, "app", rate_per_s).with_mix(&[
            (OpKind::Encrypt, 45),
            (OpKind::Decrypt, 45),
            (OpKind::GenerateDataKey, 10),
        ]);
        app.key_choice = KeyChoice::Zipf { exponent: 1.0 };
        app.context_tenants = 8;
        app.sdk_clients = u32::try_from(crate::dist::round(rate_per_s / 100.0)).unwrap_or(1).max(1);
        scenario.workloads.push(app);
        scenario
    }
}

/// The cloud: Regions, and the network between them.
#[derive(Clone, Debug)]
pub struct World {
    /// The Regions, each with its AZs.
    pub regions: Vec<RegionConfig>,
    /// One-way latency between two Regions [ns]; pairs not listed use
    /// [`World::default_inter_region`].
    pub inter_region: Vec<RegionLink>,
    /// The part of replication lag beyond the network: the time the control plane takes to
    /// apply a change in another Region [ns]. AWS publishes no figure (sim-facts §5.6).
    pub replication_delay: Dist,
}

impl World {
    /// A world of `regions`, each with three AZs of `hsms_per_az` HSMs.
    #[must_use]
    pub fn standard(regions: &[Region], hsms_per_az: u32) -> Self {
        Self {
            regions: regions.iter().map(|&r| RegionConfig::three_azs(r, hsms_per_az)).collect(),
            inter_region: Vec::new(),
            replication_delay: Dist::lognormal_ms(500.0, 2_000.0),
        }
    }

    /// The one-way latency from `a` to `b` when no link says otherwise: half the 2017
    /// average ping of sim-facts §5.1 where the table has the pair, else 40 ms, as a
    /// lognormal whose p99 is 5 ms above its median.
    #[must_use]
    pub fn default_inter_region(a: Region, b: Region) -> Dist {
        const RTT_MS: &[(&str, &str, f64)] = &[
            ("us-east-1", "us-west-1", 72.74),
            ("us-east-1", "us-west-2", 86.98),
            ("us-east-1", "eu-west-1", 80.55),
            ("us-east-1", "eu-central-1", 88.66),
            ("us-east-1", "ap-northeast-1", 145.3),
            ("us-east-1", "ap-southeast-1", 216.7),
            ("us-east-1", "ap-southeast-2", 230.0),
            ("us-east-1", "sa-east-1", 119.5),
            ("us-west-2", "us-west-1", 19.2),
            ("us-west-2", "eu-west-1", 137.0),
            ("us-west-2", "ap-northeast-1", 89.1),
            ("eu-west-1", "eu-central-1", 19.56),
            ("eu-west-1", "ap-northeast-1", 212.4),
            ("ap-northeast-1", "ap-southeast-1", 73.79),
        ];
        let (a, b) = (a.as_str(), b.as_str());
        let rtt_ms = RTT_MS
            .iter()
            .find(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a))
            .map_or(80.0, |&(_, _, rtt)| rtt);
        Dist::lognormal_ms(rtt_ms / 2.0, rtt_ms / 2.0 + 5.0)
    }

    /// The latency of the link from `a` to `b`.
    #[must_use]
    pub fn link(&self, a: Region, b: Region) -> Dist {
        self.inter_region
            .iter()
            .find(|link| (link.a == a && link.b == b) || (link.a == b && link.b == a))
            .map_or_else(|| Self::default_inter_region(a, b), |link| link.one_way.clone())
    }
}

/// A network link between two Regions (symmetric).
#[derive(Clone, Debug)]
pub struct RegionLink {
    /// One end.
    pub a: Region,
    /// The other end.
    pub b: Region,
    /// One-way latency [ns].
    pub one_way: Dist,
}

/// One Region: its KMS endpoint, quotas and AZs.
#[derive(Clone, Debug)]
pub struct RegionConfig {
    /// Which Region.
    pub region: Region,
    /// Its request quotas; by default AWS's for the Region (its quota tier).
    pub quotas: QuotaConfig,
    /// Its AZs.
    pub azs: Vec<AzConfig>,
    /// One-way latency between a client in this Region and its endpoint [ns].
    pub client_latency: Dist,
    /// One-way latency from the endpoint's front end to an AZ's HSMs [ns].
    pub inter_az_latency: Dist,
    /// How long the load balancer keeps sending requests to an AZ that went down before it
    /// notices and drains it [ns].
    pub detection_delay_ns: u64,
    /// How long the HSM work of each operation takes.
    pub service_times: ServiceTimes,
    /// `Some(account)`: the AZs' HSMs are that account's CloudHSM cluster (behind a custom
    /// key store), billed per HSM-hour; `None`: they are AWS's fleet, priced into requests.
    pub cloudhsm_account: Option<AccountId>,
}

impl RegionConfig {
    /// `region` with AWS's quotas and three AZs (`a`, `b`, `c`) of `hsms_per_az` HSMs,
    /// unbounded queues, and default latencies (assumptions, sim-facts §5.2–5.3): client to
    /// endpoint lognormal with median 4 ms and p99 20 ms each way, front end to AZ median
    /// 0.5 ms and p99 2 ms, so a symmetric call's client-observed median is about 10 ms;
    /// a load balancer that drains a lost AZ after 5 s; the default service times.
    #[must_use]
    pub fn three_azs(region: Region, hsms_per_az: u32) -> Self {
        Self {
            region,
            quotas: QuotaConfig::default(),
            azs: ["a", "b", "c"]
                .into_iter()
                .map(|suffix| AzConfig {
                    name: format!("{region}{suffix}"),
                    hsms: hsms_per_az,
                    queue_limit: None,
                })
                .collect(),
            client_latency: Dist::lognormal_ms(4.0, 20.0),
            inter_az_latency: Dist::lognormal_ms(0.5, 2.0),
            detection_delay_ns: 5 * SECOND_NS,
            service_times: ServiceTimes::default(),
            cloudhsm_account: None,
        }
    }
}

/// One Availability Zone's HSM pool: `hsms` servers behind one FIFO queue.
#[derive(Clone, Debug)]
pub struct AzConfig {
    /// Its name, e.g. `us-east-1a`.
    pub name: String,
    /// HSMs (servers) [count].
    pub hsms: u32,
    /// Requests that may wait for an HSM; beyond it the AZ answers `ThrottlingException`
    /// at once (as KMS does when a CloudHSM cluster is busy). `None` is unbounded.
    pub queue_limit: Option<u32>,
}

/// HSM service time per operation, and per (operation, key spec) where the key spec matters
/// (an RSA_4096 signature costs several times an RSA_2048 one).
#[derive(Clone, Debug)]
pub struct ServiceTimes {
    /// Operations with their own distribution, whatever the key's spec [ns].
    pub per_operation: Vec<(Operation, Dist)>,
    /// (operation, key spec) pairs with their own distribution, which win over
    /// `per_operation` for calls on a key of that spec [ns].
    pub per_key_spec: Vec<(Operation, KeySpec, Dist)>,
    /// Every other operation [ns].
    pub default: Dist,
}

/// The fixed part of every HSM service time, and of its p99, in the defaults [ms]: what a
/// symmetric call, whose cryptography costs about a microsecond, takes (an assumption: AWS
/// publishes no HSM service time).
pub const HSM_OVERHEAD_MS: (f64, f64) = (1.0, 4.0);

/// The measured cost of the cryptography of key-pair operations, per (operation, key spec)
/// [µs]: aws-lc-rs (the default provider), criterion's median of one operation with the
/// spec's first algorithm and a DER key, from `results/bench/2026-11-30-asymmetric/`
/// (`crypto/asymmetric/aws-lc-rs/<spec>/<operation>`; one run on a shared 2-core VM, ±20%).
///
/// The default service time of such a call is the HSM overhead plus this cost: a lognormal
/// with median `1 + cost` and p99 `4 + cost` [ms, the cost converted], the two quantiles of the symmetric
/// overhead shifted by the cost (its mean is within 2% of the shifted one's). Compared with
/// AWS CloudHSM's published rates (sim-facts §5.4: 2,000 RSA-2048 and 3,000 P-256 signatures
/// a second on two hsm2m.medium HSMs, 1 ms and 0.67 ms an HSM), RSA_2048 Sign (median 2.15
/// ms) and P-256 Sign (1.06 ms) are of the same order, somewhat slower.
pub const KEY_PAIR_CRYPTO_US: &[(Operation, KeySpec, f64)] = &[
    (Operation::Sign, KeySpec::Rsa2048, 1_150.0),
    (Operation::Verify, KeySpec::Rsa2048, 31.0),
    (Operation::Decrypt, KeySpec::Rsa2048, 1_750.0),
    (Operation::Sign, KeySpec::Rsa3072, 3_480.0),
    (Operation::Verify, KeySpec::Rsa3072, 78.2),
    (Operation::Decrypt, KeySpec::Rsa3072, 4_130.0),
    (Operation::Sign, KeySpec::Rsa4096, 6_280.0),
    (Operation::Verify, KeySpec::Rsa4096, 123.8),
    (Operation::Decrypt, KeySpec::Rsa4096, 7_480.0),
    (Operation::Sign, KeySpec::EccNistP256, 55.5),
    (Operation::Verify, KeySpec::EccNistP256, 113.3),
    (Operation::DeriveSharedSecret, KeySpec::EccNistP256, 104.5),
    (Operation::Sign, KeySpec::EccNistP384, 248.2),
    (Operation::Verify, KeySpec::EccNistP384, 371.0),
    (Operation::DeriveSharedSecret, KeySpec::EccNistP384, 349.1),
    (Operation::Sign, KeySpec::EccNistP521, 387.9),
    (Operation::Verify, KeySpec::EccNistP521, 559.7),
    (Operation::DeriveSharedSecret, KeySpec::EccNistP521, 452.3),
    (Operation::Sign, KeySpec::EccSecgP256k1, 737.9),
    (Operation::Verify, KeySpec::EccSecgP256k1, 350.0),
    (Operation::Sign, KeySpec::EccNistEdwards25519, 31.0),
    (Operation::Verify, KeySpec::EccNistEdwards25519, 63.2),
    (Operation::Sign, KeySpec::MlDsa44, 221.6),
    (Operation::Verify, KeySpec::MlDsa44, 51.1),
    (Operation::Sign, KeySpec::MlDsa65, 363.0),
    (Operation::Verify, KeySpec::MlDsa65, 89.2),
    (Operation::Sign, KeySpec::MlDsa87, 505.3),
    (Operation::Verify, KeySpec::MlDsa87, 126.7),
    (Operation::Decrypt, KeySpec::KmsimMlKem768, 160.3),
    (Operation::Decrypt, KeySpec::KmsimMlKem1024, 194.1),
    (Operation::Decrypt, KeySpec::KmsimEccNistP256MlKem768, 281.7),
    // Encrypt to a key pair's public key, through the engine (`engine/encrypt/<spec>/aws-lc-rs`
    // in `results/bench/2026-12-01-key-pairs-engine/`): it runs on the RustCrypto crates in
    // both providers.
    (Operation::Encrypt, KeySpec::Rsa2048, 56.7),
    (Operation::Encrypt, KeySpec::Rsa3072, 128.0),
    (Operation::Encrypt, KeySpec::Rsa4096, 219.0),
    (Operation::Encrypt, KeySpec::KmsimMlKem768, 66.0),
    (Operation::Encrypt, KeySpec::KmsimMlKem1024, 91.5),
    (Operation::Encrypt, KeySpec::KmsimEccNistP256MlKem768, 254.0),
];

/// The measured cost of GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext per pair
/// spec [µs]: the engine's call with aws-lc-rs (`engine/generate-data-key-pair/<spec>/aws-lc-rs`
/// in `results/bench/2026-12-01-key-pairs-engine/`, ten samples on a loaded shared 2-core VM:
/// the RSA figures are about twice the bare key generation measured on a quieter one in
/// `results/bench/2026-11-30-primitives/`), dominated by the key generation (RSA: a random
/// prime search, ±40% from one pair to the next). The default service time adds the HSM
/// overhead as for [`KEY_PAIR_CRYPTO_US`]; it keeps the median and not the prime search's
/// spread.
pub const DATA_KEY_PAIR_CRYPTO_US: &[(KeySpec, f64)] = &[
    (KeySpec::Rsa2048, 62_100.0),
    (KeySpec::Rsa3072, 516_800.0),
    (KeySpec::Rsa4096, 1_240_000.0),
    (KeySpec::EccNistP256, 368.0),
    (KeySpec::EccNistP384, 1_080.0),
    (KeySpec::EccNistP521, 1_170.0),
    (KeySpec::EccSecgP256k1, 552.0),
    (KeySpec::EccNistEdwards25519, 56.9),
    (KeySpec::KmsimMlKem768, 369.0),
    (KeySpec::KmsimMlKem1024, 575.0),
];

impl Default for ServiceTimes {
    /// An assumption, configurable per scenario (AWS publishes no HSM service time): a
    /// symmetric operation holds an HSM for a lognormal time with median 1 ms and p99 4 ms;
    /// GenerateDataKey (which also draws random bytes) and ReEncrypt (two operations) 1.5 ms
    /// and 6 ms; control-plane calls 5 ms and 20 ms. This is the HSM fleet's time, a model
    /// of AWS, not of this machine: the engine's own work per call (about 1 µs, see
    /// `results/bench/`) runs for real inside it. With the default network this gives the
    /// client-observed median of about 10 ms that sim-facts §5.3 reports.
    ///
    /// Key pairs, per (operation, key spec): the overhead plus the measured cost of the
    /// cryptography ([`KEY_PAIR_CRYPTO_US`], [`DATA_KEY_PAIR_CRYPTO_US`] by the pair
    /// generated); where nothing was measured (SM2, which no provider implements), per
    /// operation: Sign 2/8 ms, Verify 1/4 ms, DeriveSharedSecret 2/8 ms, GetPublicKey
    /// 1/4 ms, GenerateDataKeyPair(WithoutPlaintext) 20/80 ms (placeholders).
    fn default() -> Self {
        let (overhead, overhead_p99) = HSM_OVERHEAD_MS;
        let symmetric = Dist::lognormal_ms(overhead, overhead_p99);
        let heavier = Dist::lognormal_ms(1.5, 6.0);
        let control = Dist::lognormal_ms(5.0, 20.0);
        let mut per_operation: Vec<(Operation, Dist)> = [
            Operation::Encrypt,
            Operation::Decrypt,
            Operation::GenerateMac,
            Operation::VerifyMac,
            Operation::DescribeKey,
        ]
        .into_iter()
        .map(|op| (op, symmetric.clone()))
        .collect();
        for op in [
            Operation::GenerateDataKey,
            Operation::GenerateDataKeyWithoutPlaintext,
            Operation::GenerateRandom,
            Operation::ReEncrypt,
        ] {
            per_operation.push((op, heavier.clone()));
        }
        // Key pairs, per operation, for the specs the benches did not measure (placeholders):
        // verification is cheaper than signing, and GenerateDataKeyPair's RSA key
        // generation dominates it.
        per_operation.push((Operation::Sign, Dist::lognormal_ms(2.0, 8.0)));
        per_operation.push((Operation::Verify, Dist::lognormal_ms(1.0, 4.0)));
        per_operation.push((Operation::DeriveSharedSecret, Dist::lognormal_ms(2.0, 8.0)));
        per_operation.push((Operation::GetPublicKey, symmetric));
        for op in [Operation::GenerateDataKeyPair, Operation::GenerateDataKeyPairWithoutPlaintext] {
            per_operation.push((op, Dist::lognormal_ms(20.0, 80.0)));
        }
        let shifted = |cost_us: f64| {
            let cost = cost_us / 1e3;
            Dist::lognormal_ms(overhead + cost, overhead_p99 + cost)
        };
        let mut per_key_spec: Vec<_> = KEY_PAIR_CRYPTO_US
            .iter()
            .map(|&(op, spec, cost_us)| (op, spec, shifted(cost_us)))
            .collect();
        for &(spec, cost_us) in DATA_KEY_PAIR_CRYPTO_US {
            for op in
                [Operation::GenerateDataKeyPair, Operation::GenerateDataKeyPairWithoutPlaintext]
            {
                per_key_spec.push((op, spec, shifted(cost_us)));
            }
        }
        Self { per_operation, per_key_spec, default: control }
    }
}

impl ServiceTimes {
    /// Every operation takes `dist`, whatever the key.
    #[must_use]
    pub const fn uniform(dist: Dist) -> Self {
        Self { per_operation: Vec::new(), per_key_spec: Vec::new(), default: dist }
    }

    /// The distribution of `operation` whatever the key's spec (`per_operation`, else the
    /// default).
    #[must_use]
    pub fn of(&self, operation: Operation) -> &Dist {
        self.per_operation
            .iter()
            .find(|(op, _)| *op == operation)
            .map_or(&self.default, |(_, dist)| dist)
    }

    /// The distribution of `operation` on a key of `spec`: its (operation, spec) entry if
    /// there is one, else [`Self::of`].
    #[must_use]
    pub fn of_key_spec(&self, operation: Operation, spec: KeySpec) -> &Dist {
        self.per_key_spec
            .iter()
            .find(|(op, s, _)| *op == operation && *s == spec)
            .map_or_else(|| self.of(operation), |(_, _, dist)| dist)
    }

    /// Sets `operation` to take `dist` on every key, replacing its per-spec entries too.
    pub fn set(&mut self, operation: Operation, dist: Dist) {
        self.per_key_spec.retain(|(op, _, _)| *op != operation);
        self.per_operation.retain(|(op, _)| *op != operation);
        self.per_operation.push((operation, dist));
    }

    /// Sets `operation` on keys of `spec` to take `dist`.
    pub fn set_for_key_spec(&mut self, operation: Operation, spec: KeySpec, dist: Dist) {
        self.per_key_spec.retain(|(op, s, _)| !(*op == operation && *s == spec));
        self.per_key_spec.push((operation, spec, dist));
    }
}

/// An IAM identity policy attached to a principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityPolicy {
    /// The user or role it is attached to: a workload calls as
    /// `arn:aws:iam::<its keys' account>:role/<workload name>`.
    pub principal: String,
    /// The policy's name, unique per principal.
    pub name: String,
    /// The policy document (JSON).
    pub document: String,
}

/// Keys created before the workloads start.
#[derive(Clone, Debug)]
pub struct KeyGroup {
    /// The name workloads refer to.
    pub name: String,
    /// How many keys.
    pub count: u32,
    /// `SYMMETRIC_DEFAULT`, an HMAC spec, or a key-pair spec (with `usage`).
    pub spec: KeySpec,
    /// The key usage; `None` is the spec's only one (SYMMETRIC_DEFAULT, HMAC). Required for
    /// key pairs, as CreateKey requires it.
    pub usage: Option<KeyUsage>,
    /// The owner's account.
    pub account: AccountId,
    /// The Region the keys are created in (the primary, for multi-Region keys).
    pub region: Region,
    /// Replica Regions; non-empty makes the keys multi-Region.
    pub replicas: Vec<Region>,
    /// Automatic rotation period, if enabled [days].
    pub rotation_period_days: Option<u32>,
    /// Cost-allocation tags, set on the keys and carried into the bill.
    pub tags: Vec<(String, String)>,
    /// The key policy (JSON) of every key of the group, replicas included; `None` for the
    /// account's default policy. A non-default policy is evaluated on every call, as AWS
    /// evaluates it.
    pub policy: Option<String>,
}

impl KeyGroup {
    /// `count` single-Region symmetric keys named `name` in `region`, account 111122223333.
    #[must_use]
    pub fn symmetric(name: impl Into<String>, count: u32, region: Region) -> Self {
        Self {
            name: name.into(),
            count,
            spec: KeySpec::SymmetricDefault,
            usage: None,
            account: DEFAULT_ACCOUNT,
            region,
            replicas: Vec::new(),
            rotation_period_days: None,
            tags: Vec::new(),
            policy: None,
        }
    }

    /// `count` single-Region key pairs of `spec` for `usage`, named `name` in `region`,
    /// account 111122223333.
    #[must_use]
    pub fn key_pair(
        name: impl Into<String>,
        count: u32,
        region: Region,
        spec: KeySpec,
        usage: KeyUsage,
    ) -> Self {
        Self { spec, usage: Some(usage), ..Self::symmetric(name, count, region) }
    }

    /// The usage its keys have: `usage`, else the spec's only one.
    #[must_use]
    pub fn effective_usage(&self) -> Option<KeyUsage> {
        self.usage.or_else(|| match engine::key_pair::usages(self.spec) {
            [only] => Some(*only),
            _ => None,
        })
    }

    /// Whether the simulator can create and drive the group's keys: SYMMETRIC_DEFAULT and
    /// HMAC keys (with their only usage, if one is given), and key pairs with a usage their
    /// spec allows (SIGN_VERIFY, ENCRYPT_DECRYPT, KEY_AGREEMENT), which do not rotate.
    ///
    /// # Errors
    /// What is wrong, for a message.
    pub fn check(&self) -> Result<(), String> {
        let spec = self.spec;
        let allowed = engine::key_pair::usages(spec);
        match self.usage {
            None if spec.is_asymmetric() => {
                let names: Vec<String> = allowed.iter().map(|u| format!("\"{u}\"")).collect();
                return Err(format!(
                    "a key pair needs a usage (CreateKey requires KeyUsage for {spec}): expected usage = {}",
                    names.join(" or ")
                ));
            }
            Some(usage) if !allowed.contains(&usage) => {
                let names: Vec<&str> = allowed.iter().map(|u| u.as_str()).collect();
                return Err(format!(
                    "usage {usage} is not allowed for {spec}: expected {}",
                    names.join(" or ")
                ));
            }
            _ => {}
        }
        if spec.is_asymmetric() && self.rotation_period_days.is_some() {
            return Err(format!("{spec} keys do not rotate: remove rotation_period_days"));
        }
        Ok(())
    }

    /// Why a workload on this group cannot send `op`, or `None` if it can.
    #[must_use]
    pub fn refuses(&self, op: OpKind) -> Option<String> {
        let needs = op.fits(self.spec, self.effective_usage()).err()?;
        let has = match self.effective_usage() {
            Some(usage) if self.spec.is_asymmetric() => format!("{} {usage} keys", self.spec),
            _ => format!("{} keys", self.spec),
        };
        Some(format!("{} needs {needs}, and key group {} has {has}", op.as_str(), self.name))
    }

    /// The same keys, multi-Region, replicated to `replicas`.
    #[must_use]
    pub fn with_replicas(mut self, replicas: &[Region]) -> Self {
        self.replicas = replicas.to_vec();
        self
    }
}

/// The account of keys and callers unless a scenario says otherwise.
pub const DEFAULT_ACCOUNT: AccountId = match AccountId::new(111_122_223_333) {
    Some(account) => account,
    None => panic!("a 12-digit account id"),
};

/// What a workload's requests do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OpKind {
    /// Encrypt the payload under the key.
    Encrypt,
    /// Decrypt a ciphertext an earlier Encrypt or GenerateDataKey of the same key group
    /// produced (an Encrypt first, while there is none).
    Decrypt,
    /// GenerateDataKey (AES_256).
    GenerateDataKey,
    /// GenerateDataKeyWithoutPlaintext (AES_256).
    GenerateDataKeyWithoutPlaintext,
    /// ReEncrypt an earlier ciphertext under the same key.
    ReEncrypt,
    /// GenerateMac over the payload (HMAC keys).
    GenerateMac,
    /// DescribeKey.
    DescribeKey,
    /// GenerateRandom of 32 bytes.
    GenerateRandom,
    /// Envelope encryption of one object of the payload size, as the AWS Encryption SDK
    /// does: a data key from the client's cache, or GenerateDataKey when the cache has none.
    EnvelopeEncrypt,
    /// Sign the payload (RAW, at most 4,096 bytes) with the key's default signing algorithm
    /// ([`engine::key_pair::default_signing_algorithm`]; SIGN_VERIFY key pairs).
    Sign,
    /// Verify the newest signature an earlier Sign with the same key made (one made when
    /// the key was created, until then), against its message.
    Verify,
    /// GetPublicKey (key pairs).
    GetPublicKey,
    /// GenerateDataKeyPair of the workload's `key_pair_spec` under a SYMMETRIC_DEFAULT key;
    /// the encrypted private key joins the key's ciphertexts, so a Decrypt checks it against
    /// the private key returned.
    GenerateDataKeyPair,
    /// GenerateDataKeyPairWithoutPlaintext of the workload's `key_pair_spec`.
    GenerateDataKeyPairWithoutPlaintext,
    /// DeriveSharedSecret (ECDH) with the key group's peer public key (KEY_AGREEMENT key
    /// pairs); the secret is checked against the one the peer derives offline.
    DeriveSharedSecret,
}

impl OpKind {
    /// The name in results.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Encrypt => "Encrypt",
            Self::Decrypt => "Decrypt",
            Self::GenerateDataKey => "GenerateDataKey",
            Self::GenerateDataKeyWithoutPlaintext => "GenerateDataKeyWithoutPlaintext",
            Self::ReEncrypt => "ReEncrypt",
            Self::GenerateMac => "GenerateMac",
            Self::DescribeKey => "DescribeKey",
            Self::GenerateRandom => "GenerateRandom",
            Self::EnvelopeEncrypt => "EnvelopeEncrypt",
            Self::Sign => "Sign",
            Self::Verify => "Verify",
            Self::GetPublicKey => "GetPublicKey",
            Self::GenerateDataKeyPair => "GenerateDataKeyPair",
            Self::GenerateDataKeyPairWithoutPlaintext => "GenerateDataKeyPairWithoutPlaintext",
            Self::DeriveSharedSecret => "DeriveSharedSecret",
        }
    }

    /// Whether requests of this kind can use keys of `spec` with `usage` (`None`: the
    /// spec's only usage), or what they need instead. Symmetric encryption keys encrypt and
    /// make data keys and data key pairs; ENCRYPT_DECRYPT key pairs (RSA, the `KMSIM_ML_KEM`
    /// specs) encrypt and decrypt; HMAC keys MAC; SIGN_VERIFY key pairs sign and verify;
    /// KEY_AGREEMENT key pairs derive shared secrets; every key pair gives its public key,
    /// every key can be described, and GenerateRandom uses none.
    ///
    /// # Errors
    /// What the operation needs (`a SIGN_VERIFY key pair`), for a message.
    pub fn fits(self, spec: KeySpec, usage: Option<KeyUsage>) -> Result<(), &'static str> {
        let needs = match self {
            Self::DescribeKey | Self::GenerateRandom => return Ok(()),
            Self::GenerateMac => {
                if spec.is_hmac() {
                    return Ok(());
                }
                "an HMAC key"
            }
            Self::Sign | Self::Verify => {
                if spec.is_asymmetric() && usage == Some(KeyUsage::SignVerify) {
                    return Ok(());
                }
                "a SIGN_VERIFY key pair"
            }
            Self::GetPublicKey => {
                if spec.is_asymmetric() {
                    return Ok(());
                }
                "a key pair"
            }
            Self::DeriveSharedSecret => {
                if spec.is_asymmetric() && usage == Some(KeyUsage::KeyAgreement) {
                    return Ok(());
                }
                "a KEY_AGREEMENT key pair"
            }
            Self::Encrypt | Self::Decrypt => {
                let pair = spec.is_asymmetric() && usage == Some(KeyUsage::EncryptDecrypt);
                if spec == KeySpec::SymmetricDefault || pair {
                    return Ok(());
                }
                "a SYMMETRIC_DEFAULT key or an ENCRYPT_DECRYPT key pair"
            }
            Self::GenerateDataKey
            | Self::GenerateDataKeyWithoutPlaintext
            | Self::ReEncrypt
            | Self::EnvelopeEncrypt
            | Self::GenerateDataKeyPair
            | Self::GenerateDataKeyPairWithoutPlaintext => {
                if spec == KeySpec::SymmetricDefault {
                    return Ok(());
                }
                "a SYMMETRIC_DEFAULT key"
            }
        };
        Err(needs)
    }

    /// Every kind, in result order.
    pub const ALL: [Self; 15] = [
        Self::Encrypt,
        Self::Decrypt,
        Self::GenerateDataKey,
        Self::GenerateDataKeyWithoutPlaintext,
        Self::ReEncrypt,
        Self::GenerateMac,
        Self::DescribeKey,
        Self::GenerateRandom,
        Self::EnvelopeEncrypt,
        Self::Sign,
        Self::Verify,
        Self::GetPublicKey,
        Self::GenerateDataKeyPair,
        Self::GenerateDataKeyPairWithoutPlaintext,
        Self::DeriveSharedSecret,
    ];

    /// Whether requests of this kind generate a data key pair (of the workload's
    /// `key_pair_spec`).
    #[must_use]
    pub const fn makes_key_pair(self) -> bool {
        matches!(self, Self::GenerateDataKeyPair | Self::GenerateDataKeyPairWithoutPlaintext)
    }
}

/// When requests arrive.
#[derive(Clone, Debug)]
pub enum Arrivals {
    /// Open loop, Poisson [requests/s].
    Poisson {
        /// Mean rate [requests/s].
        rate_per_s: f64,
    },
    /// Open loop, evenly spaced [requests/s].
    Constant {
        /// Rate [requests/s].
        rate_per_s: f64,
    },
    /// Open loop, Poisson with a rate that follows a day:
    /// `mean · (1 − amplitude · cos(2π (t − peak_at) / period))`, peaking at `peak_at_ns`.
    Diurnal {
        /// Mean rate [requests/s].
        mean_per_s: f64,
        /// Relative swing, 0 to 1.
        amplitude: f64,
        /// Length of a cycle [ns].
        period_ns: u64,
        /// When the first peak is [ns from the start].
        peak_at_ns: u64,
    },
    /// Open loop, Poisson at `base_per_s`, and at `burst_per_s` for `length_ns` at the start
    /// of every `period_ns`.
    Bursts {
        /// Rate between bursts [requests/s].
        base_per_s: f64,
        /// Rate during a burst [requests/s].
        burst_per_s: f64,
        /// Time from one burst's start to the next [ns].
        period_ns: u64,
        /// Length of a burst [ns].
        length_ns: u64,
        /// When the first burst starts [ns from the start].
        first_at_ns: u64,
    },
    /// Open loop, replaying arrival times [ns from the start, ascending].
    Trace {
        /// Arrival times [ns].
        times_ns: Vec<u64>,
    },
    /// Closed loop: `clients` callers, each sending its next request a think time after its
    /// previous one completed.
    Closed {
        /// Concurrent callers.
        clients: u32,
        /// Think time between a response and the next request [ns].
        think: Dist,
    },
}

impl Arrivals {
    /// Parses a trace: a CSV with a header line `time_ms` and one arrival time per line
    /// [ms from the start, decimals allowed], ascending.
    ///
    /// # Errors
    /// The line number and what was wrong with it.
    pub fn trace_from_csv(csv: &str) -> Result<Self, String> {
        let mut lines = csv.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header.trim() == "time_ms" => {}
            _ => return Err("line 1: expected the header `time_ms`".to_owned()),
        }
        let mut times_ns = Vec::new();
        for (index, line) in lines {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let ms: f64 = line.parse().map_err(|_| {
                format!("line {}: expected a time in milliseconds, got `{line}`", index + 1)
            })?;
            if !(ms.is_finite() && ms >= 0.0) {
                return Err(format!("line {}: time must be a non-negative number", index + 1));
            }
            let ns = crate::dist::round(ms * 1e6);
            if times_ns.last().is_some_and(|&last| ns < last) {
                return Err(format!("line {}: times must not go backwards", index + 1));
            }
            times_ns.push(ns);
        }
        Ok(Self::Trace { times_ns })
    }
}

/// Which key of the group a request uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyChoice {
    /// Every key equally likely.
    Uniform,
    /// Zipf over the group's keys: key `k` (from 1) with weight `1/k^exponent`.
    Zipf {
        /// The exponent `s` (> 0; 1 is classic Zipf).
        exponent: f64,
    },
}

/// The client-side data-key cache of an envelope-encryption client (the AWS Encryption
/// SDK's caching cryptographic materials manager): an entry is reused until one of its
/// limits would be exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataKeyCache {
    /// Age after which an entry is not used [ns].
    pub max_age_ns: u64,
    /// Messages one data key may encrypt.
    pub max_messages: u64,
    /// Bytes one data key may encrypt [bytes].
    pub max_bytes: u64,
}

/// One stream of requests from one SDK client (one retry quota, one rate limiter).
#[derive(Clone, Debug)]
pub struct Workload {
    /// A short name, for reports.
    pub name: String,
    /// The Region the clients run in; they call its endpoint first.
    pub region: Region,
    /// The key group requests use.
    pub keys: String,
    /// How a key is chosen.
    pub key_choice: KeyChoice,
    /// When requests arrive.
    pub arrivals: Arrivals,
    /// What they do, with integer weights.
    pub mix: Vec<(OpKind, u32)>,
    /// Payload size [bytes] (Encrypt's plaintext, GenerateMac's message, an envelope
    /// object).
    pub payload_bytes: Dist,
    /// Encryption context pairs per request (`tenant` = one of `tenants` values; 0 for
    /// none).
    pub context_tenants: u32,
    /// The client's data-key cache for `EnvelopeEncrypt`; `None` calls GenerateDataKey for
    /// every object.
    pub data_key_cache: Option<DataKeyCache>,
    /// When the workload starts and stops [ns from the start]; `None` is the whole run.
    pub window_ns: Option<(u64, u64)>,
    /// SDK client instances the requests are spread over (round robin; a closed-loop
    /// caller keeps one): each has its own retry quota and adaptive rate limiter, as each
    /// process of a fleet would.
    pub sdk_clients: u32,
    /// The `KeyPairSpec` of its GenerateDataKeyPair(WithoutPlaintext) requests; required
    /// when the mix has them.
    pub key_pair_spec: Option<DataKeyPairSpec>,
}

impl Workload {
    /// A Poisson workload of Encrypt at `rate_per_s` in `region` on `keys`, uniform keys,
    /// 1 KiB payloads, no encryption context.
    #[must_use]
    pub fn poisson(
        name: impl Into<String>,
        region: Region,
        keys: impl Into<String>,
        rate_per_s: f64,
    ) -> Self {
        Self {
            name: name.into(),
            region,
            keys: keys.into(),
            key_choice: KeyChoice::Uniform,
            arrivals: Arrivals::Poisson { rate_per_s },
            mix: vec![(OpKind::Encrypt, 1)],
            payload_bytes: Dist::constant(1024),
            context_tenants: 0,
            data_key_cache: None,
            window_ns: None,
            sdk_clients: 1,
            key_pair_spec: None,
        }
    }

    /// The same workload with this operation mix.
    #[must_use]
    pub fn with_mix(mut self, mix: &[(OpKind, u32)]) -> Self {
        self.mix = mix.to_vec();
        self
    }
}

/// Something that goes wrong from `start_ns` to `end_ns` (ns from the start).
#[derive(Clone, Debug)]
pub struct Fault {
    /// When it starts [ns].
    pub start_ns: u64,
    /// When it heals [ns]; `u64::MAX` never.
    pub end_ns: u64,
    /// What it is.
    pub kind: FaultKind,
}

/// The faults the simulator knows.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// An AZ is lost: its HSMs drop what they hold and answer nothing (clients time out)
    /// until the load balancer drains it after the Region's detection delay.
    AzDown {
        /// The Region.
        region: Region,
        /// The AZ's name.
        az: String,
    },
    /// A gray AZ: still in service, but slower and failing some requests.
    GrayAz {
        /// The Region.
        region: Region,
        /// The AZ's name.
        az: String,
        /// Added to each service [ns].
        extra_latency: Dist,
        /// Share of requests answered `KMSInternalException` [parts per million].
        error_ppm: u32,
    },
    /// A whole Region's endpoint is unreachable.
    RegionDown {
        /// The Region.
        region: Region,
    },
    /// An AZ's HSMs run slower: service times multiplied by `slowdown_permille / 1000`.
    HsmDegraded {
        /// The Region.
        region: Region,
        /// The AZ's name.
        az: String,
        /// Service-time factor [‰]; 2000 is twice as slow.
        slowdown_permille: u32,
    },
    /// Two Regions cannot reach each other: replication between them is held, and clients
    /// in one cannot call the other.
    Partition {
        /// One side.
        a: Region,
        /// The other side.
        b: Region,
    },
    /// Replication messages sent during the fault take this much longer [ns].
    ReplicationDelay {
        /// Added lag [ns].
        extra: Dist,
    },
}

/// A control-plane call made at a given time, outside the workloads.
#[derive(Clone, Debug)]
pub struct Action {
    /// When [ns from the start].
    pub at_ns: u64,
    /// What.
    pub kind: ActionKind,
}

/// The control-plane calls a scenario can schedule.
#[derive(Clone, Debug)]
pub enum ActionKind {
    /// RotateKeyOnDemand on every key of a group (in its primary Region).
    RotateOnDemand {
        /// The key group.
        keys: String,
    },
    /// ScheduleKeyDeletion on every key of a group.
    ScheduleKeyDeletion {
        /// The key group.
        keys: String,
        /// The waiting period, 7 to 30 [days].
        pending_window_days: u32,
    },
    /// CancelKeyDeletion on every key of a group.
    CancelKeyDeletion {
        /// The key group.
        keys: String,
    },
    /// DisableKey on every key of a group (in its primary Region; a replica's state is its
    /// own, as in AWS).
    DisableKey {
        /// The key group.
        keys: String,
    },
    /// EnableKey on every key of a group (in its primary Region).
    EnableKey {
        /// The key group.
        keys: String,
    },
}

impl ActionKind {
    /// The key group it acts on.
    #[must_use]
    pub fn keys(&self) -> &str {
        match self {
            Self::RotateOnDemand { keys }
            | Self::ScheduleKeyDeletion { keys, .. }
            | Self::CancelKeyDeletion { keys }
            | Self::DisableKey { keys }
            | Self::EnableKey { keys } => keys,
        }
    }
}

/// How the SDK clients retry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryMode {
    /// No retries: one attempt.
    Off,
    /// Standard mode with these constants ([`RetryConfig::standard`] or
    /// [`RetryConfig::standard_2026`]).
    Standard(RetryConfig),
    /// Adaptive mode: standard, plus the CUBIC client-side rate limiter.
    Adaptive(RetryConfig),
}

/// How every workload's SDK client behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClientConfig {
    /// The retry mode.
    pub retry: RetryMode,
    /// How long an attempt may take before the client gives up on it and retries [ns].
    pub attempt_timeout_ns: u64,
    /// For multi-Region keys: when the SDK gives up on a Region with a retryable error, the
    /// application tries the key's next Region (primary first, then replicas in order).
    pub failover: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            retry: RetryMode::Standard(RetryConfig::standard()),
            attempt_timeout_ns: 10 * SECOND_NS,
            failover: false,
        }
    }
}
