//! The snapshot's name: `<target>-backup-<UTC yyyymmdd-hhmmss>`, reproducible under
//! `SOURCE_DATE_EPOCH`.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::timestamp::civil_from_days;

/// Longest Kubernetes object name (a DNS-1123 subdomain).
const MAX_NAME: usize = 253;

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock.
pub fn now(source_date_epoch: Option<&str>) -> Result<i64, String> {
    match source_date_epoch {
        Some(text) => text.trim().parse::<i64>().map_err(|_| {
            format!("SOURCE_DATE_EPOCH must be a whole number of seconds, not {text:?}")
        }),
        None => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)),
    }
}

pub fn prefix(target: &str) -> String {
    format!("{target}-backup-")
}

pub fn snapshot_name(target: &str, epoch_seconds: i64) -> String {
    let stamp = utc_stamp(epoch_seconds);
    let budget = MAX_NAME - "-backup-".len() - stamp.len();
    let mut base: String = target.chars().take(budget).collect();
    // A truncated name must still end in an alphanumeric before the suffix.
    while base.ends_with(['-', '.']) {
        base.pop();
    }
    format!("{base}-backup-{stamp}")
}

/// `yyyymmdd-hhmmss` in UTC.
fn utc_stamp(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let secs = epoch_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_in_utc() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        assert_eq!(utc_stamp(1_763_715_600), "20251121-090000");
        assert_eq!(utc_stamp(951_782_400), "20000229-000000");
        assert_eq!(
            snapshot_name("app", 1_763_715_600),
            "app-backup-20251121-090000"
        );
    }

    #[test]
    fn long_names_are_truncated_to_a_valid_subdomain() {
        let long = format!("{}-{}", "a".repeat(229), "b".repeat(30));
        let name = snapshot_name(&long, 0);
        assert!(name.len() <= 253);
        assert_eq!(name.len(), 252, "the dash at the cut is dropped");
        assert!(name.ends_with("a-backup-19700101-000000"), "{name}");
    }

    #[test]
    fn source_date_epoch() {
        assert_eq!(now(Some("1700000000")), Ok(1_700_000_000));
        assert!(now(Some("yesterday")).is_err());
    }
}
