//! Severity decided once, after the checks: a rule reports a problem; this stage drops the rules
//! that do not apply to the release judging it, and applies the rule's default severity, the
//! `--strict` and `--backup-ready` presets and `--disable`.

use std::collections::BTreeSet;

use super::registry::{Family, Rule, Selector};
use crate::finding::{Problem, Severity};
use crate::model::release::Release;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Unknown fields are errors, not warnings.
    pub strict: bool,
    /// Backup prerequisites are errors, not warnings.
    pub backup_ready: bool,
    /// Rules and families turned off.
    pub disabled: BTreeSet<Selector>,
}

impl Policy {
    /// The severity of `rule`'s findings, or `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        if self.disabled.iter().any(|s| s.matches(rule)) {
            return None;
        }
        let info = rule.info();
        let raised = match info.family {
            Family::Backup => self.backup_ready,
            _ => self.strict && rule == Rule::UnknownField,
        };
        Some(if raised {
            Severity::Error
        } else {
            info.severity
        })
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
}
