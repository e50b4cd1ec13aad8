//! Turning text into what the page shows, without touching the DOM: which
//! way an output is shown, ANSI colours, Python highlighting, Markdown.

pub mod ansi;
pub mod highlight;
pub mod markdown;
pub mod output_view;
