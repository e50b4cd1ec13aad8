//! The first page mounted: the welcome with the examples, the backend
//! badge, and the shortcuts dialog with every row of the table.

use tci_playground::model::examples::EXAMPLES;
use tci_playground::model::shortcuts::SHORTCUTS;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

#[wasm_bindgen_test]
async fn an_empty_scrollback_shows_the_welcome_with_every_example() {
    reset_storage();
    let app = mount_app().await;
    let welcome = app.one("[data-testid=welcome]");
    assert!(welcome.child_element_count() > 0, "the welcome is empty");
    let buttons = app.all("[data-testid=example]");
    assert_eq!(buttons.len(), EXAMPLES.len());
    for (button, example) in buttons.iter().zip(EXAMPLES) {
        assert!(text(button).starts_with(example.title), "{}", text(button));
    }
    // Without config.json the page calls Together, and no key is given.
    assert_eq!(
        text(&app.one("[data-testid=backend]")),
        "Together: key needed"
    );
    assert!(text(&app.one("[data-testid=welcome-backend]")).contains("straight to Together"));
    assert_eq!(text(&app.one("[data-testid=clear]")), "Clear scrollback");

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn the_shortcuts_dialog_shows_the_whole_table() {
    reset_storage();
    let app = mount_app().await;
    click(&app.one("[data-testid=shortcuts-button]"));
    // Made on first use, in the body.
    let page = document().document_element().expect("an <html>");
    let dialog: web_sys::HtmlDialogElement =
        one(&page, "dialog[data-testid=shortcuts]").unchecked_into();
    assert!(dialog.open());

    let rows = all(&dialog, "tr");
    let table: Vec<(&str, &str)> = SHORTCUTS
        .iter()
        .flat_map(|group| {
            group
                .shortcuts
                .iter()
                .map(|shortcut| (shortcut.keys, shortcut.action))
        })
        .collect();
    assert_eq!(rows.len(), table.len());
    for (row, (keys, action)) in rows.iter().zip(table) {
        assert_eq!(text(&one(row, "kbd")), keys);
        assert_eq!(text(&one(row, "td:last-child")), action);
    }
    let captions: Vec<String> = all(&dialog, "caption").iter().map(text).collect();
    let places: Vec<&str> = SHORTCUTS.iter().map(|group| group.place).collect();
    assert_eq!(captions, places);

    // Close is a dialog form's button: it closes without script.
    click(&one(&dialog, "[data-testid=close-shortcuts]"));
    wait_for("the dialog to close", || !dialog.open()).await;
    // Opened again, it is the same dialog.
    click(&app.one("[data-testid=shortcuts-button]"));
    assert!(dialog.open());
    assert_eq!(all(&page, "dialog").len(), 1);
    dialog.close();

    drop(app);
    reset_storage();
}
