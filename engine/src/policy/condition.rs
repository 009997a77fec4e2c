//! The `Condition` element: operators, their set qualifiers and `IfExists`, and how each
//! compares the request's values with the policy's.
//!
//! The rules, from IAM's "Condition operators" and "Creating a condition with multiple keys
//! or values" pages:
//!
//! - Operators in a block, and keys under one operator, are ANDed; the values listed for
//!   one key are ORed, except for the negated operators (`StringNotEquals`, `ArnNotLike`,
//!   `NumericNotEquals`, `DateNotEquals`, `NotIpAddress`, …), where the value must match
//!   *none* of them (NOR).
//! - A key absent from the request makes the condition false, except for negated operators
//!   (true), `…IfExists` (true) and `Null`.
//! - `ForAnyValue:` is true when at least one request value matches; false for an absent
//!   key or an empty set. `ForAllValues:` is true when every request value matches; true for
//!   an absent key or an empty set.
//! - Without a qualifier, a multi-valued key behaves like `ForAnyValue` for positive
//!   operators and like `ForAllValues` for negated ones (no value may match). IAM leaves
//!   this case unspecified and tells policy authors to use a qualifier; this is the reading
//!   under which a negated operator stays the exact negation of its positive form.
//! - `StringLike`, `StringNotLike` and the ARN operators take `*` and `?`; the ARN operators
//!   match the six colon-separated parts of an ARN separately, and `ArnEquals` is `ArnLike`.
//! - Dates are W3C ISO 8601 (`2026-01-01`, `2026-01-01T12:00Z`,
//!   `2026-01-01T12:00:00.5+01:00`; a time without a zone is UTC) or epoch seconds (a string
//!   of digits, so a bare year such as `2026` reads as epoch seconds).
//! - IP addresses are IPv4 or IPv6 CIDR blocks; an address without `/n` is one address.
//!   An IPv4-mapped IPv6 request address also matches IPv4 blocks.
//!
//! Operator names, their `ForAnyValue:`/`ForAllValues:` prefixes and the `IfExists` suffix
//! are accepted in any case.

use std::cmp::Ordering;
use std::net::IpAddr;

use super::context::{ContextValue, RequestContext, Scalar};
use super::json::Json;
use super::pattern::{self, ArnPattern, Fold, Pattern, Variables};
use crate::time::NANOS_PER_SECOND;

/// `ForAnyValue:` / `ForAllValues:` / neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Qualifier {
    Single,
    ForAnyValue,
    ForAllValues,
}

/// A numeric or date comparison: request value `cmp` policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, ordering: Option<Ordering>) -> bool {
        matches!(
            (self, ordering),
            (Self::Eq | Self::Le | Self::Ge, Some(Ordering::Equal))
                | (Self::Lt | Self::Le, Some(Ordering::Less))
                | (Self::Gt | Self::Ge, Some(Ordering::Greater))
        )
    }
}

/// Which family an operator belongs to, which decides how its values are compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Arn,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Null,
}

/// Every operator IAM defines: (name, family, negated).
const OPERATORS: &[(&str, Family, bool)] = &[
    ("StringEquals", Family::StringEquals, false),
    ("StringNotEquals", Family::StringEquals, true),
    ("StringEqualsIgnoreCase", Family::StringEqualsIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Family::StringEqualsIgnoreCase, true),
    ("StringLike", Family::StringLike, false),
    ("StringNotLike", Family::StringLike, true),
    ("ArnEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
    ("NumericEquals", Family::Numeric(Cmp::Eq), false),
    ("NumericNotEquals", Family::Numeric(Cmp::Eq), true),
    ("NumericLessThan", Family::Numeric(Cmp::Lt), false),
    ("NumericLessThanEquals", Family::Numeric(Cmp::Le), false),
    ("NumericGreaterThan", Family::Numeric(Cmp::Gt), false),
    ("NumericGreaterThanEquals", Family::Numeric(Cmp::Ge), false),
    ("DateEquals", Family::Date(Cmp::Eq), false),
    ("DateNotEquals", Family::Date(Cmp::Eq), true),
    ("DateLessThan", Family::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Family::Date(Cmp::Le), false),
    ("DateGreaterThan", Family::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Family::Date(Cmp::Ge), false),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, true),
    ("Null", Family::Null, false),
];

/// The policy's values for one key, compiled for its operator.
#[derive(Clone, Debug, PartialEq)]
enum Values {
    /// `StringEquals` and `BinaryEquals` (base64 text compared as text).
    Text(Box<[Box<str>]>),
    /// `StringEqualsIgnoreCase`: lower-cased.
    Folded(Box<[Box<str>]>),
    Patterns(Box<[Pattern]>),
    Arns(Box<[ArnPattern]>),
    Numbers(Cmp, Box<[f64]>),
    /// [ns] since the Unix epoch (i128: policies may name dates far outside `Timestamp`).
    Dates(Cmp, Box<[i128]>),
    Bools(Box<[bool]>),
    Cidrs(Box<[Cidr]>),
    /// `Null`: `true` means "the key must be absent".
    Null(Box<[bool]>),
}

/// One key under one operator: `{"StringEquals": {"kms:CallerAccount": [...]}}` holds one.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clause {
    qualifier: Qualifier,
    negated: bool,
    if_exists: bool,
    /// The condition key, ASCII-lower-cased.
    key: Box<str>,
    values: Values,
}

/// The values a clause requires of the request, for static analysis (`analyze.rs`): see
/// [`Clause::required_values`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Required<'c> {
    /// `StringEquals` (and `BinaryEquals`): literal texts.
    Texts(&'c [Box<str>]),
    /// `StringEqualsIgnoreCase`: lower-cased texts.
    Folded(&'c [Box<str>]),
    /// `StringLike`: wildcard patterns.
    Patterns(&'c [Pattern]),
    /// `ArnEquals`, `ArnLike`: ARN patterns.
    Arns(&'c [ArnPattern]),
}

/// Parses a `Condition` element's value into its clauses (all of which must hold).
///
/// # Errors
/// A message naming the operator or key at fault.
pub(crate) fn parse_block(json: &Json, variables: Variables) -> Result<Box<[Clause]>, String> {
    let Json::Object(operators) = json else {
        return Err(format!("Condition must be an object of operators, not {}", json.type_name()));
    };
    super::document::reject_duplicates(operators, "Condition")?;
    let mut clauses = Vec::new();
    for (operator, keys) in operators {
        let Json::Object(keys) = keys else {
            return Err(format!(
                "Condition operator \"{operator}\" must map condition keys to values, not {}",
                keys.type_name()
            ));
        };
        if keys.is_empty() {
            return Err(format!("Condition operator \"{operator}\" names no condition key"));
        }
        let where_ = format!("Condition operator \"{operator}\"");
        super::document::reject_duplicates(keys, &where_)?;
        for (key, values) in keys {
            clauses.push(Clause::parse(operator, key, values, variables)?);
        }
    }
    Ok(clauses.into_boxed_slice())
}

/// Strips `prefix` from `text`, ignoring ASCII case.
fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Strips `suffix` from `text`, ignoring ASCII case.
fn strip_suffix_ignore_case<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let split = text.len().checked_sub(suffix.len())?;
    let tail = text.get(split..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..split])
}

impl Clause {
    fn parse(
        operator: &str,
        key: &str,
        values: &Json,
        variables: Variables,
    ) -> Result<Self, String> {
        let unknown = || format!("unknown condition operator \"{operator}\"");
        let (qualifier, name) =
            if let Some(rest) = strip_prefix_ignore_case(operator, "ForAnyValue:") {
                (Qualifier::ForAnyValue, rest)
            } else if let Some(rest) = strip_prefix_ignore_case(operator, "ForAllValues:") {
                (Qualifier::ForAllValues, rest)
            } else {
                (Qualifier::Single, operator)
            };
        let find = |name: &str| OPERATORS.iter().find(|(n, ..)| n.eq_ignore_ascii_case(name));
        // `…IfExists` only when the whole name is not itself an operator.
        let (found, if_exists) = match find(name) {
            Some(found) => (found, false),
            None => {
                let base = strip_suffix_ignore_case(name, "IfExists").ok_or_else(unknown)?;
                (find(base).ok_or_else(unknown)?, true)
            }
        };
        let &(_, family, negated) = found;
        if family == Family::Null && (if_exists || qualifier != Qualifier::Single) {
            return Err(format!(
                "condition operator \"{operator}\": Null takes neither IfExists nor a set qualifier"
            ));
        }

        let valid_key = key
            .split_once(':')
            .is_some_and(|(service, name)| !service.is_empty() && !name.is_empty());
        if !valid_key {
            return Err(format!(
                "condition key \"{key}\" under \"{operator}\" must be prefixed by a service, as in kms:CallerAccount"
            ));
        }
        let key = key.to_ascii_lowercase();
        if qualifier == Qualifier::ForAllValues {
            let what = if key.starts_with("kms:encryptioncontext:") {
                Some("encryption context")
            } else if key.starts_with("aws:requesttag/") {
                Some("tag")
            } else {
                None
            };
            if let Some(what) = what {
                return Err(format!(
                    "OverlyPermissiveCondition: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified {what} or with an unspecified {what}. To fix, remove ForAllValues."
                ));
            }
        }

        let texts =
            value_texts(values).map_err(|e| format!("\"{operator}\" key \"{key}\": {e}"))?;
        let bad = |what: &str, text: &str| {
            format!("\"{operator}\" key \"{key}\": \"{text}\" is not {what}")
        };
        let with_key = |e: String| format!("\"{operator}\" key \"{key}\": {e}");
        let values = match family {
            Family::StringEquals => Values::Text(
                texts
                    .iter()
                    .map(|t| pattern::literal(t, variables).map(Into::into))
                    .collect::<Result<_, _>>()
                    .map_err(with_key)?,
            ),
            Family::Binary => Values::Text(texts.iter().map(|t| (*t).into()).collect()),
            Family::StringEqualsIgnoreCase => Values::Folded(
                texts
                    .iter()
                    .map(|t| pattern::literal(t, variables).map(|l| fold_case(&l).into()))
                    .collect::<Result<_, _>>()
                    .map_err(with_key)?,
            ),
            Family::StringLike => Values::Patterns(
                texts
                    .iter()
                    .map(|t| Pattern::compile(t, Fold::Exact, variables))
                    .collect::<Result<_, _>>()
                    .map_err(with_key)?,
            ),
            Family::Arn => Values::Arns(
                texts
                    .iter()
                    .map(|t| ArnPattern::compile(t, variables))
                    .collect::<Result<_, _>>()
                    .map_err(with_key)?,
            ),
            Family::Numeric(cmp) => Values::Numbers(
                cmp,
                texts
                    .iter()
                    .map(|t| parse_number(t).ok_or_else(|| bad("a number", t)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Date(cmp) => Values::Dates(
                cmp,
                texts
                    .iter()
                    .map(|t| {
                        parse_date(t)
                            .ok_or_else(|| bad("an ISO 8601 date or a number of epoch seconds", t))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Family::Bool => Values::Bools(
                texts
                    .iter()
                    .map(|t| {
                        let t = pattern::literal(t, variables).map_err(with_key)?;
                        parse_bool(&t).ok_or_else(|| bad("\"true\" or \"false\"", &t))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Family::Null => Values::Null(
                texts
                    .iter()
                    .map(|t| parse_bool(t).ok_or_else(|| bad("\"true\" or \"false\"", t)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Ip => Values::Cidrs(
                texts
                    .iter()
                    .map(|t| {
                        Cidr::parse(t)
                            .ok_or_else(|| bad("an IPv4 or IPv6 address or CIDR block", t))
                    })
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(Self { qualifier, negated, if_exists, key: key.into(), values })
    }

    /// The condition key, ASCII-lower-cased.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// For static analysis: the values one of which the request's value for [`Self::key`]
    /// must match for the clause to hold, when the clause is a positive string or ARN
    /// operator that is false for a request without the key (no `IfExists`, no
    /// `ForAllValues`); `None` for every other clause.
    pub(crate) fn required_values(&self) -> Option<Required<'_>> {
        if self.negated || self.if_exists || self.qualifier == Qualifier::ForAllValues {
            return None;
        }
        match &self.values {
            Values::Text(texts) => Some(Required::Texts(texts)),
            Values::Folded(texts) => Some(Required::Folded(texts)),
            Values::Patterns(patterns) => Some(Required::Patterns(patterns)),
            Values::Arns(patterns) => Some(Required::Arns(patterns)),
            Values::Numbers(..)
            | Values::Dates(..)
            | Values::Bools(_)
            | Values::Cidrs(_)
            | Values::Null(_) => None,
        }
    }

    /// Whether this clause holds for the request.
    pub(crate) fn holds(&self, ctx: &RequestContext<'_>) -> bool {
        ctx.with_value(&self.key, |value| {
            self.holds_for(value.map_or(&[][..], ContextValue::values))
        })
    }

    /// Whether this clause holds when the request's values for its key are `values` (none
    /// when the key is absent).
    fn holds_for(&self, values: &[Scalar<'_>]) -> bool {
        if let Values::Null(wants) = &self.values {
            // An empty multi-valued key counts as absent.
            let absent = values.is_empty();
            return wants.contains(&absent);
        }
        if values.is_empty() {
            return self.if_exists
                || match self.qualifier {
                    Qualifier::ForAllValues => true,
                    Qualifier::ForAnyValue => false,
                    Qualifier::Single => self.negated,
                };
        }
        let holds_for = |value: &Scalar<'_>| self.matches_any(value) != self.negated;
        match (self.qualifier, self.negated) {
            (Qualifier::ForAllValues, _) | (Qualifier::Single, true) => {
                values.iter().all(holds_for)
            }
            (Qualifier::ForAnyValue, _) | (Qualifier::Single, false) => {
                values.iter().any(holds_for)
            }
        }
    }

    /// Whether one request value matches at least one policy value under the positive
    /// form of the operator.
    fn matches_any(&self, value: &Scalar<'_>) -> bool {
        match &self.values {
            Values::Text(texts) => value.with_text(|v| texts.iter().any(|t| **t == *v)),
            Values::Folded(texts) => value.with_text(|v| texts.iter().any(|t| equals_folded(v, t))),
            Values::Patterns(patterns) => {
                value.with_text(|v| patterns.iter().any(|p| p.matches(v, Fold::Exact)))
            }
            Values::Arns(patterns) => value.with_text(|v| patterns.iter().any(|p| p.matches(v))),
            Values::Numbers(cmp, numbers) => number_of(value)
                .is_some_and(|v| numbers.iter().any(|n| cmp.holds(v.partial_cmp(n)))),
            Values::Dates(cmp, dates) => {
                date_of(value).is_some_and(|v| dates.iter().any(|d| cmp.holds(Some(v.cmp(d)))))
            }
            Values::Bools(bools) => bool_of(value).is_some_and(|v| bools.contains(&v)),
            Values::Cidrs(blocks) => {
                ip_of(value).is_some_and(|ip| blocks.iter().any(|b| b.contains(ip)))
            }
            Values::Null(_) => false,
        }
    }
}

/// A condition value (string, number or boolean, or a non-empty list of them) as texts.
fn value_texts(json: &Json) -> Result<Vec<&str>, String> {
    fn one(json: &Json) -> Result<&str, String> {
        match json {
            Json::String(s) | Json::Number(s) => Ok(s),
            Json::Bool(true) => Ok("true"),
            Json::Bool(false) => Ok("false"),
            other => Err(format!(
                "a condition value must be a string, a number or a boolean, not {}",
                other.type_name()
            )),
        }
    }
    match json {
        Json::Array(items) if items.is_empty() => Err("the list of values is empty".to_owned()),
        Json::Array(items) => items.iter().map(one).collect(),
        other => one(other).map(|t| vec![t]),
    }
}

/// Lower-cases character by character, as [`equals_folded`] compares.
fn fold_case(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// Whether `text` equals the already-folded `folded`, ignoring case, without allocating.
fn equals_folded(text: &str, folded: &str) -> bool {
    text.chars().flat_map(char::to_lowercase).eq(folded.chars())
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A decimal number: `[+-]digits[.digits][e[+-]digits]` (no `NaN`, no infinity).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b'+' | b'-')));
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as [ns] since the Unix epoch: epoch seconds (digits only) or W3C ISO 8601.
pub(crate) fn parse_date(text: &str) -> Option<i128> {
    let nanos_per_second = i128::from(NANOS_PER_SECOND);
    let b = text.as_bytes();
    if !b.is_empty() && b.len() <= 20 && b.iter().all(u8::is_ascii_digit) {
        return text.parse::<i128>().ok()?.checked_mul(nanos_per_second);
    }
    let mut c = Cursor { bytes: b, at: 0 };
    let year = c.digits(4)?;
    let (mut month, mut day) = (1, 1);
    if c.eat(b'-') {
        month = c.digits(2)?;
        if c.eat(b'-') {
            day = c.digits(2)?;
        }
    }
    let (mut second_of_day, mut nanos, mut offset_seconds) = (0, 0, 0);
    if c.eat(b'T') {
        let hour = c.digits(2)?;
        c.eat(b':').then_some(())?;
        let minute = c.digits(2)?;
        let mut second = 0;
        if c.eat(b':') {
            second = c.digits(2)?;
            if c.eat(b'.') {
                let start = c.at;
                let mut scale = nanos_per_second;
                while let Some(d) = c.digit() {
                    // Digits past nanoseconds are dropped.
                    if scale > 1 {
                        scale /= 10;
                        nanos += i128::from(d) * scale;
                    }
                }
                (c.at > start).then_some(())?;
            }
        }
        (hour < 24 && minute < 60 && second < 60).then_some(())?;
        second_of_day = hour * 3600 + minute * 60 + second;
        if !c.eat(b'Z') {
            let sign = if c.eat(b'+') {
                1
            } else if c.eat(b'-') {
                -1
            } else {
                0 // no zone: UTC
            };
            if sign != 0 {
                let hours = c.digits(2)?;
                c.eat(b':');
                let minutes = c.digits(2)?;
                (hours < 24 && minutes < 60).then_some(())?;
                offset_seconds = sign * (hours * 3600 + minutes * 60);
            }
        }
    }
    (c.at == b.len()).then_some(())?;
    (1..=12).contains(&month).then_some(())?;
    (1..=days_in_month(year, month)).contains(&day).then_some(())?;
    let seconds = days_from_civil(year, month, day) * 86_400 + second_of_day - offset_seconds;
    Some(i128::from(seconds) * nanos_per_second + nanos)
}

/// A byte cursor for [`parse_date`].
struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(hit);
        hit
    }

    fn digit(&mut self) -> Option<u8> {
        let d = self.bytes.get(self.at).filter(|b| b.is_ascii_digit())?;
        self.at += 1;
        Some(d - b'0')
    }

    /// Exactly `n` digits as a number.
    fn digits(&mut self, n: usize) -> Option<i64> {
        (0..n).try_fold(0, |acc, _| Some(acc * 10 + i64::from(self.digit()?)))
    }
}

const fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

const fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn number_of(value: &Scalar<'_>) -> Option<f64> {
    match value {
        // Exact below 2^53, far above any of KMS's numeric keys (days, seconds).
        Scalar::Number(n) => Some(*n as f64),
        Scalar::String(s) => parse_number(s),
        Scalar::Bool(_) | Scalar::Date(_) | Scalar::Ip(_) => None,
    }
}

fn date_of(value: &Scalar<'_>) -> Option<i128> {
    match value {
        Scalar::Date(t) => Some(i128::from(t.unix_nanos())),
        // `aws:EpochTime` is a number of seconds that the date operators accept.
        Scalar::Number(n) => Some(i128::from(*n) * i128::from(NANOS_PER_SECOND)),
        Scalar::String(s) => parse_date(s),
        Scalar::Bool(_) | Scalar::Ip(_) => None,
    }
}

fn bool_of(value: &Scalar<'_>) -> Option<bool> {
    match value {
        Scalar::Bool(b) => Some(*b),
        Scalar::String(s) => parse_bool(s),
        Scalar::Number(_) | Scalar::Date(_) | Scalar::Ip(_) => None,
    }
}

fn ip_of(value: &Scalar<'_>) -> Option<IpAddr> {
    match value {
        Scalar::Ip(ip) => Some(*ip),
        Scalar::String(s) => s.parse().ok(),
        Scalar::Bool(_) | Scalar::Number(_) | Scalar::Date(_) => None,
    }
}

/// An IPv4 or IPv6 CIDR block, its host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: IpAddr,
    prefix_len: u8,
}

impl Cidr {
    /// `203.0.113.0/24`, `2001:DB8::/32`, or one address (`/32` or `/128`).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (address, prefix_len) = match text.split_once('/') {
            Some((address, len)) => (address, Some(len)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix_len = match prefix_len {
            None => max,
            Some(len)
                if !len.is_empty() && len.len() <= 3 && len.bytes().all(|b| b.is_ascii_digit()) =>
            {
                len.parse().ok().filter(|&l| l <= max)?
            }
            Some(_) => return None,
        };
        let network = match network {
            IpAddr::V4(v4) => IpAddr::V4((u32::from(v4) & mask_v4(prefix_len)).into()),
            IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & mask_v6(prefix_len)).into()),
        };
        Some(Self { network, prefix_len })
    }

    /// Whether `ip` is in the block.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) if self.network.is_ipv4() => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            _ => ip,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                u32::from(ip) & mask_v4(self.prefix_len) == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                u128::from(ip) & mask_v6(self.prefix_len) == u128::from(net)
            }
            _ => false,
        }
    }
}

fn mask_v4(prefix_len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix_len)).unwrap_or(0)
}

fn mask_v6(prefix_len: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix_len)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let s = |t: &str| parse_date(t).map(|n| n / i128::from(NANOS_PER_SECOND));
        assert_eq!(s("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(s("2026-01-01T00:00:00Z"), Some(1_767_225_600));
        assert_eq!(s("2026-01-01"), Some(1_767_225_600));
        assert_eq!(s("2026-01"), Some(1_767_225_600));
        assert_eq!(s("2026-01-01T00:00Z"), Some(1_767_225_600));
        assert_eq!(s("2026-01-01T00:00:00"), Some(1_767_225_600));
        assert_eq!(s("2026-01-01T01:00:00+01:00"), Some(1_767_225_600));
        assert_eq!(s("2025-12-31T23:00:00-0100"), Some(1_767_225_600));
        assert_eq!(s("1767225600"), Some(1_767_225_600));
        assert_eq!(s("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(s("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(parse_date("2026-01-01T00:00:00.25Z"), Some(1_767_225_600_250_000_000));
        for bad in [
            "",
            "2026-13-01",
            "2025-02-29",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00Q",
            "yesterday",
            "2026/01/01",
            "2026-01-01T00Z",
            "-5",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers() {
        for (t, n) in
            [("90", 90.0), ("-1", -1.0), ("+2.5", 2.5), (".5", 0.5), ("1e3", 1000.0), ("7.", 7.0)]
        {
            assert_eq!(parse_number(t), Some(n), "{t}");
        }
        for bad in ["", "-", "NaN", "inf", "1e", "1.2.3", "0x10", " 1", "e5"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        let c = |t: &str| Cidr::parse(t).unwrap();
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        assert!(c("203.0.113.0/24").contains(ip("203.0.113.255")));
        assert!(!c("203.0.113.0/24").contains(ip("203.0.114.0")));
        assert!(c("203.0.113.9/24").contains(ip("203.0.113.1")));
        assert!(c("203.0.113.7").contains(ip("203.0.113.7")));
        assert!(!c("203.0.113.7").contains(ip("203.0.113.8")));
        assert!(c("0.0.0.0/0").contains(ip("8.8.8.8")));
        assert!(!c("0.0.0.0/0").contains(ip("2001:db8::1")));
        assert!(c("2001:DB8:1234:5678::/64").contains(ip("2001:db8:1234:5678:ffff::1")));
        assert!(!c("2001:DB8:1234:5678::/64").contains(ip("2001:db8:1234:5679::1")));
        assert!(c("::/0").contains(ip("::1")));
        assert!(c("192.0.2.0/24").contains(ip("::ffff:192.0.2.10")));
        for bad in [
            "",
            "203.0.113.0/33",
            "2001:db8::/129",
            "203.0.113.0/",
            "203.0.113.0/-1",
            "host",
            "203.0.113.0/24/1",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn case_folding() {
        assert!(equals_folded("ÉTÉ", &fold_case("été")));
        assert!(equals_folded("Finance", "finance"));
        assert!(!equals_folded("Finance", "financ"));
    }
}
