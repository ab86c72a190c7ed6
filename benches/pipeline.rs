//! Benchmarks of each stage of the pipeline: `cargo bench --bench pipeline`.

use divan::{Bencher, black_box};
use flink_backup::check::{CheckOptions, check_document};
use flink_backup::input::{Document, Entry, ReadOptions, Source, entries};
use flink_backup::model::kind::Kind;
use flink_backup::model::release::Release;
use flink_backup::transform::restore::{RestoreOptions, plan, source::SourceOptions};
use flink_backup::yaml::{DocumentReader, Limits};

fn main() {
    divan::main();
}

const DEPLOYMENT: &str = include_str!(
    "../fixtures/corpus/ibm-event-automation/flink/cr-examples/flinkdeployment/kubernetes/production-application-cluster.yaml"
);
const SESSION_JOB: &str = include_str!(
    "../fixtures/corpus/ibm-event-automation/flink/cr-examples/flinksessionjob/kubernetes/production-session-job.yaml"
);
const SNAPSHOT: &str = include_str!(
    "../fixtures/corpus/ibm-event-automation/flink/cr-examples/flinkstatesnapshot/kubernetes/application-cluster-savepoint.yaml"
);
const SAVED_DEPLOYMENT: &str = include_str!("../fixtures/restore/seed-deployment.yaml");
const SAVED_SNAPSHOT: &str = include_str!("../fixtures/restore/seed-snapshot.yaml");

fn documents(text: &str) -> Vec<Document> {
    let source = Source {
        name: "bench.yaml".into(),
        text: text.to_owned(),
        bom: false,
    };
    entries(&source, &ReadOptions::default())
        .into_iter()
        .filter_map(|e| match e {
            Entry::Document(d) => Some(d),
            Entry::Broken { .. } => None,
        })
        .collect()
}

/// YAML text to values: ten FlinkDeployments in one stream, as a run reads them (the block-subset
/// reader) and with the general reader alone, which everything outside the subset takes.
#[divan::bench(args = ["block subset", "general"])]
fn parse_ten_deployments(bencher: Bencher, reader: &str) {
    let text = [DEPLOYMENT; 10].join("---\n");
    let read = match reader {
        "general" => DocumentReader::general,
        _ => DocumentReader::new,
    };
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| read(black_box(&text), Limits::default()).count());
}

#[divan::bench(args = [Kind::FlinkDeployment, Kind::FlinkSessionJob, Kind::FlinkStateSnapshot])]
fn validate_one(bencher: Bencher, kind: Kind) {
    let text = match kind {
        Kind::FlinkDeployment => DEPLOYMENT,
        Kind::FlinkSessionJob => SESSION_JOB,
        _ => SNAPSHOT,
    };
    let doc = documents(text).remove(0);
    let options = CheckOptions::default();
    check_document(&doc, &options); // compile the schema outside the measurement
    bencher.bench(|| check_document(black_box(&doc), &options));
}

#[divan::bench]
fn restore_pair(bencher: Bencher) {
    let docs = documents(&format!("{SAVED_DEPLOYMENT}---\n{SAVED_SNAPSHOT}"));
    let options = RestoreOptions {
        source: SourceOptions::default(),
        allow_non_restored_state: true,
        ..RestoreOptions::default()
    };
    let input = flink_backup::transform::inventory::TransformInput::of(docs);
    bencher.bench(|| plan(black_box(&input), &options).unwrap());
}

#[divan::bench(args = [Kind::FlinkDeployment, Kind::FlinkSessionJob, Kind::FlinkStateSnapshot])]
fn compile_schema(bencher: Bencher, kind: Kind) {
    let schema = flink_backup::schemas::json(Release::NEWEST, kind);
    bencher.bench(|| flink_backup::schemas::compile(black_box(schema)));
}

/// Is a valid FlinkDeployment valid: the walk over the schema tree that answers most documents,
/// and the compiled validator it saves compiling.
#[divan::bench(args = ["walk", "compiled validator"])]
fn schema_answer(bencher: Bencher, by: &str) {
    let doc = documents(DEPLOYMENT).remove(0);
    let (release, kind) = (Release::NEWEST, Kind::FlinkDeployment);
    assert_eq!(
        flink_backup::check::schema_admits(release, kind, &doc.value),
        Some(true)
    );
    let validator = flink_backup::schemas::validator(release, kind);
    match by {
        "walk" => bencher
            .bench(|| flink_backup::check::schema_admits(release, kind, black_box(&doc.value))),
        _ => bencher.bench(|| validator.is_valid(black_box(&doc.value))),
    }
}

#[divan::bench(args = [Kind::FlinkDeployment])]
fn parse_embedded_schema(bencher: Bencher, kind: Kind) {
    let text = flink_backup::schemas::text(Release::NEWEST, kind).expect("served");
    bencher.bench(|| serde_json::from_str::<serde_json::Value>(black_box(text)).unwrap());
}
