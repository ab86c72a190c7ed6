//! URIs as Java's `java.net.URI` parses them (RFC 2396, with Java's deviations): what the 1.15
//! operator holds a session job's `jarURI` to. Java is stricter than a browser (a space, `<`,
//! `{`, a bad `%` escape are errors) and laxer in places (an authority that is no host falls back
//! to a "registry" authority, which has no host).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The parts of a parsed URI the operator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaUri {
    pub scheme: Option<String>,
    /// The host of a server-based authority; `None` for a registry-based one, an opaque URI, or
    /// no authority at all.
    pub host: Option<String>,
}

/// Why `java.net.URI` refuses `input`, with the index Java would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriSyntaxError {
    pub reason: String,
    pub index: usize,
}

pub fn parse(input: &str) -> Result<JavaUri, UriSyntaxError> {
    let chars: Vec<char> = input.chars().collect();
    Parser {
        s: &chars,
        host: None,
    }
    .parse()
}

// Character classes, as sets of ASCII characters.
const DIGIT: &str = "0123456789";
const ALPHA: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const MARK: &str = "-_.!~*'()";
const HEX: &str = "0123456789abcdefABCDEF";

/// Which characters a component admits, and whether `%XX` escapes and visible non-ASCII
/// characters are admitted too.
#[derive(Clone, Copy)]
struct Class {
    extra: &'static str,
    alphanum: bool,
    mark: bool,
    escaped: bool,
}

impl Class {
    fn admits(self, c: char) -> bool {
        c.is_ascii()
            && c != '\0'
            && ((self.alphanum && c.is_ascii_alphanumeric())
                || (self.mark && MARK.contains(c))
                || self.extra.contains(c))
    }
}

const fn class(extra: &'static str, alphanum: bool, mark: bool, escaped: bool) -> Class {
    Class {
        extra,
        alphanum,
        mark,
        escaped,
    }
}

const URIC: Class = class(";/?:@&=+$,[]", true, true, true);
const PATH: Class = class(":@&=+$,;/", true, true, true);
const USERINFO: Class = class(";:&=+$,", true, true, true);
const REG_NAME: Class = class("$,;:@&=+", true, true, true);
const SERVER: Class = class(";:&=+$,-.:@[]", true, true, true);
const SERVER_PERCENT: Class = class(";:&=+$,-.:@[]%", true, true, true);
const SCHEME: Class = class("+-.", true, false, false);
const ALPHANUM: Class = class("", true, false, false);
const ALPHANUM_DASH: Class = class("-", true, false, false);
const SCOPE_ID: Class = class("_.", true, false, false);

struct Parser<'a> {
    s: &'a [char],
    host: Option<String>,
}

type Step<T> = Result<T, UriSyntaxError>;

impl Parser<'_> {
    fn n(&self) -> usize {
        self.s.len()
    }

    fn at(&self, p: usize, c: char) -> bool {
        self.s.get(p) == Some(&c)
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.s[from..to].iter().collect()
    }

    fn fail<T>(&self, reason: &str, index: usize) -> Step<T> {
        Err(UriSyntaxError {
            reason: reason.to_owned(),
            index,
        })
    }

    /// The first index in `[start, end)` holding one of `stop`, or `end`; `None` when one of
    /// `err` comes first.
    fn scan_until(&self, start: usize, end: usize, err: &str, stop: &str) -> Option<usize> {
        for p in start..end {
            let c = self.s[p];
            if err.contains(c) {
                return None;
            }
            if stop.contains(c) {
                return Some(p);
            }
        }
        Some(end)
    }

    /// How far from `start` the characters are admitted by `class` (escapes included).
    fn scan_class(&self, start: usize, end: usize, class: Class) -> Step<usize> {
        let mut p = start;
        while p < end {
            let c = self.s[p];
            if class.admits(c) {
                p += 1;
                continue;
            }
            if class.escaped {
                if c == '%' {
                    let hex = |i: usize| self.s.get(i).is_some_and(|c| HEX.contains(*c));
                    if p + 3 <= end && hex(p + 1) && hex(p + 2) {
                        p += 3;
                        continue;
                    }
                    return self.fail("Malformed escape pair", p);
                }
                if (c as u32) > 128 && !c.is_whitespace() && !c.is_control() {
                    p += 1;
                    continue;
                }
            }
            break;
        }
        Ok(p)
    }

    fn check(&self, start: usize, end: usize, class: Class, what: &str) -> Step<()> {
        let p = self.scan_class(start, end, class)?;
        if p < end {
            return self.fail(&format!("Illegal character in {what}"), p);
        }
        Ok(())
    }

    fn parse(mut self) -> Step<JavaUri> {
        let n = self.n();
        let mut scheme = None;
        let colon = self.scan_until(0, n, "/?#", ":");
        let mut p = match colon {
            Some(c) if self.at(c, ':') => {
                if c == 0 {
                    return self.fail("Expected scheme name", 0);
                }
                if !ALPHA.contains(self.s[0]) {
                    return self.fail("Illegal character in scheme name", 0);
                }
                self.check(1, c, SCHEME, "scheme name")?;
                scheme = Some(self.text(0, c));
                let p = c + 1;
                if self.at(p, '/') {
                    self.hierarchical(p)?
                } else {
                    let q = self.scan_until(p, n, "", "#").unwrap_or(n);
                    if q <= p {
                        return self.fail("Expected scheme-specific part", p);
                    }
                    self.check(p, q, URIC, "opaque part")?;
                    q
                }
            }
            _ => self.hierarchical(0)?,
        };
        if self.at(p, '#') {
            self.check(p + 1, n, URIC, "fragment")?;
            p = n;
        }
        if p < n {
            return self.fail("Expected end of URI", p);
        }
        Ok(JavaUri {
            scheme,
            host: self.host,
        })
    }

    fn hierarchical(&mut self, start: usize) -> Step<usize> {
        let n = self.n();
        let mut p = start;
        if self.at(p, '/') && self.at(p + 1, '/') {
            p += 2;
            let q = self.scan_until(p, n, "", "/?#").unwrap_or(n);
            if q > p {
                p = self.authority(p, q)?;
            } else if q >= n {
                return self.fail("Expected authority", p);
            }
        }
        let q = self.scan_until(p, n, "", "?#").unwrap_or(n);
        self.check(p, q, PATH, "path")?;
        p = q;
        if self.at(p, '?') {
            p += 1;
            let q = self.scan_until(p, n, "", "#").unwrap_or(n);
            self.check(p, q, URIC, "query")?;
            p = q;
        }
        Ok(p)
    }

    fn authority(&mut self, start: usize, n: usize) -> Step<usize> {
        let bracket = self.scan_until(start, n, "", "]").unwrap_or(n) > start;
        let server_class = if bracket { SERVER_PERCENT } else { SERVER };
        let server_chars = self.scan_class(start, n, server_class).ok() == Some(n);
        let reg_end = self.scan_class(start, n, REG_NAME);
        let reg_chars = reg_end.as_ref().ok() == Some(&n);
        if reg_chars && !server_chars {
            return Ok(n);
        }
        let mut q = start;
        let mut failed = None;
        if server_chars {
            match self.server(start, n) {
                Ok(end) if end < n => {
                    self.host = None;
                    failed = Some(UriSyntaxError {
                        reason: "Expected end of authority".into(),
                        index: end,
                    });
                }
                Ok(end) => q = end,
                Err(e) => {
                    self.host = None;
                    failed = Some(e);
                }
            }
        }
        if q < n {
            if reg_chars {
                self.host = None;
            } else if let Some(e) = failed {
                return Err(e);
            } else {
                let at = if server_chars {
                    q
                } else {
                    reg_end.unwrap_or(start)
                };
                return self.fail("Illegal character in authority", at);
            }
        }
        Ok(n)
    }

    fn server(&mut self, start: usize, n: usize) -> Step<usize> {
        let mut p = start;
        if let Some(q) = self.scan_until(p, n, "/?#", "@") {
            if self.at(q, '@') {
                self.check(p, q, USERINFO, "user info")?;
                p = q + 1;
            }
        }
        if self.at(p, '[') {
            p += 1;
            let q = self.scan_until(p, n, "/?#", "]");
            match q {
                Some(q) if q > p && self.at(q, ']') => {
                    let r = self.scan_until(p, q, "", "%").unwrap_or(q);
                    let address = self.text(p, r);
                    if address.parse::<Ipv6Addr>().is_err() {
                        return self.fail("Malformed IPv6 address", p);
                    }
                    if r < q {
                        if r + 1 == q {
                            return self.fail("Expected scope id", r + 1);
                        }
                        self.check(r + 1, q, SCOPE_ID, "scope id")?;
                    }
                    self.host = Some(self.text(p - 1, q + 1));
                    p = q + 1;
                }
                other => {
                    return self.fail(
                        "Expected closing bracket for IPv6 address",
                        other.unwrap_or(n),
                    );
                }
            }
        } else {
            let q = match self.ipv4(p, n) {
                Some(q) if q > p => q,
                _ => self.hostname(p, n)?,
            };
            p = q;
        }
        if self.at(p, ':') {
            p += 1;
            let q = (p..n).find(|&i| !DIGIT.contains(self.s[i])).unwrap_or(n);
            if q > p {
                if self.text(p, q).parse::<i32>().is_err() {
                    return self.fail("Malformed port number", p);
                }
                p = q;
            }
        }
        if p < n {
            return self.fail("Expected port number", p);
        }
        Ok(p)
    }

    /// A dotted-quad IPv4 address ending the host (at the end or before `:`).
    fn ipv4(&mut self, start: usize, n: usize) -> Option<usize> {
        let end = (start..n)
            .find(|&i| !(DIGIT.contains(self.s[i]) || self.s[i] == '.'))
            .unwrap_or(n);
        let text = self.text(start, end);
        let parts: Vec<&str> = text.split('.').collect();
        let valid = parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|v| v <= 255));
        if !valid || (end < n && self.s[end] != ':') {
            return None;
        }
        self.host = Some(text);
        Some(end)
    }

    fn hostname(&mut self, start: usize, n: usize) -> Step<usize> {
        let mut p = start;
        let mut last_label = None;
        loop {
            let q = self.scan_class(p, n, ALPHANUM)?;
            if q <= p {
                break;
            }
            last_label = Some(p);
            p = q;
            let q = self.scan_class(p, n, ALPHANUM_DASH)?;
            if q > p {
                if self.s[q - 1] == '-' {
                    return self.fail("Illegal character in hostname", q - 1);
                }
                p = q;
            }
            if !self.at(p, '.') {
                break;
            }
            p += 1;
            if p >= n {
                break;
            }
        }
        if p < n && !self.at(p, ':') {
            return self.fail("Illegal character in hostname", p);
        }
        let Some(label) = last_label else {
            return self.fail("Expected hostname", start);
        };
        if label > start && !ALPHA.contains(self.s[label]) {
            return self.fail("Illegal character in hostname", label);
        }
        self.host = Some(self.text(start, p));
        Ok(p)
    }
}

/// Whether Java's `InetAddress` calls the IP literal `host` loopback, link-local, site-local,
/// wildcard or multicast, as the 1.15 webhook asks of a jar's host; `None` when `host` is a name
/// (resolving it needs the network, except `localhost`, which is always loopback).
pub fn restricted_address(host: &str) -> Option<bool> {
    if host.eq_ignore_ascii_case("localhost") {
        return Some(true);
    }
    let literal = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .map(|h| h.split('%').next().unwrap_or(h))
        .unwrap_or(host);
    let address: IpAddr = literal.parse().ok()?;
    Some(match address {
        IpAddr::V4(v4) => restricted_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => restricted_v4(v4),
            None => {
                let first = v6.segments()[0];
                v6.is_loopback()
                    || v6.is_unspecified()
                    || first & 0xffc0 == 0xfe80
                    || first & 0xffc0 == 0xfec0
                    || first & 0xff00 == 0xff00
            }
        },
    })
}

fn restricted_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    a == 127
        || (a == 169 && b == 254)
        || a == 10
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || v4.is_unspecified()
        || (224..=239).contains(&a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(uri: &str) -> JavaUri {
        parse(uri).unwrap_or_else(|e| panic!("{uri}: {e:?}"))
    }

    #[test]
    fn what_java_accepts() {
        let u = ok("https://repo.example.com:8443/path/job.jar?x=1#frag");
        assert_eq!(u.scheme.as_deref(), Some("https"));
        assert_eq!(u.host.as_deref(), Some("repo.example.com"));
        assert_eq!(ok("local:///opt/flink/job.jar").host, None);
        assert_eq!(ok("s3://bucket/job.jar").host.as_deref(), Some("bucket"));
        assert_eq!(ok("/opt/flink/job.jar").scheme, None);
        assert_eq!(ok("").scheme, None);
        assert_eq!(ok("http://[::1]:8080/x").host.as_deref(), Some("[::1]"));
        assert_eq!(ok("http://10.0.0.1/x").host.as_deref(), Some("10.0.0.1"));
        assert_eq!(ok("mailto:someone@example.com").host, None);
        assert_eq!(ok("http://user:pw@host/x").host.as_deref(), Some("host"));
        assert_eq!(ok("file:/opt/%20job.jar").scheme.as_deref(), Some("file"));
        assert_eq!(ok("http://ünï.example/x").scheme.as_deref(), Some("http"));
    }

    #[test]
    fn what_java_refuses() {
        for bad in [
            "<URI of the job jar>",
            "https://host/my job.jar",
            "https://host/%zz",
            "https://host/{x}",
            "https://host/a|b",
            "https://host/a\\b",
            ":no-scheme",
            "1http://x",
            "http:",
            "http://",
            "http://[::1/x",
            "http://[zz::1]/x",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn an_authority_that_is_no_host_has_no_host() {
        // Underscores, a trailing numeric label or a bad port make it a registry authority.
        for registry in [
            "http://my_host/x",
            "http://host.123/x",
            "http://host:port/x",
        ] {
            assert_eq!(ok(registry).host, None, "{registry}");
        }
    }

    #[test]
    fn restricted_addresses() {
        for restricted in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.0.10",
            "169.254.169.254",
            "0.0.0.0",
            "224.0.0.1",
            "[::1]",
            "[fe80::1]",
            "[::ffff:10.0.0.1]",
            "localhost",
        ] {
            assert_eq!(restricted_address(restricted), Some(true), "{restricted}");
        }
        for open in ["8.8.8.8", "172.32.0.1", "[2001:db8::1]"] {
            assert_eq!(restricted_address(open), Some(false), "{open}");
        }
        assert_eq!(restricted_address("repo.example.com"), None);
    }
}
