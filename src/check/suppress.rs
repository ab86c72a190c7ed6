//! `flink-backup.io/ignore: "RULE[,RULE]: reason"` on an object turns those rules (ids or
//! families) off for that object alone, as kube-linter's and kube-score's annotations do. The
//! reason is required; a suppression that suppressed nothing is reported, so none goes stale.

use serde_json::Value;

use super::registry::{Rule, Selector};
use crate::finding::Problem;
use crate::pointer::{self, Lookup};

pub const ANNOTATION: &str = "flink-backup.io/ignore";

/// A problem an annotation turned off, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed {
    pub problem: Problem,
    pub reason: String,
}

/// The object's problems with its annotation applied: those kept (with any problem of the
/// annotation itself, at its rule's default severity), and those suppressed.
pub fn apply(object: &Value, problems: Vec<Problem>) -> (Vec<Problem>, Vec<Suppressed>) {
    let Some(text) = object
        .at("/metadata/annotations")
        .and_then(|a| a.get(ANNOTATION))
    else {
        return (problems, Vec::new());
    };
    let at = pointer::join("/metadata/annotations", ANNOTATION);
    let invalid = |why: String| {
        Problem::new(
            Rule::SuppressionInvalid,
            at.clone(),
            format!("{ANNOTATION} {why}; write \"rule-id[,rule-id]: why it does not apply here\""),
        )
    };
    let Some(text) = text.as_str() else {
        let mut kept = problems;
        kept.push(invalid("is not a string".into()));
        return (kept, Vec::new());
    };
    let Some((rules, reason)) = text.split_once(':').map(|(r, why)| (r, why.trim())) else {
        let mut kept = problems;
        kept.push(invalid(format!("{text:?} has no `: reason`")));
        return (kept, Vec::new());
    };
    if reason.is_empty() {
        let mut kept = problems;
        kept.push(invalid(format!("{text:?} gives no reason after the colon")));
        return (kept, Vec::new());
    }
    let mut selectors = Vec::new();
    for id in rules.split(',').map(str::trim) {
        match Selector::parse(id) {
            Ok(selector) => selectors.push(selector),
            Err(why) => {
                let mut kept = problems;
                kept.push(invalid(why));
                return (kept, Vec::new());
            }
        }
    }
    let mut used = vec![false; selectors.len()];
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for problem in problems {
        // The annotation cannot silence what is said about the annotation itself.
        let about_suppression = matches!(
            problem.rule,
            Rule::SuppressionInvalid | Rule::SuppressionUnused
        );
        match selectors.iter().position(|s| s.matches(problem.rule)) {
            Some(i) if !about_suppression => {
                used[i] = true;
                suppressed.push(Suppressed {
                    problem,
                    reason: reason.to_owned(),
                });
            }
            _ => kept.push(problem),
        }
    }
    for (selector, _) in selectors.iter().zip(&used).filter(|(_, used)| !**used) {
        kept.push(Problem::new(
            Rule::SuppressionUnused,
            at.clone(),
            format!(
                "{ANNOTATION} suppresses {selector}, which found nothing on this object: remove \
                 it, so that a real finding is not hidden later"
            ),
        ));
    }
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(annotation: &str) -> Value {
        json!({"metadata": {"annotations": {ANNOTATION: annotation}}})
    }

    fn problem(rule: Rule) -> Problem {
        Problem::new(rule, "/spec", "x")
    }

    #[test]
    fn rules_and_families_are_suppressed_with_their_reason() {
        let problems = vec![
            problem(Rule::CheckpointDirMissing),
            problem(Rule::NameInvalid),
        ];
        let (kept, suppressed) = apply(
            &object("backup: state lives in the operator's defaults"),
            problems,
        );
        assert_eq!(
            kept.iter().map(|p| p.rule).collect::<Vec<_>>(),
            [Rule::NameInvalid]
        );
        assert_eq!(
            suppressed[0].reason,
            "state lives in the operator's defaults"
        );
    }

    #[test]
    fn a_stale_or_malformed_suppression_is_reported() {
        let (kept, _) = apply(
            &object("name-invalid, unknown-field: legacy name"),
            vec![problem(Rule::NameInvalid)],
        );
        assert_eq!(
            kept.iter().map(|p| p.rule).collect::<Vec<_>>(),
            [Rule::SuppressionUnused]
        );
        assert!(
            kept[0].message.contains("unknown-field"),
            "{}",
            kept[0].message
        );
        for bad in ["name-invalid", "name-invalid:   ", "nme-invalid: typo"] {
            let (kept, suppressed) = apply(&object(bad), vec![problem(Rule::NameInvalid)]);
            assert!(suppressed.is_empty(), "{bad}");
            assert_eq!(kept.last().unwrap().rule, Rule::SuppressionInvalid, "{bad}");
        }
    }
}
