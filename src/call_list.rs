//! The People view's call list: the rows of `user_engagement` that a staff
//! member is looking at (the list's status and text filter applied, in its
//! order), with headings people read and local dates, as a CSV file or an
//! Excel sheet. Names and e-mails are real here: staff call these people.

use engagement_engine::csv_write::table_csv_for_people;
use engagement_engine::period::Period;
use engagement_engine::readable::xlsx::table_xlsx;
use engagement_engine::table::{Cell as OutCell, Table};
use engagement_engine::timestamp::Timestamp;

use crate::protocol::Cell;

/// The file name of the list, without its extension: `call_list_at_risk`.
pub fn file_stem(status: Option<&str>) -> String {
    match status {
        Some(status) => format!("call_list_{status}"),
        None => "call_list_everyone".into(),
    }
}

/// How a column of the list is filled from `user_engagement`.
#[derive(Clone, Copy)]
enum From {
    /// The cell as it is.
    Same,
    /// The status code in words.
    Status,
    /// A UTC timestamp as the local date of the report's zone.
    LocalDate,
}

/// The list's columns: its heading and the `user_engagement` column it
/// comes from. What a caller needs first (who, how to reach them, how long
/// since they were last seen), then the figures behind the status.
const COLUMNS: [(&str, &str, From); 11] = [
    ("Name", "username", From::Same),
    ("E-mail", "email", From::Same),
    ("Status", "status", From::Status),
    ("Last active", "last_activity", From::LocalDate),
    ("Days since last active", "days_since_last", From::Same),
    ("Active days", "active_days", From::Same),
    ("Activities", "items", From::Same),
    ("Activities, first half", "first_half_items", From::Same),
    ("Activities, second half", "second_half_items", From::Same),
    ("First active", "first_activity", From::LocalDate),
    ("User ID", "user_id", From::Same),
];

/// A status of SPEC §7.3 as people say it.
pub fn status_words(status: &str) -> &str {
    match status {
        "at_risk" => "At risk",
        "declining" => "Declining",
        "engaged" => "Engaged",
        other => other,
    }
}

/// The list: `columns` and `rows` are `user_engagement`'s as the worker's
/// table store holds them (the rows already filtered and ordered).
pub struct CallList {
    rows: Vec<Vec<OutCell<'static>>>,
}

impl CallList {
    /// The list of `rows` of `user_engagement` (named by `columns`), with
    /// dates in `period`'s zone.
    pub fn new(columns: &[String], rows: &[Vec<Cell>], period: &Period) -> CallList {
        let at: Vec<Option<usize>> = COLUMNS
            .iter()
            .map(|(_, name, _)| columns.iter().position(|c| c == name))
            .collect();
        let rows = rows
            .iter()
            .map(|row| {
                COLUMNS
                    .iter()
                    .zip(&at)
                    .map(|(&(_, _, from), i)| {
                        let cell = i.and_then(|i| row.get(i)).unwrap_or(&Cell::Null);
                        convert(cell, from, period)
                    })
                    .collect()
            })
            .collect();
        CallList { rows }
    }

    /// Number of people on the list.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn table(&self) -> Table<'_> {
        Table::new(
            "call_list",
            COLUMNS.iter().map(|c| c.0.to_string()).collect(),
            self.rows.len(),
            move |i| self.rows[i].clone(),
        )
    }

    /// The list as CSV, with a byte-order mark for Excel and text guarded
    /// against formulas.
    pub fn csv(&self) -> Vec<u8> {
        table_csv_for_people(&self.table())
    }

    /// The list as a one-sheet workbook ("People").
    pub fn xlsx(&self) -> Result<Vec<u8>, String> {
        table_xlsx(&self.table(), "People", "People to contact").map_err(|e| e.to_string())
    }
}

fn convert(cell: &Cell, from: From, period: &Period) -> OutCell<'static> {
    match (cell, from) {
        (Cell::Null, _) => OutCell::Null,
        (Cell::Text(t), From::Status) => OutCell::Plain(status_words(t).to_string()),
        (Cell::Text(t), From::LocalDate) => match Timestamp::parse(t) {
            Ok(ts) => OutCell::Date(period.local_date(ts)),
            Err(_) => OutCell::TextOwned(t.clone()),
        },
        (Cell::Text(t), From::Same) => OutCell::TextOwned(t.clone()),
        (Cell::Int(n), _) => OutCell::Int(*n),
        (Cell::Num(x), _) => OutCell::Float(*x),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use engagement_engine::period::{parse_date, parse_time_zone};

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn headings_status_words_and_local_dates() {
        let columns: Vec<String> = engagement_engine::columns::USER_ENGAGEMENT
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = vec![
            vec![
                Cell::Int(7),
                text("=Ana"),
                text("ana@example.org"),
                Cell::Int(5),
                Cell::Int(3),
                text("2025-01-02T10:00:00Z"),
                // 03:30 UTC on the 10th is still the 9th in Los Angeles.
                text("2025-01-10T03:30:00.123Z"),
                Cell::Int(21),
                Cell::Num(2.5),
                Cell::Int(4),
                Cell::Int(1),
                text("at_risk"),
                Cell::Int(2),
            ],
            vec![
                Cell::Int(9),
                Cell::Null,
                text("Մարիամ@example.am"),
                Cell::Int(1),
                Cell::Int(1),
                text("2025-01-30T20:00:00Z"),
                text("2025-01-30T20:00:00Z"),
                Cell::Int(0),
                Cell::Null,
                Cell::Int(0),
                Cell::Int(1),
                text("engaged"),
                Cell::Int(1),
            ],
        ];
        let la = parse_time_zone("America/Los_Angeles").unwrap();
        let period = Period::new(
            parse_date("s", "2025-01-01").unwrap(),
            parse_date("e", "2025-01-31").unwrap(),
            la,
        )
        .unwrap();
        let list = CallList::new(&columns, &rows, &period);
        assert_eq!(list.len(), 2);
        let csv = String::from_utf8(list.csv()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}Name,E-mail,Status,Last active,Days since last active,Active days,Activities,\
             \"Activities, first half\",\"Activities, second half\",First active,User ID\n\
             '=Ana,ana@example.org,At risk,2025-01-09,21,3,5,4,1,2025-01-02,7\n\
             ,Մարիամ@example.am,Engaged,2025-01-30,0,1,1,0,1,2025-01-30,9\n"
        );
        let xlsx = list.xlsx().unwrap();
        let mut book = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut book.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        for expected in [
            "Days since last active",
            "At risk",
            "Մարիամ@example.am",
            "=Ana",
        ] {
            assert!(sheet.contains(expected), "{expected} in {sheet}");
        }
        assert!(!sheet.contains("<f>"), "no formula from the data");
        assert_eq!(file_stem(Some("at_risk")), "call_list_at_risk");
        assert_eq!(file_stem(None), "call_list_everyone");
    }
}
