//! Footprint files for the tests of every surface that reads one (CLI, API, console), so that each proves the same
//! promise on the same file: every problem of a file is reported in one pass.

/// The cup example (`examples/footprint/bamboo-fibre-cup.toml`).
pub const CUP: &str = include_str!("../../../examples/footprint/bamboo-fibre-cup.toml");

/// The cup example with six mistakes of both kinds: three the file reader finds (a number written as text, a
/// misspelt stage, a misspelt key) and three only the model check finds (a misspelt factor id, a negative input, a
/// unit that does not fit its factor).
pub fn cup_with_six_mistakes() -> String {
    let mistakes = [
        // 1. a number written as text (line of the first output)
        (
            "outputs = [{ product = \"bamboo-board\", amount = 1, unit = \"t\" }]",
            "outputs = [{ product = \"bamboo-board\", amount = \"one\", unit = \"t\" }]",
        ),
        // 2. a misspelt stage
        ("stage = \"production\"", "stage = \"producton\""),
        // 3. a misspelt key
        (
            "mass_per_declared_unit_kg = 0.011",
            "mass_per_declared_unit_kg = 0.011\nreference_perod_end = \"2025-12-31\"",
        ),
        // 4. a misspelt factor id
        (
            "\"ipcc-2006-stationary-manufacturing-natural-gas-tj\"",
            "\"ipcc-2006-stationary-manufacturing-natural-gas-t\"",
        ),
        // 5. a negative input
        ("amount = 10.5, unit = \"kg\"", "amount = -10.5, unit = \"kg\""),
        // 6. a unit that does not fit the factor
        ("amount = 30, unit = \"m3\"", "amount = 30, unit = \"kWh\""),
    ];
    mistakes.iter().fold(CUP.to_owned(), |text, (right, wrong)| {
        assert!(text.contains(right), "the example changed: {right:?} is not in it any more");
        text.replacen(right, wrong, 1)
    })
}

/// The 1-based line of `broken` that holds `needle`.
pub fn line_of(broken: &str, needle: &str) -> usize {
    broken.lines().position(|line| line.contains(needle)).map(|index| index + 1).expect("the text holds the needle")
}
