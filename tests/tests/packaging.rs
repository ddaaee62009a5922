//! Generated files stay true to the code: shell completions (`completions/`) and man pages
//! (`man/`) are regenerated and compared with the checked-in copies, and the systemd unit
//! passes `systemd-analyze verify`.
//!
//! After changing a command or flag, refresh them with
//! `P2P_REGENERATE=1 cargo test -p p2p-tests --test packaging`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;
use clap_complete::aot::Shell;
use p2p_tests::{bin, stderr};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A man page for `cmd` and one for every visible subcommand, named like `p2pctl-nodes-ls.1`.
/// `cmd` must be built (global flags propagated, bin names like `p2pctl nodes ls` set).
fn man_pages(
    cmd: clap::Command,
    name: &str,
    extra: &[(&str, &str)],
    out: &mut BTreeMap<PathBuf, Vec<u8>>,
) {
    let cmd = cmd.name(name.to_string());
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page).unwrap();
    man.render_name_section(&mut page).unwrap();
    man.render_synopsis_section(&mut page).unwrap();
    man.render_description_section(&mut page).unwrap();
    man.render_options_section(&mut page).unwrap();
    // Subcommands as pages that exist (clap lists its built-in `help` too).
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    if !subs.is_empty() {
        page.extend_from_slice(b".SH SUBCOMMANDS\n");
        for s in &subs {
            let about = s.get_about().map(|a| a.to_string()).unwrap_or_default();
            page.extend_from_slice(
                format!(
                    ".TP\n\\fB{}\\fR(1)\n{}\n",
                    roff(&format!("{name}-{}", s.get_name())),
                    roff(&about)
                )
                .as_bytes(),
            );
        }
    }
    for (title, text) in extra {
        page.extend_from_slice(format!(".SH {title}\n").as_bytes());
        for line in text.lines() {
            page.extend_from_slice(format!("{}\n.br\n", roff(line.trim())).as_bytes());
        }
    }
    // A page with sections of its own says there what its after-help says.
    if extra.is_empty() && (cmd.get_after_help().is_some() || cmd.get_after_long_help().is_some()) {
        man.render_extra_section(&mut page).unwrap();
    }
    if cmd.get_version().is_some() || cmd.get_long_version().is_some() {
        man.render_version_section(&mut page).unwrap();
    }
    out.insert(PathBuf::from(format!("man/{name}.1")), page);
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        man_pages(sub.clone(), &format!("{name}-{}", sub.get_name()), &[], out);
    }
}

/// Text safe in roff: backslashes and hyphens escaped, no line starting with a dot.
fn roff(text: &str) -> String {
    let t = text.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

fn expected() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let path = PathBuf::from("completions").join(p2pctl::completion::file_name(shell));
        out.insert(path, p2pctl::completion::script(shell).into_bytes());
    }
    for (mut cmd, name, extra) in [
        (p2pd::cli::Cli::command(), "p2pd", p2pd::cli::MANUAL),
        (p2pctl::cli::Cli::command(), "p2pctl", p2pctl::cli::MANUAL),
    ] {
        cmd.build();
        man_pages(cmd, name, extra, &mut out);
    }
    out
}

fn listed(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| dir.join(e.file_name()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let want = expected();
    let root = repo();
    if std::env::var("P2P_REGENERATE").as_deref() == Ok("1") {
        for dir in ["completions", "man"] {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (path, bytes) in &want {
            std::fs::write(root.join(path), bytes).unwrap();
        }
        return;
    }
    let hint =
        "run `P2P_REGENERATE=1 cargo test -p p2p-tests --test packaging` and commit the result";
    let mut stale = Vec::new();
    for (path, bytes) in &want {
        if std::fs::read(root.join(path)).ok().as_ref() != Some(bytes) {
            stale.push(path.display().to_string());
        }
    }
    for dir in ["completions", "man"] {
        for path in listed(Path::new(dir)) {
            if !want.contains_key(&path) {
                stale.push(format!("{} (no longer generated)", path.display()));
            }
        }
    }
    assert!(stale.is_empty(), "stale generated files: {stale:?}\n{hint}");
    // Every page another names exists, and the top pages carry the sections readers look for.
    for (path, bytes) in want.iter().filter(|(p, _)| p.starts_with("man")) {
        let text = String::from_utf8_lossy(bytes);
        for named in text.split("\\fB").skip(1) {
            if let Some((page, _)) = named.split_once("\\fR(1)") {
                let file = format!("man/{}.1", page.replace("\\-", "-"));
                assert!(
                    want.contains_key(&PathBuf::from(&file)),
                    "{} names {file}, which is not generated",
                    path.display()
                );
            }
        }
    }
    for page in ["man/p2pctl.1", "man/p2pd.1"] {
        let text = String::from_utf8_lossy(&want[&PathBuf::from(page)]).to_string();
        for section in ["EXAMPLES", "ENVIRONMENT", "FILES", "EXIT STATUS"] {
            assert!(
                text.contains(&format!(".SH {section}")),
                "{page} lacks {section}"
            );
        }
    }
    // The command prints exactly the checked-in script.
    let out = Command::new(bin("p2pctl"))
        .args(["completion", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, want[&PathBuf::from("completions/p2pctl.bash")]);
}

#[test]
fn systemd_unit_verifies_and_keeps_its_promises() {
    let unit = std::fs::read_to_string(repo().join("config/p2pd.service")).unwrap();
    for line in [
        "Type=notify",
        "WatchdogSec=",
        "KillMode=mixed",
        "StateDirectory=p2pd",
        "LoadCredential=p2pd-password:",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
    ] {
        assert!(
            unit.lines().any(|l| l.starts_with(line)),
            "config/p2pd.service lacks {line}"
        );
    }
    let analyze = Command::new("systemd-analyze").arg("--version").output();
    if analyze.is_err() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("systemd-analyze is required under CI=true (apt install systemd)");
        }
        eprintln!("skipping systemd-analyze verify: systemd-analyze is not installed");
        return;
    }
    // Verify against the binary we built (the unit names /usr/local/bin/p2pd).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p2pd.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/p2pd", &bin("p2pd").to_string_lossy()),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify: {}",
        stderr(&out)
    );
}
