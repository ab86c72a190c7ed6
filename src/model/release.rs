//! The operator releases whose CRDs are embedded.

use std::fmt;
use std::str::FromStr;

use crate::model::flink_config::FlinkLine;

/// A Flink Kubernetes Operator release, by minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Release {
    V1_10,
    V1_11,
    V1_12,
    V1_13,
    V1_14,
    V1_15,
}

impl Release {
    pub const ALL: [Release; 6] = [
        Release::V1_10,
        Release::V1_11,
        Release::V1_12,
        Release::V1_13,
        Release::V1_14,
        Release::V1_15,
    ];
    pub const NEWEST: Release = Release::V1_15;

    /// `1.15`: the name users type and the folder under `schemas/`.
    pub fn minor(self) -> &'static str {
        match self {
            Release::V1_10 => "1.10",
            Release::V1_11 => "1.11",
            Release::V1_12 => "1.12",
            Release::V1_13 => "1.13",
            Release::V1_14 => "1.14",
            Release::V1_15 => "1.15",
        }
    }

    /// The exact release whose CRDs are in `schemas/crds/`.
    pub fn patch(self) -> &'static str {
        match self {
            Release::V1_10 => "1.10.0",
            Release::V1_11 => "1.11.0",
            Release::V1_12 => "1.12.1",
            Release::V1_13 => "1.13.0",
            Release::V1_14 => "1.14.0",
            Release::V1_15 => "1.15.0",
        }
    }

    /// From 1.13 `flinkConfiguration` is free-form YAML; before, a flat map of strings.
    pub fn has_nested_flink_configuration(self) -> bool {
        self >= Release::V1_13
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The Flink library the operator is built with, which decides the configuration keys its
    /// webhook reads: Flink 1.19.1 for 1.10.0, Flink 1.20.1 for 1.11.0 to 1.15.0.
    pub fn flink_line(self) -> FlinkLine {
        if self == Release::V1_10 {
            FlinkLine::Before1_20
        } else {
            FlinkLine::From1_20
        }
    }
}

impl Default for Release {
    fn default() -> Self {
        Release::NEWEST
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.minor())
    }
}

impl FromStr for Release {
    type Err = String;
    /// Accepts `1.12`, `1.12.1`, `v1.12` and any patch of a known minor.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.strip_prefix('v').unwrap_or(s);
        let minor = match t.match_indices('.').nth(1) {
            Some((i, _)) => &t[..i],
            None => t,
        };
        Release::ALL
            .into_iter()
            .find(|r| r.minor() == minor)
            .ok_or_else(|| {
                let known: Vec<_> = Release::ALL.iter().map(|r| r.minor()).collect();
                format!(
                    "unknown operator version {s:?}; known: {}",
                    known.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minor_and_patch_forms() {
        assert_eq!("1.12".parse(), Ok(Release::V1_12));
        assert_eq!("1.12.1".parse(), Ok(Release::V1_12));
        assert_eq!("v1.15.0".parse(), Ok(Release::V1_15));
        assert!("1.9".parse::<Release>().unwrap_err().contains("1.10, 1.11"));
        assert!("1.1".parse::<Release>().is_err());
    }
}
