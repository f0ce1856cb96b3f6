//! The bottom layer: what every other layer may use and that uses nothing of theirs. Diagnostic
//! codes ([`codes`], and the [`nearest`] ones to a name that is none) and the one diagnostic type
//! ([`diag`]), source files, spans and routes
//! ([`source`]), the clock and the one rounding of durations ([`clock`]), ARN helpers ([`arn`]),
//! confined reading ([`confined`]) and atomic writing ([`atomic`]) of files, the quoting of
//! values into the text rules and lint compose: shell words ([`shell`]) and YAML ([`yaml_text`]),
//! and the CI request's fixed context ([`ci_context`]).

pub mod arn;
pub mod atomic;
pub mod ci_context;
pub mod clock;
pub mod codes;
pub mod confined;
pub mod diag;
pub mod nearest;
pub mod route;
pub mod shell;
pub mod source;
pub mod yaml_text;
