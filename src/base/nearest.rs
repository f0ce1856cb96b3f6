//! The codes nearest to a name that is none (`smce-guard explain rotation`, a misspelt code): by
//! edit distance to the whole code or its name, by the words of the code, then by the words of
//! its explanation, so a word that names no code still finds the codes that speak of it.

use super::codes::Code;

/// At most three codes near `query`, best first; none when nothing is close. Only the nearest
/// kind of match is offered: a misspelling of a code, else a word of a code's name, else the
/// words of what codes check and why.
pub fn codes(query: &str) -> Vec<Code> {
    let query = query.trim().to_lowercase();
    let asked: Vec<&str> = words(&query).filter(|w| w.len() >= 3).collect();
    let mut scored: Vec<((u8, usize), usize, Code)> = Code::ALL
        .iter()
        .enumerate()
        .filter_map(|(order, &code)| Some((score(&query, &asked, code)?, order, code)))
        .collect();
    scored.sort_unstable_by_key(|&(score, order, _)| (score, order));
    let best = scored.first().map(|&((kind, _), ..)| kind);
    (scored.into_iter())
        .filter(|&((kind, _), ..)| Some(kind) == best)
        .take(3)
        .map(|(.., code)| code)
        .collect()
}

/// Why `query` is no code, with the nearest codes offered.
pub fn unknown(query: &str) -> String {
    let near: Vec<String> = (codes(query).iter())
        .map(|code| format!("`{code}`"))
        .collect();
    let list = match near.as_slice() {
        [] => return format!("unknown code `{query}`; `smce-guard explain` lists every code"),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    format!("unknown code `{query}`; did you mean {list}? (`smce-guard explain` lists every code)")
}

/// The kind of match (lower is nearer) and its distance within the kind; `None` when the code
/// has nothing to do with the query.
fn score(query: &str, asked: &[&str], code: Code) -> Option<(u8, usize)> {
    let id = code.as_str();
    let name = id.split_once('.').map_or(id, |(_, name)| name);
    // A misspelling of the code or of its name.
    let typo = [id, name]
        .iter()
        .map(|target| strsim::damerau_levenshtein(query, target))
        .min()
        .unwrap_or(usize::MAX);
    if typo <= 2.max(name.len() / 4) {
        return Some((0, typo));
    }
    // A word of the code itself: `rotation` for `deployer.rotation-incomplete`.
    let in_id = asked
        .iter()
        .filter(|w| words(id).any(|t| alike(w, t)))
        .count();
    if in_id > 0 {
        return Some((1, asked.len() - in_id));
    }
    // Words of what the code checks, why and how to fix it, the more the nearer.
    let e = code.explanation();
    let text = format!("{} {} {}", e.checks, e.why, e.fix).to_lowercase();
    let mentions: usize = asked
        .iter()
        .map(|w| words(&text).filter(|t| alike(w, t)).count())
        .sum();
    (mentions > 0).then(|| (2, usize::MAX - mentions))
}

/// Lowercase words: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The same word, or one stem (`rotate`, `rotation`): they share their first five letters, or
/// all of the shorter one when it is shorter (but three at least).
fn alike(a: &str, b: &str) -> bool {
    let shared = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let needed = a.len().min(b.len()).min(5);
    needed >= 3 && shared >= needed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_codes_by_typo_word_and_meaning() {
        assert_eq!(codes("key.expird"), [Code::KeyExpired]);
        assert_eq!(codes("rotation"), [Code::DeployerRotationIncomplete]);
        assert_eq!(
            codes("expired"),
            [Code::WaiverExpired, Code::KeyExpired, Code::PasswordExpired]
        );
        assert_eq!(codes("mfa"), [Code::MemberMfaMissing, Code::RootMfaMissing]);
        // A word no code is named by still finds the codes that speak of it.
        let terraform = codes("terraform");
        assert!(!terraform.is_empty());
        for code in terraform {
            let e = code.explanation();
            let text = format!("{} {} {}", e.checks, e.why, e.fix).to_lowercase();
            assert!(text.contains("terraform"), "{code}");
        }
        assert!(codes("zzzzzzzz").is_empty());
    }
}
