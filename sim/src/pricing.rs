//! Prices: catalogs read from data files, and pure functions from usage to a bill in integer
//! micro-dollars.
//!
//! A [`Catalog`] is a TOML file (`sim/pricing/*.toml`; `seed` and `aws-2026` are built in).
//! [`Usage`] is what happened in a billing period: key-seconds per key (with its rotations),
//! requests by account, Region and [`RequestClass`], HSM-seconds. [`price`] turns usage into
//! a [`Bill`] of line items. A simulation's usage and the analytic calculator's ([`CostSpec`])
//! go through the same function, so the same counts give the same micro-dollar.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use engine::api::Operation;
use engine::spec::KeySpec;
use serde::{Deserialize, Serialize};

/// The seed catalog, built in.
pub const SEED_TOML: &str = include_str!("../pricing/seed.toml");
/// The aws-2026 catalog (the default), built in.
pub const AWS_2026_TOML: &str = include_str!("../pricing/aws-2026.toml");

/// Seconds in an hour.
const HOUR_S: u64 = 3_600;
/// The month prices are quoted for, unless a bill says otherwise: 30 days [s].
pub const MONTH_30_DAYS_S: u64 = 30 * 24 * HOUR_S;

/// Which price a request pays (AWS's pricing-calculator dimensions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestClass {
    /// Requests on symmetric or HMAC keys, and requests that use no key.
    Symmetric,
    /// Asymmetric requests on RSA_2048 keys.
    #[serde(rename = "asymmetric_rsa_2048")]
    AsymmetricRsa2048,
    /// Asymmetric requests on every other asymmetric key spec.
    AsymmetricOther,
    /// GenerateDataKeyPair(WithoutPlaintext) of an ECC (or SM2) pair.
    GenerateDataKeyPairEcc,
    /// GenerateDataKeyPair(WithoutPlaintext) of an RSA pair.
    GenerateDataKeyPairRsa,
}

impl RequestClass {
    /// Every class, in bill order.
    pub const ALL: [Self; 5] = [
        Self::Symmetric,
        Self::AsymmetricRsa2048,
        Self::AsymmetricOther,
        Self::GenerateDataKeyPairEcc,
        Self::GenerateDataKeyPairRsa,
    ];

    /// The name in catalogs and bills.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Symmetric => "symmetric",
            Self::AsymmetricRsa2048 => "asymmetric_rsa_2048",
            Self::AsymmetricOther => "asymmetric_other",
            Self::GenerateDataKeyPairEcc => "generate_data_key_pair_ecc",
            Self::GenerateDataKeyPairRsa => "generate_data_key_pair_rsa",
        }
    }

    /// The class of a request of `operation` on a key of `key_spec` (`None` for requests
    /// that name no key), generating a pair of `pair_spec` for
    /// GenerateDataKeyPair(WithoutPlaintext).
    ///
    /// A GenerateDataKeyPair is priced by the pair it generates, whatever its (symmetric)
    /// wrapping key, so its caller must pass `pair_spec`: RSA pairs are `$12` per 10,000,
    /// every other pair (ECC, Ed25519, SM2, and kmsim's ML-KEM extension, which AWS has no
    /// price for) the ECC price. Asymmetric Encrypt, Decrypt, Sign, Verify,
    /// DeriveSharedSecret and GetPublicKey follow their key: RSA_2048 or "other asymmetric",
    /// and are outside the free tier (kms-facts §9). Management calls on a key pair
    /// (DescribeKey, TagResource, …) are symmetric requests, whatever the key's spec.
    #[must_use]
    pub fn of(operation: Operation, key_spec: Option<KeySpec>, pair_spec: Option<KeySpec>) -> Self {
        let rsa = |spec: KeySpec| spec.as_str().starts_with("RSA_");
        if let Some(pair) = pair_spec {
            return if rsa(pair) {
                Self::GenerateDataKeyPairRsa
            } else {
                Self::GenerateDataKeyPairEcc
            };
        }
        match key_spec {
            Some(
                KeySpec::SymmetricDefault
                | KeySpec::Hmac224
                | KeySpec::Hmac256
                | KeySpec::Hmac384
                | KeySpec::Hmac512,
            )
            | None => Self::Symmetric,
            Some(_) if !is_asymmetric_request(operation) => Self::Symmetric,
            Some(KeySpec::Rsa2048) => Self::AsymmetricRsa2048,
            Some(_) => Self::AsymmetricOther,
        }
    }
}

/// Whether `operation` on a key pair is an "asymmetric request" in AWS's price list: one that
/// uses the key pair's material, or GetPublicKey, which the free tier names with them.
const fn is_asymmetric_request(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::Encrypt
            | Operation::Decrypt
            | Operation::ReEncrypt
            | Operation::GenerateDataKey
            | Operation::GenerateDataKeyWithoutPlaintext
            | Operation::GenerateMac
            | Operation::VerifyMac
            | Operation::Sign
            | Operation::Verify
            | Operation::DeriveSharedSecret
            | Operation::GenerateDataKeyPair
            | Operation::GenerateDataKeyPairWithoutPlaintext
            | Operation::GetPublicKey
    )
}

impl fmt::Display for RequestClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A catalog of prices, as in its TOML file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    schema_version: u32,
    name: String,
    description: String,
    keys: KeysFile,
    requests: BTreeMap<RequestClass, f64>,
    free_tier: FreeTierFile,
    cloudhsm: CloudHsmFile,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    key_month_usd: f64,
    rotation_month_usd: f64,
    rotations_billed_max: Option<u32>,
    replicas_billed: bool,
    pending_deletion_billed: bool,
    aws_managed_billed: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct FreeTierFile {
    requests_per_month: u64,
    classes: Vec<RequestClass>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloudHsmFile {
    hsm_hour_usd: f64,
}

/// A price catalog, in integer micro-dollars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Catalog {
    /// Its name (`seed`, `aws-2026`, or the user's).
    pub name: String,
    /// What it is.
    pub description: String,
    /// Per key per month [µ$].
    pub key_month_micro_usd: u64,
    /// Per billed rotation per key per month [µ$].
    pub rotation_month_micro_usd: u64,
    /// Rotations billed per key; `None` bills every one.
    pub rotations_billed_max: Option<u32>,
    /// Whether multi-Region replicas are billed as keys.
    pub replicas_billed: bool,
    /// Whether a key is billed while it waits for deletion.
    pub pending_deletion_billed: bool,
    /// Whether AWS managed keys are billed.
    pub aws_managed_billed: bool,
    /// Per 10,000 requests, by class [µ$].
    pub requests_per_10k_micro_usd: BTreeMap<RequestClass, u64>,
    /// Free requests per month, across Regions, per account.
    pub free_requests_per_month: u64,
    /// The classes the free tier covers.
    pub free_classes: Vec<RequestClass>,
    /// Per HSM per hour [µ$].
    pub hsm_hour_micro_usd: u64,
}

/// An input file (a catalog, a cost spec, a scenario) that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// What was read: a file path, or `built-in <name>`.
    pub source: String,
    /// 1-based line of the problem, when it has one.
    pub line: Option<usize>,
    /// 1-based column of the problem, when it has one.
    pub column: Option<usize>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.source, self.message)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.source, self.message),
            _ => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

impl std::error::Error for FileError {}

/// The 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column =
        before.rfind('\n').map_or(before.chars().count(), |nl| before[nl + 1..].chars().count())
            + 1;
    (line, column)
}

/// Dollars to micro-dollars, exactly: prices have at most six decimals.
fn micro(usd: f64, what: &str) -> Result<u64, String> {
    let scaled = usd * 1e6;
    let rounded = scaled.round();
    if !(usd.is_finite() && usd >= 0.0) {
        return Err(format!("{what}: expected a non-negative number of dollars, got {usd}"));
    }
    if (scaled - rounded).abs() > 1e-3 {
        return Err(format!(
            "{what}: expected at most six decimal places (micro-dollars), got {usd}"
        ));
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked finite, non-negative, integral"
    )]
    let value = rounded as u64;
    Ok(value)
}

impl Catalog {
    /// The built-in `seed` catalog.
    ///
    /// # Panics
    /// Never: the built-in file is checked by the tests.
    #[must_use]
    pub fn seed() -> Self {
        Self::parse(SEED_TOML, "built-in seed").expect("the built-in seed catalog is valid")
    }

    /// The built-in `aws-2026` catalog, the default.
    ///
    /// # Panics
    /// Never: the built-in file is checked by the tests.
    #[must_use]
    pub fn aws_2026() -> Self {
        Self::parse(AWS_2026_TOML, "built-in aws-2026")
            .expect("the built-in aws-2026 catalog is valid")
    }

    /// `seed`, `aws-2026`, or a catalog file at that path.
    ///
    /// # Errors
    /// [`FileError`] naming the file, the line and column, and what was expected.
    pub fn named_or_file(name: &str) -> Result<Self, FileError> {
        match name {
            "seed" => Ok(Self::seed()),
            "aws-2026" => Ok(Self::aws_2026()),
            path => Self::from_file(Path::new(path)),
        }
    }

    /// A catalog file.
    ///
    /// # Errors
    /// [`FileError`] naming the file, the line and column, and what was expected.
    pub fn from_file(path: &Path) -> Result<Self, FileError> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            source: source.clone(),
            line: None,
            column: None,
            message: format!("cannot read the catalog: {e}"),
        })?;
        Self::parse(&text, &source)
    }

    /// A catalog from TOML text; `source` names it in errors.
    ///
    /// # Errors
    /// [`FileError`] naming `source`, the line and column, and what was expected.
    pub fn parse(text: &str, source: &str) -> Result<Self, FileError> {
        let error = |offset: Option<usize>, message: String| {
            let (line, column) = offset.map(|o| line_column(text, o)).unzip();
            FileError { source: source.to_owned(), line, column, message }
        };
        let file: CatalogFile = toml::from_str(text).map_err(|e: toml::de::Error| {
            error(e.span().map(|s| s.start), e.message().to_owned())
        })?;
        // Semantic checks point at the key's line.
        let at = |key: &str| text.find(&format!("{key} =")).or_else(|| text.find(key));
        let check = |result: Result<u64, String>, key: &str| result.map_err(|m| error(at(key), m));
        if file.schema_version != 1 {
            return Err(error(
                at("schema_version"),
                format!("expected schema_version = 1, got {}", file.schema_version),
            ));
        }
        let mut requests = BTreeMap::new();
        for class in RequestClass::ALL {
            let Some(&usd) = file.requests.get(&class) else {
                return Err(error(
                    at("[requests]"),
                    format!("[requests] has no price for `{class}` (dollars per 10,000 requests)"),
                ));
            };
            requests.insert(class, check(micro(usd, class.as_str()), class.as_str())?);
        }
        Ok(Self {
            name: file.name,
            description: file.description,
            key_month_micro_usd: check(
                micro(file.keys.key_month_usd, "key_month_usd"),
                "key_month_usd",
            )?,
            rotation_month_micro_usd: check(
                micro(file.keys.rotation_month_usd, "rotation_month_usd"),
                "rotation_month_usd",
            )?,
            rotations_billed_max: file.keys.rotations_billed_max,
            replicas_billed: file.keys.replicas_billed,
            pending_deletion_billed: file.keys.pending_deletion_billed,
            aws_managed_billed: file.keys.aws_managed_billed,
            requests_per_10k_micro_usd: requests,
            free_requests_per_month: file.free_tier.requests_per_month,
            free_classes: file.free_tier.classes,
            hsm_hour_micro_usd: check(
                micro(file.cloudhsm.hsm_hour_usd, "hsm_hour_usd"),
                "hsm_hour_usd",
            )?,
        })
    }
}

/// One key's storage in a billing period (one entry per Region for a multi-Region key).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUsage {
    /// The owner's account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// A label for the bill (the key id, or a spec's group name).
    pub label: String,
    /// Whether this entry is a multi-Region replica.
    pub replica: bool,
    /// Whether it is an AWS managed key.
    pub aws_managed: bool,
    /// Cost-allocation tags.
    pub tags: BTreeMap<String, String>,
    /// Keys this entry stands for (a spec's `count`; 1 for a simulated key).
    pub count: u64,
    /// Seconds the key existed and was not waiting for a deletion that happened (or is
    /// still pending) [s].
    pub seconds: u64,
    /// Seconds it waited for a deletion that happened or is still pending [s].
    pub pending_deletion_seconds: u64,
    /// For each rotation in order, the seconds of the period it was in effect [s] (a
    /// rotation before the period counts the whole period).
    pub rotation_seconds: Vec<u64>,
}

/// Requests of one class by one account in one Region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestUsage {
    /// The calling account: it pays, whoever owns the key.
    pub account: String,
    /// The Region.
    pub region: String,
    /// The price class.
    pub class: Option<RequestClass>,
    /// Cost-allocation tags of the key used, if any.
    pub tags: BTreeMap<String, String>,
    /// Requests.
    pub count: u64,
}

/// HSMs of a CloudHSM cluster in service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsmUsage {
    /// The account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// HSM-seconds [HSM·s].
    pub hsm_seconds: u64,
}

/// Everything billable in one period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// The period's length [s].
    pub period_seconds: u64,
    /// Keys.
    pub keys: Vec<KeyUsage>,
    /// Requests.
    pub requests: Vec<RequestUsage>,
    /// CloudHSM HSMs.
    pub hsms: Vec<HsmUsage>,
}

impl Usage {
    /// This usage scaled linearly to a period of `month_seconds`: every duration and count
    /// × month / period, rounded down. The same keys, the same request rate.
    #[must_use]
    pub fn projected(&self, month_seconds: u64) -> Self {
        let period = self.period_seconds.max(1);
        let scale = |x: u64| {
            u64::try_from(u128::from(x) * u128::from(month_seconds) / u128::from(period))
                .unwrap_or(u64::MAX)
        };
        Self {
            period_seconds: month_seconds,
            keys: self
                .keys
                .iter()
                .map(|k| KeyUsage {
                    seconds: scale(k.seconds),
                    pending_deletion_seconds: scale(k.pending_deletion_seconds),
                    rotation_seconds: k.rotation_seconds.iter().map(|&s| scale(s)).collect(),
                    ..k.clone()
                })
                .collect(),
            requests: self
                .requests
                .iter()
                .map(|r| RequestUsage { count: scale(r.count), ..r.clone() })
                .collect(),
            hsms: self
                .hsms
                .iter()
                .map(|h| HsmUsage { hsm_seconds: scale(h.hsm_seconds), ..h.clone() })
                .collect(),
        }
    }
}

/// One line of a bill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineItem {
    /// The paying account.
    pub account: String,
    /// The Region, or `all` for the free tier.
    pub region: String,
    /// What: `key storage`, `rotations`, a request class, `free tier`, `CloudHSM`.
    pub item: String,
    /// How much of it.
    pub quantity: u64,
    /// Its unit: `key-hours`, `rotation-hours`, `requests`, `HSM-hours`.
    pub unit: &'static str,
    /// What it costs [µ$]; negative for the free tier.
    pub amount_micro_usd: i64,
}

/// A priced period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bill {
    /// The catalog used.
    pub catalog: String,
    /// The month prices are per [s].
    pub month_seconds: u64,
    /// The period billed [s].
    pub period_seconds: u64,
    /// How the period's usage became a month's, if it did.
    pub projection: String,
    /// The lines, by account, Region and item.
    pub lines: Vec<LineItem>,
    /// Total by account [µ$].
    pub by_account: BTreeMap<String, i64>,
    /// Total by Region, the free tier excluded [µ$].
    pub by_region: BTreeMap<String, i64>,
    /// Total by cost-allocation tag (`key=value`) of the keys' storage, rotations and
    /// requests [µ$].
    pub by_tag: BTreeMap<String, i64>,
    /// Key storage [µ$].
    pub keys_micro_usd: i64,
    /// Rotation surcharges [µ$].
    pub rotations_micro_usd: i64,
    /// Requests, after the free tier [µ$].
    pub requests_micro_usd: i64,
    /// CloudHSM [µ$].
    pub cloudhsm_micro_usd: i64,
    /// Everything [µ$].
    pub total_micro_usd: i64,
}

/// `x × numerator / denominator`, rounded half up, in 128 bits.
fn scaled(x: u64, numerator: u64, denominator: u64) -> i64 {
    let denominator = u128::from(denominator.max(1));
    let value = (u128::from(x) * u128::from(numerator) * 2 + denominator) / (2 * denominator);
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Seconds rounded up to whole hours: "prorated hourly" bills every started hour.
const fn started_hours(seconds: u64) -> u64 {
    seconds.div_ceil(HOUR_S)
}

/// Formats micro-dollars as dollars with cents (half up): `$13.00`, `-$0.06`.
#[must_use]
pub fn usd(micro_usd: i64) -> String {
    let cents = (micro_usd.unsigned_abs() + 5_000) / 10_000;
    let sign = if micro_usd < 0 { "-" } else { "" };
    let digits = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// Prices `usage` (one month of it: project it first if it is shorter) with `catalog`;
/// a month is `month_seconds` long.
#[must_use]
pub fn price(catalog: &Catalog, usage: &Usage, month_seconds: u64, projection: &str) -> Bill {
    let month_hours = (month_seconds / HOUR_S).max(1);
    let mut lines: Vec<LineItem> = Vec::new();
    let mut by_tag: BTreeMap<String, i64> = BTreeMap::new();
    let mut tag = |tags: &BTreeMap<String, String>, amount: i64| {
        for (k, v) in tags {
            let slot = by_tag.entry(format!("{k}={v}")).or_default();
            *slot = slot.saturating_add(amount);
        }
    };
    let (mut keys_total, mut rotations_total) = (0i64, 0i64);
    // Key storage and rotation surcharges, per (account, Region).
    let mut storage: BTreeMap<(String, String), (u64, i64, u64, i64)> = BTreeMap::new();
    for key in &usage.keys {
        if (key.aws_managed && !catalog.aws_managed_billed)
            || (key.replica && !catalog.replicas_billed)
        {
            continue;
        }
        let seconds = key.seconds
            + if catalog.pending_deletion_billed { key.pending_deletion_seconds } else { 0 };
        let key_hours = started_hours(seconds).saturating_mul(key.count);
        let storage_amount = scaled(key_hours, catalog.key_month_micro_usd, month_hours);
        let billed_rotations = catalog
            .rotations_billed_max
            .map_or(key.rotation_seconds.len(), |max| key.rotation_seconds.len().min(max as usize));
        let rotation_hours: u64 = key.rotation_seconds[..billed_rotations]
            .iter()
            .map(|&s| started_hours(s))
            .fold(0u64, u64::saturating_add)
            .saturating_mul(key.count);
        let rotation_amount = scaled(rotation_hours, catalog.rotation_month_micro_usd, month_hours);
        tag(&key.tags, storage_amount.saturating_add(rotation_amount));
        let slot = storage.entry((key.account.clone(), key.region.clone())).or_default();
        slot.0 = slot.0.saturating_add(key_hours);
        slot.1 = slot.1.saturating_add(storage_amount);
        slot.2 = slot.2.saturating_add(rotation_hours);
        slot.3 = slot.3.saturating_add(rotation_amount);
    }
    for ((account, region), (key_hours, amount, rotation_hours, rotation_amount)) in storage {
        keys_total = keys_total.saturating_add(amount);
        lines.push(LineItem {
            account: account.clone(),
            region: region.clone(),
            item: "key storage".to_owned(),
            quantity: key_hours,
            unit: "key-hours",
            amount_micro_usd: amount,
        });
        if rotation_hours > 0 && rotation_amount > 0 {
            rotations_total = rotations_total.saturating_add(rotation_amount);
            lines.push(LineItem {
                account,
                region,
                item: "rotations".to_owned(),
                quantity: rotation_hours,
                unit: "rotation-hours",
                amount_micro_usd: rotation_amount,
            });
        }
    }
    // Requests, per (account, Region, class); then the free tier per account.
    let mut requests: BTreeMap<(String, String, RequestClass), u64> = BTreeMap::new();
    for r in &usage.requests {
        let class = r.class.unwrap_or(RequestClass::Symmetric);
        let slot = requests.entry((r.account.clone(), r.region.clone(), class)).or_default();
        *slot = slot.saturating_add(r.count);
        let per_10k = catalog.requests_per_10k_micro_usd.get(&class).copied().unwrap_or(0);
        tag(&r.tags, scaled(r.count, per_10k, 10_000));
    }
    let mut requests_total = 0i64;
    let mut free_eligible: BTreeMap<String, BTreeMap<RequestClass, u64>> = BTreeMap::new();
    for ((account, region, class), count) in requests {
        let per_10k = catalog.requests_per_10k_micro_usd.get(&class).copied().unwrap_or(0);
        let amount = scaled(count, per_10k, 10_000);
        requests_total = requests_total.saturating_add(amount);
        if catalog.free_classes.contains(&class) {
            let slot = free_eligible.entry(account.clone()).or_default().entry(class).or_default();
            *slot = slot.saturating_add(count);
        }
        lines.push(LineItem {
            account,
            region,
            item: format!("{class} requests"),
            quantity: count,
            unit: "requests",
            amount_micro_usd: amount,
        });
    }
    // The free tier: per account, across Regions, each month; taken from the covered
    // classes in catalog order.
    for (account, eligible) in free_eligible {
        // The allowance is per month: a period of several months gets several.
        let months = usage.period_seconds.max(month_seconds) / month_seconds.max(1);
        let mut left = catalog.free_requests_per_month.saturating_mul(months);
        let (mut free, mut credit) = (0u64, 0i64);
        for class in &catalog.free_classes {
            let taken = eligible.get(class).copied().unwrap_or(0).min(left);
            left -= taken;
            free += taken;
            credit = credit.saturating_add(scaled(
                taken,
                catalog.requests_per_10k_micro_usd.get(class).copied().unwrap_or(0),
                10_000,
            ));
        }
        if free > 0 {
            requests_total = requests_total.saturating_sub(credit);
            lines.push(LineItem {
                account,
                region: "all".to_owned(),
                item: "free tier".to_owned(),
                quantity: free,
                unit: "requests",
                amount_micro_usd: -credit,
            });
        }
    }
    // CloudHSM.
    let mut cloudhsm_total = 0i64;
    let mut hsms: BTreeMap<(String, String), u64> = BTreeMap::new();
    for h in &usage.hsms {
        let slot = hsms.entry((h.account.clone(), h.region.clone())).or_default();
        *slot = slot.saturating_add(h.hsm_seconds);
    }
    for ((account, region), seconds) in hsms {
        let hours = started_hours(seconds);
        let amount = i64::try_from(u128::from(hours) * u128::from(catalog.hsm_hour_micro_usd))
            .unwrap_or(i64::MAX);
        cloudhsm_total = cloudhsm_total.saturating_add(amount);
        lines.push(LineItem {
            account,
            region,
            item: "CloudHSM".to_owned(),
            quantity: hours,
            unit: "HSM-hours",
            amount_micro_usd: amount,
        });
    }
    let mut by_account: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_region: BTreeMap<String, i64> = BTreeMap::new();
    for line in &lines {
        let slot = by_account.entry(line.account.clone()).or_default();
        *slot = slot.saturating_add(line.amount_micro_usd);
        if line.region != "all" {
            let slot = by_region.entry(line.region.clone()).or_default();
            *slot = slot.saturating_add(line.amount_micro_usd);
        }
    }
    Bill {
        catalog: catalog.name.clone(),
        month_seconds,
        period_seconds: usage.period_seconds,
        projection: projection.to_owned(),
        lines,
        by_account,
        by_region,
        by_tag,
        keys_micro_usd: keys_total,
        rotations_micro_usd: rotations_total,
        requests_micro_usd: requests_total,
        cloudhsm_micro_usd: cloudhsm_total,
        total_micro_usd: keys_total
            .saturating_add(rotations_total)
            .saturating_add(requests_total)
            .saturating_add(cloudhsm_total),
    }
}

/// Prices the usage of a period of any length as one month: a shorter or longer period is
/// scaled to the month linearly first (the month's average), and the bill says so.
#[must_use]
pub fn price_period(catalog: &Catalog, usage: &Usage, month_seconds: u64) -> Bill {
    if usage.period_seconds == month_seconds {
        price(catalog, usage, month_seconds, "none: the period is the month")
    } else {
        let projection = format!(
            "linear: every count and duration of the {} s simulated × {month_seconds} / {}, rounded down (a month of the same keys at the same average rates)",
            usage.period_seconds, usage.period_seconds
        );
        price(catalog, &usage.projected(month_seconds), month_seconds, &projection)
    }
}
