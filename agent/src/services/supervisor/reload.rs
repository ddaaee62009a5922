//! Hot reload: compare the services directory with what is loaded, and start, restart or
//! stop services to match. A bad manifest is recorded as a problem and changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use p2p_shared::services::DesiredState;

use super::super::health;
use super::super::machine::{Machine, Policy};
use super::super::manifest::{Manifest, is_manifest_file};
use super::{Slot, Supervisor};

impl Supervisor {
    /// Compares the directory with what was loaded and applies the differences.
    pub(super) fn rescan(&mut self) {
        let Some(dir) = self.dir.clone() else {
            return;
        };
        let found = read_manifests(&dir);
        // A file that could not be read never made it into `files`: its problem goes too.
        let gone: Vec<PathBuf> = self
            .files
            .keys()
            .chain(self.problems.keys())
            .filter(|f| !found.contains_key(*f))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for file in gone {
            self.file_gone(&file);
        }
        for (file, text) in found {
            let text = match text {
                Ok(t) => t,
                Err(e) => {
                    self.problem(
                        &file,
                        format!("cannot read manifest {}: {e}", file.display()),
                    );
                    continue;
                }
            };
            // A file with a problem is looked at again even unchanged: the problem may have
            // been another file (a duplicate name whose other file is gone).
            if self.files.get(&file) == Some(&text) && !self.problems.contains_key(&file) {
                continue;
            }
            self.files.insert(file.clone(), text.clone());
            match Manifest::parse(&text, &file) {
                Ok(m) => {
                    self.problems.remove(&file);
                    self.upsert(&file, m);
                }
                Err(e) => self.problem(&file, e.to_string()),
            }
        }
    }

    fn problem(&mut self, file: &Path, error: String) {
        if self.problems.get(file) != Some(&error) {
            tracing::warn!(file = %file.display(), "bad service manifest (the service keeps its last good definition):\n{error}");
            self.problems.insert(file.to_path_buf(), error);
        }
    }

    fn file_gone(&mut self, file: &Path) {
        self.files.remove(file);
        self.problems.remove(file);
        if let Some(name) = self.file_names.remove(file) {
            tracing::info!(service = %name, file = %file.display(), "manifest removed; stopping the service");
            if let Some(slot) = self.slots.get_mut(&name) {
                slot.removing = true;
                let now = self.opts.membership.clock.now();
                let actions = slot.machine.stop(now);
                self.apply(&name, actions);
            }
            self.drop_if_removed(&name);
        }
    }

    pub(super) fn drop_if_removed(&mut self, name: &str) {
        let done = self
            .slots
            .get(name)
            .is_some_and(|s| s.removing && s.pid.is_none() && !s.machine.has_process());
        if done {
            if let Some(mut slot) = self.slots.remove(name) {
                slot.stop_checker();
            }
            // The desired state stays (by name): a manifest that is renamed, or deleted and
            // written again, must not bring back a service an operator stopped.
            tracing::info!(service = %name, "service removed");
        }
    }

    fn upsert(&mut self, file: &Path, m: Manifest) {
        let name = m.name.clone();
        if let Some(other) = self.slots.get(&name)
            && other.file != file
            && !other.removing
        {
            let msg = format!(
                "{}: service `{name}` is already defined in {}",
                file.display(),
                other.file.display()
            );
            self.problem(file, msg);
            // Read it again at the next rescan: the other file may be gone by then.
            self.files.remove(file);
            return;
        }
        if let Some(old) = self.file_names.get(file).cloned()
            && old != name
        {
            self.file_gone_name(file, &old);
        }
        self.file_names.insert(file.to_path_buf(), name.clone());
        let now = self.now();
        let desired = self
            .desired
            .get(&name)
            .copied()
            .unwrap_or(DesiredState::Running);
        let Some(slot) = self.slots.get_mut(&name) else {
            let mut machine = Machine::new(Policy::from_manifest(&m), rand::random());
            let actions = if desired == DesiredState::Running {
                machine.start(now)
            } else {
                vec![]
            };
            tracing::info!(service = %name, file = %file.display(), desired = desired.as_str(), "service added");
            self.slots.insert(
                name.clone(),
                Slot {
                    manifest: m,
                    file: file.to_path_buf(),
                    machine,
                    pid: None,
                    checker: None,
                    checker_id: 0,
                    pending: None,
                    removing: false,
                    cpu_percent: None,
                    rss_bytes: None,
                    last_ticks: None,
                    run_as: None,
                },
            );
            self.apply(&name, actions);
            return;
        };
        let mut actions = vec![];
        if slot.removing {
            // Deleted and added back (or moved to another file) before it had stopped.
            slot.removing = false;
            slot.file = file.to_path_buf();
            if desired == DesiredState::Running {
                actions = slot.machine.start(now);
            }
        }
        let current = slot.pending.as_ref().unwrap_or(&slot.manifest);
        if *current == m {
            self.apply(&name, actions);
            return;
        }
        if slot.manifest.needs_restart_for(&m) && slot.machine.has_process() {
            tracing::info!(service = %name, "manifest changed; restarting the service");
            slot.pending = Some(m);
            if slot.machine.state() != p2p_shared::services::ServiceState::Stopping {
                actions = slot.machine.restart(now);
            }
        } else {
            tracing::info!(service = %name, "manifest changed; applied without a restart");
            let health_changed = slot.manifest.health != m.health;
            slot.machine.set_policy(Policy::from_manifest(&m));
            slot.manifest = m;
            slot.pending = None;
            if health_changed && slot.machine.is_up() {
                slot.stop_checker();
                slot.machine.reset_health();
                if let (Some(check), Some(run_as)) =
                    (slot.manifest.health.clone(), slot.run_as.clone())
                {
                    slot.checker_id += 1;
                    slot.checker = Some(health::spawn_checker(
                        health::Checked {
                            name: name.clone(),
                            generation: slot.machine.generation(),
                            checker: slot.checker_id,
                        },
                        check,
                        health::ProbeLaunch {
                            cwd: self.dir.clone().unwrap_or_default(),
                            run_as,
                            marker: self.opts.marker.clone(),
                            env: self.node_env.clone(),
                        },
                        &mut self.http,
                        self.events.clone(),
                    ));
                }
            }
        }
        self.apply(&name, actions);
    }

    /// A file now defines another service than before: the old one goes.
    fn file_gone_name(&mut self, file: &Path, old: &str) {
        tracing::info!(service = %old, file = %file.display(), "service renamed in its manifest; stopping the old name");
        if let Some(slot) = self.slots.get_mut(old) {
            slot.removing = true;
            let now = self.opts.membership.clock.now();
            let actions = slot.machine.stop(now);
            self.apply(old, actions);
        }
        self.drop_if_removed(old);
    }
}

/// Every manifest file in `dir` with its text (or why it could not be read). A missing
/// directory holds no manifests.
fn read_manifests(dir: &Path) -> BTreeMap<PathBuf, std::io::Result<String>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !is_manifest_file(&path) || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path);
        out.insert(path, text);
    }
    out
}
