//! Property tests over generated documents: a restore changes only the documented paths, unknown
//! fields survive, the output reads back as the same data, and restore is idempotent.

use flink_backup::input::{Document, Origin};
use flink_backup::transform::inventory::TransformInput;
use flink_backup::transform::restore::{RestoreOptions, plan, source::SourceOptions};
use flink_backup::yaml::{DocumentReader, to_yaml};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const TRICKY: &[&str] = &[
    "on",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "NO",
    "1.20",
    "0x1F",
    "0o17",
    "1e3",
    "~",
    "null",
    "",
    "2024-01-01",
    "1_000",
    "1:20",
    "a: b",
    "# not a comment",
    "  leading",
    "trailing ",
    "line\nbreak\n",
    "ünïcode ✓",
    "<<",
    "-",
    "? q",
    "@at",
    "`tick",
    "!bang",
    "*alias",
    "&anchor",
    "{a}",
    "[b]",
    "'single'",
    "\"double\"",
    "tab\there",
    "=",
    ".inf",
    "-.5",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(TRICKY).prop_map(str::to_owned),
        "[a-zA-Z0-9 :#'\"\\-_./@!&*?{}\\[\\]|>%`~=,\n]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        (-1e12f64..1e12).prop_map(Value::from),
        Just(Value::Null),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((text(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn deployment(
    unknown: Value,
    annotations: Map<String, Value>,
    config: Value,
    args: Vec<String>,
) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkDeployment",
        "metadata": {"name": "generated", "annotations": annotations, "uid": "x", "resourceVersion": "9"},
        "spec": {
            "flinkVersion": "v1_20",
            "flinkConfiguration": config,
            "somethingUnknown": unknown,
            "job": {"jarURI": "local:///job.jar", "args": args, "upgradeMode": "stateless", "savepointTriggerNonce": 3},
        },
        "status": {"jobStatus": {"state": "RUNNING"}},
    })
}

fn restore(value: &Value) -> Value {
    let doc = vec![Document {
        origin: Origin {
            file: "generated".into(),
            document: 1,
            item: None,
            line: 1,
        },
        value: value.clone(),
        duplicates: Vec::new(),
    }];
    let options = RestoreOptions {
        source: SourceOptions {
            savepoint_path: Some("s3://bucket/sp-1".into()),
            ..SourceOptions::default()
        },
        allow_non_restored_state: true,
        ..RestoreOptions::default()
    };
    let input = TransformInput::of(doc);
    let plan = plan(&input, &options).unwrap();
    plan.resources[0].apply(&input.documents).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn only_documented_paths_change(
        unknown in tree(),
        annotations in proptest::collection::vec((text(), text()), 0..4),
        config in tree(),
        args in proptest::collection::vec(text(), 0..4),
    ) {
        let annotations: Map<String, Value> = annotations.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        let saved = deployment(unknown.clone(), annotations, config, args);
        let restored = restore(&saved);

        let mut expected = saved.clone();
        expected.as_object_mut().unwrap().shift_remove("status");
        let meta = expected["metadata"].as_object_mut().unwrap();
        meta.shift_remove("uid");
        meta.shift_remove("resourceVersion");
        let job = expected["spec"]["job"].as_object_mut().unwrap();
        job.shift_remove("savepointTriggerNonce");
        job.insert("upgradeMode".into(), json!("savepoint"));
        job.insert("state".into(), json!("running"));
        job.insert("initialSavepointPath".into(), json!("s3://bucket/sp-1"));
        job.insert("allowNonRestoredState".into(), json!(true));
        prop_assert_eq!(&restored, &expected);
        prop_assert_eq!(&restored["spec"]["somethingUnknown"], &unknown);

        // Key order is the saved order.
        let keys: Vec<&String> = restored["spec"]["job"].as_object().unwrap().keys().collect();
        prop_assert_eq!(&keys[..3], &["jarURI", "args", "upgradeMode"]);

        // What is written reads back as the same data.
        let text = to_yaml(&restored);
        let read = DocumentReader::new(&text, Default::default()).next().unwrap();
        prop_assert!(read.is_ok(), "{:?}\n{}", read, text);
        prop_assert_eq!(&read.unwrap().value, &restored);

        // Restoring the restore form again changes nothing.
        prop_assert_eq!(restore(&restored), restored);
    }
}
