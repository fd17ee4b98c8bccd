//! Writing a report's files to a folder: all of them or none, each as it
//! is made, and the zip made from the written files.

use std::io::Write;
use std::path::Path;

use engagement_engine::export;
use engagement_engine::output;

/// Writes `bytes` to `path` whole (under a temporary name first), readable
/// by its owner only where the platform allows.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = path.with_extension("csv.partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temp, path)
}

/// Whether the report's files also go into a zip, and where it goes.
pub(crate) enum ZipWanted<'n> {
    /// No zip.
    No,
    /// Only in memory (to upload it).
    InMemory,
    /// Also written beside the files, under this name.
    Written(&'n str),
}

/// Writes every file under a temporary name first and renames them only
/// when all were written, so a failure leaves no partial report. Each file
/// is written as it is made (the largest, the timeline, on a second
/// thread), so the report's files are never all in memory; the zip is
/// made from the written files. Returns the zip when one was wanted.
/// `private` files are created readable and writable by their user only
/// (0600), from the start rather than changed after.
pub(crate) fn write_all_or_nothing(
    dir: &Path,
    mut writers: Vec<output::FileWriter<'_>>,
    zip: ZipWanted<'_>,
    private: bool,
) -> Result<Option<Vec<u8>>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let temp = |name: &str| dir.join(format!(".{name}.partial"));
    let create = |path: &Path| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        options.open(path)
    };
    let cannot_write =
        |name: &str, e: std::io::Error| format!("cannot write {}: {e}", dir.join(name).display());
    let mut names: Vec<String> = writers.iter().map(|w| w.name.clone()).collect();
    let write_one = |writer: output::FileWriter<'_>| -> Result<(), String> {
        let name = writer.name.clone();
        let file = create(&temp(&name)).map_err(|e| cannot_write(&name, e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        writer
            .write_to(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| cannot_write(&name, e))
    };
    let timeline =
        (writers.len() > export::TIMELINE_INDEX).then(|| writers.remove(export::TIMELINE_INDEX));
    let written = std::thread::scope(|scope| {
        let timeline = timeline.map(|w| scope.spawn(|| write_one(w)));
        let others = writers.into_iter().try_for_each(write_one);
        let timeline = match timeline.map(|t| t.join()) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        };
        others.and(timeline)
    });
    let zipped = written.and_then(|()| {
        if matches!(zip, ZipWanted::No) {
            return Ok(None);
        }
        let mut entries = Vec::with_capacity(names.len());
        for name in &names {
            let file = std::fs::File::open(temp(name)).map_err(|e| cannot_write(name, e))?;
            let size = file.metadata().map_err(|e| cannot_write(name, e))?.len();
            entries.push((name.as_str(), size, std::io::BufReader::new(file)));
        }
        let bytes =
            export::zip_entries(entries).map_err(|e| format!("cannot make the zip: {e}"))?;
        if let ZipWanted::Written(zip_name) = zip {
            create(&temp(zip_name))
                .and_then(|mut f| f.write_all(&bytes))
                .map_err(|e| cannot_write(zip_name, e))?;
        }
        Ok(Some(bytes))
    });
    if let ZipWanted::Written(zip_name) = zip {
        names.push(zip_name.to_string());
    }
    let zipped = match zipped {
        Ok(zipped) => zipped,
        Err(e) => {
            for name in &names {
                let _ = std::fs::remove_file(temp(name));
            }
            return Err(e);
        }
    };
    for name in &names {
        std::fs::rename(temp(name), dir.join(name))
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(zipped)
}
