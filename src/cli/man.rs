//! `smce-guard man`: one roff page for the whole tool, every subcommand in full.

use super::Cli;
use clap::CommandFactory;
use std::io::Write;

/// The man page, one page for the whole tool: clap_mangen's NAME, SYNOPSIS, DESCRIPTION and
/// OPTIONS, then SUBCOMMANDS with each subcommand's synopsis, options and examples in full (not
/// clap_mangen's list of `smce-guard-NAME(1)` pages, which are not installed), then VERSION.
pub(super) fn man_page(w: &mut dyn Write) -> std::io::Result<()> {
    use clap_mangen::roff::{Roff, bold, italic, roman};
    let mut command = Cli::command();
    command.build();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    let mut roff = Roff::new();
    roff.control("SH", ["SUBCOMMANDS"]);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub = sub.clone();
        roff.control("SS", [format!("smce-guard {}", sub.get_name()).as_str()]);
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            roff.text([roman(about.to_string())]);
        }
        let usage = sub.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        roff.control("PP", []);
        roff.text([bold(usage)]);
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let name = match (arg.get_short(), arg.get_long()) {
                (Some(s), Some(l)) => format!("-{s}, --{l}"),
                (None, Some(l)) => format!("--{l}"),
                (Some(s), None) => format!("-{s}"),
                (None, None) => format!("<{}>", arg.get_id().as_str().to_uppercase()),
            };
            roff.control("TP", []);
            roff.text([bold(name)]);
            if let Some(help) = arg.get_long_help().or(arg.get_help()) {
                roff.text([roman(help.to_string())]);
            }
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if !values.is_empty() && arg.get_action().takes_values() {
                roff.text([italic(format!(" [possible values: {}]", values.join(", ")))]);
            }
        }
        if let Some(after) = sub.get_after_help() {
            roff.control("PP", []);
            roff.control("nf", []);
            for line in after.to_string().lines() {
                roff.text([roman(line)]);
            }
            roff.control("fi", []);
        }
    }
    roff.to_writer(w)?;
    man.render_version_section(w)?;
    Ok(())
}
