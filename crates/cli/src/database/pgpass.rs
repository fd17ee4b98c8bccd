//! libpq's password file (`PGPASSFILE`, else `~/.pgpass`).

use std::path::{Path, PathBuf};

/// The password file libpq would read: `PGPASSFILE`, else `~/.pgpass`.
pub(super) fn pgpass_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = env("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    env("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| Path::new(&home).join(".pgpass"))
}

/// The password file's text; `Err` with a note when it exists but is not
/// used (unreadable, or readable by others, which libpq refuses too).
pub(super) fn read_pgpass(path: &Path) -> Result<String, Option<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Err(None),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(Some(format!(
                "{} was ignored because others may read it; chmod 600 it",
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    std::fs::read_to_string(path)
        .map_err(|e| Some(format!("{} could not be read: {e}", path.display())))
}

/// The password of the first `.pgpass` line matching `key` (host, port,
/// database, user): `*` matches anything, `\` escapes `:` and `\`. For a
/// unix socket, `localhost` matches as well as the socket's folder.
pub(super) fn pgpass_lookup(text: &str, key: &[&str; 4], unix: bool) -> Option<String> {
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields: Vec<String> = Vec::with_capacity(5);
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.push(chars.next().unwrap_or('\\')),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let host_matches =
            fields[0] == "*" || fields[0] == key[0] || (unix && fields[0] == "localhost");
        let rest_match = (1..4).all(|i| fields[i] == "*" || fields[i] == key[i]);
        if host_matches && rest_match {
            return fields.pop();
        }
    }
    None
}
