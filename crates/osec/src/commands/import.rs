//! `osec import FILE... [--repo DIR]... [--package PRODUCT=NAME]... [--stdout] [--db DIR]`:
//! OSV and CVE JSON 5 records → draft advisories (`advisory::import`), written with the
//! next free ID of the record's year (or the record's own OSEC ID) or printed. What a
//! record holds that the draft cannot is listed in the draft as `TODO(draft)` comments
//! and counted here. Exit 2 when a file could not be read or imported (the others are).

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::draft::{create_draft, preview_draft};
use advisory::ids::Database;
use advisory::import::{ImportOptions, Imported, import_files, product_mapping};
use anyhow::Context as _;
use opam_model::RepositorySpec;
use safe_fs::display_path;

use super::exit_if;

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

pub(crate) fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let now = jiff::Timestamp::now();
    let options = ImportOptions {
        released: None,
        now,
        packages: &args.packages,
    };
    let mut files = import_files(&args.files, &options);
    for error in &files.errors {
        eprintln!("error: {error}");
    }
    files.with_releases(&args.repos, options)?;
    let db = Database::open(&args.db);
    for (path, _, imported) in files.imported {
        let Imported {
            source,
            mut draft,
            year,
        } = imported;
        let notes = draft.notes.len();
        let id = draft.id;
        let render = |id| {
            draft.id = Some(id);
            draft.render()
        };
        if args.stdout {
            print!("{}", preview_draft(&db, id, year, render)?);
        } else {
            let (id, written) = create_draft(&db, id, year, now, render)
                .with_context(|| format!("{}: {source}", display_path(&path)))?;
            println!("{}", display_path(&written));
            eprintln!("{id}: from {source}");
        }
        if notes > 0 {
            eprintln!(
                "{source}: {notes} part(s) not carried over, listed in the draft as TODO(draft) comments"
            );
        }
    }
    Ok(exit_if(!files.errors.is_empty(), 2))
}
