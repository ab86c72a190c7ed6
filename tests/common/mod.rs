//! A small builder for running the binary, so tests read like specifications.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> String {
    repo().join("fixtures").join(rel).display().to_string()
}

pub struct Run {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn new(args: &[&str]) -> Run {
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            stdin: None,
            env: Vec::new(),
            dir: repo().to_path_buf(),
        }
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Run {
        self.args.push(arg.into());
        self
    }

    pub fn args<S: AsRef<str>>(mut self, args: impl IntoIterator<Item = S>) -> Run {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(input.into());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Run {
        self.dir = dir.into();
        self
    }

    pub fn run(self) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flink-backup"));
        cmd.args(&self.args)
            .current_dir(&self.dir)
            .env_remove("NO_COLOR")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the binary runs");
        if let Some(input) = self.stdin {
            let mut pipe = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        let out = child.wait_with_output().expect("the binary finishes");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !stderr.contains("panicked"),
            "the binary panicked:\n{stderr}"
        );
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr,
        }
    }
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Output with the absolute repository path made relative, for snapshots.
    pub fn stdout_relative(&self) -> String {
        relative(&self.stdout)
    }

    pub fn stderr_relative(&self) -> String {
        relative(&self.stderr)
    }
}

pub fn relative(text: &str) -> String {
    text.replace(&format!("{}/", repo().display()), "")
}

/// The documents of a YAML stream, read by the crate's own reader; empty documents dropped.
pub fn docs(text: &str) -> Vec<serde_json::Value> {
    flink_backup::yaml::DocumentReader::new(text, Default::default())
        .map(|d| d.unwrap().value)
        .filter(|v| !v.is_null())
        .collect()
}

/// A refusal: exit 1, nothing on stdout, and `needle` on stderr.
pub fn refused(out: &Output, needle: &str) {
    assert_eq!(
        out.code, 1,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "nothing may reach stdout on a refusal: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains(needle),
        "expected {needle:?} in:\n{}",
        out.stderr
    );
}

/// A tool from the .venv that `scripts/test` sets up. Under CI a missing tool fails the test.
pub fn venv_tool(name: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("FLINK_BACKUP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv"));
    let tool = venv.join("bin").join(name);
    if tool.exists() {
        return Some(tool);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{name} is missing from {}: run scripts/test, which installs it",
        venv.display()
    );
    eprintln!("SKIPPED: {name} is not installed in .venv; run scripts/test to run this test");
    None
}

// Saved live resources, as `kubectl get -o yaml` prints them, for restore and backup tests.

pub fn deployment(name: &str, namespace: Option<&str>) -> String {
    let ns = namespace
        .map(|n| format!("  namespace: {n}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: {name}
{ns}spec:
  flinkVersion: v1_20
  flinkConfiguration:
    execution.checkpointing.dir: s3://bucket/cp
    execution.checkpointing.savepoint-dir: s3://bucket/sp
  serviceAccount: flink
  jobManager:
    resource: {{memory: 2048m, cpu: 1}}
  taskManager:
    resource: {{memory: 2048m, cpu: 1}}
  job:
    jarURI: local:///opt/flink/job.jar
    parallelism: 2
    upgradeMode: stateless
    state: running
status:
  jobManagerDeploymentStatus: READY
  jobStatus:
    state: RUNNING
"
    )
}

pub fn snapshot(name: &str, namespace: Option<&str>, target: &str, status: &str) -> String {
    let ns = namespace
        .map(|n| format!("  namespace: {n}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata:
  name: {name}
{ns}spec:
  jobReference:
    kind: FlinkDeployment
    name: {target}
  savepoint:
    alreadyExists: false
    disposeOnDelete: false
status:
{status}"
    )
}

pub fn completed(path: &str, at: &str) -> String {
    format!("  state: COMPLETED\n  path: {path}\n  resultTimestamp: \"{at}\"\n")
}

pub fn stream(docs: &[String]) -> String {
    docs.join("---\n")
}

/// Success (exit 0) with `needle` on stderr: a note the user must see.
pub fn notes(out: &Output, needle: &str) {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "stderr lacks {needle:?}:\n{}",
        out.stderr
    );
}
