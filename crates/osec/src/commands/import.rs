//! `osec import FILE... [--repo DIR]... [--package PRODUCT=NAME]... [--stdout] [--db DIR]`:
//! OSV and CVE JSON 5 records → draft advisories (`advisory::import`), written with the
//! next free ID of the record's year (or the record's own OSEC ID) or printed. What a
//! record holds that the draft cannot is listed in the draft as `TODO(draft)` comments
//! and counted here. Exit 2 when a file could not be read or imported (the others are).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use advisory::draft::create_draft;
use advisory::ids::Database;
use advisory::import::{ImportOptions, Imported, import};
use anyhow::Context as _;
use opam_model::{PackageName, ReleasedVersions, RepositorySpec};
use safe_fs::display_path;

/// The largest record read: CVE records with many products stay far below.
const MAX_RECORD_BYTES: u64 = 16 << 20;

/// Arguments of `osec import`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// OSV records (osv.dev, GitHub advisories, ours) or CVE JSON 5 records.
    #[arg(required = true, value_name = "FILE.json")]
    files: Vec<PathBuf>,
    /// An opam repository (a directory, a .tar.gz or DIR@REV; repeatable): its releases
    /// shorten constraints (`!=` for one excluded release) and check `versions` lists.
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<RepositorySpec>,
    /// Import a CVE record's product as this opam package (repeatable).
    #[arg(long = "package", value_name = "PRODUCT=NAME", value_parser = product_mapping)]
    packages: Vec<(String, String)>,
    /// Print the drafts instead of writing them (no ID is claimed).
    #[arg(long)]
    stdout: bool,
    /// The database: a repository holding `advisories/`, or that directory.
    #[arg(long, default_value = ".", value_name = "DIR")]
    db: PathBuf,
}

fn product_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((product, name)) if !product.is_empty() && PackageName::parse(name).is_ok() => {
            Ok((product.to_owned(), name.to_owned()))
        }
        _ => Err("expected PRODUCT=NAME, NAME an opam package name".to_owned()),
    }
}

pub(crate) fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let now = jiff::Timestamp::now();
    let mut options = ImportOptions {
        released: None,
        now,
        packages: &args.packages,
    };
    let mut failed = 0;
    let mut records = Vec::new();
    for path in &args.files {
        match safe_fs::read_bounded_to_string(path, MAX_RECORD_BYTES) {
            Ok(text) => match import(&text, &options) {
                Ok(imported) => records.push((path, text, imported)),
                Err(err) => {
                    failed += 1;
                    eprintln!("error: {}: {err}", display_path(path));
                }
            },
            Err(err) => {
                failed += 1;
                eprintln!("error: {err}");
            }
        }
    }
    // With --repo, import again knowing the releases of the packages found.
    let released = released_of(&args.repos, &records)?;
    if released.is_some() {
        options.released = released.as_ref();
        for (_, text, imported) in &mut records {
            *imported = import(text, &options)?;
        }
    }
    let db = Database::open(&args.db);
    for (path, _, imported) in records {
        let Imported {
            source,
            mut draft,
            year,
        } = imported;
        let notes = draft.notes.len();
        if args.stdout {
            draft.id = Some(draft.id.map_or_else(|| db.next_id(year), Ok)?);
            print!("{}", draft.render()?);
        } else {
            let id = draft.id;
            let (id, written) = create_draft(&db, id, year, now, |id| {
                draft.id = Some(id);
                draft.render()
            })
            .with_context(|| format!("{}: {source}", display_path(path)))?;
            println!("{}", display_path(&written));
            eprintln!("{id}: from {source}");
        }
        if notes > 0 {
            eprintln!(
                "{source}: {notes} part(s) not carried over, listed in the draft as TODO(draft) comments"
            );
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The releases of the packages the drafts name, from the `--repo` repositories.
fn released_of(
    repos: &[RepositorySpec],
    records: &[(&PathBuf, String, Imported)],
) -> anyhow::Result<Option<ReleasedVersions>> {
    if repos.is_empty() {
        return Ok(None);
    }
    let names: BTreeSet<PackageName> = records
        .iter()
        .flat_map(|(_, _, imported)| &imported.draft.affected)
        .filter_map(|package| PackageName::parse(&package.name).ok())
        .collect();
    let released = ReleasedVersions::for_packages(repos, &names)
        .context("cannot read the --repo repositories")?;
    Ok(Some(released))
}
