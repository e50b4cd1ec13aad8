//! What the page tells the user outside the cells: a notice (something
//! went wrong or was dropped) and the last share link made.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug)]
pub struct Notices {
    notice: RwSignal<Option<String>>,
    /// Shown until closed.
    share_link: RwSignal<Option<String>>,
}

impl Notices {
    pub(super) fn new(notice: Option<String>) -> Self {
        Notices {
            notice: RwSignal::new(notice),
            share_link: RwSignal::new(None),
        }
    }

    pub fn notice(&self) -> Option<String> {
        self.notice.get()
    }

    pub fn notify(&self, notice: impl Into<String>) {
        self.notice.set(Some(notice.into()));
    }

    pub fn dismiss(&self) {
        self.notice.set(None);
    }

    pub fn share_link(&self) -> Option<String> {
        self.share_link.get()
    }

    pub fn has_share_link(&self) -> bool {
        self.share_link.with(Option::is_some)
    }

    pub fn show_share_link(&self, link: String) {
        self.share_link.set(Some(link));
    }

    pub fn close_share_link(&self) {
        self.share_link.set(None);
    }
}
