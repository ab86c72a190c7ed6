#![no_main]
//! The document reader: bytes -> text -> YAML documents -> List items, and back to YAML.

use flink_backup::input::{Entry, ReadOptions, decode, entries};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = decode("fuzz".into(), data.to_vec()) {
        for entry in entries(&source, &ReadOptions::default()) {
            if let Entry::Document(doc) = entry {
                let text = flink_backup::yaml::to_yaml(&doc.value);
                // What the writer writes, the reader must read back as the same data.
                let again = flink_backup::yaml::DocumentReader::new(&text, Default::default())
                    .next()
                    .expect("one document")
                    .expect("the writer's output parses");
                assert_eq!(again.value, doc.value, "{text}");
            }
        }
    }
});
