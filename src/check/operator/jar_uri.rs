//! S4 to S7: the 1.15 operator's checks of a session job's `jarURI`, with Java's URI rules, the
//! allowed schemes and the restricted hosts of the operator's configuration.

use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::java_uri::{self, restricted_address};
use crate::model::operator_config::OperatorConfig;

const POINTER: &str = "/spec/job/jarURI";

pub fn check(uri: &str, operator: &OperatorConfig, out: &mut Vec<Problem>) {
    let parsed = match java_uri::parse(uri) {
        Ok(parsed) => parsed,
        Err(e) => {
            out.push(Problem::new(
                Rule::JarUriInvalid,
                POINTER,
                format!(
                    "the operator refuses it: jarURI is not a valid URI: {} at index {}: {uri:?}{}",
                    e.reason,
                    e.index,
                    placeholder_hint(uri)
                ),
            ));
            return;
        }
    };
    let Some(scheme) = parsed.scheme else {
        out.push(Problem::new(
            Rule::JarUriInvalid,
            POINTER,
            format!(
                "the operator refuses it: jarURI must include a scheme: {uri:?}; write https://host/path/job.jar"
            ),
        ));
        return;
    };
    let allowed = operator.allowed_jar_schemes();
    if !allowed.contains(&scheme.to_ascii_lowercase()) {
        // The option's description says comma-separated, but Flink splits list options on ';'.
        let comma_hint = if allowed.iter().any(|s| s.contains(',')) {
            "; Flink splits this list on ';', not ',': write https;s3 (or a YAML list)"
        } else {
            ""
        };
        out.push(Problem::new(
            Rule::JarUriSchemeNotAllowed,
            POINTER,
            format!(
                "the operator refuses it: jarURI scheme '{scheme}' is not in the allowlist [{}] \
                 (kubernetes.operator.user.artifacts.allowed-schemes{}{comma_hint}): use one of \
                 those, or extend the operator's allowlist and pass its configuration with \
                 --operator-config",
                allowed.join(", "),
                if operator.source.is_some() {
                    ""
                } else {
                    ", stock configuration"
                }
            ),
        ));
        return;
    }
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    if !web || !operator.disallows_restricted_jar_hosts() {
        return;
    }
    match parsed.host.as_deref().filter(|h| !h.is_empty()) {
        None => out.push(Problem::new(
            Rule::JarUriHostRestricted,
            POINTER,
            format!(
                "the operator refuses it: jarURI must include a host for http/https schemes, and \
                 {uri:?} has none Java can read as one (underscores, a numeric last label or a bad \
                 port make the authority no host)"
            ),
        )),
        Some(host) => {
            if restricted_address(host) == Some(true) {
                out.push(Problem::new(
                    Rule::JarUriHostRestricted,
                    POINTER,
                    format!(
                        "the operator refuses it: jarURI host '{host}' resolves to a restricted \
                         address (loopback, link-local, site-local, wildcard or multicast): serve \
                         the jar from a public host"
                    ),
                ));
            }
        }
    }
}

/// Why a `jarURI` the operator does not check will still fail when Flink fetches the jar.
pub fn unusable(uri: &str) -> Option<String> {
    if let Some(hint) = placeholder(uri) {
        return Some(hint);
    }
    match java_uri::parse(uri) {
        Err(e) => Some(format!(
            "jarURI {uri:?} is not a valid URI ({} at index {}): Flink will fail to fetch the jar; \
             percent-encode special characters",
            e.reason, e.index
        )),
        Ok(parsed) if parsed.scheme.is_none() => Some(format!(
            "jarURI {uri:?} has no URI scheme: Flink will not find the jar; write \
             local:///path/in/the/image.jar, https://..., or s3://..."
        )),
        Ok(_) => None,
    }
}

fn placeholder(uri: &str) -> Option<String> {
    (uri.starts_with('<') && uri.ends_with('>')).then(|| {
        format!(
            "jarURI is still the template placeholder {uri:?}: replace it with the URI of the \
             job's jar (local:///..., https://..., s3://...)"
        )
    })
}

fn placeholder_hint(uri: &str) -> String {
    placeholder(uri)
        .map(|p| format!("; {p}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(uri: &str, operator: &OperatorConfig) -> Vec<Rule> {
        let mut out = Vec::new();
        check(uri, operator, &mut out);
        out.into_iter().map(|p| p.rule).collect()
    }

    #[test]
    fn the_1_15_checks_with_the_stock_and_a_custom_configuration() {
        let stock = OperatorConfig::stock();
        assert!(rules("https://repo.example.com/job.jar", &stock).is_empty());
        for (uri, rule) in [
            ("<URI of the job jar>", Rule::JarUriInvalid),
            ("/opt/job.jar", Rule::JarUriInvalid),
            ("s3://bucket/job.jar", Rule::JarUriSchemeNotAllowed),
            ("local:///opt/job.jar", Rule::JarUriSchemeNotAllowed),
            ("https://127.0.0.1/job.jar", Rule::JarUriHostRestricted),
            ("https://my_host/job.jar", Rule::JarUriHostRestricted),
        ] {
            assert_eq!(rules(uri, &stock), [rule], "{uri}");
        }
        let custom = OperatorConfig::parse(
            "operator.yaml",
            "kubernetes.operator.user.artifacts.allowed-schemes: https;S3;local\n\
             kubernetes.operator.user.artifacts.disallow-restricted-hosts: false\n",
        )
        .unwrap();
        assert!(rules("s3://bucket/job.jar", &custom).is_empty());
        assert!(rules("local:///opt/job.jar", &custom).is_empty());
        assert!(rules("https://127.0.0.1/job.jar", &custom).is_empty());
    }

    #[test]
    fn unusable_uris() {
        assert!(unusable("local:///opt/flink/job.jar").is_none());
        assert!(
            unusable("<URI of the job jar>")
                .unwrap()
                .contains("placeholder")
        );
        assert!(
            unusable("/opt/flink/job.jar")
                .unwrap()
                .contains("no URI scheme")
        );
        assert!(
            unusable("local:///opt/my job.jar")
                .unwrap()
                .contains("not a valid URI")
        );
    }
}
