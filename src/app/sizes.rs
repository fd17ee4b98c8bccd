//! Sizes shown to people.

/// A memory size in binary units, as browsers count their limits.
pub fn human_memory(n: u64) -> String {
    let gib = n as f64 / 1_073_741_824.0;
    if gib >= 1.0 {
        format!("{gib:.2} GiB")
    } else {
        format!("{:.0} MiB", n as f64 / 1_048_576.0)
    }
}

/// A byte count for people: `12.3 MB`.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}
