//! What a command came to, in the terms its exit code is chosen from: the one place exit codes are
//! picked (invalid input 2, before an unobserved account 3, before drift 1, before an uncertain
//! `access` answer 4). Each command's outcome says which it holds; the command line only maps the
//! verdict to a code.

/// Exit codes, documented in the command reference (`docs/commands.md`).
pub mod exit {
    /// No finding at or above the failure threshold.
    pub const OK: u8 = 0;
    /// Drift: a finding at or above `--fail-on` (or the command's own failing answer).
    pub const DRIFT: u8 = 1;
    /// An invalid policy, an invalid recording, or a usage error.
    pub const INVALID: u8 = 2;
    /// An account could not be observed.
    pub const UNOBSERVED: u8 = 3;
    /// `access`: IAM's decision depends on condition keys the request context does not fix.
    pub const UNCERTAIN: u8 = 4;
}

/// The three things that fail a run, in the order they decide its exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// An invalid policy, recording or usage.
    pub invalid: bool,
    /// An account (or the organization) could not be read.
    pub unobserved: bool,
    /// A finding at or above the failure threshold.
    pub drift: bool,
    /// `access`: the answer depends on what the request context does not fix.
    pub uncertain: bool,
}

impl Verdict {
    pub const OK: Verdict = Verdict {
        invalid: false,
        unobserved: false,
        drift: false,
        uncertain: false,
    };
    pub const INVALID: Verdict = Verdict {
        invalid: true,
        ..Verdict::OK
    };
    pub const UNOBSERVED: Verdict = Verdict {
        unobserved: true,
        ..Verdict::OK
    };
    pub const DRIFT: Verdict = Verdict {
        drift: true,
        ..Verdict::OK
    };
    pub const UNCERTAIN: Verdict = Verdict {
        uncertain: true,
        ..Verdict::OK
    };

    /// The exit code: invalid input before an unobserved account before drift before an
    /// uncertain answer.
    pub fn code(self) -> u8 {
        if self.invalid {
            exit::INVALID
        } else if self.unobserved {
            exit::UNOBSERVED
        } else if self.drift {
            exit::DRIFT
        } else if self.uncertain {
            exit::UNCERTAIN
        } else {
            exit::OK
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_outranks_an_unobserved_account_which_outranks_drift() {
        let all = Verdict {
            invalid: true,
            unobserved: true,
            drift: true,
            uncertain: true,
        };
        assert_eq!(all.code(), exit::INVALID);
        assert_eq!(
            Verdict {
                invalid: false,
                ..all
            }
            .code(),
            exit::UNOBSERVED
        );
        assert_eq!(Verdict::DRIFT.code(), exit::DRIFT);
        assert_eq!(
            Verdict {
                uncertain: true,
                ..Verdict::DRIFT
            }
            .code(),
            exit::DRIFT
        );
        assert_eq!(Verdict::UNCERTAIN.code(), exit::UNCERTAIN);
        assert_eq!(Verdict::OK.code(), exit::OK);
    }
}
