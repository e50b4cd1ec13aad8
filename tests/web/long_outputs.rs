//! Long outputs: collapsed to their head until "show all".

use tci_api::Output;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

#[wasm_bindgen_test]
async fn long_stdout_is_collapsed_until_show_all() {
    let long: String = (0..500).map(|line| format!("line {line}\n")).collect();
    let (_mounted, output) = render(Output::stdout(long.clone())).await;

    let pre = one(&output, "pre.stream.stdout");
    let shown = text(&pre);
    assert_eq!(shown.lines().count(), 200, "collapsed to 200 lines");
    assert!(long.starts_with(&shown));
    let button = one(&output, "button.show-all");
    assert!(
        text(&button).contains("300 more lines"),
        "{}",
        text(&button)
    );

    click(&button);
    wait_for("the whole text", || text(&pre) == long).await;
    assert_eq!(text(&pre).lines().count(), 500);
    assert!(text(&pre).ends_with("line 499\n"));
    assert_no_element(&output, "button.show-all");
}

#[wasm_bindgen_test]
async fn one_huge_line_is_collapsed_by_size() {
    let huge = "x".repeat(300 * 1024);
    let (_mounted, output) = render(Output::stdout(huge.clone())).await;

    let pre = one(&output, "pre.stream.stdout");
    assert_eq!(text(&pre).len(), 100 * 1024);
    click(&one(&output, "button.show-all"));
    wait_for("the whole line", || text(&pre).len() == huge.len()).await;
}

#[wasm_bindgen_test]
async fn a_ten_megabyte_stdout_puts_only_its_head_in_the_page() {
    // 10 MB in 100-byte lines: the page gets the first 200 lines, not 10 MB.
    let line = format!("{}\n", "y".repeat(99));
    let huge = line.repeat(100_000);
    let (_mounted, output) = render(Output::stdout(huge)).await;

    let pre = one(&output, "pre.stream.stdout");
    assert_eq!(text(&pre).len(), 200 * 100);
    let button = text(&one(&output, "button.show-all"));
    assert!(button.contains("99800 more lines"), "{button}");
    assert!(button.contains("9747 KB"), "{button}");
}
