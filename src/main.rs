use std::process::ExitCode;

// Reading YAML allocates a string per key and value: mimalloc makes a run over thousands of
// documents a third faster than the system allocator. Its v2 line (the `v2` feature) starts a
// one-file run in 3.3 ms where v3 takes 4.4 ms (v3 with transparent huge pages: 3.4 ms, but 48 MiB
// for 10,000 documents against v2's 30 MiB); measured with bench/compare.sh's harness.
// `allocator.rs` calls it without the checks of its aligned entry points where a layout allows.
#[global_allocator]
static ALLOCATOR: flink_backup::allocator::Mimalloc = flink_backup::allocator::Mimalloc;

// No transparent huge pages (`allocator.rs` says why). The C runtime runs `.init_array` functions
// before `main` in the order of their priority suffix: this one after std's own (00099) and before
// mimalloc's initialisation (a plain constructor, or priority 101 when built by clang).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static HUGE_PAGES_OFF: extern "C" fn() = flink_backup::allocator::huge_pages_off;

fn main() -> ExitCode {
    ExitCode::from(flink_backup::run::run(flink_backup::cli::parse()))
}
