//! Memory sizes as the operator reads them: Flink's `MemorySize` syntax, Kubernetes quantities as
//! its client library converts them, and the process memory Flink derives from the configuration
//! (what the webhook asks of a resource without `resource.memory`).

use crate::model::flink_config::FlinkConfig;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;
const TIB: u64 = 1024 * GIB;

/// Flink's `MemorySize.parse`: digits, then an optional unit (`b`, `k`, `kb`, `m`, `mb`, `g`, ...,
/// and their long names), case-insensitive, in bytes; every unit is a power of 1024.
pub fn parse_flink_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    if trimmed.is_empty() {
        return Err("argument is an empty- or whitespace-only string".into());
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = trimmed.split_at(digits);
    if number.is_empty() {
        return Err("text does not start with a number".into());
    }
    let value: i64 = number.parse().map_err(|_| {
        format!("the value '{number}' cannot be represented as 64bit number (numeric overflow)")
    })?;
    let unit = unit.trim_matches(|c: char| c <= ' ').to_ascii_lowercase();
    let multiplier = match unit.as_str() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kibibytes" => KIB,
        "m" | "mb" | "mebibytes" => MIB,
        "g" | "gb" | "gibibytes" => GIB,
        "t" | "tb" | "tebibytes" => TIB,
        other => {
            return Err(format!(
                "memory size unit '{other}' does not match any of the recognized units \
                 (b, k, kb, m, mb, g, gb, t, tb and their long names)"
            ));
        }
    };
    (value as u64)
        .checked_mul(multiplier)
        .filter(|bytes| *bytes <= i64::MAX as u64)
        .ok_or_else(|| {
            format!("the value '{text}' cannot be represented as 64bit number of bytes (numeric overflow)")
        })
}

/// A decimal number as Java's `BigDecimal` holds it: `unscaled * 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    unscaled: i128,
    scale: i32,
}

/// A Kubernetes quantity as the operator's client library (fabric8) converts it to a number:
/// the amount, read as a `BigDecimal`, times the suffix's multiple. `None` when it is too large
/// for this reading (it is still a valid quantity: only whole-byte use of it would fail).
fn quantity(text: &str) -> Result<Option<Decimal>, String> {
    let invalid = || format!("{text:?} is not a Kubernetes quantity");
    if text.is_empty() {
        return Err(invalid());
    }
    let value = if text.starts_with('.') {
        format!("0{text}")
    } else {
        text.to_owned()
    };
    let unit_at = value
        .find(['e', 'E', 'i', 'n', 'u', 'm', 'k', 'K', 'M', 'G', 'T', 'P'])
        .unwrap_or(value.len());
    let (amount, format) = value.split_at(unit_at);
    let has_digit = format.bytes().any(|b| b.is_ascii_digit());
    if has_digit && format.ends_with(|c: char| c.is_alphabetic()) {
        return Err(invalid());
    }
    let amount = parse_big_decimal(amount).ok_or_else(invalid)?;
    let (base, exponent): (i128, i32) = if has_digit && format.len() > 1 {
        let exponent: i32 = format[1..].parse().map_err(|_| invalid())?;
        (10, exponent)
    } else {
        match format {
            "Ki" => (2, 10),
            "Mi" => (2, 20),
            "Gi" => (2, 30),
            "Ti" => (2, 40),
            "Pi" => (2, 50),
            "Ei" => (2, 60),
            "n" => (10, -9),
            "u" => (10, -6),
            "m" => (10, -3),
            "k" => (10, 3),
            "M" => (10, 6),
            "G" => (10, 9),
            "T" => (10, 12),
            "P" => (10, 15),
            "E" => (10, 18),
            "" => (10, 0),
            _ => return Err(invalid()),
        }
    };
    Ok(amount.and_then(|a| multiply(a, power(base, exponent)?)))
}

/// `base^exponent` as `BigDecimal.pow(exponent, MathContext.DECIMAL64)` gives it: exact below 16
/// digits, else rounded to 16 (which leaves a negative scale).
fn power(base: i128, exponent: i32) -> Option<Decimal> {
    if exponent < 0 {
        return Some(Decimal {
            unscaled: 1,
            scale: -exponent,
        })
        .filter(|_| base == 10);
    }
    let exact = base.checked_pow(exponent as u32)?;
    let digits = exact.to_string().len() as i32;
    if digits <= 16 {
        return Some(Decimal {
            unscaled: exact,
            scale: 0,
        });
    }
    let drop = digits - 16;
    let divisor = 10i128.pow(drop as u32);
    let rounded = (exact + divisor / 2) / divisor;
    Some(Decimal {
        unscaled: rounded,
        scale: -drop,
    })
}

fn multiply(a: Decimal, b: Decimal) -> Option<Decimal> {
    Some(Decimal {
        unscaled: a.unscaled.checked_mul(b.unscaled)?,
        scale: a.scale + b.scale,
    })
}

/// `new BigDecimal(text)` for text without an exponent: an optional sign, digits with at most one
/// `.`, at least one digit. `Ok(None)` when the digits overflow what this reading holds.
fn parse_big_decimal(text: &str) -> Option<Option<Decimal>> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, f),
        None => (body, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let unscaled = digits
        .parse::<i128>()
        .ok()
        .map(|n| if negative { -n } else { n });
    Some(unscaled.map(|unscaled| Decimal {
        unscaled,
        scale: fraction.len() as i32,
    }))
}

/// Why `resource.ephemeralStorage` is refused: it must be a Kubernetes quantity.
pub fn ephemeral_storage_problem(text: &str) -> Option<String> {
    quantity(text).err()
}

/// Why `resource.memory` is refused: the operator reads it as a Flink size, else as a
/// Kubernetes quantity (upper-cased, spaces and a trailing `B` removed, `I` made `i`) whose number
/// of bytes, printed as Java prints a `BigDecimal`, must read as a Flink size again: a whole,
/// non-negative number. `1.5Gi` is 1610612736.0 bytes, which does not.
pub fn resource_memory_problem(text: &str) -> Option<String> {
    if parse_flink_size(text).is_ok() {
        return None;
    }
    let mut k8s: String = text
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if k8s.ends_with('B') {
        k8s.pop();
    }
    if k8s.ends_with('I') {
        k8s.pop();
        k8s.push('i');
    }
    match quantity(&k8s) {
        Err(why) => Some(format!(
            "{text:?} is neither a Flink memory size (such as 2048m) nor a Kubernetes quantity \
             (such as 2Gi): {why}"
        )),
        Ok(Some(bytes))
            if bytes.scale == 0 && (0..=i128::from(i64::MAX)).contains(&bytes.unscaled) =>
        {
            None
        }
        Ok(Some(bytes)) if bytes.scale > 0 => Some(format!(
            "{text:?} is {} bytes, not a whole number: the operator cannot read it; write a whole \
             quantity (2048Mi) or a Flink size (1536m)",
            java_plain(bytes)
        )),
        Ok(_) => Some(format!(
            "{text:?} is too large or negative for the operator to read as bytes"
        )),
    }
}

fn java_plain(d: Decimal) -> String {
    let digits = d.unscaled.abs().to_string();
    let scale = d.scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!(
        "{}{whole}.{fraction}",
        if d.unscaled < 0 { "-" } else { "" }
    )
}

/// An option of Flink's memory model: its key, the deprecated keys Flink still reads, and its
/// default.
struct MemoryOption {
    keys: &'static [&'static str],
    default: Option<u64>,
}

const fn option(keys: &'static [&'static str], default: Option<u64>) -> MemoryOption {
    MemoryOption { keys, default }
}

/// The reads of one derivation, in Flink's order; the first failure is the verdict.
struct Reader<'c> {
    config: &'c FlinkConfig,
}

impl Reader<'_> {
    fn contains(&self, option: &MemoryOption) -> bool {
        self.config.first_present(option.keys).is_some()
    }

    fn size(&self, option: &MemoryOption) -> Result<u64, String> {
        match self.config.first_present(option.keys) {
            Some(entry) => parse_flink_size(&entry.value).map_err(|why| {
                format!(
                    "cannot read memory size from config option '{}': {why}",
                    entry.key
                )
            }),
            None => option.default.ok_or_else(|| {
                format!(
                    "the memory option '{}' is not set and has no default value",
                    option.keys[0]
                )
            }),
        }
    }

    fn fraction(&self, keys: &[&str], default: f64) -> Result<f64, String> {
        match self.config.first_present(keys) {
            None => Ok(default),
            Some(entry) => java_float(&entry.value).ok_or_else(|| {
                format!("cannot read '{}' as a number: {:?}", entry.key, entry.value)
            }),
        }
    }

    /// min, max and fraction of a memory component sized as a fraction of another.
    fn range(
        &self,
        min: &MemoryOption,
        max: &MemoryOption,
        fraction_keys: &[&str],
        default_fraction: f64,
    ) -> Result<Range, String> {
        let (min, max) = (self.size(min)?, self.size(max)?);
        let fraction = self.fraction(fraction_keys, default_fraction)?;
        if min > max || !(0.0..1.0).contains(&fraction) {
            return Err(format!(
                "inconsistently configured {} ({fraction}) and its min ({min} bytes), max ({max} bytes) value",
                fraction_keys[0]
            ));
        }
        Ok(Range { min, max, fraction })
    }
}

#[derive(Debug, Clone, Copy)]
struct Range {
    min: u64,
    max: u64,
    fraction: f64,
}

impl Range {
    fn clamp(self, size: u64) -> u64 {
        size.clamp(self.min, self.max)
    }

    fn of(self, base: u64) -> u64 {
        self.clamp(times(base, self.fraction))
    }

    fn of_inverse(self, base: u64) -> u64 {
        self.clamp(times(base, self.fraction / (1.0 - self.fraction)))
    }

    fn holds(self, size: u64) -> bool {
        (self.min..=self.max).contains(&size)
    }
}

/// `MemorySize.multiply`: the product, truncated to whole bytes.
fn times(bytes: u64, fraction: f64) -> u64 {
    (bytes as f64 * fraction) as u64
}

/// Java's `Float.parseFloat`, as Flink reads float options (then widened to double).
fn java_float(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c: char| c <= ' ');
    let t = t.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(t);
    t.parse::<f32>().ok().map(f64::from)
}

const JM_HEAP: MemoryOption = option(&["jobmanager.memory.heap.size"], None);
const JM_FLINK: MemoryOption = option(&["jobmanager.memory.flink.size"], None);
const JM_PROCESS: MemoryOption = option(&["jobmanager.memory.process.size"], None);
const JM_OFF_HEAP: MemoryOption = option(&["jobmanager.memory.off-heap.size"], Some(128 * MIB));
const JM_METASPACE: MemoryOption =
    option(&["jobmanager.memory.jvm-metaspace.size"], Some(256 * MIB));
const JM_OVERHEAD_MIN: MemoryOption =
    option(&["jobmanager.memory.jvm-overhead.min"], Some(192 * MIB));
const JM_OVERHEAD_MAX: MemoryOption = option(&["jobmanager.memory.jvm-overhead.max"], Some(GIB));
const JM_OVERHEAD_FRACTION: &[&str] = &["jobmanager.memory.jvm-overhead.fraction"];
/// Flink 1.10's heap options, which Flink still reads as the JVM heap when nothing newer is set.
const JM_LEGACY_HEAP: MemoryOption = option(&["jobmanager.heap.size"], None);
const JM_LEGACY_HEAP_MB: &str = "jobmanager.heap.mb";

const TM_PROCESS: MemoryOption = option(&["taskmanager.memory.process.size"], None);
const TM_FLINK: MemoryOption = option(&["taskmanager.memory.flink.size"], None);
const TM_TASK_HEAP: MemoryOption = option(&["taskmanager.memory.task.heap.size"], None);
const TM_MANAGED: MemoryOption = option(
    &["taskmanager.memory.managed.size", "taskmanager.memory.size"],
    None,
);
const TM_MANAGED_FRACTION: &[&str] = &["taskmanager.memory.managed.fraction"];
const TM_FRAMEWORK_HEAP: MemoryOption =
    option(&["taskmanager.memory.framework.heap.size"], Some(128 * MIB));
const TM_FRAMEWORK_OFF_HEAP: MemoryOption = option(
    &["taskmanager.memory.framework.off-heap.size"],
    Some(128 * MIB),
);
const TM_TASK_OFF_HEAP: MemoryOption = option(&["taskmanager.memory.task.off-heap.size"], Some(0));
const TM_NETWORK_MIN: MemoryOption = option(
    &[
        "taskmanager.memory.network.min",
        "taskmanager.network.memory.min",
    ],
    Some(64 * MIB),
);
const TM_NETWORK_MAX: MemoryOption = option(
    &[
        "taskmanager.memory.network.max",
        "taskmanager.network.memory.max",
    ],
    Some(i64::MAX as u64),
);
const TM_NETWORK_FRACTION: &[&str] = &[
    "taskmanager.memory.network.fraction",
    "taskmanager.network.memory.fraction",
];
const TM_METASPACE: MemoryOption =
    option(&["taskmanager.memory.jvm-metaspace.size"], Some(256 * MIB));
const TM_OVERHEAD_MIN: MemoryOption =
    option(&["taskmanager.memory.jvm-overhead.min"], Some(192 * MIB));
const TM_OVERHEAD_MAX: MemoryOption = option(&["taskmanager.memory.jvm-overhead.max"], Some(GIB));
const TM_OVERHEAD_FRACTION: &[&str] = &["taskmanager.memory.jvm-overhead.fraction"];
/// Flink 1.10's TaskManager heap options: read as the total Flink memory when nothing newer is set.
const TM_LEGACY_HEAP: MemoryOption = option(&["taskmanager.heap.size"], None);
const TM_LEGACY_HEAP_MB: &str = "taskmanager.heap.mb";

/// The JVM's own part of a process: metaspace and overhead, for each role.
struct Jvm {
    metaspace: &'static MemoryOption,
    overhead_min: &'static MemoryOption,
    overhead_max: &'static MemoryOption,
    overhead_fraction: &'static [&'static str],
    process: &'static MemoryOption,
}

const JM_JVM: Jvm = Jvm {
    metaspace: &JM_METASPACE,
    overhead_min: &JM_OVERHEAD_MIN,
    overhead_max: &JM_OVERHEAD_MAX,
    overhead_fraction: JM_OVERHEAD_FRACTION,
    process: &JM_PROCESS,
};

const TM_JVM: Jvm = Jvm {
    metaspace: &TM_METASPACE,
    overhead_min: &TM_OVERHEAD_MIN,
    overhead_max: &TM_OVERHEAD_MAX,
    overhead_fraction: TM_OVERHEAD_FRACTION,
    process: &TM_PROCESS,
};

impl Jvm {
    fn overhead(&self, r: &Reader<'_>) -> Result<Range, String> {
        r.range(
            self.overhead_min,
            self.overhead_max,
            self.overhead_fraction,
            0.1,
        )
    }

    /// Metaspace and overhead around a known total Flink memory, checked against a configured
    /// process size.
    fn around_flink(&self, r: &Reader<'_>, flink: u64) -> Result<(), String> {
        let metaspace = r.size(self.metaspace)?;
        let overhead = self.overhead(r)?;
        if r.contains(self.process) {
            let process = r.size(self.process)?;
            let derived = process as i128 - flink as i128 - metaspace as i128;
            if derived < 0 || !overhead.holds(derived as u64) {
                return Err(format!(
                    "derived JVM overhead ({derived} bytes) is not in the configured JVM overhead \
                     range [{}, {}]: the sizes do not add up to the process size {process}",
                    overhead.min, overhead.max
                ));
            }
        }
        Ok(())
    }

    /// The total Flink memory a configured process size leaves.
    fn flink_from_process(&self, r: &Reader<'_>) -> Result<u64, String> {
        let process = r.size(self.process)?;
        let metaspace = r.size(self.metaspace)?;
        let overhead = self.overhead(r)?.of(process);
        process
            .checked_sub(metaspace.saturating_add(overhead))
            .ok_or_else(|| {
                format!(
                    "sum of the JVM metaspace ({metaspace} bytes) and JVM overhead ({overhead} \
                     bytes) exceeds the total process memory ({process} bytes)"
                )
            })
    }
}

/// Why Flink cannot derive the JobManager's memory from `config`, or `None` when it can.
pub fn jobmanager_problem(config: &FlinkConfig) -> Option<String> {
    let legacy = legacy_heap(config, &JM_LEGACY_HEAP, JM_LEGACY_HEAP_MB);
    let heap_from_legacy = !(config.first_present(JM_HEAP.keys).is_some()
        || config.first_present(JM_FLINK.keys).is_some()
        || config.first_present(JM_PROCESS.keys).is_some())
        && legacy.is_some();
    let r = Reader { config };
    let result = (|| {
        let off_heap = || r.size(&JM_OFF_HEAP);
        if r.contains(&JM_HEAP) || heap_from_legacy {
            let heap = match (&legacy, heap_from_legacy) {
                (Some(legacy), true) => legacy.clone()?,
                _ => r.size(&JM_HEAP)?,
            };
            let flink = heap.saturating_add(off_heap()?);
            if r.contains(&JM_FLINK) && r.size(&JM_FLINK)? != flink {
                return Err(format!(
                    "the JVM heap and off-heap sizes ({flink} bytes together) differ from the \
                     configured total Flink memory"
                ));
            }
            JM_JVM.around_flink(&r, flink)
        } else if r.contains(&JM_FLINK) {
            let flink = r.size(&JM_FLINK)?;
            if flink <= off_heap()? {
                return Err("the total Flink memory is not more than the off-heap memory".into());
            }
            JM_JVM.around_flink(&r, flink)
        } else if r.contains(&JM_PROCESS) {
            let flink = JM_JVM.flink_from_process(&r)?;
            if flink <= off_heap()? {
                return Err("the process size leaves no room for the JVM heap".into());
            }
            Ok(())
        } else {
            Err(
                "none of jobmanager.memory.heap.size, jobmanager.memory.flink.size and \
                 jobmanager.memory.process.size is set"
                    .into(),
            )
        }
    })();
    result.err()
}

/// Why Flink cannot derive the TaskManagers' memory from `config`, or `None` when it can.
pub fn taskmanager_problem(config: &FlinkConfig) -> Option<String> {
    let r = Reader { config };
    let newer_set = r.contains(&TM_TASK_HEAP) && r.contains(&TM_MANAGED)
        || r.contains(&TM_FLINK)
        || r.contains(&TM_PROCESS);
    let legacy = legacy_heap(config, &TM_LEGACY_HEAP, TM_LEGACY_HEAP_MB).filter(|_| !newer_set);
    let result = (|| {
        let network_range = || r.range(&TM_NETWORK_MIN, &TM_NETWORK_MAX, TM_NETWORK_FRACTION, 0.1);
        let fixed = || -> Result<u64, String> {
            Ok(r.size(&TM_FRAMEWORK_HEAP)?
                .saturating_add(r.size(&TM_FRAMEWORK_OFF_HEAP)?)
                .saturating_add(r.size(&TM_TASK_OFF_HEAP)?))
        };
        if r.contains(&TM_TASK_HEAP) && r.contains(&TM_MANAGED) {
            let others = fixed()?
                .saturating_add(r.size(&TM_TASK_HEAP)?)
                .saturating_add(r.size(&TM_MANAGED)?);
            let flink = if r.contains(&TM_FLINK) {
                let flink = r.size(&TM_FLINK)?;
                let network = flink.checked_sub(others).ok_or_else(|| {
                    "the configured heap, off-heap and managed memory exceed the total Flink memory"
                        .to_owned()
                })?;
                if !network_range()?.holds(network) {
                    return Err(format!(
                        "the {network} bytes left for network memory are outside its configured range"
                    ));
                }
                flink
            } else {
                others.saturating_add(network_range()?.of_inverse(others))
            };
            TM_JVM.around_flink(&r, flink)
        } else {
            let flink = match legacy.clone() {
                Some(legacy) => legacy?,
                None if r.contains(&TM_FLINK) => r.size(&TM_FLINK)?,
                None if r.contains(&TM_PROCESS) => TM_JVM.flink_from_process(&r)?,
                None => {
                    return Err("none of taskmanager.memory.process.size, \
                         taskmanager.memory.flink.size, or both taskmanager.memory.task.heap.size \
                         and taskmanager.memory.managed.size, is set"
                        .into());
                }
            };
            let managed = if r.contains(&TM_MANAGED) {
                r.size(&TM_MANAGED)?
            } else {
                let fraction = r.fraction(TM_MANAGED_FRACTION, 0.4)?;
                if !(0.0..1.0).contains(&fraction) {
                    return Err(format!(
                        "taskmanager.memory.managed.fraction ({fraction}) is not in [0, 1)"
                    ));
                }
                times(flink, fraction)
            };
            if r.contains(&TM_TASK_HEAP) {
                let others = fixed()?
                    .saturating_add(r.size(&TM_TASK_HEAP)?)
                    .saturating_add(managed);
                let network = flink.checked_sub(others).ok_or_else(|| {
                    "the configured heap, off-heap and managed memory exceed the total Flink memory"
                        .to_owned()
                })?;
                if !network_range()?.holds(network) {
                    return Err(format!(
                        "the {network} bytes left for network memory are outside its configured range"
                    ));
                }
            } else {
                let network = network_range()?.of(flink);
                if fixed()?.saturating_add(managed).saturating_add(network) > flink {
                    return Err(
                        "framework, task off-heap, managed and network memory exceed the total \
                         Flink memory, leaving no task heap"
                            .into(),
                    );
                }
            }
            if r.contains(&TM_PROCESS) && !r.contains(&TM_FLINK) && legacy.is_none() {
                Ok(())
            } else {
                TM_JVM.around_flink(&r, flink)
            }
        }
    })();
    result.err()
}

/// The legacy heap option's size, when one is set: `X.heap.size`, else `X.heap.mb` (mebibytes).
fn legacy_heap(
    config: &FlinkConfig,
    size: &MemoryOption,
    mb_key: &str,
) -> Option<Result<u64, String>> {
    if let Some(entry) = config.first_present(size.keys) {
        return Some(parse_flink_size(&entry.value).map_err(|why| {
            format!(
                "cannot read memory size from config option '{}': {why}",
                entry.key
            )
        }));
    }
    let entry = config.get(mb_key)?;
    Some(
        entry
            .value
            .trim()
            .parse::<u64>()
            .map(|mb| mb.saturating_mul(MIB))
            .map_err(|_| format!("cannot read '{}' as a number of mebibytes", entry.key)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> FlinkConfig {
        FlinkConfig::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            "/spec/flinkConfiguration",
        )
    }

    #[test]
    fn flink_sizes() {
        assert_eq!(parse_flink_size("2048m"), Ok(2048 * MIB));
        assert_eq!(parse_flink_size(" 2 gb "), Ok(2 * GIB));
        assert_eq!(parse_flink_size("1024"), Ok(1024));
        assert_eq!(parse_flink_size("1 KiBiBytes"), Ok(KIB));
        assert!(parse_flink_size("2Gi").is_err());
        assert!(parse_flink_size("1.5g").is_err());
        assert!(parse_flink_size("-1m").is_err());
        assert!(parse_flink_size("99999999999t").is_err());
    }

    #[test]
    fn resource_memory_reads_flink_sizes_and_whole_quantities() {
        for ok in [
            "2048m",
            "2g",
            "2 GB",
            "2Gi",
            "2048Mi",
            "1e9",
            "2GiB",
            "1536Mi",
            "1000000000",
        ] {
            assert_eq!(resource_memory_problem(ok), None, "{ok}");
        }
        for bad in ["1.5Gi", "2.0Gi", "abc", "", "-2Gi", "1.5G"] {
            assert!(resource_memory_problem(bad).is_some(), "{bad}");
        }
        assert!(
            resource_memory_problem("1.5Gi")
                .unwrap()
                .contains("1610612736.0 bytes")
        );
    }

    #[test]
    fn ephemeral_storage_is_a_quantity() {
        for ok in ["10Gi", "500M", "1e9", ".5Gi", "100", "2.5Gi"] {
            assert_eq!(ephemeral_storage_problem(ok), None, "{ok}");
        }
        for bad in ["10gb", "1gi", "ten", "", "1e3k", "1KB"] {
            assert!(ephemeral_storage_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn jobmanager_memory_as_flink_derives_it() {
        assert!(
            jobmanager_problem(&config(&[]))
                .unwrap()
                .contains("none of")
        );
        for (key, value) in [
            ("jobmanager.memory.process.size", "1600m"),
            ("jobmanager.memory.flink.size", "1g"),
            ("jobmanager.memory.heap.size", "1g"),
            ("jobmanager.heap.size", "1g"),
            ("jobmanager.heap.mb", "1024"),
        ] {
            assert_eq!(jobmanager_problem(&config(&[(key, value)])), None, "{key}");
        }
        // 256m of metaspace and 192m of overhead do not fit in 400m.
        assert!(
            jobmanager_problem(&config(&[("jobmanager.memory.process.size", "400m")]))
                .unwrap()
                .contains("exceeds the total process memory")
        );
        assert!(
            jobmanager_problem(&config(&[("jobmanager.memory.process.size", "two gigs")]))
                .unwrap()
                .contains("cannot read memory size")
        );
        assert!(
            jobmanager_problem(&config(&[
                ("jobmanager.memory.heap.size", "1g"),
                ("jobmanager.memory.flink.size", "1g"),
            ]))
            .is_some()
        );
    }

    #[test]
    fn taskmanager_memory_as_flink_derives_it() {
        assert!(
            taskmanager_problem(&config(&[]))
                .unwrap()
                .contains("none of")
        );
        for ok in [
            vec![("taskmanager.memory.process.size", "1728m")],
            vec![("taskmanager.memory.flink.size", "1280m")],
            vec![
                ("taskmanager.memory.task.heap.size", "512m"),
                ("taskmanager.memory.managed.size", "512m"),
            ],
            vec![("taskmanager.heap.size", "1g")],
        ] {
            assert_eq!(taskmanager_problem(&config(&ok)), None, "{ok:?}");
        }
        // A task heap alone is not enough: the managed size must come with it.
        assert!(
            taskmanager_problem(&config(&[("taskmanager.memory.task.heap.size", "512m")]))
                .is_some()
        );
        // 300m of total Flink memory cannot hold 128m + 128m of framework memory, managed and
        // network memory.
        assert!(
            taskmanager_problem(&config(&[("taskmanager.memory.flink.size", "300m")])).is_some()
        );
        assert!(
            taskmanager_problem(&config(&[
                ("taskmanager.memory.flink.size", "1g"),
                ("taskmanager.memory.managed.fraction", "1.5"),
            ]))
            .is_some()
        );
    }
}
