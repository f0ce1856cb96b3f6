//! The command-line spelling of the library's own value types: report formats, severities and
//! answer formats are plain enums below the command line, and only here learn clap's
//! `ValueEnum`, so that nothing below the command line knows clap.

use crate::base::codes::Severity;
use crate::report::Format;
use crate::report::expiries::ExpiriesFormat;
use crate::report::verification::AnswerFormat;
use clap::ValueEnum;
use clap::builder::PossibleValue;

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Human,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Markdown,
            Format::Github,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Format::Human => PossibleValue::new("human")
                .help("Diagnostics with the policy excerpt underlined (miette)"),
            Format::Json => {
                PossibleValue::new("json").help("The versioned JSON document described in README")
            }
            Format::Sarif => {
                PossibleValue::new("sarif").help("SARIF 2.1.0, for GitHub code scanning")
            }
            Format::Junit => PossibleValue::new("junit")
                .help("JUnit XML: a test suite per account, a test case per check performed"),
            Format::Markdown => PossibleValue::new("markdown")
                .help("Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY"),
            Format::Github => PossibleValue::new("github")
                .help("GitHub workflow commands (`::error file=...,line=...::message`)"),
        })
    }
}

impl ValueEnum for ExpiriesFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            ExpiriesFormat::Table,
            ExpiriesFormat::Json,
            ExpiriesFormat::Ics,
            ExpiriesFormat::Markdown,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            ExpiriesFormat::Table => "table",
            ExpiriesFormat::Json => "json",
            ExpiriesFormat::Ics => "ics",
            ExpiriesFormat::Markdown => "markdown",
        }))
    }
}

impl ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &[Severity::Error, Severity::Warning]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for AnswerFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[AnswerFormat::Human, AnswerFormat::Json]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            AnswerFormat::Human => "human",
            AnswerFormat::Json => "json",
        }))
    }
}

impl ValueEnum for crate::report::inventory::InventoryFormat {
    fn value_variants<'a>() -> &'a [Self] {
        use crate::report::inventory::InventoryFormat::*;
        &[Table, Json, Markdown, Ics]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        use crate::report::inventory::InventoryFormat::*;
        Some(PossibleValue::new(match self {
            Table => "table",
            Json => "json",
            Markdown => "markdown",
            Ics => "ics",
        }))
    }
}
