#![no_main]
//! restore: any input gives a restore form or a refusal, never a panic; a restore form restores
//! to itself.

use flink_backup::input::{Document, ReadOptions, decode, load_sources};
use flink_backup::transform::inventory::TransformInput;
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
            ..RestoreOptions::default()
        };
        let input = TransformInput::of(loaded.documents.clone());
        let Ok(first) = plan(&input, &options) else { continue };
        let _ = flink_backup::output::patch::render(&first.resources);
        // Restoring the output again, with the same path, changes nothing.
        let explicit = RestoreOptions {
            source: SourceOptions {
                savepoint_path: Some("s3://fuzz/sp".into()),
                ..SourceOptions::default()
            },
            ..options.clone()
        };
        for r in &first.resources {
            let Ok(restored) = r.apply(&input.documents) else { continue };
            let saved = &input.documents[r.document].value;
            let (before, after) = (flink_backup::yaml::to_yaml(saved), flink_backup::yaml::to_yaml(&restored));
            let _ = flink_backup::output::diff::unified("fuzz", &before, &after, false);
            // The restore form as an edit of the saved text: proven, or declined.
            let _ = flink_backup::output::spliced::patched_text(&before, saved, &[("", &r.patch)], &restored);
            let doc = TransformInput::of(vec![Document {
                origin: input.documents[r.document].origin.clone(),
                value: restored,
                duplicates: Vec::new(),
            }]);
            if let (Ok(a), Ok(b)) = (plan(&doc, &explicit), plan(&doc, &explicit)) {
                assert_eq!(a.resources.len(), b.resources.len());
            }
        }
    }
});
