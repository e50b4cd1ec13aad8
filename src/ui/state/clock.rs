//! The time the page shows (elapsed times, the session's countdown), as a
//! signal so those displays update as it ticks.

use leptos::prelude::*;

use crate::ui::browser;

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    now: RwSignal<f64>,
}

impl Clock {
    pub(super) fn new() -> Self {
        Clock {
            now: RwSignal::new(browser::now_ms()),
        }
    }

    /// Milliseconds since the epoch, as of the last tick.
    pub fn now(&self) -> f64 {
        self.now.get()
    }

    /// Called ten times a second: moves on every second, and on every call
    /// while a cell runs.
    pub fn tick(&self, running: bool) {
        let now = browser::now_ms();
        if running || (now - self.now.get_untracked()) >= 1000.0 {
            self.now.set(now);
        }
    }
}
