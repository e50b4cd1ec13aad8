//! The runnable examples the welcome offers a newcomer: each is one or
//! more cells run in turn in the page's session, so the first one shows
//! what a stateful session means (Together's documented session-reuse
//! example), and the others what a session can show (a plot, a table) and
//! keep (a file).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// What it shows, as the button says it.
    pub title: &'static str,
    /// Run one after another, each as a cell of its own.
    pub cells: &'static [&'static str],
}

pub const EXAMPLES: &[Example] = &[
    Example {
        title: "Keep a variable from one cell to the next",
        cells: &["x = 42", "print(f\"The value of x is {x}\")"],
    },
    Example {
        title: "Draw a plot",
        cells: &["import matplotlib.pyplot as plt\n\
                  \n\
                  plt.plot([1, 4, 2, 5])\n\
                  plt.show()"],
    },
    Example {
        title: "Show a DataFrame",
        cells: &["import pandas as pd\n\
                  \n\
                  pd.DataFrame({\"planet\": [\"Venus\", \"Earth\", \"Mars\"], \"moons\": [0, 1, 2]})"],
    },
    Example {
        title: "Write a file, read it back",
        cells: &[
            "with open(\"squares.csv\", \"w\") as f:\n    \
                 f.write(\"n,square\\n\")\n    \
                 for n in range(1, 6):\n        \
                     f.write(f\"{n},{n * n}\\n\")",
            "import pandas as pd\n\
             \n\
             pd.read_csv(\"squares.csv\")",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_session_reuse_example_comes_first() {
        assert_eq!(
            EXAMPLES[0].cells,
            ["x = 42", "print(f\"The value of x is {x}\")"]
        );
    }

    #[test]
    fn then_a_plot_a_dataframe_and_a_file() {
        let uses = |example: &Example, needle: &str| {
            example.cells.iter().any(|cell| cell.contains(needle))
        };
        assert!(uses(&EXAMPLES[1], "plt.show()"));
        assert!(uses(&EXAMPLES[2], "pd.DataFrame("));
        // The file example reads back the file it wrote, in a later cell.
        let file = &EXAMPLES[3];
        assert!(file.cells[0].contains("open(\"squares.csv\", \"w\")"));
        assert!(file.cells[1].contains("read_csv(\"squares.csv\")"));
    }

    #[test]
    fn every_example_is_titled_and_has_code() {
        for (i, example) in EXAMPLES.iter().enumerate() {
            assert!(!example.title.is_empty());
            assert!(!example.cells.is_empty());
            assert!(example.cells.iter().all(|cell| !cell.trim().is_empty()));
            // Code as a reader would type it: four-space indents, no tabs or
            // trailing blanks left by the string continuations above.
            for line in example.cells.iter().flat_map(|cell| cell.lines()) {
                assert!(!line.contains('\t') && line == line.trim_end(), "{line:?}");
                let indent = line.len() - line.trim_start().len();
                assert_eq!(indent % 4, 0, "{line:?}");
            }
            assert!(
                EXAMPLES[i + 1..]
                    .iter()
                    .all(|other| other.title != example.title),
                "{} is there twice",
                example.title
            );
        }
    }
}
