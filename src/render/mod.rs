//! Turning text into what the page shows, without touching the DOM: which
//! way an output is shown, ANSI colours, Python highlighting, the output frame's
//! messages and the first page's markup (the welcome, the shortcuts list).

pub mod ansi;
pub mod first_page;
pub mod frame;
pub mod highlight;
pub mod output_view;
