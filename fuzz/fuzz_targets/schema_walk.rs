#![no_main]
//! The schema walk against `jsonschema`: wherever the walk answers, it answers as the compiled
//! validator does, at every release; and wherever it says no field is pruned, the unknown-field
//! walk finds none.

use flink_backup::input::{Entry, ReadOptions, decode, entries};
use flink_backup::model::resource::{Classified, classify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = decode("fuzz.yaml".into(), data.to_vec()) else {
        return;
    };
    for entry in entries(&source, &ReadOptions::default()) {
        let Entry::Document(doc) = entry else { continue };
        if let Classified::Flink(resource) = classify(&doc.value) {
            for answers in flink_backup::check::schema_answers(resource) {
                let release = answers.release;
                if let Some(walk) = answers.walk {
                    assert_eq!(walk, answers.validator, "{release}: {}", doc.value);
                }
                assert!(answers.prunes_nothing_holds, "{release}: {}", doc.value);
            }
        }
    }
});
