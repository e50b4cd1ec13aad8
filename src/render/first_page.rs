//! The welcome's and the shortcuts dialog's markup, made from the model's
//! tables ([`crate::model::examples`], [`crate::model::shortcuts`]) with
//! every text escaped. They are set as `innerHTML`: a first version that
//! built them as views measured 4,287 bytes more in the initial load (brotli).

use crate::model::examples::{EXAMPLES, Example};
use crate::model::shortcuts::SHORTCUTS;
use crate::render::highlight::push_escaped;

/// The welcome: what the page is, `backend` (a sentence on which backend
/// answers), and a button per example (`data-example` is its index).
pub fn welcome_html(backend: &str) -> String {
    let mut html = String::with_capacity(2048);
    html.push_str(
        "<h2 id=\"welcome-title\">Python in a stateful session</h2>\
         <p>Run Python in a Together Code Interpreter (TCI) session: like a notebook, it keeps \
         variables, imports and files from one run to the next.</p>\
         <p data-testid=\"welcome-backend\">",
    );
    push_escaped(&mut html, backend);
    html.push_str("</p><h3>Try an example</h3><ul class=\"examples\">");
    for (index, example) in EXAMPLES.iter().enumerate() {
        html.push_str(
            "<li><button type=\"button\" class=\"example\" data-testid=\"example\" data-example=\"",
        );
        html.push(char::from(b'0' + index as u8));
        html.push_str("\">");
        push_escaped(&mut html, example.title);
        html.push_str("</button></li>");
    }
    html.push_str(
        "</ul><p>Or type Python below and press Ctrl+Enter. \
         Press ? for the keyboard shortcuts.</p>",
    );
    html
}

/// The example a welcome button's `data-example` names.
pub fn example_at(index: &str) -> Option<&'static Example> {
    match index.as_bytes() {
        &[digit @ b'0'..=b'9'] => EXAMPLES.get(usize::from(digit - b'0')),
        _ => None,
    }
}

/// The dialog's contents: a table per place the keys work, and a Close
/// button that closes the dialog without script (`method="dialog"`).
pub fn shortcuts_html() -> String {
    let mut html = String::with_capacity(2048);
    html.push_str("<h2 id=\"shortcuts-title\">Keyboard shortcuts</h2>");
    for group in SHORTCUTS {
        html.push_str("<table><caption>");
        push_escaped(&mut html, group.place);
        html.push_str("</caption>");
        for shortcut in group.shortcuts {
            html.push_str("<tr><td><kbd>");
            push_escaped(&mut html, shortcut.keys);
            html.push_str("</kbd></td><td>");
            push_escaped(&mut html, shortcut.action);
            html.push_str("</td></tr>");
        }
        html.push_str("</table>");
    }
    html.push_str(
        "<form method=\"dialog\"><button data-testid=\"close-shortcuts\">Close</button></form>",
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_says_which_backend_and_offers_every_example_in_order() {
        let html = welcome_html("Runs <here> & there");
        assert!(
            html.contains("<p data-testid=\"welcome-backend\">Runs &lt;here&gt; &amp; there</p>")
        );
        let buttons: Vec<&str> = html.split("data-example=\"").skip(1).collect();
        assert_eq!(buttons.len(), EXAMPLES.len());
        for (index, (button, example)) in buttons.iter().zip(EXAMPLES).enumerate() {
            let title = format!("{index}\">{}</button>", example.title);
            assert!(button.starts_with(&title), "{button}");
            assert_eq!(example_at(&index.to_string()), Some(example));
        }
        assert!(EXAMPLES.len() <= 10, "data-example holds one digit");
    }

    #[test]
    fn only_an_examples_index_names_it() {
        assert_eq!(example_at("0"), Some(&EXAMPLES[0]));
        for junk in ["", "9", "01", "-1", "a", "0 "] {
            assert_eq!(example_at(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn the_dialog_lists_every_shortcut_escaped() {
        let html = shortcuts_html();
        let rows = html.matches("<tr>").count();
        let listed: usize = SHORTCUTS.iter().map(|group| group.shortcuts.len()).sum();
        assert_eq!(rows, listed);
        for group in SHORTCUTS {
            assert!(html.contains(&format!("<caption>{}</caption>", group.place)));
            for shortcut in group.shortcuts {
                let mut keys = String::new();
                push_escaped(&mut keys, shortcut.keys);
                assert!(html.contains(&format!(
                    "<kbd>{keys}</kbd></td><td>{}</td>",
                    shortcut.action
                )));
            }
        }
        assert!(html.ends_with(
            "<form method=\"dialog\"><button data-testid=\"close-shortcuts\">Close</button></form>"
        ));
    }
}
