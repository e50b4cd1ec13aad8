//! The code editor's behaviour, as pure functions the `<textarea>` in
//! [`crate::ui`] calls on key presses and edits.
//!
//! - [`keys`]: Tab, Shift+Tab, Enter, Backspace, Up/Down at the first and
//!   last line.
//! - [`pairs`]: brackets and quotes that close as typed.
//! - [`comment`]: Ctrl/Cmd+/ toggling `# `.
//! - [`undo`]: the undo history, and why the editor keeps its own.

pub mod comment;
pub mod keys;
pub mod pairs;
pub mod undo;
