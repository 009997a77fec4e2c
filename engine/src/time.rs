//! Injected time: the engine never reads a clock.

use std::fmt;

/// A point in time, in nanoseconds since the Unix epoch (UTC), as the caller says it is.
///
/// The engine receives every `Timestamp` from its caller (`CallContext::now`,
/// `Engine::advance_to`), so the same calls at the same times give the same results.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(u64);

/// Nanoseconds in one second.
pub const NANOS_PER_SECOND: u64 = 1_000_000_000;
/// Nanoseconds in one day.
pub const NANOS_PER_DAY: u64 = 86_400 * NANOS_PER_SECOND;

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Self = Self(0);

    /// A timestamp `nanos` [ns] after the Unix epoch.
    #[must_use]
    pub const fn from_unix_nanos(nanos: u64) -> Self {
        Self(nanos)
    }

    /// A timestamp `seconds` [s] after the Unix epoch.
    #[must_use]
    pub const fn from_unix_seconds(seconds: u64) -> Self {
        Self(seconds.saturating_mul(NANOS_PER_SECOND))
    }

    /// Nanoseconds [ns] since the Unix epoch.
    #[must_use]
    pub const fn unix_nanos(self) -> u64 {
        self.0
    }

    /// Whole seconds [s] since the Unix epoch (AWS reports dates as epoch seconds).
    #[must_use]
    pub const fn unix_seconds(self) -> u64 {
        self.0 / NANOS_PER_SECOND
    }

    /// This timestamp plus `days` whole days, saturating at the end of representable time.
    #[must_use]
    pub const fn plus_days(self, days: u32) -> Self {
        Self(self.0.saturating_add((days as u64).saturating_mul(NANOS_PER_DAY)))
    }

    /// This timestamp plus `nanos` [ns], saturating.
    #[must_use]
    pub const fn plus_nanos(self, nanos: u64) -> Self {
        Self(self.0.saturating_add(nanos))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// RFC 3339 in UTC with whole seconds, as CloudTrail writes `eventTime`: `2026-11-30T08:00:00Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.unix_seconds();
        let days = seconds / 86_400;
        let second_of_day = seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )
    }
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
///
/// Howard Hinnant's `civil_from_days`, restricted to non-negative day counts.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(Timestamp::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
        // 2026-11-30T08:03:24Z, checked against `date -u -d @1796025804`.
        assert_eq!(Timestamp::from_unix_seconds(1_796_025_804).to_string(), "2026-11-30T08:03:24Z");
        // A leap day.
        assert_eq!(Timestamp::from_unix_seconds(951_782_400).to_string(), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn plus_days_saturates() {
        assert_eq!(Timestamp::from_unix_nanos(u64::MAX).plus_days(1).unix_nanos(), u64::MAX);
        assert_eq!(Timestamp::UNIX_EPOCH.plus_days(7).unix_seconds(), 7 * 86_400);
    }
}
