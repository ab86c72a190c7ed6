//! The README's rule tables and webhook condition table, written from the registry: the README
//! shows exactly what the rules declare (`cargo xtask docs` writes it, a test holds it there).

use std::fmt::Write;

use crate::check::registry::{ALL, CONDITIONS, Family, RuleInfo};
use crate::finding::Severity;
use crate::model::kind::Kind;

/// Where the generated text sits in the README.
pub const BEGIN: &str = "<!-- BEGIN GENERATED: rules (cargo xtask docs) -->";
pub const END: &str = "<!-- END GENERATED: rules -->";

fn heading(family: Family) -> &'static str {
    match family {
        Family::Yaml => "Reading the document",
        Family::Schema => "What the API server refuses or prunes",
        Family::Operator => "What the operator refuses",
        Family::Backup => "Backup prerequisites",
        Family::Hygiene => "What no one refuses, but costs the job",
        Family::Restore => "What would lose the restored job its state",
    }
}

fn note(family: Family) -> &'static str {
    match family {
        Family::Yaml | Family::Schema => "",
        Family::Operator => {
            "Decided as the webhook decides them at the chosen release, against the effective \
             configuration (the operator's defaults, its namespace and version overrides, then the \
             resource's own); conditions are numbered as in the table below."
        }
        Family::Backup => {
            "Warnings by default, errors with `--backup-ready`. A FlinkSessionJob inherits its \
             cluster's directories and pods, so it is held to these when its cluster is in the input."
        }
        Family::Hygiene => "The operator accepts these; the job or its state pays later.",
        Family::Restore => {
            "`restore` refuses these, judged on the restore form it would write (see Hazards \
             under `flink-backup restore`)."
        }
    }
}

fn severity(rule: &RuleInfo) -> &'static str {
    match (rule.family, rule.severity) {
        (Family::Backup, _) => "warning (error with `--backup-ready`)",
        (_, Severity::Error) => "error",
        (_, Severity::Warning) => "warning",
    }
}

fn kinds(rule: &RuleInfo) -> String {
    if rule.kinds.len() == Kind::ALL.len() {
        return "all".to_owned();
    }
    let names: Vec<&str> = rule
        .kinds
        .iter()
        .map(|k| k.name().trim_start_matches("Flink"))
        .collect();
    names.join(", ")
}

/// A table cell: no line breaks, and `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The generated README text, between `BEGIN` and `END` (exclusive).
pub fn markdown() -> String {
    let mut out = String::new();
    for family in Family::ALL {
        let rules: Vec<&RuleInfo> = ALL.iter().filter(|r| r.family == family).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n**{}** (`{family}`: {})\n",
            heading(family),
            family.who()
        );
        if !note(family).is_empty() {
            let _ = writeln!(out, "{}\n", note(family));
        }
        let webhook = family == Family::Operator;
        out.push_str(
            "| id | severity | kinds | releases | what it catches | why it matters | fix |",
        );
        out.push_str(if webhook { " webhook |\n" } else { "\n" });
        out.push_str("|---|---|---|---|---|---|---|");
        out.push_str(if webhook { "---|\n" } else { "\n" });
        for rule in rules {
            let _ = write!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                rule.id,
                severity(rule),
                kinds(rule),
                rule.releases.describe(),
                cell(rule.summary),
                cell(rule.why),
                cell(rule.fix)
            );
            if webhook {
                let conditions = match rule.conditions {
                    [] => "its controller".to_owned(),
                    ids => ids.join(", "),
                };
                let _ = write!(out, " {conditions} |");
            }
            out.push('\n');
        }
    }
    out.push_str(
        "\n**The webhook's conditions** (read from its validator at each release tag), and the \
         rules that decide each offline (family, releases):\n\n| condition | kind | refused when | \
         decided by |\n|---|---|---|---|\n",
    );
    for condition in CONDITIONS {
        let deciding: Vec<String> = ALL
            .iter()
            .filter(|r| r.conditions.contains(&condition.id))
            .map(|r| format!("`{}` ({}, {})", r.id, r.family, r.releases.describe()))
            .collect();
        let decided = match condition.not_offline {
            Some(why) => format!("not offline: {why}"),
            None if condition.from_status => format!(
                "{}, from the saved status (`status.reconciliationStatus.lastReconciledSpec`); \
                 without one, not checkable offline",
                deciding.join(", ")
            ),
            None => deciding.join(", "),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            condition.id,
            condition.kind.name(),
            cell(condition.refused_when),
            cell(&decided)
        );
    }
    out.push('\n');
    out
}

/// The README with its generated region replaced; an error if the markers are missing.
pub fn splice_into(readme: &str) -> Result<String, String> {
    let start = readme
        .find(BEGIN)
        .ok_or_else(|| format!("README.md has no {BEGIN:?} line"))?
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .ok_or_else(|| format!("README.md has no {END:?} line after the first marker"))?
        + start;
    Ok(format!(
        "{}\n{}{}",
        &readme[..start],
        markdown(),
        &readme[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_and_condition_has_a_row() {
        let text = markdown();
        for rule in ALL {
            assert!(text.contains(&format!("| `{}` |", rule.id)), "{}", rule.id);
        }
        for condition in CONDITIONS {
            assert!(
                text.contains(&format!("\n| {} |", condition.id)),
                "{}",
                condition.id
            );
        }
        let spliced = splice_into(&format!("a\n{BEGIN}\nSTALE TABLE\n{END}\nb\n")).unwrap();
        assert!(
            spliced.starts_with(&format!("a\n{BEGIN}\n\n**")),
            "{spliced}"
        );
        assert!(spliced.ends_with(&format!("\n{END}\nb\n")), "{spliced}");
        assert!(!spliced.contains("STALE TABLE"));
        assert!(splice_into("no markers").is_err());
    }
}
