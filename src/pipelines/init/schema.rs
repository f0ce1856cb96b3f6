//! Where a written policy's `$schema` comment points, so that an editor finds the schema offline:
//! a copy beside the policy (`policy.schema.json` in its folder) or in a `schemas/` folder next
//! to the policy's (this repository's layout, `../schemas/policy.schema.json`); when there is
//! neither, `init` writes `smce-guard schema`'s output as `policy.schema.json` in the policy's
//! folder. A file already there is never replaced, even when it differs from this version's
//! schema (the caller says so). Never a URL: the project's home has no published schema yet.

use crate::policy::schema::SCHEMA;
use std::path::{Path, PathBuf};

/// The schema's file name when `init` writes it beside a policy.
pub const BESIDE: &str = "policy.schema.json";

/// Where a policy's schema is, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaPlace {
    /// What the `$schema` comment names, relative to the policy's folder.
    pub reference: String,
    /// The schema file to write (beside the policy) when none is there yet.
    pub write: Option<PathBuf>,
    /// What the caller tells the user: a copy that differs from this version's schema, or a
    /// policy printed to stdout whose schema must be saved beside it.
    pub note: Option<String>,
}

/// What a candidate path holds.
enum Found {
    Absent,
    /// A regular file (through links) holding exactly this version's schema.
    Same,
    /// A regular file with other content (an older or newer schema, or something else).
    Different,
    /// Something that is not a regular file: a folder, a pipe, a device, a dangling link.
    NotAFile,
}

fn look(path: &Path) -> Found {
    if std::fs::symlink_metadata(path).is_err() {
        return Found::Absent;
    }
    // Followed through links (an editor follows them too), but only a regular file is read, and
    // only as far as one byte past the schema's own length.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {}
        _ => return Found::NotAFile,
    }
    let Ok(file) = std::fs::File::open(path) else {
        return Found::Different;
    };
    let mut bytes = Vec::new();
    let limit = SCHEMA.len() as u64 + 1;
    match std::io::Read::read_to_end(&mut std::io::Read::take(file, limit), &mut bytes) {
        Ok(_) if bytes == SCHEMA.as_bytes() => Found::Same,
        _ => Found::Different,
    }
}

/// Where the schema is for a policy written into `dir`; `None` for a policy printed to stdout,
/// whose folder is unknown. An error when the place the schema would be written is taken by
/// something that is not a file.
pub fn place(dir: Option<&Path>) -> Result<SchemaPlace, String> {
    let Some(dir) = dir else {
        return Ok(SchemaPlace {
            reference: BESIDE.to_owned(),
            write: None,
            note: Some(format!(
                "the policy names its schema `{BESIDE}` beside it: save it there (`smce-guard schema > {BESIDE}` in the policy's folder), or write the policy with --out, which does"
            )),
        });
    };
    let beside = dir.join(BESIDE);
    // `..` of a folder not made yet (the estate's `--out-dir`) cannot be resolved by the file
    // system: its parent, by name, is the same place.
    let up = match (dir.is_dir(), dir.file_name()) {
        (false, Some(_)) => dir.parent().unwrap_or(Path::new("")).join("schemas"),
        _ => dir.join("../schemas"),
    };
    let shared = up.join(BESIDE);
    let candidates = [
        (format!("../schemas/{BESIDE}"), look(&shared), shared),
        (BESIDE.to_owned(), look(&beside), beside.clone()),
    ];
    // The copy that is this version's schema, else one that differs (an editor still resolves
    // it; the user hears that it differs).
    if let Some((reference, _, _)) = candidates.iter().find(|c| matches!(c.1, Found::Same)) {
        return Ok(SchemaPlace {
            reference: reference.clone(),
            write: None,
            note: None,
        });
    }
    if let Some((reference, _, path)) = candidates.iter().find(|c| matches!(c.1, Found::Different))
    {
        return Ok(SchemaPlace {
            reference: reference.clone(),
            write: None,
            note: Some(format!(
                "{} differs from this version's schema and is left as it is; the policy names it (`smce-guard schema > {}` updates it)",
                path.display(),
                path.display()
            )),
        });
    }
    if let Found::NotAFile = candidates[1].1 {
        return Err(format!(
            "{} exists and is not a regular file: init would write the policy's schema there (move it aside, or write the policy elsewhere)",
            beside.display()
        ));
    }
    Ok(SchemaPlace {
        reference: BESIDE.to_owned(),
        write: Some(beside),
        note: None,
    })
}

/// Writes the schema where `place` says one is missing, never replacing a file (one that
/// appeared since [`place`] looked is kept if it is the schema, and refused otherwise). Returns
/// what was written, for the user.
pub fn provide(place: &SchemaPlace) -> Result<Option<String>, String> {
    let Some(path) = &place.write else {
        return Ok(None);
    };
    match crate::base::atomic::write_new(path, SCHEMA.as_bytes()) {
        Ok(()) => Ok(Some(format!(
            "wrote {} (`smce-guard schema`), which the policy's $schema names",
            path.display()
        ))),
        Err(_) if matches!(look(path), Found::Same) => Ok(None),
        Err(error) => Err(format!("cannot write {}: {error}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_in_schemas_beside_the_policies_folder_is_named_relatively() {
        let dir = tempfile::tempdir().unwrap();
        let policies = dir.path().join("policies");
        std::fs::create_dir_all(&policies).unwrap();
        std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
        std::fs::write(dir.path().join("schemas").join(BESIDE), SCHEMA).unwrap();
        let place = place(Some(&policies)).unwrap();
        assert_eq!(place.reference, "../schemas/policy.schema.json");
        assert_eq!((place.write, place.note), (None, None));
    }

    #[test]
    fn the_copy_that_is_this_schema_wins_over_one_that_differs() {
        let dir = tempfile::tempdir().unwrap();
        let policies = dir.path().join("policies");
        std::fs::create_dir_all(&policies).unwrap();
        std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
        std::fs::write(dir.path().join("schemas").join(BESIDE), "{}").unwrap();
        std::fs::write(policies.join(BESIDE), SCHEMA).unwrap();
        let found = place(Some(&policies)).unwrap();
        assert_eq!(found.reference, BESIDE);
        assert_eq!(found.note, None);
        // Only the differing copy: it is named, and the user hears it differs.
        std::fs::remove_file(policies.join(BESIDE)).unwrap();
        let found = place(Some(&policies)).unwrap();
        assert_eq!(found.reference, "../schemas/policy.schema.json");
        assert_eq!(found.write, None);
        assert!(found.note.unwrap().contains("differs"));
    }

    #[test]
    fn a_schema_longer_than_this_one_differs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(BESIDE), format!("{SCHEMA} ")).unwrap();
        assert!(matches!(look(&dir.path().join(BESIDE)), Found::Different));
    }

    #[test]
    fn a_folder_where_the_schema_would_go_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(BESIDE)).unwrap();
        let error = place(Some(dir.path())).unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
    }
}
