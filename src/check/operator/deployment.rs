//! The webhook's checks of a FlinkDeployment spec (D1 to D3, D5 to D24, D28, D29), against its
//! effective configuration: the operator's defaults with the resource's own over them. A
//! blue/green template's spec is held to the same: the operator refuses the child it makes of it.

use serde_json::Value;

use super::{Judge, autoscaler, job};
use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::distribution::Distribution;
use crate::model::flink_config::FlinkConfig;
use crate::model::memory;
use crate::pointer::Lookup;

/// A FlinkDeployment spec and who it will be.
pub struct DeploymentSpec<'a> {
    pub spec: Option<&'a Value>,
    /// The spec's pointer: `/spec`, or `/spec/template/spec` in a blue/green deployment.
    pub at: &'a str,
    /// The FlinkDeployment's name (a blue/green child's is the parent's with `-blue`/`-green`).
    pub name: Option<String>,
    /// Where `name` is written, for findings about it.
    pub name_at: &'a str,
    pub namespace: Option<&'a str>,
}

/// The names the operator itself sets in the configuration.
const FORBIDDEN_KEYS: [&str; 3] = [
    "kubernetes.namespace",
    "kubernetes.cluster-id",
    "high-availability.cluster-id",
];

const LOG_FILES: [&str; 2] = ["log4j-console.properties", "logback-console.xml"];

/// The operator's limit: the name becomes part of Service and label names.
const MAX_NAME: usize = 45;

pub fn check(d: &DeploymentSpec<'_>, config: &FlinkConfig, judge: &Judge<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |field: &str| format!("{}/{field}", d.at);
    let spec = d.spec;
    let field = |name: &str| spec.and_then(|s| s.field(name)).filter(|v| !v.is_null());
    if let Some(name) = &d.name {
        if let Some(problem) = name_problem(name, d.name_at) {
            out.push(problem);
        }
    }
    match field("flinkVersion").and_then(Value::as_str) {
        None if judge.distribution == Distribution::Apache => out.push(Problem::new(
            Rule::FlinkVersionMissing,
            d.at,
            "the operator refuses it: Flink Version must be defined: set spec.flinkVersion to the \
             version of the image, e.g. v1_20",
        )),
        Some(old @ ("v1_13" | "v1_14")) => out.push(Problem::new(
            Rule::FlinkVersionUnsupported,
            at("flinkVersion"),
            format!(
                "the operator refuses it: Flink version {old} is not supported by this operator \
                 version (1.15 and later are)"
            ),
        )),
        _ => {}
    }
    for key in FORBIDDEN_KEYS {
        if let Some(entry) = config.get(key) {
            out.push(Problem::new(
                Rule::ConfigKeyForbidden,
                entry.pointer.clone(),
                format!("the operator refuses it: Forbidden Flink config key: {key} (the operator sets it)"),
            ));
        }
    }
    let ha = config.ha_enabled();
    let boolean = |keys: &[&str], default: bool, out: &mut Vec<Problem>, rule: Rule| {
        config.boolean(keys, default).unwrap_or_else(|why| {
            let pointer = config
                .first_present(keys)
                .map_or(d.at.to_owned(), |e| e.pointer.clone());
            out.push(Problem::new(
                rule,
                pointer,
                format!("the operator refuses it: {why}"),
            ));
            default
        })
    };
    let rollback_keys = ["kubernetes.operator.deployment.rollback.enabled"];
    if boolean(&rollback_keys, false, &mut out, Rule::RollbackNeedsHa) && !ha {
        out.push(Problem::new(
            Rule::RollbackNeedsHa,
            config
                .first_present(&rollback_keys)
                .map_or(d.at.to_owned(), |e| e.pointer.clone()),
            "the operator refuses it: HA must be enabled for rollback support: set \
             high-availability.type (e.g. kubernetes) and high-availability.storageDir",
        ));
    }
    let health_keys = ["kubernetes.operator.cluster.health-check.enabled"];
    let recovery_keys = [
        "kubernetes.operator.jm-deployment-recovery.enabled",
        "kubernetes.operator.reconciler.jm-deployment-recovery.enabled",
    ];
    let health = boolean(
        &health_keys,
        false,
        &mut out,
        Rule::HealthCheckNeedsRecovery,
    );
    if health
        && !boolean(
            &recovery_keys,
            true,
            &mut out,
            Rule::HealthCheckNeedsRecovery,
        )
    {
        out.push(Problem::new(
            Rule::HealthCheckNeedsRecovery,
            config
                .first_present(&recovery_keys)
                .map_or(d.at.to_owned(), |e| e.pointer.clone()),
            "the operator refuses it: deployment recovery \
             (kubernetes.operator.jm-deployment-recovery.enabled) must be enabled for job health \
             check (kubernetes.operator.cluster.health-check.enabled) support",
        ));
    }
    if let Some(ingress) = field("ingress") {
        match ingress.field("template").and_then(Value::as_str) {
            None => out.push(Problem::new(
                Rule::IngressTemplateMissing,
                at("ingress"),
                "the operator refuses it: Ingress template must be defined: set \
                 spec.ingress.template, e.g. flink.example.com/{{namespace}}/{{name}}(/|$)(.*)",
            )),
            Some(template) => {
                let name = d.name.as_deref().unwrap_or_default();
                // The API server sets the namespace before the webhook sees the object.
                let namespace = d.namespace.unwrap_or("default");
                if let Some(why) = ingress_url_problem(template, name, namespace) {
                    out.push(Problem::new(
                        Rule::IngressTemplateInvalid,
                        at("ingress/template"),
                        format!(
                            "the operator refuses it: Unable to process the Ingress template({template}). \
                             Error: {why}"
                        ),
                    ));
                }
            }
        }
    }
    if let Some(files) = field("logConfiguration").and_then(Value::as_object) {
        for key in files.keys().filter(|k| !LOG_FILES.contains(&k.as_str())) {
            out.push(
                Problem::new(
                    Rule::LogConfigKeyInvalid,
                    crate::pointer::join(&at("logConfiguration"), key),
                    format!(
                        "the operator refuses it: Invalid log config key: {key}. Allowed keys are \
                         [{}]",
                        LOG_FILES.join(", ")
                    ),
                )
                .at_key(),
            );
        }
    }
    if let Some(job_spec) = field("job").filter(|j| j.is_object()) {
        let tm_replicas = spec
            .and_then(|s| s.field("taskManager"))
            .and_then(|tm| tm.field("replicas"))
            .filter(|r| !r.is_null())
            .map(|r| (r, at("taskManager/replicas")));
        job::check(job_spec, &at("job"), tm_replicas, config, "", &mut out);
    }
    roles(d, config, ha, &mut out);
    if field("serviceAccount").is_none() {
        out.push(Problem::new(
            Rule::ServiceAccountMissing,
            d.at,
            "the operator refuses it: spec.serviceAccount must be defined; with the Helm chart, \
             set it to the chart's jobServiceAccount (flink by default)",
        ));
    }
    out.extend(autoscaler::check(config, judge, d.at));
    out
}

/// D18 to D24: the JobManager's and TaskManagers' memory, storage and replicas.
fn roles(d: &DeploymentSpec<'_>, config: &FlinkConfig, ha: bool, out: &mut Vec<Problem>) {
    let has_job = d
        .spec
        .and_then(|s| s.field("job"))
        .is_some_and(Value::is_object);
    for (role, label, derive) in [
        (
            "jobManager",
            "JobManager",
            memory::jobmanager_problem as fn(&FlinkConfig) -> Option<String>,
        ),
        ("taskManager", "TaskManager", memory::taskmanager_problem),
    ] {
        // Pointers are built only for a finding: formatting them for every document was 1% of a
        // run over thousands.
        let role_at = |rest: &str| format!("{}/{role}{rest}", d.at);
        let spec = d.spec.and_then(|s| s.field(role)).filter(|r| !r.is_null());
        let resource = spec
            .and_then(|s| s.field("resource"))
            .filter(|r| !r.is_null());
        let memory = resource
            .and_then(|r| r.field("memory"))
            .filter(|m| !m.is_null());
        let memory_text = memory.and_then(Value::as_str);
        if memory_text.is_none_or(|m| m.trim().is_empty()) {
            if let Some(why) = derive(config) {
                out.push(Problem::new(
                    Rule::MemoryMissing,
                    if spec.is_some() {
                        role_at("")
                    } else {
                        d.at.to_owned()
                    },
                    format!(
                        "the operator refuses it: {label} resource memory must be defined using \
                         spec.{role}.resource.memory (Flink cannot derive it from the \
                         configuration: {why})"
                    ),
                ));
            }
        }
        if let Some(text) = memory_text {
            if let Some(why) = memory::resource_memory_problem(text) {
                out.push(Problem::new(
                    Rule::MemoryInvalid,
                    role_at("/resource/memory"),
                    format!("the operator refuses it: {label} resource memory parse error: {why}"),
                ));
            }
        }
        if let Some(storage) = resource
            .and_then(|r| r.field("ephemeralStorage"))
            .and_then(Value::as_str)
        {
            if let Some(why) = memory::ephemeral_storage_problem(storage) {
                out.push(Problem::new(
                    Rule::EphemeralStorageInvalid,
                    role_at("/resource/ephemeralStorage"),
                    format!("the operator refuses it: {label} resource ephemeral storage parse error: {why}"),
                ));
            }
        }
        let replicas = spec
            .and_then(|s| s.field("replicas"))
            .filter(|r| !r.is_null());
        let count = replicas.and_then(Value::as_f64);
        match (role, count) {
            ("jobManager", Some(n)) if n < 1.0 => out.push(Problem::new(
                Rule::ReplicasInvalid,
                role_at("/replicas"),
                format!("the operator refuses it: JobManager replicas should not be configured less than one ({n})"),
            )),
            ("jobManager", Some(n)) if n > 1.0 && !ha => out.push(Problem::new(
                Rule::StandbyNeedsHa,
                role_at("/replicas"),
                "the operator refuses it: High availability should be enabled when starting \
                 standby JobManagers: set high-availability.type (e.g. kubernetes) and \
                 high-availability.storageDir, or use 1 replica",
            )),
            // With a job, the job's check has already refused it (D16), in its own words.
            ("taskManager", Some(n)) if n < 1.0 && !has_job => out.push(Problem::new(
                Rule::ReplicasInvalid,
                role_at("/replicas"),
                format!("the operator refuses it: TaskManager replicas should not be configured less than one ({n})"),
            )),
            _ => {}
        }
    }
}

/// D1 (and S1): the operator's name pattern, `[a-z]([-a-z0-9]{0,43}[a-z0-9])?`.
pub fn name_problem(name: &str, pointer: &str) -> Option<Problem> {
    let valid = name.len() <= MAX_NAME
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    (!valid).then(|| {
        Problem::new(
            Rule::NameInvalid,
            pointer,
            format!(
                "the operator refuses it: the FlinkDeployment name {name:?} ({} characters) is invalid: \
                 lower-case letters, digits and '-', starting with a letter, ending with a letter or \
                 digit, at most {MAX_NAME} characters",
                name.chars().count()
            ),
        )
    })
}

/// D9: the ingress template as `java.net.URL` reads it, once `http://`, the name and the
/// namespace are in.
fn ingress_url_problem(template: &str, name: &str, namespace: &str) -> Option<String> {
    let lower = template.to_ascii_lowercase();
    let with_protocol = if lower.starts_with("http://") || lower.starts_with("https://") {
        template.to_owned()
    } else {
        format!("http://{template}")
    };
    let filled = replace_ignoring_case(&with_protocol, "{{name}}", name);
    let filled = replace_ignoring_case(&filled, "{{namespace}}", namespace);
    let rest = &filled[filled.find("://")? + 3..];
    let rest = rest.split('#').next().unwrap_or(rest);
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let host = match authority.match_indices('@').count() {
        0 => authority,
        1 => &authority[authority.find('@')? + 1..],
        // Java leaves user info and host unset; not an error.
        _ => return None,
    };
    let port = if let Some(bracketed) = host.strip_prefix('[') {
        let Some(end) = bracketed.find(']').filter(|&i| i > 1) else {
            return Some(format!("Invalid authority field: {authority}"));
        };
        if bracketed[..end].parse::<std::net::Ipv6Addr>().is_err() {
            return Some(format!("Invalid host: {host}"));
        }
        match &bracketed[end + 1..] {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) if !p.is_empty() => Some(p),
                Some(_) => None,
                None => return Some(format!("Invalid authority field: {authority}")),
            },
        }
    } else {
        host.split_once(':')
            .map(|(_, p)| p)
            .filter(|p| !p.is_empty())
    };
    let port = port?;
    match port.parse::<i32>() {
        Err(_) => Some(format!(
            "For input string: \"{port}\" (the port is not a number)"
        )),
        Ok(p) if p < -1 => Some(format!("Invalid port number :{p}")),
        Ok(_) => None,
    }
}

fn replace_ignoring_case(text: &str, pattern: &str, with: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find(pattern) {
        out.push_str(&text[i..i + found]);
        out.push_str(with);
        i += found + pattern.len();
    }
    out.push_str(&text[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_templates_as_java_reads_them() {
        for ok in [
            "flink.example.com/{{namespace}}/{{name}}(/|$)(.*)",
            "https://{{name}}.{{namespace}}.example.com",
            "example.com:8080/x",
            "[::1]:8080/x",
            "{{NAME}}.example.com",
        ] {
            assert_eq!(ingress_url_problem(ok, "app", "flink"), None, "{ok}");
        }
        for bad in [
            "example.com:port/x",
            "[::1/x",
            "[zz]/x",
            "[::1]x/y",
            "example.com:-5",
        ] {
            assert!(ingress_url_problem(bad, "app", "flink").is_some(), "{bad}");
        }
    }

    #[test]
    fn deployment_names() {
        for ok in ["a", "app-1", &"a".repeat(45)] {
            assert!(name_problem(ok, "/metadata/name").is_none(), "{ok}");
        }
        for bad in ["1app", "app-", "App", &"a".repeat(46), "a.b", ""] {
            assert!(name_problem(bad, "/metadata/name").is_some(), "{bad}");
        }
    }
}
