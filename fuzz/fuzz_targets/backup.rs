#![no_main]
//! backup: any input gives manifests or a refusal, never a panic.

use flink_backup::transform::backup::{BackupOptions, plan};
use flink_backup::input::{ReadOptions, decode, load_sources};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = load_sources([Ok(decode("fuzz.yaml".into(), data.to_vec()))], &ReadOptions::default())
        .expect("in-memory sources are always readable");
    for force in [false, true] {
        let options = BackupOptions {
            force,
            trigger_nonce: data.len() % 2 == 1,
            now: 1_700_000_000,
            ..BackupOptions::default()
        };
        let input = flink_backup::transform::inventory::TransformInput::of(loaded.documents.clone());
        if let Ok(plan) = plan(&input, &options) {
            let outgoing: Vec<_> = plan
                .manifests
                .iter()
                .map(|m| flink_backup::transform::gate::Outgoing { value: &m.manifest, from: None })
                .collect();
            let refs: Vec<_> = plan.manifests.iter().map(|m| &m.manifest).collect();
            let _ = flink_backup::transform::gate::check(&outgoing, &Default::default());
            let _ = flink_backup::output::manifest::render(&refs, flink_backup::output::manifest::ManifestFormat::Yaml);
        }
    }
});
