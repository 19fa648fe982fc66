//! What linting a document needs, found as the command line finds it: the
//! `dxlint.toml` nearest the document (or the one named on `dxlint lsp`),
//! its rules, code sets, member files and column map.
//!
//! Loading code sets and member files can take a while, so a setup is built
//! once per config file and shared by every document under it; it is built
//! again when the config file's modification time changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use super::Options;
use crate::claims::{InputOptions, Members, open_input};
use crate::cli::{Failure, load_catalog, load_codesets};
use crate::codeset::registry::CodeSets;
use crate::config::Config;
use crate::engine::Engine;
use crate::engine::files::FileTable;

/// Everything a lint needs besides the text.
pub struct Setup {
    pub engine: Engine,
    pub codesets: CodeSets,
    pub members: Option<Members>,
    pub options: InputOptions,
    /// The member files, registered; each document is added after them.
    pub files: FileTable,
}

/// A built setup and the modification time of the config it was built from.
type Stamped = (Option<SystemTime>, Arc<Setup>);

/// Setups by config file (`None`: no config).
pub struct Setups {
    options: Options,
    cache: Mutex<HashMap<Option<PathBuf>, Stamped>>,
}

fn modified(path: Option<&Path>) -> Option<SystemTime> {
    std::fs::metadata(path?).and_then(|m| m.modified()).ok()
}

/// The text of a failure, for a diagnostic.
fn failure_text(f: Failure) -> String {
    match f {
        Failure::Report(r) => {
            let mut text = r.to_string();
            if let Some(help) = r.help() {
                text.push_str(&format!("\nhelp: {help}"));
            }
            text
        }
        Failure::Message(m) => m,
        Failure::BrokenPipe => "output closed".to_string(),
    }
}

impl Setups {
    pub fn new(options: Options) -> Setups {
        Setups {
            options,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The config file for a document in folder `dir`.
    pub fn config_for(&self, dir: Option<&Path>) -> Option<PathBuf> {
        if self.options.isolated {
            return None;
        }
        if let Some(p) = &self.options.config {
            return Some(p.clone());
        }
        let start = match dir {
            Some(d) => d.to_path_buf(),
            None => std::env::current_dir().ok()?,
        };
        Config::discover(&start)
    }

    /// The setup for a document in folder `dir`; `Err` holds a message
    /// (a config or rule pack error) for the editor to show.
    pub fn for_folder(&self, dir: Option<&Path>) -> Result<Arc<Setup>, String> {
        let config = self.config_for(dir);
        let stamp = modified(config.as_deref());
        // Held while building, so that documents opened together wait for
        // one build instead of each loading the same code sets.
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((when, setup)) = cache.get(&config)
            && *when == stamp
        {
            return Ok(setup.clone());
        }
        let setup = Arc::new(self.build(config.clone()).map_err(failure_text)?);
        cache.insert(config, (stamp, setup.clone()));
        Ok(setup)
    }

    /// Forgets every setup (a config file was saved).
    pub fn clear(&self) {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn build(&self, path: Option<PathBuf>) -> Result<Setup, Failure> {
        let config = match &path {
            Some(p) => Config::load(p).map_err(Failure::boxed)?,
            None => Config::default(),
        };
        let catalog = load_catalog(&config, &self.options.rule_packs)?;
        config.validate(&catalog).map_err(Failure::boxed)?;
        let engine =
            Engine::new(catalog, &config.selection).map_err(|e| Failure::usage(e.to_string()))?;
        let codesets = load_codesets(&config.codesets)?;
        let mut files = FileTable::default();
        let members = if config.members.is_empty() {
            None
        } else {
            let mut inputs = Vec::new();
            for p in &config.members {
                let name = p.display().to_string();
                let id = files.add(&name);
                let reader =
                    open_input(&p.to_string_lossy()).map_err(|e| Failure::io(e.to_string()))?;
                inputs.push((id, name, reader));
            }
            let members = Members::load(inputs).map_err(|e| Failure::io(e.to_string()))?;
            for (id, headers) in members.headers() {
                files.set_headers(*id, headers.clone());
            }
            Some(members)
        };
        Ok(Setup {
            engine,
            codesets,
            members,
            options: InputOptions {
                delimiter: None,
                columns: config.columns.clone(),
                default_claim_type: config.claim_type,
                keep_source_lines: false,
                ..InputOptions::default()
            },
            files,
        })
    }
}
