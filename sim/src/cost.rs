//! The analytic cost calculator: a month of keys and requests described in a small TOML spec
//! (or by flags), priced without simulating, and the comparisons users ask for: direct
//! Encrypt vs envelope encryption vs envelope with a data-key cache, a sweep of key count ×
//! requests, and where CloudHSM's flat price meets KMS's per-request price.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::pricing::{
    Bill, Catalog, FileError, HsmUsage, KeyUsage, MONTH_30_DAYS_S, RequestClass, RequestUsage,
    Usage, line_column, price,
};
use crate::scenario::DataKeyCache;

/// The account used when a spec names none.
pub const DEFAULT_ACCOUNT: &str = "111122223333";
/// The Region used when a spec names none.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The largest plaintext Encrypt takes [bytes] (kms-facts §1.3).
pub const ENCRYPT_MAX_BYTES: u64 = 4_096;

/// A month of usage to price, as in its TOML file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostSpec {
    /// Always 1.
    #[serde(default = "one")]
    pub schema_version: u32,
    /// Days in the month [days]; 30 by default.
    #[serde(default = "thirty")]
    pub month_days: u64,
    /// Keys.
    #[serde(default)]
    pub keys: Vec<KeySpecLine>,
    /// Requests per month.
    #[serde(default)]
    pub requests: Vec<RequestLine>,
    /// CloudHSM HSMs in service all month.
    #[serde(default)]
    pub hsms: Vec<HsmLine>,
}

const fn one() -> u32 {
    1
}

const fn thirty() -> u64 {
    30
}

fn default_account() -> String {
    DEFAULT_ACCOUNT.to_owned()
}

fn default_region() -> String {
    DEFAULT_REGION.to_owned()
}

fn default_key_spec() -> String {
    "SYMMETRIC_DEFAULT".to_owned()
}

/// Keys that exist all month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySpecLine {
    /// How many.
    pub count: u64,
    /// Their key spec (`SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, …): every type costs
    /// the same to store, so it only labels the bill.
    #[serde(default = "default_key_spec")]
    pub spec: String,
    /// Their Region (the primary's, for multi-Region keys).
    #[serde(default = "default_region")]
    pub region: String,
    /// The owner's account.
    #[serde(default = "default_account")]
    pub account: String,
    /// Replica Regions: each replica is billed as a key.
    #[serde(default)]
    pub replicas: Vec<String>,
    /// Rotations each key has had (before or during the month; each in effect all month).
    #[serde(default)]
    pub rotations: u32,
    /// AWS managed keys.
    #[serde(default)]
    pub aws_managed: bool,
    /// Waiting for deletion all month.
    #[serde(default)]
    pub pending_deletion: bool,
    /// Cost-allocation tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// Requests of one class in a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestLine {
    /// Price class.
    pub class: RequestClass,
    /// Requests per month.
    pub per_month: u64,
    /// Region.
    #[serde(default = "default_region")]
    pub region: String,
    /// The calling (paying) account.
    #[serde(default = "default_account")]
    pub account: String,
}

/// HSMs in service all month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsmLine {
    /// How many.
    pub count: u64,
    /// Region.
    #[serde(default = "default_region")]
    pub region: String,
    /// Account.
    #[serde(default = "default_account")]
    pub account: String,
}

impl CostSpec {
    /// A spec from TOML text; `source` names it in errors.
    ///
    /// # Errors
    /// [`FileError`] (the same shape: source, line, column, what was expected).
    pub fn parse(text: &str, source: &str) -> Result<Self, FileError> {
        let spec: Self = toml::from_str(text).map_err(|e: toml::de::Error| {
            let (line, column) = e.span().map(|s| line_column(text, s.start)).unzip();
            FileError { source: source.to_owned(), line, column, message: e.message().to_owned() }
        })?;
        if let Some(line) =
            spec.keys.iter().find(|k| k.spec.parse::<engine::spec::KeySpec>().is_err())
        {
            let offset = text.find(&format!("\"{}\"", line.spec));
            let (line_no, column) = offset.map(|o| line_column(text, o)).unzip();
            return Err(FileError {
                source: source.to_owned(),
                line: line_no,
                column,
                message: format!(
                    "unknown key spec `{}`: expected an AWS KeySpec such as SYMMETRIC_DEFAULT or RSA_2048",
                    line.spec
                ),
            });
        }
        if spec.schema_version != 1 || !(1..=3_650).contains(&spec.month_days) {
            return Err(FileError {
                source: source.to_owned(),
                line: None,
                column: None,
                message: "expected schema_version = 1 and month_days from 1 to 3650".to_owned(),
            });
        }
        Ok(spec)
    }

    /// The month's length [s].
    #[must_use]
    pub const fn month_seconds(&self) -> u64 {
        self.month_days * 24 * 3_600
    }

    /// The spec as a month of usage.
    #[must_use]
    pub fn usage(&self) -> Usage {
        let month = self.month_seconds();
        let mut keys = Vec::new();
        for line in &self.keys {
            let regions = std::iter::once((&line.region, false))
                .chain(line.replicas.iter().map(|r| (r, true)));
            for (region, replica) in regions {
                keys.push(KeyUsage {
                    account: line.account.clone(),
                    region: region.clone(),
                    label: format!("{} {} keys", line.count, line.spec),
                    replica,
                    aws_managed: line.aws_managed,
                    tags: line.tags.clone(),
                    count: line.count,
                    seconds: if line.pending_deletion { 0 } else { month },
                    pending_deletion_seconds: if line.pending_deletion { month } else { 0 },
                    // More rotations than any catalog bills change nothing; cap the list.
                    rotation_seconds: vec![month; line.rotations.min(1_000) as usize],
                });
            }
        }
        Usage {
            period_seconds: month,
            keys,
            requests: self
                .requests
                .iter()
                .map(|r| RequestUsage {
                    account: r.account.clone(),
                    region: r.region.clone(),
                    class: Some(r.class),
                    tags: BTreeMap::new(),
                    count: r.per_month,
                })
                .collect(),
            hsms: self
                .hsms
                .iter()
                .map(|h| HsmUsage {
                    account: h.account.clone(),
                    region: h.region.clone(),
                    hsm_seconds: h.count.saturating_mul(month),
                })
                .collect(),
        }
    }

    /// The bill of this spec under `catalog`.
    #[must_use]
    pub fn price(&self, catalog: &Catalog) -> Bill {
        price(catalog, &self.usage(), self.month_seconds(), "none: the spec is a month")
    }

    /// `keys` symmetric keys and `requests` symmetric requests a month in us-east-1.
    #[must_use]
    pub fn simple(keys: u64, requests: u64) -> Self {
        let mut spec = Self { schema_version: 1, month_days: 30, ..Self::default() };
        if keys > 0 {
            spec.keys.push(KeySpecLine {
                count: keys,
                spec: default_key_spec(),
                region: default_region(),
                account: default_account(),
                replicas: Vec::new(),
                rotations: 0,
                aws_managed: false,
                pending_deletion: false,
                tags: BTreeMap::new(),
            });
        }
        if requests > 0 {
            spec.requests.push(RequestLine {
                class: RequestClass::Symmetric,
                per_month: requests,
                region: default_region(),
                account: default_account(),
            });
        }
        spec
    }
}

/// One way to protect data, costed for a month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Strategy {
    /// `direct Encrypt`, `envelope`, `envelope + cache`.
    pub name: String,
    /// KMS requests a month.
    pub kms_requests: u64,
    /// The mean KMS request rate needed [requests/s].
    pub kms_requests_per_second: f64,
    /// The month's bill: the keys and these requests [µ$].
    pub total_micro_usd: i64,
    /// Requests' part of it, after the free tier [µ$].
    pub requests_micro_usd: i64,
}

/// Direct Encrypt (plaintexts of at most 4 KiB, so one call per 4 KiB chunk) vs envelope
/// encryption (one GenerateDataKey per object, then local AES-GCM) vs envelope with the
/// Encryption SDK's data-key cache, for `objects` of `object_bytes` a month under `keys` KMS
/// keys, arriving at a steady rate over `month_seconds`.
///
/// The cache reuses a data key for as many objects as its limits allow: at most
/// `max_messages`, at most `max_bytes / object_bytes`, and as many as arrive within
/// `max_age` (at least one each). A single client, no concurrent misses: a fleet of `n`
/// clients with their own caches makes up to `n` times the calls.
#[must_use]
pub fn compare_envelope(
    catalog: &Catalog,
    keys: u64,
    objects: u64,
    object_bytes: u64,
    cache: DataKeyCache,
    month_seconds: u64,
) -> Vec<Strategy> {
    let chunks = object_bytes.div_ceil(ENCRYPT_MAX_BYTES).max(1);
    let direct = objects.saturating_mul(chunks);
    let envelope = objects;
    #[expect(clippy::cast_precision_loss, reason = "rates for a report")]
    let per_age = (objects as f64 * cache.max_age_ns as f64 / (month_seconds as f64 * 1e9)).floor();
    let per_age = crate::dist::round(per_age).max(1);
    let per_key = cache.max_messages.min(cache.max_bytes / object_bytes.max(1)).min(per_age).max(1);
    let cached = objects.div_ceil(per_key);
    [("direct Encrypt", direct), ("envelope", envelope), ("envelope + cache", cached)]
        .into_iter()
        .map(|(name, requests)| {
            let bill =
                CostSpec { month_days: month_seconds / 86_400, ..CostSpec::simple(keys, requests) }
                    .price(catalog);
            #[expect(clippy::cast_precision_loss, reason = "rates for a report")]
            let rate = requests as f64 / month_seconds.max(1) as f64;
            Strategy {
                name: name.to_owned(),
                kms_requests: requests,
                kms_requests_per_second: rate,
                total_micro_usd: bill.total_micro_usd,
                requests_micro_usd: bill.requests_micro_usd,
            }
        })
        .collect()
}

/// One cell of the key count × requests sweep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SweepCell {
    /// KMS keys.
    pub keys: u64,
    /// Symmetric requests a month.
    pub requests_per_month: u64,
    /// The month's total [µ$].
    pub total_micro_usd: i64,
}

/// The monthly total for every (`keys`, `requests`) pair, keys varying slowest.
#[must_use]
pub fn sweep(catalog: &Catalog, keys: &[u64], requests: &[u64]) -> Vec<SweepCell> {
    keys.iter()
        .flat_map(|&k| requests.iter().map(move |&r| (k, r)))
        .map(|(k, r)| SweepCell {
            keys: k,
            requests_per_month: r,
            total_micro_usd: CostSpec::simple(k, r).price(catalog).total_micro_usd,
        })
        .collect()
}

/// CloudHSM against standard KMS, for a month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CloudHsmBreakEven {
    /// HSMs in the cluster (AWS requires at least 2 for a custom key store).
    pub hsms: u64,
    /// What the HSMs cost a month [µ$]: the premium a CloudHSM custom key store adds on
    /// top of the same KMS key and request fees, at every volume.
    pub hsm_month_micro_usd: i64,
    /// Symmetric requests a month above which the HSMs' flat price is less than KMS's
    /// request fees for the same requests (the free tier included): the volume at which
    /// KMS's per-request pricing costs more than a cluster you call directly.
    pub break_even_requests_per_month: u64,
    /// The same as a mean rate [requests/s].
    pub break_even_requests_per_second: f64,
}

/// Where a CloudHSM cluster of `hsms` HSMs meets standard KMS request pricing.
#[must_use]
pub fn cloudhsm_break_even(catalog: &Catalog, hsms: u64, month_seconds: u64) -> CloudHsmBreakEven {
    let hours = month_seconds.div_ceil(3_600);
    let hsm_month = i64::try_from(
        (u128::from(hsms) * u128::from(hours)) * u128::from(catalog.hsm_hour_micro_usd),
    )
    .unwrap_or(i64::MAX);
    let per_10k =
        catalog.requests_per_10k_micro_usd.get(&RequestClass::Symmetric).copied().unwrap_or(0);
    let free = if catalog.free_classes.contains(&RequestClass::Symmetric) {
        catalog.free_requests_per_month
    } else {
        0
    };
    // requests · per_10k / 10,000 > hsm_month  ⇔  requests > hsm_month · 10,000 / per_10k.
    let break_even = if per_10k == 0 {
        u64::MAX
    } else {
        let paid = u128::from(hsm_month.unsigned_abs()) * 10_000 / u128::from(per_10k) + 1;
        u64::try_from(paid).unwrap_or(u64::MAX).saturating_add(free)
    };
    #[expect(clippy::cast_precision_loss, reason = "a rate for a report")]
    let rate = break_even as f64 / month_seconds.max(1) as f64;
    CloudHsmBreakEven {
        hsms,
        hsm_month_micro_usd: hsm_month,
        break_even_requests_per_month: break_even,
        break_even_requests_per_second: rate,
    }
}

/// The default month of the calculator [s].
pub const MONTH_SECONDS: u64 = MONTH_30_DAYS_S;
