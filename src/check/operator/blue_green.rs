//! A FlinkBlueGreenDeployment (operator 1.14+): the webhook does not see it, but the controller
//! makes `<name>-blue` and `<name>-green` FlinkDeployments of `spec.template`, which the webhook
//! then judges; and it reads its options from `spec.configuration`.

use serde_json::Value;

use super::Judge;
use super::deployment::{self, DeploymentSpec};
use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::blue_green::TEMPLATE_SPEC;
use crate::model::flink_config::FlinkConfig;
use crate::model::resource::Resource;
use crate::pointer;
use crate::pointer::Lookup;

/// The controller's options (`FlinkBlueGreenDeploymentConfigOptions`), all durations.
const OPTIONS: [&str; 3] = [
    "kubernetes.operator.bluegreen.abort.grace-period",
    "kubernetes.operator.bluegreen.reconciliation.reschedule-interval",
    "kubernetes.operator.bluegreen.deployment-deletion.delay",
];

/// `config`: the template's configuration, the operator's defaults under it, read by the
/// operator's Flink.
pub fn check(resource: Resource<'_>, judge: &Judge<'_>, config: &FlinkConfig) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(options) = resource
        .value
        .at("/spec/configuration")
        .and_then(Value::as_object)
    {
        for (key, value) in options {
            let at = pointer::join("/spec/configuration", key);
            if !OPTIONS.contains(&key.as_str()) {
                out.push(
                    Problem::new(
                        Rule::BlueGreenOptionUnknown,
                        at,
                        format!(
                            "the blue/green controller has no option {key:?} and ignores it; its \
                             options are {}",
                            OPTIONS.join(", ")
                        ),
                    )
                    .at_key(),
                );
                continue;
            }
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            if let Err(why) = parse_duration(&text) {
                out.push(Problem::new(
                    Rule::BlueGreenOptionInvalid,
                    at,
                    format!(
                        "the blue/green controller fails to read {key}: {why}; write a duration \
                         such as `10 min` or `15s`"
                    ),
                ));
            }
        }
    }
    let spec = resource.value.at(TEMPLATE_SPEC);
    let namespace = resource.namespace();
    // The green child's name is the longer one: if it is valid, both are.
    let name = resource.name().map(|n| format!("{n}-green"));
    let d = DeploymentSpec {
        spec,
        at: TEMPLATE_SPEC,
        name,
        name_at: "/metadata/name",
        namespace,
    };
    out.extend(
        deployment::check(&d, config, judge)
            .into_iter()
            .map(|mut p| {
                p.message = format!(
                    "{} (in the child FlinkDeployment the controller makes of spec.template)",
                    p.message
                );
                p
            }),
    );
    out
}

/// Flink's `TimeUtils.parseDuration`: a whole number, then an optional unit (milliseconds without).
pub fn parse_duration(text: &str) -> Result<u128, String> {
    let trimmed = text.trim();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = trimmed.split_at(digits);
    if number.is_empty() {
        return Err(format!("{text:?} does not start with a number"));
    }
    let value: u64 = number
        .parse()
        .map_err(|_| format!("{number:?} is too large"))?;
    let unit = unit.trim().to_lowercase();
    let nanos: u128 = match unit.as_str() {
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        "d" | "day" | "days" => 86_400_000_000_000,
        "h" | "hour" | "hours" => 3_600_000_000_000,
        "min" | "m" | "minute" | "minutes" => 60_000_000_000,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000_000_000,
        "µs" | "us" | "micro" | "micros" | "microsecond" | "microseconds" => 1_000,
        "ns" | "nano" | "nanos" | "nanosecond" | "nanoseconds" => 1,
        other => return Err(format!("time unit {other:?} is not one Flink knows")),
    };
    Ok(u128::from(value) * nanos)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_as_flink_reads_them() {
        assert_eq!(parse_duration("10 min"), Ok(600_000_000_000));
        assert_eq!(parse_duration("15s"), Ok(15_000_000_000));
        assert_eq!(parse_duration("0ms"), Ok(0));
        assert_eq!(parse_duration("250"), Ok(250_000_000));
        assert!(parse_duration("ten minutes").is_err());
        assert!(parse_duration("10 fortnights").is_err());
        assert!(parse_duration("PT10M").is_err());
    }
}
