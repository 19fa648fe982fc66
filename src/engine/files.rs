//! The names and headers of the files in a run, so that diagnostics can name
//! the file and column of a cell that a claim only refers to by index.

use std::sync::{Arc, OnceLock};

use crate::claims::FileId;

/// One input file: its display name and column headers.
#[derive(Clone, Debug, Default)]
pub struct FileInfo {
    pub name: Arc<str>,
    /// Set once, when the file's header is read: the threads that check a
    /// run's files read the table while later files are still opened.
    headers: OnceLock<Vec<Arc<str>>>,
}

/// All files of a run, indexed by [`FileId`]. Files are added before
/// checking starts; each file's headers are filed once it is opened.
#[derive(Clone, Debug, Default)]
pub struct FileTable {
    files: Vec<FileInfo>,
}

impl FileTable {
    /// Registers a file and returns its id.
    pub fn add(&mut self, name: &str) -> FileId {
        self.files.push(FileInfo {
            name: Arc::from(name),
            headers: OnceLock::new(),
        });
        (self.files.len() - 1) as FileId
    }

    /// Records the header of a file once it is read (the first time only:
    /// a file has one header).
    pub fn set_headers(&self, id: FileId, headers: Vec<Arc<str>>) {
        if let Some(f) = self.files.get(id as usize) {
            let _ = f.headers.set(headers);
        }
    }

    /// The id the next [`FileTable::add`] will return.
    pub fn next_id(&self) -> FileId {
        self.files.len() as FileId
    }

    pub fn name(&self, id: FileId) -> Arc<str> {
        self.files
            .get(id as usize)
            .map(|f| f.name.clone())
            .unwrap_or_else(|| Arc::from("<unknown>"))
    }

    pub fn header(&self, id: FileId, field: u32) -> Option<Arc<str>> {
        self.files
            .get(id as usize)?
            .headers
            .get()?
            .get(field as usize)
            .cloned()
    }
}
