//! The code editor's behaviour, as pure functions the `<textarea>` in
//! [`crate::ui`] calls on key presses.

pub mod keys;
