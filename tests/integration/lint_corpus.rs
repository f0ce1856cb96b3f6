//! Broken policies: every mistake reports its code at its line, and nothing panics.
