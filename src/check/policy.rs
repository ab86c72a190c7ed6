//! Severity decided once, after the checks: a rule reports a problem; this stage drops the rules
//! that do not apply to the release judging it, and applies the rule's default severity, the
//! `--backup-ready` preset, the configuration file's `rules:`, and `--disable` and `--strict`.

use std::collections::{BTreeMap, BTreeSet};

use super::registry::{Family, Rule, Selector};
use crate::finding::{Problem, Severity};
use crate::model::release::Release;

/// What the configuration file's `rules:` sets for a rule or a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Error,
    Warning,
    Off,
}

impl Setting {
    /// `error`, `warning`, `off`; `false` is `off` too (YAML 1.1 reads an unquoted `off` so).
    pub fn parse(value: &serde_json::Value) -> Option<Setting> {
        match value {
            serde_json::Value::String(s) => match s.as_str() {
                "error" => Some(Setting::Error),
                "warning" => Some(Setting::Warning),
                "off" => Some(Setting::Off),
                _ => None,
            },
            serde_json::Value::Bool(false) => Some(Setting::Off),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Setting::Error => "error",
            Setting::Warning => "warning",
            Setting::Off => "off",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// `--strict`: unknown fields are errors whatever the configuration file says.
    pub strict: bool,
    /// Backup prerequisites are errors, not warnings.
    pub backup_ready: bool,
    /// Rules and families turned off (`--disable`).
    pub disabled: BTreeSet<Selector>,
    /// Severities set per rule or family (the configuration file); a rule's wins over its
    /// family's.
    pub settings: BTreeMap<Selector, Setting>,
}

impl Policy {
    /// The severity of `rule`'s findings, or `None` when it is off. The rule's default, raised by
    /// `--backup-ready`; then the configuration file's setting for its family, then for the rule
    /// itself; then the flags that name rules (`--disable`, `--strict`), which win.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        if self.disabled.iter().any(|s| s.matches(rule)) {
            return None;
        }
        let info = rule.info();
        let mut severity = if info.family == Family::Backup && self.backup_ready {
            Severity::Error
        } else {
            info.severity
        };
        for selector in [Selector::Family(info.family), Selector::Rule(rule)] {
            match self.settings.get(&selector) {
                Some(Setting::Error) => severity = Severity::Error,
                Some(Setting::Warning) => severity = Severity::Warning,
                Some(Setting::Off) => return None,
                None => {}
            }
        }
        if self.strict && rule == Rule::UnknownField {
            severity = Severity::Error;
        }
        Some(severity)
    }

    /// Every problem with its decided severity; those of rules turned off, or that the release
    /// does not have, are dropped.
    pub fn judge(&self, problems: Vec<Problem>, release: Release) -> Vec<Problem> {
        problems
            .into_iter()
            .filter(|p| p.rule.info().releases.contains(release))
            .filter_map(|mut p| {
                p.severity = self.severity(p.rule)?;
                Some(p)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_raise_and_disable_drops() {
        let mut policy = Policy::default();
        assert_eq!(
            policy.severity(Rule::CheckpointDirMissing),
            Some(Severity::Warning)
        );
        policy.backup_ready = true;
        assert_eq!(
            policy.severity(Rule::CheckpointDirMissing),
            Some(Severity::Error)
        );
        policy.disabled.insert(Selector::Family(Family::Backup));
        assert_eq!(policy.severity(Rule::CheckpointDirMissing), None);
        assert_eq!(policy.severity(Rule::NameInvalid), Some(Severity::Error));
    }

    #[test]
    fn the_rules_setting_beats_its_familys_and_flags_beat_both() {
        let mut policy = Policy::default();
        policy
            .settings
            .insert(Selector::Family(Family::Schema), Setting::Warning);
        assert_eq!(
            policy.severity(Rule::SchemaViolation),
            Some(Severity::Warning)
        );
        policy
            .settings
            .insert(Selector::Rule(Rule::UnknownField), Setting::Off);
        assert_eq!(policy.severity(Rule::UnknownField), None);
        policy
            .settings
            .insert(Selector::Rule(Rule::UnknownField), Setting::Warning);
        assert_eq!(policy.severity(Rule::UnknownField), Some(Severity::Warning));
        policy.strict = true;
        assert_eq!(policy.severity(Rule::UnknownField), Some(Severity::Error));
        policy.disabled.insert(Selector::Rule(Rule::UnknownField));
        assert_eq!(policy.severity(Rule::UnknownField), None);
        assert_eq!(
            Setting::parse(&serde_json::json!(false)),
            Some(Setting::Off)
        );
        assert_eq!(Setting::parse(&serde_json::json!("fatal")), None);
    }
}
