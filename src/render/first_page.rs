//! The welcome's and the shortcuts dialog's markup, made from the model's
//! tables ([`crate::model::examples`], [`crate::model::shortcuts`], whose
//! markup is a constant), every text escaped or needing no escaping. They are set as `innerHTML`: a first version that
//! built them as views measured 4,287 bytes more in the initial load (brotli).

use crate::model::examples::{EXAMPLES, Example};
use crate::model::shortcuts;
use crate::render::highlight::push_escaped;

/// The welcome: what the page is, `backend` (a sentence on which backend
/// answers), and a button per example (`data-example` is its index).
pub fn welcome_html(backend: &str) -> String {
    let mut html = String::with_capacity(2048);
    html.push_str(
        "<h2 id=\"welcome-title\">Python in a stateful session</h2>\
         <p>Run Python in a Together Code Interpreter (TCI) session, which keeps variables, \
         imports and files from one run to the next.</p>\
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
        // Titles are the page's own and need no escaping (a test checks).
        html.push_str(example.title);
        html.push_str("</button></li>");
    }
    html.push_str("</ul><p>Or type below and press Ctrl+Enter; ? lists the shortcuts.</p>");
    html
}

/// The example a welcome button's `data-example` names.
pub fn example_at(index: &str) -> Option<&'static Example> {
    match index.as_bytes() {
        &[digit @ b'0'..=b'9'] => EXAMPLES.get(usize::from(digit - b'0')),
        _ => None,
    }
}

/// The dialog's contents: its title, the table of every shortcut, and a
/// Close button that closes the dialog without script (`method="dialog"`).
pub fn shortcuts_html() -> String {
    [
        "<h2 id=\"shortcuts-title\">Keyboard shortcuts</h2>",
        shortcuts::TABLES_HTML,
        "<form method=\"dialog\"><button data-testid=\"close-shortcuts\">Close</button></form>",
    ]
    .concat()
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
        for example in EXAMPLES {
            assert!(
                !example.title.contains(['<', '>', '&', '"']),
                "{}",
                example.title
            );
        }
    }

    #[test]
    fn only_an_examples_index_names_it() {
        assert_eq!(example_at("0"), Some(&EXAMPLES[0]));
        for junk in ["", "9", "01", "-1", "a", "0 "] {
            assert_eq!(example_at(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn the_dialog_has_a_title_every_shortcut_and_a_close_button() {
        let html = shortcuts_html();
        let rows = html.matches("<tr>").count();
        let listed: usize = shortcuts::SHORTCUTS
            .iter()
            .map(|group| group.shortcuts.len())
            .sum();
        assert_eq!(rows, listed);
        assert!(html.starts_with("<h2 id=\"shortcuts-title\">"));
        assert!(html.contains(shortcuts::TABLES_HTML));
        assert!(html.ends_with(
            "<form method=\"dialog\"><button data-testid=\"close-shortcuts\">Close</button></form>"
        ));
    }
}
