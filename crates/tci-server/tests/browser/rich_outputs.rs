//! Rich outputs in the output frame, end to end against the real local
//! backend: Markdown, LaTeX, JSON, charts and HTML with its scripts drawn
//! by the renderers the frame loads on demand, in both themes, in the page
//! and in a widget; and what an output's code cannot do from its frame.

use serde_json::{Value, json};
use tci_testkit::RunningServer;
use tci_testkit::browser::Browser;

/// The frame of the `output`th output (from 1) of the `cell`th cell.
fn frame(cell: usize, output: usize) -> String {
    format!(
        "[data-testid=cell]:nth-of-type({cell}) [data-testid=output]:nth-child({output}) iframe[data-testid=output-frame]"
    )
}

const MARKDOWN: &str = r#"from IPython.display import display, Markdown, Latex, JSON
display(Markdown("""| a | b |
|---|---|
| 1 | 2 |

- outer
  - inner

- [x] done

Raw <b>HTML</b> passes.

Inline $\\frac{a_1}{b_2}$ and

$$\\int_0^1 x\\,dx$$"""))
display(Latex(r'$\frac{a}{b}$'))
display(JSON({'a': [1, 2, {'b': None}]}))"#;

/// A Vega-Lite bar chart and a Plotly scatter plot as their libraries'
/// Jupyter integrations emit them (MIME bundles with a text fallback).
const CHARTS: &str = r#"from IPython.display import display
display({'application/vnd.vegalite.v5+json': {
    '$schema': 'https://vega.github.io/schema/vega-lite/v5.json',
    'data': {'values': [{'a': 'A', 'b': 28}, {'a': 'B', 'b': 55}]},
    'mark': 'bar',
    'encoding': {'x': {'field': 'a', 'type': 'nominal'}, 'y': {'field': 'b', 'type': 'quantitative'}}},
  'text/plain': '<VegaLite 5 object>'}, raw=True)
display({'application/vnd.plotly.v1+json': {
    'data': [{'type': 'scatter', 'x': [1, 2, 3], 'y': [1, 3, 2]}],
    'layout': {'title': {'text': 'scatter'}}},
  'text/plain': 'Figure()'}, raw=True)"#;

/// A whole HTML page as folium writes one (head, styles, scripts that build
/// the body), a script with a `src` that later inline code depends on,
/// JavaScript given `element`, and a pandas table.
const HTML_PAGES: &str = r#"from IPython.display import display, HTML
import pandas as pd
display(HTML('''<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>#map { height: 180px; border: 1px solid; }</style>
<script>window.made = "built";</script></head>
<body><div id="map"></div>
<script src="data:text/javascript,window.lib%20%3D%2041"></script>
<script>document.getElementById("map").textContent = "map " + window.made + " " + (window.lib + 1);</script>
</body></html>'''))
from IPython.display import Javascript
display(Javascript("element.textContent = 'drawn by ' + typeof element"))
pd.DataFrame({'planet': ['Mars', 'Venus'], 'moons': [2, 0]})"#;

/// The frame's theme and the colour of its text, read inside it.
const THEME_IN_FRAME: &str =
    "return [document.documentElement.dataset.theme, getComputedStyle(document.body).color]";

fn text_is_light(color: &Value) -> bool {
    // `rgb(r, g, b)`: light text has every channel high.
    let channels: Vec<u32> = color
        .as_str()
        .unwrap()
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .map(|channel| channel.trim().parse().unwrap())
        .collect();
    channels.iter().all(|&channel| channel > 180)
}

#[tokio::test]
async fn markdown_math_and_json_render_in_both_themes() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    for theme in ["light", "dark"] {
        browser.reload_with_theme(theme).await;
        browser.click("[data-testid=clear]").await;
        assert_eq!(browser.run(MARKDOWN).await, "ok");

        let markdown = browser
            .in_frame(
                &frame(1, 1),
                "#out .katex",
                "return {
                    cells: [...document.querySelectorAll('#out table td')].map(td => td.textContent),
                    nested: document.querySelectorAll('#out li > ul > li').length,
                    nestedText: document.querySelector('#out li > ul > li')?.textContent,
                    task: document.querySelector('#out input[type=checkbox]')?.checked,
                    inlineMath: document.querySelectorAll('#out p .katex').length,
                    displayMath: document.querySelectorAll('#out .katex-display').length,
                    raw: document.getElementById('out').textContent.includes('|---|'),
                    bold: document.querySelector('#out p b')?.textContent,
                }",
            )
            .await;
        assert_eq!(markdown["cells"], json!(["1", "2"]), "{theme}: {markdown}");
        assert_eq!(markdown["nested"], 1, "{theme}: {markdown}");
        assert_eq!(markdown["nestedText"], "inner", "{theme}: {markdown}");
        assert_eq!(markdown["task"], true, "{theme}: {markdown}");
        assert!(markdown["inlineMath"].as_u64().unwrap() >= 1, "{markdown}");
        assert_eq!(markdown["displayMath"], 1, "{theme}: {markdown}");
        assert_eq!(markdown["raw"], false, "{theme}: {markdown}");
        assert_eq!(markdown["bold"], "HTML", "{theme}: {markdown}");

        // KaTeX typesets, and its fonts load although the frame's origin is
        // opaque (font loads are CORS requests).
        let latex = browser
            .in_frame(
                &frame(1, 2),
                "#out .katex",
                "await document.fonts.ready;
                 return {
                     fraction: !!document.querySelector('#out .katex .mfrac'),
                     // The delimiters are gone (KaTeX keeps the TeX itself
                     // as a MathML annotation).
                     raw: document.getElementById('out').textContent.includes('$'),
                     font: document.fonts.check('16px KaTeX_Main'),
                     loaded: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),
                 }",
            )
            .await;
        assert_eq!(latex["fraction"], true, "{theme}: {latex}");
        assert_eq!(latex["raw"], false, "{theme}: {latex}");
        assert!(
            latex["loaded"]
                .as_array()
                .unwrap()
                .iter()
                .any(|family| family.as_str().unwrap().contains("KaTeX")),
            "{theme}: no KaTeX font loaded: {latex}"
        );

        let tree = browser
            .in_frame(
                &frame(1, 3),
                "#out details",
                "return [document.querySelector('#out details').open, document.getElementById('out').textContent]",
            )
            .await;
        assert_eq!(tree[0], true, "{tree}");
        assert!(tree[1].as_str().unwrap().contains("\"a\""), "{tree}");

        let (applied, color) = {
            let read = browser
                .in_frame(&frame(1, 1), "#out table", THEME_IN_FRAME)
                .await;
            (read[0].clone(), read[1].clone())
        };
        assert_eq!(applied, theme);
        assert_eq!(text_is_light(&color), theme == "dark", "{theme}: {color}");
    }
    assert!(
        browser
            .console_problems()
            .await
            .iter()
            .all(|line| !line.contains("Refused")),
        "a policy refused something"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_theme_change_reaches_live_frames() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    browser.reload_with_theme("light").await;
    assert_eq!(
        browser
            .run("from IPython.display import Markdown\nMarkdown('**bold**')")
            .await,
        "ok"
    );
    let before = browser
        .in_frame(&frame(1, 1), "#out strong", THEME_IN_FRAME)
        .await;
    assert_eq!(before[0], "light");
    browser.click("[data-testid=settings]").await;
    browser
        .client
        .execute(
            "const select = document.querySelector('.settings select');
             select.value = 'dark';
             select.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    let mut after = Value::Null;
    for _ in 0..50 {
        after = browser
            .in_frame(&frame(1, 1), "#out strong", THEME_IN_FRAME)
            .await;
        if after[0] == "dark" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(after[0], "dark", "{after}");
    assert!(text_is_light(&after[1]), "{after}");
    browser.close().await;
}

#[tokio::test]
async fn charts_draw_interactively_in_both_themes() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    for theme in ["light", "dark"] {
        browser.reload_with_theme(theme).await;
        browser.click("[data-testid=clear]").await;
        assert_eq!(browser.run(CHARTS).await, "ok");
        let vega = browser
            .in_frame(
                &frame(1, 1),
                "#out svg .mark-rect path",
                "return document.querySelectorAll('#out svg .mark-rect path').length",
            )
            .await;
        assert_eq!(vega, 2, "{theme}: two bars");
        let plotly = browser
            .in_frame(
                &frame(1, 2),
                "#out .js-plotly-plot svg.main-svg",
                "return {
                    points: document.querySelectorAll('#out .scatterlayer .point').length,
                    modebar: !!document.querySelector('#out .modebar'),
                    background: document.querySelector('#out .main-svg .bg')?.getAttribute('style') || '',
                }",
            )
            .await;
        assert_eq!(plotly["points"], 3, "{theme}: {plotly}");
        assert_eq!(plotly["modebar"], true, "{theme}: {plotly}");
        let height = browser
            .wait_for(&frame(1, 2))
            .await
            .attr("style")
            .await
            .unwrap()
            .unwrap();
        assert!(
            height
                .trim_start_matches("height:")
                .trim_end_matches("px")
                .parse::<u32>()
                .unwrap()
                > 300,
            "the frame takes the plot's height: {height}"
        );
    }
    browser.close().await;
}

#[tokio::test]
async fn html_pages_run_their_scripts_in_order() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run(HTML_PAGES).await, "ok");
    let page = browser
        .in_frame(
            &frame(1, 1),
            "#map",
            "for (let i = 0; i < 100 && !/map/.test(document.getElementById('map').textContent); i++) {
                 await new Promise(resolve => setTimeout(resolve, 50));
             }
             return document.getElementById('map').textContent",
        )
        .await;
    assert_eq!(page, "map built 42");
    let script = browser
        .in_frame(
            &frame(1, 2),
            "#out",
            "for (let i = 0; i < 100 && !document.getElementById('out').textContent; i++) {
                 await new Promise(resolve => setTimeout(resolve, 50));
             }
             return document.getElementById('out').textContent",
        )
        .await;
    assert_eq!(script, "drawn by object", "application/javascript");
    let table = browser
        .in_frame(
            &frame(1, 3),
            "#out table",
            "return [...document.querySelectorAll('#out td')].map(td => td.textContent)",
        )
        .await;
    assert_eq!(table, json!(["Mars", "2", "Venus", "0"]));
    browser.close().await;
}

#[tokio::test]
async fn a_widget_renders_rich_outputs() {
    let server = RunningServer::start(&[]);
    let code = "from IPython.display import Markdown\nMarkdown('| a |\\n|---|\\n| 1 |\\n\\n$x^2$')";
    let fragment: String = code.bytes().map(|byte| format!("%{byte:02X}")).collect();
    let browser = Browser::open(&format!("{}?embed&theme=dark#code={fragment}", server.url)).await;
    browser.click("[data-testid=run]").await;
    assert_eq!(browser.wait_settled(1).await, "ok");
    let read = browser
        .in_frame(
            &frame(1, 1),
            "#out table",
            "return [document.querySelector('#out td').textContent, !!document.querySelector('#out .katex'), document.documentElement.dataset.theme]",
        )
        .await;
    assert_eq!(read, json!(["1", true, "dark"]));
    browser.close().await;
}

/// What an output's code tries from its frame, and what it reached; the
/// page then checks the same from outside.
const HOSTILE: &str = r#"from IPython.display import display, HTML, Markdown
display(Markdown('victim'))
display(HTML('''<p id="hostile">hostile</p><script>
const reached = [];
try { localStorage.setItem('pwned', '1'); reached.push('storage'); } catch (e) {}
try { document.cookie = 'pwned=1'; if (document.cookie) reached.push('cookie'); } catch (e) {}
try { parent.document.title = 'pwned'; reached.push('title'); } catch (e) {}
try { parent.document.body.innerHTML = 'pwned'; reached.push('dom'); } catch (e) {}
try { parent.localStorage.getItem('x'); reached.push('parent storage'); } catch (e) {}
try { top.location.href = 'about:blank#pwned'; } catch (e) {}
const lies = [
  JSON.stringify({tci: 1, kind: 'height', height: 4321}),
  JSON.stringify({tci: 1, kind: 'render', mime: 'text/html', data: '<img id=hijacked src=x onerror=alert(1)>', theme: 'dark'}),
  JSON.stringify({tci: 1, kind: 'theme', theme: 'dark'}),
  '<img id=pwned src=x onerror=alert(1)>',
];
for (let i = 0; i < parent.frames.length; i++) {
  if (parent.frames[i] === window) continue;
  for (const lie of lies) parent.frames[i].postMessage(lie, '*');
  try { parent.frames[i].location = 'about:blank#pwned'; reached.push('navigated a sibling'); } catch (e) {}
}
for (const lie of lies.slice(1)) parent.postMessage(lie, '*');
document.getElementById('hostile').dataset.reached = reached.join(',');
</script>'''))"#;

#[tokio::test]
async fn an_outputs_code_cannot_reach_the_app_or_other_frames() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    browser.wait_for("[data-testid=editor]").await;
    let title = browser.client.title().await.unwrap();
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(browser.run(HOSTILE).await, "ok");
    let reached = browser
        .in_frame(
            &frame(1, 2),
            "#hostile[data-reached]",
            "return [document.getElementById('hostile').dataset.reached, self.origin]",
        )
        .await;
    assert_eq!(reached, json!(["", "null"]), "the output reached the app");
    // The victim still shows its own output, in its own theme and height.
    let victim = browser
        .in_frame(
            &frame(1, 1),
            "#out p",
            "return [document.querySelector('#out .md').innerHTML, document.documentElement.dataset.theme, !!document.getElementById('hijacked')]",
        )
        .await;
    assert_eq!(victim[0], "<p>victim</p>\n", "{victim}");
    assert_eq!(victim[2], false, "{victim}");
    assert_ne!(victim[1], "dark", "another frame changed its theme");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let victim_height = browser
        .wait_for(&frame(1, 1))
        .await
        .attr("style")
        .await
        .unwrap()
        .unwrap();
    assert!(!victim_height.contains("4321"), "{victim_height}");

    let page = browser
        .client
        .execute(
            "return {
                storage: localStorage.getItem('pwned'),
                cookie: document.cookie,
                markup: !!document.querySelector('#pwned, #hijacked'),
                frames: document.querySelectorAll('iframe[data-testid=output-frame]').length,
            }",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        page,
        json!({"storage": null, "cookie": "", "markup": false, "frames": 2})
    );
    assert_eq!(browser.client.title().await.unwrap(), title);
    assert_eq!(browser.client.current_url().await.unwrap(), url);
    // The app still works.
    assert_eq!(browser.run("print(1 + 1)").await, "ok");
    browser.close().await;
}

/// The frame document loaded as the app's own origin (framed without the
/// sandbox attribute) still gets an opaque one from the server's header,
/// and the document itself refuses to render when it is not opaque.
#[tokio::test]
async fn the_frame_document_is_isolated_however_it_is_framed() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    browser.wait_for("[data-testid=editor]").await;
    let unsandboxed = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const frame = document.createElement('iframe');
             frame.src = 'renderers/frame.html';
             frame.onload = () => {
                 let readable = true;
                 try { frame.contentDocument.body; } catch (e) { readable = false; }
                 done({readable: readable && frame.contentDocument !== null});
             };
             document.body.append(frame);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unsandboxed, json!({"readable": false}));
    browser.close().await;
}

/// What a data notebook shows, with the local backend's packages as they
/// come: plotly's `fig.show()` and its standalone HTML page (plotly.js
/// inline, about 4.8 MB, within the default `--output-cap`),
/// an Altair chart and a SymPy integral.
const PACKAGES: &str = r#"import altair as alt
import pandas as pd
import plotly.express as px
import sympy
from IPython.display import HTML, display
fig = px.scatter(x=[1, 2, 3], y=[1, 3, 2])
fig.show()
display(HTML(fig.to_html(include_plotlyjs=True)))
display(alt.Chart(pd.DataFrame({'a': ['A', 'B', 'C'], 'b': [28, 55, 43]})).mark_bar().encode(x='a', y='b'))
x = sympy.symbols('x')
sympy.Integral(sympy.sqrt(1 / x), x)"#;

#[tokio::test]
async fn plotly_altair_and_sympy_draw_as_in_jupyterlab() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    for theme in ["light", "dark"] {
        browser.reload_with_theme(theme).await;
        browser.click("[data-testid=clear]").await;
        assert_eq!(browser.run(PACKAGES).await, "ok", "{theme}");
        let titles: Vec<String> = {
            let mut titles = Vec::new();
            for frame in browser
                .client
                .find_all(fantoccini::Locator::Css("iframe[data-testid=output-frame]"))
                .await
                .unwrap()
            {
                titles.push(frame.attr("title").await.unwrap().unwrap_or_default());
            }
            titles
        };
        assert_eq!(
            titles,
            [
                "application/vnd.plotly.v1+json output",
                "text/html output",
                "application/vnd.vegalite.v5+json output",
                "text/latex output",
            ],
            "{theme}"
        );
        let points =
            "return document.querySelectorAll('.js-plotly-plot .scatterlayer .point').length";
        let shown = browser
            .in_frame(&frame(1, 1), ".js-plotly-plot svg.main-svg", points)
            .await;
        assert_eq!(shown, 3, "{theme}: fig.show()");
        let page = browser
            .in_frame(&frame(1, 2), ".js-plotly-plot svg.main-svg", points)
            .await;
        assert_eq!(page, 3, "{theme}: fig.to_html(include_plotlyjs=True)");
        let bars = browser
            .in_frame(
                &frame(1, 3),
                "#out svg .mark-rect path",
                "return document.querySelectorAll('#out svg .mark-rect path').length",
            )
            .await;
        assert_eq!(bars, 3, "{theme}: the Altair chart");
        let integral = browser
            .in_frame(
                &frame(1, 4),
                "#out .katex",
                "return [!!document.querySelector('#out .katex .mop'), document.getElementById('out').textContent.includes('$')]",
            )
            .await;
        assert_eq!(
            integral,
            json!([true, false]),
            "{theme}: the SymPy integral"
        );
    }
    browser.close().await;
}

#[tokio::test]
async fn a_widget_draws_a_plotly_figure() {
    let server = RunningServer::start(&[]);
    let code = "import plotly.express as px\npx.bar(x=['a', 'b'], y=[1, 2]).show()";
    let fragment: String = code.bytes().map(|byte| format!("%{byte:02X}")).collect();
    let browser = Browser::open(&format!("{}?embed&theme=light#code={fragment}", server.url)).await;
    browser.click("[data-testid=run]").await;
    assert_eq!(browser.wait_settled(1).await, "ok");
    let bars = browser
        .in_frame(
            &frame(1, 1),
            ".js-plotly-plot svg.main-svg",
            "return document.querySelectorAll('.js-plotly-plot .barlayer .point').length",
        )
        .await;
    assert_eq!(bars, 2);
    browser.close().await;
}

/// On a static host that sends no header, the frame document framed
/// without the sandbox shares the page's origin: it then renders nothing.
#[tokio::test]
async fn the_frame_document_renders_nothing_unless_its_origin_is_opaque() {
    let build = tci_testkit::workspace_root().join("target/dist-subpath");
    assert!(
        build.join("renderers/frame.html").exists(),
        "run `trunk build --release --public-url /play/ --dist target/dist-subpath` first (the test command does)"
    );
    let app = axum::Router::new().nest_service("/play", tower_http::services::ServeDir::new(build));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let page = format!(
        "http://{}/play/renderers/frame.html",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let browser = Browser::open(&page).await;
    let shown = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const frame = document.createElement('iframe');
             frame.src = 'frame.html';
             frame.onload = () => {
                 frame.contentWindow.postMessage(JSON.stringify({tci: 1, kind: 'render',
                     mime: 'text/html', data: '<p id=ran>ran</p>', theme: 'light'}), '*');
                 setTimeout(() => done({
                     origin: frame.contentWindow.origin,
                     out: frame.contentDocument.getElementById('out').innerHTML,
                 }), 500);
             };
             document.body.append(frame);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown["out"], "",
        "a same-origin frame document rendered: {shown}"
    );
    assert_ne!(shown["origin"], "null");
    browser.close().await;
}
