#![no_main]
//! The block-subset reader against the general reader: where the subset reader takes a stream,
//! both must read the same documents at the same positions, and find the same tree of spans for
//! splicing (or the subset declines it).

use flink_backup::yaml::{DocumentReader, Limits, tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let fast = DocumentReader::new(text, Limits::default());
    if !fast.read_by_subset() {
        return;
    }
    let read = |reader: DocumentReader<'_>| {
        reader
            .map(|d| d.map(|d| (d.value, d.pos, d.duplicates.len())))
            .collect::<Vec<_>>()
    };
    let general = read(DocumentReader::general(text, Limits::default()));
    let fast = read(fast);
    // A tab after `key:` is read as kubectl reads it, where the general reader refuses it: there
    // it must read as a space would.
    let as_kubectl = || {
        text.contains(":\t")
            && fast == read(DocumentReader::general(&text.replace(":\t", ": "), Limits::default()))
    };
    assert!(fast == general || as_kubectl(), "{text:?}");
    let fast_tree = tree::parse(text);
    if fast_tree.is_some() && !text.contains(":\t") {
        assert!(fast_tree == tree::parse_general(text), "{text:?}");
    }
});
