//! "Keep this data on this computer": the loaded input files, stored in the
//! browser's origin-private file system (OPFS) so that a reload restores the
//! report without loading again (SPEC §10).
//!
//! Layout: one folder per deployment at the OPFS root (its name comes from
//! the page's folder: [`crate::share_link::kept_dir_name`], `kept` at a
//! site's root), holding the files' bytes
//! as `0.bin`, `1.bin`, … (a loaded name such as `export/users.csv` may hold
//! a `/`, which OPFS names may not) and [`MANIFEST`], written last, which
//! names them. A set without its manifest (a write cut short) is not a set:
//! [`Manifest::parse`] is the only way in, and "Forget" removes the folder
//! whole, so nothing is left at the root.
//!
//! The manifest is plain data (tested natively); the OPFS calls are wasm
//! only, and work both on the page and in the engine's worker (the worker
//! stores what it downloaded; it never sends the bytes back to the page).

use serde::{Deserialize, Serialize};

/// The file in the kept folder that names the kept files; written last.
pub const MANIFEST: &str = "manifest.json";

/// Bumped when the layout changes; a manifest of another version is not
/// read (the page then offers to load again, and "Forget" still works).
const VERSION: u32 = 1;

/// One kept file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The name it was loaded under (`users.csv`, `export/users.csv`,
    /// `bundle.zip` for a download).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What is kept: the files of one load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version ([`VERSION`]).
    pub version: u32,
    /// The files, in the order they were given.
    pub files: Vec<StoredFile>,
    /// For a download, its URL without query or user info (never the
    /// presigned signature): a share link to the same URL restores the kept
    /// bytes instead of downloading again.
    #[serde(default)]
    pub from_url: Option<String>,
    /// The user chose to leave malformed rows out; the restore does too, so
    /// the reload shows the same report.
    #[serde(default)]
    pub skip_bad_rows: bool,
    /// The load's pseudonym key (64 hex digits, SPEC §12): kept with the
    /// data it belongs to, forgotten with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonym_key: Option<String>,
    /// When the set was written (ms since the epoch), so the page can tell
    /// whether its last load was stored.
    pub saved_ms: f64,
}

impl Manifest {
    /// A manifest for `files`.
    pub fn new(
        files: Vec<StoredFile>,
        from_url: Option<String>,
        skip_bad_rows: bool,
        saved_ms: f64,
    ) -> Manifest {
        Manifest {
            version: VERSION,
            files,
            from_url,
            pseudonym_key: None,
            skip_bad_rows,
            saved_ms,
        }
    }

    /// Reads a manifest; `None` for anything that is not one of this
    /// version (the set is then treated as absent).
    pub fn parse(text: &str) -> Option<Manifest> {
        serde_json::from_str::<Manifest>(text)
            .ok()
            .filter(|m| m.version == VERSION)
    }

    /// The manifest as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a manifest serializes")
    }

    /// The bytes kept, over all files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// The OPFS name of the `i`-th kept file.
pub fn data_name(i: usize) -> String {
    format!("{i}.bin")
}

#[cfg(target_arch = "wasm32")]
pub use opfs::{forget, list, loaded_name, open, save};

#[cfg(target_arch = "wasm32")]
mod opfs {
    use js_sys::{Array, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions,
        FileSystemRemoveOptions, FileSystemWritableFileStream, StorageManager,
    };

    use super::{data_name, Manifest, StoredFile, MANIFEST};

    /// A browser error as text: `NotFoundError: …`.
    fn js_text(e: &JsValue) -> String {
        let name = Reflect::get(e, &"name".into())
            .ok()
            .and_then(|v| v.as_string());
        let message = Reflect::get(e, &"message".into())
            .ok()
            .and_then(|v| v.as_string())
            .or_else(|| e.as_string());
        match (name, message) {
            (Some(n), Some(m)) => format!("{n}: {m}"),
            (None, Some(m)) => m,
            (Some(n), None) => n,
            _ => "unknown error".into(),
        }
    }

    fn is_not_found(e: &JsValue) -> bool {
        Reflect::get(e, &"name".into())
            .ok()
            .and_then(|v| v.as_string())
            .is_some_and(|n| n == "NotFoundError")
    }

    async fn wait(p: js_sys::Promise) -> Result<JsValue, JsValue> {
        JsFuture::from(p).await
    }

    /// The OPFS root, from the page's or the worker's `navigator.storage`.
    async fn root() -> Result<FileSystemDirectoryHandle, String> {
        let absent = || {
            "this browser offers no private file system to this page (a private window, or an old browser); the data cannot be kept".to_string()
        };
        let navigator =
            Reflect::get(&js_sys::global(), &"navigator".into()).map_err(|_| absent())?;
        let storage = Reflect::get(&navigator, &"storage".into()).map_err(|_| absent())?;
        if storage.is_undefined() || storage.is_null() {
            return Err(absent());
        }
        let storage: StorageManager = storage.unchecked_into();
        let has_dir = Reflect::get(&storage, &"getDirectory".into())
            .map(|f| f.is_function())
            .unwrap_or(false);
        if !has_dir {
            return Err(absent());
        }
        wait(storage.get_directory())
            .await
            .map(|d| d.unchecked_into())
            .map_err(|e| {
                format!(
                    "opening this browser's private file system: {}",
                    js_text(&e)
                )
            })
    }

    /// This deployment's folder name: from the path of the page, or of its
    /// worker (which lives beside the page), so that copies of the page
    /// under other prefixes of this origin keep their own data.
    fn dir_name() -> String {
        let path = Reflect::get(&js_sys::global(), &"location".into())
            .and_then(|l| Reflect::get(&l, &"pathname".into()))
            .ok()
            .and_then(|p| p.as_string())
            .unwrap_or_else(|| "/".into());
        crate::share_link::kept_dir_name(&path)
    }

    /// The kept set's folder; `None` when nothing is kept.
    async fn kept_dir(create: bool) -> Result<Option<FileSystemDirectoryHandle>, String> {
        let root = root().await?;
        let opts = web_sys::FileSystemGetDirectoryOptions::new();
        opts.set_create(create);
        match wait(root.get_directory_handle_with_options(&dir_name(), &opts)).await {
            Ok(d) => Ok(Some(d.unchecked_into())),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(format!("opening the kept data: {}", js_text(&e))),
        }
    }

    async fn file_handle(
        dir: &FileSystemDirectoryHandle,
        name: &str,
        create: bool,
    ) -> Result<FileSystemFileHandle, JsValue> {
        let opts = FileSystemGetFileOptions::new();
        opts.set_create(create);
        wait(dir.get_file_handle_with_options(name, &opts))
            .await
            .map(|h| h.unchecked_into())
    }

    async fn write(
        dir: &FileSystemDirectoryHandle,
        name: &str,
        blob: &Blob,
    ) -> Result<(), JsValue> {
        let handle = file_handle(dir, name, true).await?;
        let stream: FileSystemWritableFileStream =
            wait(handle.create_writable()).await?.unchecked_into();
        // A Blob is written by the browser from its own storage: the bytes
        // never pass through wasm memory.
        wait(stream.write_with_blob(blob)?).await?;
        wait(stream.close()).await?;
        Ok(())
    }

    /// The name a `File` is loaded under: its path inside a picked or
    /// dropped folder when it has one, else its name.
    pub fn loaded_name(f: &File) -> String {
        let rel = Reflect::get(f, &"webkitRelativePath".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        if rel.is_empty() {
            f.name()
        } else {
            rel
        }
    }

    /// Replaces the kept set with `files` (name, bytes). The old set is
    /// removed first and the manifest is written last; on a failure the
    /// partial set is removed too, so what is kept is always whole.
    pub async fn save(
        files: &[(String, Blob)],
        from_url: Option<String>,
        skip_bad_rows: bool,
        pseudonym_key: Option<String>,
    ) -> Result<Manifest, String> {
        forget().await?;
        let result = save_new(files, from_url, skip_bad_rows, pseudonym_key).await;
        if result.is_err() {
            let _ = forget().await;
        }
        result
    }

    async fn save_new(
        files: &[(String, Blob)],
        from_url: Option<String>,
        skip_bad_rows: bool,
        pseudonym_key: Option<String>,
    ) -> Result<Manifest, String> {
        let dir = kept_dir(true)
            .await?
            .ok_or_else(|| "the private file system did not create the folder".to_string())?;
        let mut stored = Vec::with_capacity(files.len());
        for (i, (name, blob)) in files.iter().enumerate() {
            write(&dir, &data_name(i), blob).await.map_err(|e| {
                format!(
                    "storing {name} ({} bytes): {}; the browser may be out of storage space for this site",
                    blob.size() as u64,
                    js_text(&e)
                )
            })?;
            stored.push(StoredFile {
                name: name.clone(),
                size: blob.size() as u64,
            });
        }
        let manifest = Manifest {
            pseudonym_key,
            ..Manifest::new(stored, from_url, skip_bad_rows, js_sys::Date::now())
        };
        let text = Blob::new_with_str_sequence(&Array::of1(&manifest.to_json().into()))
            .map_err(|e| js_text(&e))?;
        write(&dir, MANIFEST, &text)
            .await
            .map_err(|e| format!("storing the list of kept files: {}", js_text(&e)))?;
        Ok(manifest)
    }

    /// What is kept; `None` when nothing (or no whole set) is.
    pub async fn list() -> Result<Option<Manifest>, String> {
        let Some(dir) = kept_dir(false).await? else {
            return Ok(None);
        };
        let handle = match file_handle(&dir, MANIFEST, false).await {
            Ok(h) => h,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(format!("reading the list of kept files: {}", js_text(&e))),
        };
        let file: File = wait(handle.get_file())
            .await
            .map_err(|e| format!("reading the list of kept files: {}", js_text(&e)))?
            .unchecked_into();
        let text = wait(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default();
        Ok(Manifest::parse(&text))
    }

    /// The kept set as `File` objects under their loaded names, ready to
    /// load; `None` when nothing is kept.
    pub async fn open() -> Result<Option<(Manifest, Array)>, String> {
        let Some(manifest) = list().await? else {
            return Ok(None);
        };
        let dir = kept_dir(false)
            .await?
            .ok_or_else(|| "the kept data disappeared while it was being read".to_string())?;
        let out = Array::new();
        for (i, f) in manifest.files.iter().enumerate() {
            let read = async {
                let handle = file_handle(&dir, &data_name(i), false).await?;
                let blob: JsValue = wait(handle.get_file()).await?;
                // The stored file is named `0.bin`; the engine reads the
                // name it was loaded under (its kind comes from it).
                File::new_with_blob_sequence(&Array::of1(&blob), &f.name)
            };
            let file = read
                .await
                .map_err(|e| format!("reading the kept file {}: {}", f.name, js_text(&e)))?;
            out.push(&file);
        }
        Ok(Some((manifest, out)))
    }

    /// Deletes every kept file: nothing of this deployment is left in the
    /// private file system (another prefix's folder stays).
    pub async fn forget() -> Result<(), String> {
        let root = root().await?;
        let opts = FileSystemRemoveOptions::new();
        opts.set_recursive(true);
        match wait(root.remove_entry_with_options(&dir_name(), &opts)).await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(format!("deleting the kept data: {}", js_text(&e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_round_trips_and_sums_its_sizes() {
        let m = Manifest::new(
            vec![
                StoredFile {
                    name: "export/users.csv".into(),
                    size: 1200,
                },
                StoredFile {
                    name: "events_event.csv".into(),
                    size: 34,
                },
            ],
            Some("https://bucket.example/reports/bundle.zip".into()),
            true,
            1.5e12,
        );
        assert_eq!(m.total_bytes(), 1234);
        assert_eq!(Manifest::parse(&m.to_json()), Some(m));
    }

    #[test]
    fn anything_but_a_whole_manifest_of_this_version_is_no_set() {
        assert_eq!(Manifest::parse(""), None);
        assert_eq!(Manifest::parse("{\"version\":1,\"files\":["), None);
        let mut m = Manifest::new(Vec::new(), None, false, 0.0);
        m.version = VERSION + 1;
        assert_eq!(Manifest::parse(&m.to_json()), None);
    }

    #[test]
    fn data_files_are_numbered_so_any_loaded_name_fits() {
        assert_eq!(data_name(0), "0.bin");
        assert_eq!(data_name(12), "12.bin");
    }
}
