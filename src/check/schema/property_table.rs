//! How a schema object's declared properties are tabled for lookup by name. The build script lays
//! the tables out (`layout`) when it prebuilds the schema trees; the walks look names up with the
//! same `probe` and `home`. Only `std` here: the build script compiles this file too.

/// A name's length and first seven bytes as one integer: two names that differ in length or in
/// their first seven bytes differ here, and a name of up to seven bytes is all here. Comparing
/// names byte by byte (a call to `memcmp` at every step of a search) was a tenth of a validation
/// run over thousands of documents.
pub fn probe(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let head = match bytes.first_chunk::<8>() {
        Some(first) => u64::from_be_bytes(*first) >> 8,
        None => {
            let packed = bytes.iter().fold(0, |acc, &b| acc << 8 | u64::from(b));
            packed << (8 * (7 - bytes.len()))
        }
    };
    (bytes.len().min(255) as u64) << 56 | head
}

/// The slot a probe tries first in a table of `1 << bits` slots (`bits` from 1 to 16): the top
/// bits of its Fibonacci hash.
pub fn home(probe: u64, bits: u32) -> usize {
    (probe.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// The table for properties with these probes, in their order: its size in bits and its slots,
/// each holding a property's index plus one (0 is empty). A probe sits at its home slot or, taken,
/// the next free one, wrapping around; the table has at least twice as many slots as properties,
/// so runs of taken slots stay short. A binary search took five dependent, mispredicted steps a
/// lookup, and each document's every field is looked up twice (`admits`, `unknown_fields`).
///
/// # Panics
/// With more than 32,767 properties, which no object of a schema declares.
// The build script's; in the crate, only the tests lay tables out.
#[cfg_attr(not(test), allow(dead_code))]
pub fn layout(probes: &[u64]) -> (u32, Vec<u16>) {
    let size = (2 * probes.len()).max(2).next_power_of_two();
    let bits = size.trailing_zeros();
    let mut slots = vec![0u16; size];
    for (i, &probe) in probes.iter().enumerate() {
        let mut at = home(probe, bits);
        while slots[at] != 0 {
            at = (at + 1) & (size - 1);
        }
        slots[at] = u16::try_from(i + 1).expect("fewer than 32,768 properties in one object");
    }
    (bits, slots)
}
