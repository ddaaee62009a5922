//! Reading the kernel's counters: pure parsers of `/proc` text (tested on fixtures), and the
//! few functions that read the files. Counters only; rates are the sampler's business.
//! Parsed by hand rather than through a system-information crate: a handful of files, no
//! state kept between reads, and little code on a node whose resident size is a target.

use std::collections::HashMap;
use std::path::Path;

/// Jiffies of CPU time: all of it, and the busy part (everything but idle and iowait).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTimes {
    pub busy: u64,
    pub total: u64,
}

/// `/proc/meminfo`, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemInfo {
    pub total: u64,
    pub available: u64,
    pub swap_total: u64,
    pub swap_free: u64,
}

/// One interface's byte counters since boot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceCounters {
    pub name: String,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

/// What `/proc/PID/stat` says of one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcStat {
    pub pgid: i32,
    /// User plus system time, in clock ticks.
    pub ticks: u64,
    /// Resident pages.
    pub rss_pages: u64,
}

/// The filesystem holding a directory, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskUsage {
    pub total: u64,
    pub used: u64,
    /// Available to unprivileged users (what a service could still write).
    pub free: u64,
}

/// The aggregate `cpu` line of `/proc/stat`, and the number of `cpuN` lines.
pub fn parse_cpu(stat: &str) -> Option<(CpuTimes, u32)> {
    let mut times = None;
    let mut cores = 0u32;
    for line in stat.lines() {
        let mut fields = line.split_ascii_whitespace();
        match fields.next() {
            Some("cpu") => {
                // user nice system idle iowait irq softirq steal (guest time is already
                // inside user and nice).
                let v: Vec<u64> = fields.take(8).filter_map(|f| f.parse().ok()).collect();
                if v.len() >= 4 {
                    let total: u64 = v.iter().sum();
                    let idle = v[3] + v.get(4).copied().unwrap_or(0);
                    times = Some(CpuTimes {
                        busy: total.saturating_sub(idle),
                        total,
                    });
                }
            }
            Some(name) if name.starts_with("cpu") => cores += 1,
            _ => {}
        }
    }
    times.map(|t| (t, cores.max(1)))
}

pub fn parse_loadavg(text: &str) -> Option<[f64; 3]> {
    let mut f = text.split_ascii_whitespace().map(|v| v.parse::<f64>().ok());
    Some([f.next()??, f.next()??, f.next()??])
}

pub fn parse_meminfo(text: &str) -> Option<MemInfo> {
    let mut fields: HashMap<&str, u64> = HashMap::new();
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let kib = rest
            .split_ascii_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(kib) = kib {
            fields.insert(key, kib.saturating_mul(1024));
        }
    }
    let total = *fields.get("MemTotal")?;
    // Kernels before 3.14 have no MemAvailable: free plus page cache is the old estimate.
    let available = fields.get("MemAvailable").copied().unwrap_or_else(|| {
        ["MemFree", "Buffers", "Cached"]
            .iter()
            .filter_map(|k| fields.get(k))
            .sum()
    });
    Some(MemInfo {
        total,
        available: available.min(total),
        swap_total: fields.get("SwapTotal").copied().unwrap_or(0),
        swap_free: fields.get("SwapFree").copied().unwrap_or(0),
    })
}

/// Every interface of `/proc/net/dev`, loopback included (the sampler chooses).
pub fn parse_net_dev(text: &str) -> Vec<InterfaceCounters> {
    text.lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let v: Vec<u64> = rest
                .split_ascii_whitespace()
                .filter_map(|f| f.parse().ok())
                .collect();
            // Receive: bytes packets errs drop fifo frame compressed multicast; then
            // transmit: bytes ...
            Some(InterfaceCounters {
                name: name.trim().to_string(),
                rx_bytes: *v.first()?,
                tx_bytes: *v.get(8)?,
            })
        })
        .collect()
}

/// `/proc/PID/stat`. The command name is in parentheses and may itself hold spaces and
/// parentheses, so fields are counted from the last `)`.
pub fn parse_proc_stat(text: &str) -> Option<ProcStat> {
    let (_, rest) = text.rsplit_once(')')?;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    // After the name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15) ... rss(24).
    let field = |n: usize| f.get(n - 3).and_then(|v| v.parse::<i64>().ok());
    Some(ProcStat {
        pgid: i32::try_from(field(5)?).ok()?,
        ticks: u64::try_from(field(14)?.saturating_add(field(15)?)).ok()?,
        rss_pages: u64::try_from(field(24)?).unwrap_or(0),
    })
}

/// The kernel's clock ticks per second and page size (fixed for the life of the process).
pub fn clock_and_page() -> (u64, u64) {
    use nix::unistd::{SysconfVar, sysconf};
    let get = |v, default| {
        sysconf(v)
            .ok()
            .flatten()
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    (
        get(SysconfVar::CLK_TCK, 100),
        get(SysconfVar::PAGE_SIZE, 4096),
    )
}

pub fn read_cpu() -> Option<(CpuTimes, u32)> {
    parse_cpu(&std::fs::read_to_string("/proc/stat").ok()?)
}

pub fn read_loadavg() -> Option<[f64; 3]> {
    parse_loadavg(&std::fs::read_to_string("/proc/loadavg").ok()?)
}

pub fn read_meminfo() -> Option<MemInfo> {
    parse_meminfo(&std::fs::read_to_string("/proc/meminfo").ok()?)
}

pub fn read_net_dev() -> Vec<InterfaceCounters> {
    std::fs::read_to_string("/proc/net/dev")
        .map(|t| parse_net_dev(&t))
        .unwrap_or_default()
}

pub fn read_self() -> Option<ProcStat> {
    parse_proc_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

pub fn read_disk(dir: &Path) -> Option<DiskUsage> {
    let s = nix::sys::statvfs::statvfs(dir).ok()?;
    let unit = s.fragment_size();
    let total = s.blocks().saturating_mul(unit);
    Some(DiskUsage {
        total,
        used: total.saturating_sub(s.blocks_free().saturating_mul(unit)),
        free: s.blocks_available().saturating_mul(unit),
    })
}

/// Summed over the processes of each process group in `groups`: (ticks, resident pages,
/// processes). One pass over `/proc`, so a service's children count with it.
pub fn read_groups(groups: &[i32]) -> HashMap<i32, (u64, u64, u32)> {
    let mut out: HashMap<i32, (u64, u64, u32)> = HashMap::new();
    if groups.is_empty() {
        return out;
    }
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // A process may exit between the listing and the read: skip it.
        let Ok(text) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some(p) = parse_proc_stat(&text)
            && groups.contains(&p.pgid)
        {
            let e = out.entry(p.pgid).or_default();
            e.0 += p.ticks;
            e.1 += p.rss_pages;
            e.2 += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_line_and_cores() {
        let stat = "cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\n\
                    cpu1 50 3 25 400 20 2 1 0 0 0\nintr 12345\nctxt 99\n";
        let (t, cores) = parse_cpu(stat).unwrap();
        assert_eq!(cores, 2);
        assert_eq!(t.total, 1000);
        assert_eq!(t.busy, 1000 - 840);
        assert_eq!(parse_cpu("intr 1\n"), None);
    }

    #[test]
    fn loadavg_and_meminfo() {
        assert_eq!(
            parse_loadavg("0.52 0.31 0.20 2/345 12345\n"),
            Some([0.52, 0.31, 0.20])
        );
        assert_eq!(parse_loadavg("garbage"), None);
        let m = parse_meminfo(
            "MemTotal:        8000000 kB\nMemFree:         1000000 kB\n\
             MemAvailable:    5000000 kB\nSwapTotal:       2000000 kB\nSwapFree:        1500000 kB\n",
        )
        .unwrap();
        assert_eq!(m.total, 8_000_000 * 1024);
        assert_eq!(m.available, 5_000_000 * 1024);
        assert_eq!(m.swap_total - m.swap_free, 500_000 * 1024);
        // An old kernel: free + buffers + cached.
        let old = parse_meminfo("MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n")
            .unwrap();
        assert_eq!(old.available, 35 * 1024);
        assert_eq!(parse_meminfo("Nothing: 1 kB\n"), None);
    }

    #[test]
    fn net_dev() {
        let text = "Inter-|   Receive                                                |  Transmit\n \
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    \
             lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n  \
             eth0: 123456 100 0 0 0 0 0 0 654321 90 0 0 0 0 0 0\n";
        let v = parse_net_dev(text);
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[1],
            InterfaceCounters {
                name: "eth0".into(),
                rx_bytes: 123456,
                tx_bytes: 654321
            }
        );
    }

    #[test]
    fn proc_stat_with_a_hostile_command_name() {
        let text = "4242 (evil) (name) S 1 4240 4240 0 -1 4194560 100 0 0 0 \
                    70 30 0 0 20 0 1 0 500 10000000 256 18446744073709551615\n";
        assert_eq!(
            parse_proc_stat(text),
            Some(ProcStat {
                pgid: 4240,
                ticks: 100,
                rss_pages: 256
            })
        );
        assert_eq!(parse_proc_stat("4242 (short) S 1"), None);
    }

    #[test]
    fn this_process_is_readable() {
        let me = read_self().expect("/proc/self/stat");
        assert!(me.rss_pages > 0);
        let (ticks, page) = clock_and_page();
        assert!(ticks > 0 && page >= 4096);
        let groups = read_groups(&[me.pgid]);
        assert!(groups.get(&me.pgid).is_some_and(|g| g.2 >= 1));
        assert!(read_disk(Path::new("/")).is_some_and(|d| d.total > 0));
    }
}
