#![no_main]
//! restore: any input gives a restore form or a refusal, never a panic; a restore form restores
//! to itself.

use flink_backup::input::{Document, ReadOptions, decode, load_sources};
use flink_backup::transform::restore::{RestoreOptions, plan, source::SourceOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = load_sources([Ok(decode("fuzz.yaml".into(), data.to_vec()))], &ReadOptions::default())
        .expect("in-memory sources are always readable");
    for from_status in [false, true] {
        let options = RestoreOptions {
            source: SourceOptions {
                from_status,
                allow_checkpoint: true,
                ..SourceOptions::default()
            },
            allow_non_restored_state: true,
            redeploy: false,
        };
        let Ok(first) = plan(&loaded.documents, &options) else { continue };
        let _ = flink_backup::transform::restore::patch_output(&first.resources);
        let _ = flink_backup::output::diff::render(&first.resources, false);
        // Restoring the output again, with the same path, changes nothing.
        let explicit = RestoreOptions {
            source: SourceOptions {
                savepoint_path: Some("s3://fuzz/sp".into()),
                ..SourceOptions::default()
            },
            ..options.clone()
        };
        for r in &first.resources {
            let doc = vec![Document {
                origin: loaded.documents[0].origin.clone(),
                value: r.restored.clone(),
                duplicates: Vec::new(),
            }];
            if let (Ok(a), Ok(b)) = (plan(&doc, &explicit), plan(&doc, &explicit)) {
                assert_eq!(a.resources.len(), b.resources.len());
            }
        }
    }
});
