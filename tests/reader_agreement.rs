//! The block-subset reader (the fast path) against the general reader: wherever the subset reader
//! takes a stream, both must give the same documents, values and root positions; where it gives up,
//! the general reader's answer is the only one. Checked over every fixture, over hand-picked edge
//! cases, and over generated block YAML.

mod common;

use flink_backup::input::{expand_paths, read_source};
use flink_backup::yaml::{DocumentReader, Limits, LoadedDocument, YamlError, tree};
use proptest::prelude::*;

type Read = Vec<Result<(serde_json::Value, (usize, usize), usize), YamlError>>;

fn collect(reader: DocumentReader<'_>) -> Read {
    reader
        .map(|d| {
            d.map(
                |LoadedDocument {
                     value,
                     pos,
                     duplicates,
                 }| { (value, (pos.line, pos.column), duplicates.len()) },
            )
        })
        .collect()
}

/// Whether the subset reader took `text`, after checking it agrees with the general reader. The
/// one deliberate difference: a tab right after `key:`, which kubectl's reader (go-yaml, as
/// libyaml) accepts and the general reader refuses; the subset reads it as kubectl does.
fn agrees(text: &str) -> bool {
    let fast = DocumentReader::new(text, Limits::default());
    let taken = fast.read_by_subset();
    let general = collect(DocumentReader::general(text, Limits::default()));
    if taken {
        let read = collect(fast);
        let as_kubectl = || {
            text.contains(":\t")
                && read
                    == collect(DocumentReader::general(
                        &text.replace(":\t", ": "),
                        Limits::default(),
                    ))
        };
        assert!(
            read == general || as_kubectl(),
            "the readers disagree on:\n{text}\n{read:?}\n{general:?}"
        );
        trees_agree(text);
    }
    taken
}

/// Where the subset reader finds the nodes of the first document (for splicing), the general
/// parser finds them too: the same spans, keys and styles. The subset may decline (literal
/// blocks, empty values); it may not differ.
fn trees_agree(text: &str) {
    let fast = tree::parse(text);
    let general = tree::parse_general(text);
    if fast.is_some() && fast != general && !text.contains(":\t") {
        panic!("the trees differ on:\n{text}\n{fast:#?}\n{general:#?}");
    }
}

#[test]
fn the_subset_finds_the_general_parsers_tree_for_the_corpus() {
    let files = expand_paths(&[common::repo().join("fixtures/corpus")]).unwrap();
    let (mut documents, mut by_subset) = (0, 0);
    for file in &files {
        let Ok(source) = read_source(file).unwrap() else {
            continue;
        };
        for chunk in source.text.split("\n---\n") {
            documents += 1;
            trees_agree(chunk);
            let general = tree::parse_general(chunk);
            by_subset += usize::from(
                general.is_some()
                    && tree::parse(chunk) == general
                    && DocumentReader::new(chunk, Limits::default()).read_by_subset(),
            );
        }
    }
    // Most manifests take the fast path: a regression that declined everything would pass the
    // agreement above and lose the speed.
    assert!(by_subset * 10 > documents * 8, "{by_subset} of {documents}");
}

#[test]
fn every_fixture_reads_the_same_and_the_corpus_takes_the_fast_path() {
    let files = expand_paths(&[common::repo().join("fixtures")]).unwrap();
    let mut taken = Vec::new();
    let mut corpus_missed = Vec::new();
    for file in &files {
        // As a run reads them: decoded, a byte-order mark dropped; undecodable files are skipped.
        let Ok(source) = read_source(file).unwrap() else {
            continue;
        };
        let relative = common::relative(&source.name);
        if agrees(&source.text) {
            taken.push(relative);
        } else if relative.starts_with("fixtures/corpus") {
            corpus_missed.push(relative);
        }
    }
    // The point of the subset: the manifests people really have take it. The ones that do not
    // are listed, with why, so that a change to the subset shows up here.
    let expected_missed = vec![
        // `log4j-operator.properties: |+` (keep chomping): a Helm values file.
        "fixtures/corpus/flink-kubernetes-operator-1.15.0/examples/kustomize/sidecar/values.yaml",
        // A double-quoted scalar over two lines with a `\` line continuation.
        "fixtures/corpus/flink-kubernetes-operator-1.15.0/examples/pod-template.yaml",
        "fixtures/corpus/flink-kubernetes-operator-main/examples/kustomize/sidecar/values.yaml",
        "fixtures/corpus/flink-kubernetes-operator-main/examples/pod-template.yaml",
    ];
    assert_eq!(corpus_missed, expected_missed);
    assert!(
        taken.len() > 100,
        "only {} fixtures took the subset",
        taken.len()
    );
}

/// Each case: the text, and whether the subset reader takes it.
const CASES: &[(&str, bool)] = &[
    ("spec:\n- # c\n  name: x\n  b: y\n", true),
    ("spec:\n  - # c\n    name: x\n", true),
    ("a:\n- # c\n  - x\n", true),
    // Found by the fuzz target: a flow mapping with a blank after it, the last line unended.
    ("a: {} ", true),
    ("a: [x]  \nb: 1\n", true),
    // Found by the fuzz target: a tab is let in only as `key:<TAB>`, not inside a scalar.
    ("a: |\n  x:\ty\n", false),
    // Found by the fuzz target: `:` then a tab opens a mapping value, as `: ` does.
    ("a: :\tb\n", false),
    ("a: -\tb\n", false),
    ("", true),
    ("# only a comment\n", true),
    ("a: 1\n", true),
    ("---\na: 1\n", true),
    ("--- # c\na: 1\n---\nb: 2\n", true),
    ("a: 1\n---\n", true),
    ("a: 1\n---", true),
    ("a: 1\n---\n\n# c\n", true),
    ("# x\n---\n# y\n---\na: 1\n", true),
    ("---\n", true),
    ("---\n---\na: 1\n", true),
    ("a: 1\n...\n", false),
    ("%YAML 1.1\n---\na: 1\n", false),
    ("  a: 1\n", false),
    ("a: 1\nb:\n  c: [ ]\n  d: { }\n", true),
    ("a: []\nb: {}\nc: [] # x\n", true),
    ("a: [1]\nb: [ 'x','y' , \"z\", on, 1.5, a/b=c ]\n", true),
    ("a: [1,]\n", false),
    ("a: [1,,2]\n", false),
    ("a: [1 2]\n", false),
    ("a: [a: b]\n", false),
    ("a: [[1]]\n", false),
    ("a: [1] x\n", false),
    ("a: [1\n", false),
    ("a: [.inf]\n", false),
    ("a: {b: 1, 'c': \"d\" , on: x/y}\nb: [{c: 1}]\n", false),
    ("a: {b: 1, 'c': \"d\" , on: x/y}\n", true),
    ("a: {b: 1, b: 2}\n", false),
    ("a: {b:1}\n", false),
    ("a: {b}\n", false),
    ("a: {b: }\n", false),
    ("a: {b: 1,}\n", false),
    ("a: {~: 1}\n", false),
    ("a: {b: [1]}\n", false),
    ("a: {b: 1] \n", false),
    ("on: yes\nNo: off\n1: 2\n0x1F: 1.5\n", true),
    ("~: 1\n", false),
    ("null: 1\n", false),
    ("a: .inf\n", false),
    ("a: 'it''s'\nb: \"x y\"\n'c d': ''\n\"e\": \"\"\n", true),
    ("a: \"\\n\"\n", false),
    ("a: 'multi\n  line'\n", false),
    ("a: plain\n  continued\n", false),
    ("a: plain\n\n  continued\n", false),
    ("a: plain\n# comment\n  continued\n", false),
    ("a: x # comment\nb: y#not\nc: 'q' # c\n", true),
    ("a: 'q'#c\n", false),
    ("a: b: c\n", false),
    ("a: b:\n", false),
    ("a: b:c\nd: http://x:80/y\n", true),
    ("a:b\n", false),
    ("a: 1\na: 2\n", false),
    ("a:\n- x\n- y\nb: z\n", true),
    ("a:\n  - x\n  - y\n", true),
    ("a:\n  - x\n  b: 1\n", false),
    ("- a\n- b\n", true),
    ("- a\nb: 1\n", false),
    ("- - a\n  - b\n- c\n", true),
    ("- name: a\n  image: b\n-   x: 1\n    y: 2\n", true),
    ("- name: a\n   image: b\n", false),
    ("- name: a\n image: b\n", false),
    ("-\n- b\n-\n  c: 1\n", true),
    ("a:\nb:\n  c:\n", true),
    ("a:\n  b\n", false),
    ("a: &x 1\nb: *x\n", false),
    ("<<: {a: 1}\n", false),
    ("a: !!str 1\n", false),
    ("a: |\n  x\n", true),
    (
        "a: |\n  x\n\n   y\n  # not a comment\n\nb: |-\n    z\n\n# c\n- x\n",
        false,
    ),
    (
        "a: |\n  x\n\n   y\n  # not a comment\n\nb: |-\n    z\n\n# c\nc: 1\n",
        true,
    ),
    ("- |\n  x\n- |-\n   y\n-   |\n  z\n", true),
    ("a: |+\n  x\n\n", false),
    ("a: |2\n   x\n", false),
    ("a: | # c\n  x\n", true),
    ("a: |#c\n  x\n", false),
    ("a: |\n\n  x\n", false),
    ("a: |\n  x\n   \n  y\n", false),
    ("a: |\nb: 1\n", false),
    ("a: |\n  x", false),
    ("a: |\n    x\n  y\n", false),
    ("  - a: |\n      x\n", false),
    ("a:\n  - b: |\n      x\n    c: 1\n", true),
    ("a: |\n x\n", true),
    ("- |\n x\n", true),
    ("a:\n  - |\n   x\n  - |\n    y\n", true),
    ("a:\n- |\n x\n", true),
    ("a: |\n  x\n  # kept\n # ends it\nb: 1\n", true),
    ("a: |\n  x\n---\nb: 1\n", true),
    ("a: |-\n  x\n\n\n", true),
    ("a: |\n  x\n\n\nb: |\n  y\n  \n", false),
    // What `kubectl get -o yaml` prints: managedFields keys, timestamps, the last-applied JSON.
    (
        "metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"apiVersion\":\"flink.apache.org/v1beta1\",\"kind\":\"FlinkDeployment\"}\n  creationTimestamp: \"2026-11-22T10:00:00Z\"\n  generation: 3\n  managedFields:\n  - apiVersion: flink.apache.org/v1beta1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:status:\n        .: {}\n        f:conditions:\n          k:{\"type\":\"Ready\"}:\n            .: {}\n    manager: flink-kubernetes-operator\n    operation: Update\n    time: \"2026-11-22T10:00:00Z\"\n  resourceVersion: \"88\"\n  uid: 11111111-2222-3333-4444-555555555555\n",
        true,
    ),
    ("a: >\n  x\n", false),
    ("? a\n: b\n", false),
    ("a: -\n", false),
    ("a: -1\nb: -x\nc: :x\n", true),
    ("a: - x\n", false),
    ("a:\tb\n", true),
    ("a: x:\ty\n", false),
    ("a:\t\tb\n", false),
    ("a: 'x:\ty'\n", false),
    ("a: b\r\n", false),
    ("\u{feff}a: 1\n", false),
    ("a: ü\n", false),
    ("a: 1\n b: 2\n", false),
    ("a:\n    b: 1\n  c: 2\n", false),
    ("a    : 1\nb c: 2\n", true),
    (
        "a: 2024-01-01\nb: 1_000\nc: 0o17\nd: 1e3\ne: 1:20\nf: ~\ng: \n",
        true,
    ),
    ("[a, b]\n", false),
    ("just a scalar\n", false),
    ("a: 1\n---x\n", false),
    (
        "kind: List\napiVersion: v1\nitems:\n- kind: A\n  metadata:\n    name: x\n",
        true,
    ),
];

#[test]
fn edge_cases_agree_and_the_subset_gives_up_where_it_should() {
    for (text, expected) in CASES {
        assert_eq!(agrees(text), *expected, "subset reader on:\n{text}");
    }
}

#[test]
fn limits_are_left_to_the_general_reader() {
    let deep: String = (0..10).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
    let shallow = Limits {
        max_depth: 5,
        ..Limits::default()
    };
    let few = Limits {
        max_nodes: 6,
        ..Limits::default()
    };
    for limits in [shallow, few] {
        assert!(!DocumentReader::new(&deep, limits).read_by_subset());
        let general = collect(DocumentReader::general(&deep, limits));
        assert!(matches!(general.last(), Some(Err(_))), "{general:?}");
    }
    assert!(DocumentReader::new(&deep, Limits::default()).read_by_subset());
}

/// Lines of block YAML from pieces that sit on the subset's edges.
fn line() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", "", "  ", "    ", " ", "      "]);
    let dash = prop::sample::select(vec!["", "", "", "- ", "-  ", "- - ", "-"]);
    let key = prop::sample::select(vec![
        "a", "b", "on", "1", "'q'", "\"d\"", "a b", "x:y", "", "-k", "<<", "~", "k#", "k #c",
    ]);
    let colon = prop::sample::select(vec![": ", ":", ":  ", " : ", "", ": # c"]);
    let value = prop::sample::select(vec![
        "",
        "v",
        "1",
        "yes",
        "'s'",
        "'it''s'",
        "\"d\"",
        "[]",
        "{}",
        "[ ]",
        "x # c",
        "x#c",
        "a: b",
        "a:",
        "http://h:1",
        "-1",
        "- x",
        "'open",
        "&a x",
        "*a",
        "!t x",
        "|",
        "0x10",
        "1.5",
        ".nan",
        "null",
        "~",
        "'a' b",
        "{a: 1}",
    ]);
    (indent, dash, key, colon, value).prop_map(|(i, d, k, c, v)| format!("{i}{d}{k}{c}{v}"))
}

fn stream() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => line(),
            1 => Just("---".to_owned()),
            1 => Just("# comment".to_owned()),
            1 => Just(String::new()),
        ],
        1..12,
    )
    .prop_map(|lines| lines.join("\n") + "\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn generated_block_yaml_reads_the_same(text in stream()) {
        agrees(&text);
    }
}
