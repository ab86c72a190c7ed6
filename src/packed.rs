//! Small strings kept for a whole run, packed in one buffer.
//!
//! A run over thousands of documents keeps a few short strings of each (a cluster's name, a
//! snapshot's path) after the document is freed. Allocated one by one, each pins the allocator's
//! page around the document it was read with; packed, they cost one growing buffer.

use std::ops::Range;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Packed {
    text: String,
}

impl Packed {
    /// Packs `part`; the range gives it back.
    pub fn push(&mut self, part: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(part);
        start..self.text.len()
    }

    /// What `push` packed at `range`.
    pub fn get(&self, range: Range<usize>) -> &str {
        self.text.get(range).unwrap_or_default()
    }

    /// Gives back what growing left unused, once nothing more is packed.
    pub fn shrink(&mut self) {
        self.text.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_comes_back_as_it_was_packed() {
        let mut packed = Packed::default();
        let parts = ["flink", "", "ns-ä", "basic-example"];
        let ranges: Vec<_> = parts.iter().map(|p| packed.push(p)).collect();
        packed.shrink();
        for (part, range) in parts.iter().zip(ranges) {
            assert_eq!(packed.get(range), *part);
        }
    }
}
