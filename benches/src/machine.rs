//! What the figures were measured on, and the memory of a process, from `/proc`.

use std::fs;

/// The machine: CPU model, logical CPUs, memory, load.
pub(crate) fn describe() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc/cpuinfo)".to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = |key: &str| field_kib(&meminfo, key).map_or("?".to_owned(), crate::report::mib);
    format!(
        "CPU: {cpu}\nlogical CPUs (nproc): {cpus}\nmemory: {} total, {} available\nload average (1, 5, 15 min): {}",
        mem("MemTotal:"),
        mem("MemAvailable:"),
        load_average(),
    )
}

/// `/proc/loadavg`'s three averages.
pub(crate) fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Peak and current resident memory of this process, in KiB (`VmHWM`, `VmRSS`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Memory {
    /// Peak resident set size so far.
    pub(crate) peak_kib: u64,
    /// Resident set size now.
    pub(crate) now_kib: u64,
}

/// The memory of this process, from `/proc/self/status`.
pub(crate) fn own_memory() -> Option<Memory> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    Some(Memory {
        peak_kib: field_kib(&status, "VmHWM:")?,
        now_kib: field_kib(&status, "VmRSS:")?,
    })
}

fn field_kib(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// CPU time (user + system) process `pid` has used so far, all threads, from
/// `/proc/PID/stat` (`"self"` for this process); resolution 10 ms (USER_HZ is 100 on Linux).
pub(crate) fn cpu_time(pid: &str) -> Option<std::time::Duration> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces: field 3
    // (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(std::time::Duration::from_millis(ticks * 10))
}
