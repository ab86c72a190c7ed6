//! D29 and S11: the autoscaler's options, as the release's validator checks them when the
//! autoscaler is enabled. The ranges grew: 1.10 checks the factors and the target, 1.11 adds the
//! utilization bounds around the target, 1.12 the scalability coefficient.

use super::Judge;
use crate::check::registry::Rule;
use crate::finding::Problem;
use crate::model::flink_config::FlinkConfig;
use crate::model::release::Release;

const OLD: &str = "kubernetes.operator.job.autoscaler.";
const NEW: &str = "job.autoscaler.";

/// An autoscaler option's keys in the order Flink reads them: its key, the old operator-prefixed
/// fallback keys, then deprecated keys.
fn keys(name: &str, extra_fallbacks: &[&str], deprecated: &[&str]) -> Vec<String> {
    let mut keys = vec![format!("{NEW}{name}"), format!("{OLD}{name}")];
    keys.extend(extra_fallbacks.iter().map(|f| format!("{OLD}{f}")));
    keys.extend(deprecated.iter().map(|d| format!("{NEW}{d}")));
    keys
}

pub fn check(config: &FlinkConfig, judge: &Judge<'_>, at: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let problem = |pointer: &str, message: String| {
        Problem::new(Rule::AutoscalerOptionInvalid, pointer, message)
    };
    let enabled_keys = keys("enabled", &[], &[]);
    let enabled_keys: Vec<&str> = enabled_keys.iter().map(String::as_str).collect();
    match config.boolean(&enabled_keys, false) {
        Err(why) => {
            let pointer = config
                .first_present(&enabled_keys)
                .map_or(at, |e| e.pointer.as_str());
            out.push(problem(pointer, format!("the operator refuses it: {why}")));
            return out;
        }
        Ok(false) => return out,
        Ok(true) => {}
    }
    let number = |name: &str, keys: &[String], min: f64, max: Option<f64>| -> Option<Problem> {
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let entry = config.first_present(&refs)?;
        let text = entry.value.trim();
        let Ok(value) = text.parse::<f64>() else {
            return Some(problem(
                &entry.pointer,
                format!(
                    "the operator refuses it: invalid value in the autoscaler config {name} ({text:?} is not a number)"
                ),
            ));
        };
        let upper = max.unwrap_or(f64::INFINITY);
        (value < min || value > upper).then(|| {
            problem(
                &entry.pointer,
                format!(
                    "the operator refuses it: the AutoScalerOption {name} is invalid, it should be a value within the range [{}, {}] (it is {value})",
                    java_double(min),
                    max.map_or("+Infinity".to_owned(), java_double)
                ),
            )
        })
    };
    let scale_down = keys("scale-down.max-factor", &[], &[]);
    let scale_up = keys("scale-up.max-factor", &[], &[]);
    let boundary = keys("target.utilization.boundary", &[], &[]);
    out.extend(number(&scale_down[0], &scale_down, 0.0, None));
    out.extend(number(&scale_up[0], &scale_up, 0.0, None));
    if judge.release == Release::V1_10 {
        let target = keys("target.utilization", &[], &[]);
        out.extend(number(&target[0], &target, 0.0, None));
        out.extend(number(&boundary[0], &boundary, 0.0, None));
    } else {
        let target = keys(
            "utilization.target",
            &["target.utilization"],
            &["target.utilization"],
        );
        let refs: Vec<&str> = target.iter().map(String::as_str).collect();
        let target_value = match config.first_present(&refs) {
            None => 0.7,
            Some(entry) => match entry.value.trim().parse::<f64>() {
                Ok(v) => v,
                Err(_) => {
                    out.push(problem(
                        &entry.pointer,
                        format!(
                            "the operator refuses it: {} is {:?}, not a number",
                            entry.key, entry.value
                        ),
                    ));
                    return out;
                }
            },
        };
        out.extend(number(&target[0], &target, 0.0, Some(1.0)));
        out.extend(number(&boundary[0], &boundary, 0.0, None));
        let max = keys("utilization.max", &[], &[]);
        let min = keys("utilization.min", &[], &[]);
        out.extend(number(&max[0], &max, target_value, Some(1.0)));
        out.extend(number(&min[0], &min, 0.0, Some(target_value)));
        if judge.release >= Release::V1_12 {
            let coefficient = keys("observed-scalability.coefficient-min", &[], &[]);
            out.extend(number(&coefficient[0], &coefficient, 0.01, Some(1.0)));
        }
    }
    let periods = keys("excluded.periods", &[], &[]);
    let refs: Vec<&str> = periods.iter().map(String::as_str).collect();
    if let Some(entry) = config.first_present(&refs) {
        for expression in entry.value.split(';').filter(|e| !e.trim().is_empty()) {
            if let Some(why) = excluded_period_problem(expression) {
                out.push(problem(
                    &entry.pointer,
                    format!(
                        "the operator refuses it: invalid value {expression:?} in the autoscaler config {}: {why}",
                        periods[0]
                    ),
                ));
            }
        }
    }
    out
}

/// Java's `Double.toString` for the bounds the message prints.
fn java_double(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e7 {
        format!("{value:.1}")
    } else {
        value.to_string()
    }
}

/// An excluded period: a daily time range (`09:00-17:00`), a Quartz cron expression, or one of
/// each joined by `&&`.
fn excluded_period_problem(expression: &str) -> Option<String> {
    let parts: Vec<&str> = expression.split("&&").collect();
    if parts.len() > 2 {
        return Some("more than two expressions joined by &&".into());
    }
    let mut dailies = 0;
    let mut crons = 0;
    for part in &parts {
        let part = part.trim();
        let daily = daily_range(part).is_ok();
        let cron = quartz_cron_problem(part).is_none();
        if !daily && !cron {
            if daily_range(part) == Err(Backwards) {
                return Some(format!(
                    "the daily range {part:?} ends before it starts; Quartz's daily ranges cannot \
                     cross midnight: exclude the night as two ranges in two expressions, or as a cron \
                     expression"
                ));
            }
            return Some(format!(
                "{part:?} is neither a daily range (HH:MM-HH:MM) nor a valid Quartz cron expression"
            ));
        }
        dailies += usize::from(daily);
        crons += usize::from(cron);
    }
    (parts.len() == 2 && (dailies == 0 || crons == 0))
        .then(|| "two expressions must be one daily range && one cron expression".to_owned())
}

/// Why a daily range is refused.
#[derive(Debug, PartialEq)]
enum NotDaily {
    /// Not of the form at all.
    Syntax,
    /// Well formed, but the start is not before the end.
    Backwards,
}
use NotDaily::{Backwards, Syntax};

/// Quartz's `DailyCalendar`: `HH:MM[:SS[:mmm]]-HH:MM[:SS[:mmm]]`, the start before the end.
fn daily_range(text: &str) -> Result<(), NotDaily> {
    let parts: Vec<&str> = text.split('-').collect();
    let [start, end] = parts.as_slice() else {
        return Err(Syntax);
    };
    let millis = |t: &str| -> Result<u64, NotDaily> {
        let fields: Vec<&str> = t.split(':').collect();
        if !(2..=4).contains(&fields.len()) {
            return Err(Syntax);
        }
        let limits = [23u64, 59, 59, 999];
        let units = [3_600_000u64, 60_000, 1000, 1];
        let mut total = 0;
        for (i, field) in fields.iter().enumerate() {
            let v: u64 = field.trim().parse().map_err(|_| Syntax)?;
            if v > limits[i] {
                return Err(Syntax);
            }
            total += v * units[i];
        }
        Ok(total)
    };
    if millis(start)? < millis(end)? {
        Ok(())
    } else {
        Err(Backwards)
    }
}

/// Why Quartz's `CronExpression` refuses `text`: seconds, minutes, hours, day of month, month,
/// day of week and an optional year; exactly one of the two day fields is `?`.
fn quartz_cron_problem(text: &str) -> Option<String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if !(6..=7).contains(&fields.len()) {
        return Some("a cron expression has 6 or 7 fields".into());
    }
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let ranges: [(u32, u32); 7] = [
        (0, 59),
        (0, 59),
        (0, 23),
        (1, 31),
        (1, 12),
        (1, 7),
        (1970, 2099),
    ];
    for (i, field) in fields.iter().enumerate() {
        let (low, high) = ranges[i];
        let names: &[&str] = match i {
            4 => &MONTHS,
            5 => &DAYS,
            _ => &[],
        };
        let value = |t: &str| -> Option<u32> {
            if let Some(pos) = names.iter().position(|n| n.eq_ignore_ascii_case(t)) {
                return Some(pos as u32 + 1);
            }
            t.parse::<u32>().ok().filter(|v| (low..=high).contains(v))
        };
        for item in field.split(',') {
            let ok = match (i, item) {
                (3 | 5, "?") => true,
                (3, "L" | "LW") => true,
                (3, l) if l.starts_with("L-") => l[2..].parse::<u32>().is_ok_and(|n| n <= 30),
                (3, w) if w.ends_with('W') => value(&w[..w.len() - 1]).is_some(),
                (5, l) if l.ends_with('L') && l.len() > 1 => value(&l[..l.len() - 1]).is_some(),
                (5, "L") => true,
                (5, h) if h.contains('#') => h.split_once('#').is_some_and(|(d, n)| {
                    value(d).is_some() && n.parse::<u32>().is_ok_and(|n| (1..=5).contains(&n))
                }),
                _ => {
                    let (base, step) = match item.split_once('/') {
                        Some((b, s)) => (b, Some(s)),
                        None => (item, None),
                    };
                    let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s > 0));
                    let base_ok = match base {
                        "*" => true,
                        b => match b.split_once('-') {
                            Some((from, to)) => value(from).is_some() && value(to).is_some(),
                            None => value(b).is_some(),
                        },
                    };
                    step_ok && base_ok
                }
            };
            if !ok {
                return Some(format!("{item:?} is not valid in field {}", i + 1));
            }
        }
    }
    match (fields[3] == "?", fields[5] == "?") {
        (true, true) => Some("'?' can be in only one of day-of-month and day-of-week".into()),
        (false, false) => {
            Some("day-of-month and day-of-week cannot both be set: one must be '?'".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_periods() {
        for ok in [
            "09:00-17:00",
            "9:00:00-10:30",
            "0 0 9-17 ? * MON-FRI",
            "* * * ? * SAT,SUN",
            "09:00-17:00 && * * * ? * MON-FRI",
            "0 0/5 14 * * ?",
            "0 15 10 L * ?",
            "0 15 10 ? * 6#3",
        ] {
            assert_eq!(excluded_period_problem(ok), None, "{ok}");
        }
        for bad in [
            "17:00-09:00",
            "25:00-26:00",
            "every weekday",
            "0 0 9 * * MON",
            "0 0 9 ? * ?",
            "* * *",
            "09:00-10:00 && 11:00-12:00",
            "a && b && c",
        ] {
            assert!(excluded_period_problem(bad).is_some(), "{bad}");
        }
    }
}
