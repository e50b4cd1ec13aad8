//! The files attached to the next run: shown as chips above the editor,
//! sent with the next run, and kept until a run that carried them reached
//! Python.

use leptos::prelude::*;
use tci_api::FileUpload;

use super::Notices;
use crate::model::attach;

#[derive(Clone, Copy, Debug)]
pub struct Attachments {
    files: RwSignal<Vec<FileUpload>>,
    notices: Notices,
}

impl Attachments {
    pub(super) fn new(notices: Notices) -> Self {
        Attachments {
            files: RwSignal::new(Vec::new()),
            notices,
        }
    }

    /// What `show` makes of the attached files (tracked).
    pub fn with_files<T>(&self, show: impl FnOnce(&[FileUpload]) -> T) -> T {
        self.files.with(|files| show(files))
    }

    /// Attaches `file`, replacing one of its name; a name the server would
    /// refuse is a notice.
    pub fn add(&self, file: FileUpload) {
        let mut refused = None;
        self.files
            .update(|files| refused = attach::add(files, file).err());
        if let Some(why) = refused {
            self.notices.notify(why);
        }
    }

    pub fn remove(&self, name: &str) {
        self.files
            .update(|files| files.retain(|file| file.name != name));
    }

    /// What the next run sends.
    pub(super) fn pending(&self) -> Vec<FileUpload> {
        self.files.get_untracked()
    }

    /// The run that carried these reached Python: they are in the session
    /// now (a file attached meanwhile stays).
    pub(super) fn delivered(&self, sent: &[FileUpload]) {
        self.files
            .update(|files| files.retain(|file| !sent.contains(file)));
    }
}
