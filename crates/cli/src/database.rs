//! Reads the nine tables of SPEC §2a straight from PostgreSQL (SPEC §2e).
//!
//! Each table is read with `COPY (SELECT <columns> FROM <schema>.<table>)
//! TO STDOUT (FORMAT csv, HEADER)` and streamed, chunk by chunk, into the
//! engine's CSV loader as if it were the `<table>.csv` file of a `\copy`
//! export, so the report is the one the same data gives as files. All
//! tables are read in one `REPEATABLE READ, READ ONLY` transaction (one
//! consistent snapshot) whose settings are forced first, so that neither
//! the server's nor the role's `TimeZone`, `DateStyle`, `IntervalStyle`,
//! `extra_float_digits` or `search_path` can change the text read.
//!
//! The connection is a `postgres://` or `postgresql://` URL read as libpq
//! reads it: user, password, host, port and database, `?host=/socket/dir`
//! for a unix socket, `sslmode` and `sslrootcert`. What the URL leaves out
//! comes from libpq's variables (`PGHOST`, `PGPORT`, `PGUSER`,
//! `PGDATABASE`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`) and the
//! password file (`PGPASSFILE`, else `~/.pgpass`). The password never
//! appears in a message: messages are built from the host, port, database
//! and user only, and scrubbed of the password besides.

mod pgpass;
mod target;
mod tls;

#[cfg(test)]
mod tests;

use std::io::Read;

use engagement_engine::load::{Bundle, FileLoader, ReadError, Table};
use postgres::{Client, IsolationLevel};

pub use crate::input_error::DatabaseError;
use crate::input_error::InputError;
use crate::progress::Progress;
use target::{quote_ident, scrub, with_causes, Target};

/// The schema read when none is given: Django's tables live there unless
/// the project says otherwise.
pub const DEFAULT_SCHEMA: &str = "public";

/// Forced for the transaction, whatever the server, database or role set:
/// the timestamp text (`2024-01-15 14:23:45.123456+00`) depends on the
/// first three, and an unqualified name or operator on `search_path` (every
/// table below is schema-qualified; `pg_catalog` alone leaves nothing for a
/// user schema to shadow).
const SESSION_SETTINGS: &str = "\
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, MDY';
SET LOCAL IntervalStyle = 'postgres';
SET LOCAL extra_float_digits = 1;
SET LOCAL bytea_output = 'hex';
SET LOCAL search_path = pg_catalog, pg_temp;";

/// The columns of the nine tables (and, for sizing the loader, the
/// planner's row estimate) as the catalog has them. The catalog rather
/// than `information_schema`, which hides tables the user may not read:
/// those must give a permission error naming the table, not "missing".
const CATALOG_QUERY: &str = "\
SELECT c.relname::text, a.attname::text, c.reltuples::float8
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname::text = $1 AND c.relname::text = ANY($2)
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

/// Whether an input is a PostgreSQL connection URL (`postgres://…` or
/// `postgresql://…`, any case) rather than a path or http(s) URL.
pub fn is_database_url(input: &str) -> bool {
    let starts = |prefix: &str| {
        input
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    starts("postgres://") || starts("postgresql://")
}

/// Reads the nine tables of the database at `url` (schema `schema`) into
/// the bundle, each as its `<table>.csv`, in one read-only snapshot.
/// `progress` hears the rows read per table.
pub fn add_database(
    bundle: &mut Bundle,
    url: &str,
    schema: &str,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    let target =
        Target::parse(url, &|name| std::env::var(name).ok()).map_err(InputError::Database)?;
    let mut client = target.connect().map_err(InputError::Database)?;
    read_tables(&mut client, &target, schema, bundle, progress)
}

/// The table's name in the database: its export file's name without `.csv`.
fn table_name(table: Table) -> &'static str {
    let file = table.file_name();
    file.strip_suffix(".csv").unwrap_or(file)
}

/// The `COPY` statement that reads `present` (the table's columns that
/// exist) of `table`, or the name of a needed column it lacks.
fn copy_statement(schema: &str, table: Table, present: &[String]) -> Result<String, &'static str> {
    let (needed, optional) = table.columns();
    let mut list = Vec::with_capacity(needed.len() + optional.len());
    for col in needed {
        if !present.iter().any(|p| p == col) {
            return Err(col);
        }
        list.push(quote_ident(col));
    }
    for col in optional {
        if present.iter().any(|p| p == col) {
            list.push(quote_ident(col));
        }
    }
    Ok(format!(
        "COPY (SELECT {} FROM {}.{}) TO STDOUT (FORMAT csv, HEADER)",
        list.join(", "),
        quote_ident(schema),
        quote_ident(table_name(table))
    ))
}

/// Reads every table inside one read-only snapshot with forced settings.
fn read_tables(
    client: &mut Client,
    target: &Target,
    schema: &str,
    bundle: &mut Bundle,
    progress: &dyn Progress,
) -> Result<(), InputError> {
    let failed =
        |e: postgres::Error, table: Option<&str>| InputError::Database(target.error(&e, table));
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| failed(e, None))?;
    tx.batch_execute(SESSION_SETTINGS)
        .map_err(|e| failed(e, None))?;

    // The nine tables, then the optional ones (read when the schema has
    // them: a database without `hub_day` is complete).
    let names: Vec<&str> = Table::recognised().map(table_name).collect();
    let catalog = tx
        .query(CATALOG_QUERY, &[&schema, &names])
        .map_err(|e| failed(e, None))?;
    let mut present: Vec<(String, Vec<String>, f64)> = Vec::new();
    for row in &catalog {
        let (table, column, estimate): (String, String, f64) = (row.get(0), row.get(1), row.get(2));
        match present.iter_mut().find(|(t, _, _)| *t == table) {
            Some((_, cols, _)) => cols.push(column),
            None => present.push((table, vec![column], estimate)),
        }
    }
    let missing: Vec<&str> = Table::ALL
        .iter()
        .map(|&t| table_name(t))
        .filter(|n| !present.iter().any(|(t, _, _)| t == n))
        .collect();
    if !missing.is_empty() {
        return Err(InputError::Database(DatabaseError(scrub(
            &format!(
                "{} has no table {} in schema {schema:?}; check that the URL names the Django app's database, and give --db-schema if its tables are in another schema",
                target.describe(),
                missing.join(", ")
            ),
            target.secret.as_deref(),
        ))));
    }

    for table in Table::recognised() {
        let name = table_name(table);
        let qualified = format!("{}.{}", quote_ident(schema), name);
        let Some((_, cols, estimate)) = present.iter().find(|(t, _, _)| t == name) else {
            // Needed tables that are missing were refused above.
            debug_assert!(table.is_optional());
            continue;
        };
        let statement = copy_statement(schema, table, cols).map_err(|col| {
            let (needed, _) = table.columns();
            InputError::Database(DatabaseError(scrub(
                &format!(
                    "table {qualified} of {} has no column {col:?}; the report needs {}: is this the Django app's database?",
                    target.describe(),
                    needed.join(", ")
                ),
                target.secret.as_deref(),
            )))
        })?;
        let reader = tx
            .copy_out(&statement)
            .map_err(|e| failed(e, Some(&qualified)))?;
        // Named like the export file (the loader recognises it by the part
        // after the last `/`); warnings then say where the rows came from.
        let file = format!(
            "{}/{}/{}",
            target.endpoint,
            target.dbname,
            table.file_name()
        );
        let mut loader = bundle
            .open(&file)
            .expect("a table's file name opens a CSV loader");
        let estimate = (*estimate > 0.0).then_some(*estimate);
        stream_table(reader, &mut loader, estimate, &|rows| {
            progress.table_rows(name, rows, false)
        })
        .map_err(|e| match e {
            ReadError::Load(e) => InputError::Load(e),
            ReadError::Io(e) => {
                let text = match e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<postgres::Error>())
                {
                    Some(pg) => return InputError::Database(target.error(pg, Some(&qualified))),
                    None => with_causes(&e),
                };
                InputError::Database(DatabaseError(scrub(
                    &format!(
                        "reading {qualified} from {} broke off: {text}; try again",
                        target.describe()
                    ),
                    target.secret.as_deref(),
                )))
            }
        })?;
        progress.table_rows(name, loader.rows_read(), true);
        bundle.close(loader)?;
    }
    // Nothing was written; ending the snapshot cannot change the result.
    let _ = tx.rollback();
    Ok(())
}

/// Pushes the COPY output into the loader with the engine's read-and-push
/// driver, calling `rows` with the rows parsed so far after each chunk.
/// `estimate` is the planner's row count: once the first rows show their
/// size, it becomes the byte total the loader sizes its columns from, as a
/// file's size does.
fn stream_table(
    reader: impl Read,
    loader: &mut FileLoader,
    estimate: Option<f64>,
    rows: &dyn Fn(u64),
) -> Result<(), ReadError> {
    let mut sized = estimate.is_none();
    loader.read_from(reader, |loader, _| {
        if !sized && loader.rows_read() > 0 {
            let per_row = loader.bytes_read() as f64 / loader.rows_read() as f64;
            loader.expect_bytes((estimate.unwrap_or(0.0) * per_row) as u64);
            sized = true;
        }
        rows(loader.rows_read());
    })
}
