use super::*;

#[test]
fn whole_numbers_are_kept_in_4_bytes_while_they_fit_and_read_back_the_same() {
    let ints = |values: &[i64]| {
        let mut column = Ints::nulls(0);
        values.iter().for_each(|&x| column.push(x));
        column
    };
    let small = vec![7, NULL_INT, -3, i64::from(i32::MAX)];
    let narrow = ints(&small);
    assert!(matches!(narrow, Ints::Narrow(_)));
    assert_eq!((0..4).map(|i| narrow.get(i)).collect::<Vec<_>>(), small);
    // i32::MIN is the narrow form's null, so it needs the wide form,
    // as does anything past i32.
    for odd in [i64::from(i32::MIN), i64::from(i32::MAX) + 1, -(1 << 40)] {
        let wide = ints(&[1, odd, NULL_INT]);
        assert!(matches!(wide, Ints::Wide(_)), "{odd}");
        assert_eq!(
            (0..3).map(|i| wide.get(i)).collect::<Vec<_>>(),
            [1, odd, NULL_INT]
        );
    }
}
use engagement_engine::demo::{csv_tables, DemoConfig};
use engagement_engine::load::{Bundle, Limits};
use engagement_engine::metrics;

use engagement_engine::load::Loaded;
use engagement_engine::period::Period;

use crate::summary::{load_summary, summarize};

/// A period of the tests (`None`: UTC).
fn period(start: &str, end: &str, zone: Option<&str>) -> Period {
    Period::from_options(Some(start), Some(end), zone, Default::default()).unwrap()
}

fn demo() -> Loaded {
    let mut b = Bundle::new(Limits::default());
    for (name, bytes) in csv_tables(&DemoConfig::new(200)) {
        b.add_bytes(&name, &bytes).unwrap();
    }
    b.finish().unwrap()
}

#[test]
fn tables_sort_filter_and_page() {
    let loaded = demo();
    let period = period("2025-01-01", "2025-06-30", None);
    let report = metrics::compute(&loaded.dataset, &period);
    let mut store = TableStore::from_report(&report);
    let q = PageQuery {
        table: "user_activity_timeline".into(),
        sort: Some((3, true)),
        page_size: 10,
        ..Default::default()
    };
    let page = store.query(1, &q);
    assert_eq!(page.total as usize, report.user_activity_timeline.len());
    assert_eq!(page.rows.len(), 10);
    let stamps: Vec<String> = page.rows.iter().map(|r| r[3].display()).collect();
    let mut sorted = stamps.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(stamps, sorted);
    let uid = report.user_activity[0].user_id;
    let only = store.query(
        2,
        &PageQuery {
            user_id: Some(uid),
            page_size: 1000,
            ..q.clone()
        },
    );
    assert!(only.rows.iter().all(|r| r[0] == Cell::Int(uid)));
    assert_eq!(
        only.matched as usize,
        report
            .user_activity_timeline
            .iter()
            .filter(|r| r.user_id == uid)
            .count()
    );
    let summary = summarize(&report, &period, &store);
    // The charts of the seven data sets, in the page's order; new users
    // per day has every day of the period and adds up to the card.
    let keys: Vec<&str> = summary.charts.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "new_users_per_day",
            "screen_views_per_day",
            "events_by_type",
            "top_fasts_by_joins",
            "top_screens",
            "retention_by_cohort"
        ]
    );
    let days = crate::app::chart_files::data_rows(&summary.charts[0].svg);
    assert_eq!(days.len(), period.day_count());
    assert_eq!(
        days.iter()
            .map(|d| d.value.parse::<u64>().unwrap())
            .sum::<u64>(),
        summary.new_users
    );
    let ls = load_summary(&loaded, "demo", chrono_tz::Tz::UTC);
    assert_eq!(ls.extent.as_ref().map(|e| e.1.as_str()), Some("2025-06-30"));
    assert!(!ls.warnings.is_empty());
}

#[test]
fn a_period_change_keeps_the_period_free_table_as_built_anew() {
    let loaded = demo();
    let june = period("2025-06-01", "2025-06-30", None);
    let first = metrics::compute(&loaded.dataset, &june);
    let mut old = TableStore::from_report(&first);
    let kept = old.take_period_free();
    assert_eq!(kept.as_ref().map(|t| t.name.as_str()), Some(PERIOD_FREE));
    assert!(old.tables().iter().all(|t| t.name != PERIOD_FREE));
    // Another period, in another zone: every table as a fresh build has it.
    let spring = period("2025-03-01", "2025-05-15", Some("Europe/Paris"));
    let second = metrics::compute(&loaded.dataset, &spring);
    let reused = TableStore::from_report_reusing(&second, kept);
    let fresh = TableStore::from_report(&second);
    let names = |s: &TableStore| {
        s.tables()
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&reused), names(&fresh));
    for (a, b) in reused.tables().iter().zip(fresh.tables()) {
        assert_eq!(a.columns, b.columns, "{}", a.name);
        assert_eq!(a.len(), b.len(), "{}", a.name);
        for i in 0..a.len() {
            assert_eq!(a.row(i), b.row(i), "{} row {i}", a.name);
        }
    }
    // A kept table of another size (other data) is not taken.
    let mut other = TableStore::from_report(&second);
    let mut wrong = other.take_period_free().unwrap();
    wrong.len -= 1;
    let rebuilt = TableStore::from_report_reusing(&second, Some(wrong));
    let part = |s: &TableStore| {
        s.tables()
            .iter()
            .find(|t| t.name == PERIOD_FREE)
            .unwrap()
            .len()
    };
    assert!(part(&fresh) > 0, "the demo has (user, fast) pairs");
    assert_eq!(part(&rebuilt), part(&fresh));
}

#[test]
fn a_column_filter_keeps_the_rows_whose_cell_is_that_text() {
    use engagement_engine::insights::{self, EngagementStatus};
    use engagement_engine::segment::Segment;
    let loaded = demo();
    let period = period("2025-06-01", "2025-06-30", None);
    let segmented = Segment::default().apply(&loaded.dataset).unwrap();
    let report = metrics::compute(&segmented.dataset, &period);
    let ins = insights::compute(
        &segmented.dataset,
        &period,
        &report,
        &segmented.info,
        &loaded.warnings,
    );
    let mut store = TableStore::from_report(&report);
    store.add_insights(&ins);
    let cols = engagement_engine::columns::USER_ENGAGEMENT;
    let status = cols.iter().position(|c| *c == "status").unwrap();
    let rank = cols.iter().position(|c| *c == "engagement_rank").unwrap();
    for s in [
        EngagementStatus::AtRisk,
        EngagementStatus::Declining,
        EngagementStatus::Engaged,
    ] {
        let q = PageQuery {
            table: "user_engagement".into(),
            column_filter: Some((status, s.as_str().to_string())),
            sort: Some((rank, false)),
            page_size: 100_000,
            ..Default::default()
        };
        let page = store.query(1, &q);
        let mut want: Vec<_> = ins
            .user_engagement
            .iter()
            .filter(|u| u.status == s)
            .collect();
        want.sort_by_key(|u| u.engagement_rank);
        assert!(!want.is_empty(), "the demo has {} users", s.as_str());
        assert_eq!(page.matched as usize, want.len(), "{}", s.as_str());
        assert_eq!(page.total as usize, ins.user_engagement.len());
        let got: Vec<Cell> = page.rows.iter().map(|r| r[0].clone()).collect();
        let want: Vec<Cell> = want.iter().map(|u| Cell::Int(u.user_id)).collect();
        assert_eq!(got, want, "{}", s.as_str());
    }
    // A number column compares as shown; an unknown column matches none.
    let fr = engagement_engine::columns::FAST_RETENTION;
    let members = fr.iter().position(|c| *c == "members_ever").unwrap();
    let some = ins.fast_retention[0].members_ever;
    let q = PageQuery {
        table: "fast_retention".into(),
        column_filter: Some((members, some.to_string())),
        page_size: 1000,
        ..Default::default()
    };
    let want = ins
        .fast_retention
        .iter()
        .filter(|f| f.members_ever == some)
        .count();
    assert_eq!(store.query(2, &q).matched as usize, want);
    let q = PageQuery {
        column_filter: Some((99, "x".into())),
        ..q
    };
    assert_eq!(store.query(3, &q).matched, 0);
}

/// The order a reader expects of two cells as shown: nulls first,
/// numbers by value, timestamps by time, other text by its bytes.
fn reference_cmp(a: &Cell, b: &Cell) -> Ordering {
    use Cell::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Int(x), Int(y)) => x.cmp(y),
        (Num(x), Num(y)) => x.total_cmp(y),
        (Text(x), Text(y)) => match (Timestamp::parse(x), Timestamp::parse(y)) {
            (Ok(p), Ok(q)) if x.contains('T') => p.cmp(&q),
            _ => x.cmp(y),
        },
        _ => panic!("one column holds {a:?} and {b:?}"),
    }
}

#[test]
fn the_store_holds_the_engine_tables_cell_for_cell() {
    let loaded = demo();
    let period = period("2025-01-01", "2025-06-30", Some("America/Los_Angeles"));
    let report = metrics::compute(&loaded.dataset, &period);
    let store = TableStore::from_report(&report);
    let engine = engine_table::data_sets(&report);
    assert_eq!(store.tables().len(), 6);
    for (mine, theirs) in store.tables().iter().zip(&engine) {
        assert_eq!(mine.name, theirs.name());
        assert_eq!(&mine.columns, theirs.columns());
        assert_eq!(mine.len(), theirs.len());
        for i in 0..mine.len() {
            for (got, want) in mine.row(i).iter().zip(theirs.row(i)) {
                match (got, &want) {
                    (Cell::Null, EngineCell::Null) => {}
                    (Cell::Int(a), EngineCell::Int(b)) => assert_eq!(a, b),
                    (Cell::Num(a), EngineCell::Float(b)) => assert_eq!(a, b),
                    (Cell::Text(a), other) => assert_eq!(a, &other.to_text()),
                    (got, want) => panic!("{}: {got:?} for {want:?}", mine.name),
                }
            }
        }
    }
}

#[test]
fn text_from_the_data_stays_symbols_until_too_many_are_distinct() {
    let names: Vec<String> = (0..3000).map(|i| format!("user {}", i % 2000)).collect();
    let table = Table::new("t", vec!["repeated".into(), "label".into()], 3000, |i| {
        vec![
            if i % 7 == 0 {
                EngineCell::Null
            } else {
                EngineCell::Text(&names[i])
            },
            EngineCell::Plain(format!("w{}", i % 3)),
        ]
    });
    let t = DataTable::from_engine(&table);
    // 2000 distinct names in 3000 rows: past max(3000 / 4, 1024).
    assert!(matches!(t.values[0], Column::Text(_)));
    assert!(matches!(t.values[1], Column::Symbol { .. }));
    for i in [0, 1, 7, 2999] {
        let want = if i % 7 == 0 {
            Cell::Null
        } else {
            Cell::Text(names[i].clone())
        };
        assert_eq!(t.row(i)[0], want);
        assert_eq!(t.row(i)[1], Cell::Text(format!("w{}", i % 3)));
    }
}

#[test]
fn every_column_sorts_and_filters_like_its_cells() {
    let loaded = demo();
    let period = period("2024-01-01", "2025-06-30", None);
    let report = metrics::compute(&loaded.dataset, &period);
    let mut store = TableStore::from_report(&report);
    let tables: Vec<(String, usize, Vec<Vec<Cell>>)> = store
        .tables()
        .iter()
        .map(|t| {
            let rows = (0..t.len()).map(|i| t.row(i)).collect();
            (t.name.clone(), t.columns.len(), rows)
        })
        .collect();
    for (name, width, rows) in tables {
        assert!(!rows.is_empty(), "{name} has rows to sort");
        for col in 0..width {
            for desc in [false, true] {
                let q = PageQuery {
                    table: name.clone(),
                    sort: Some((col, desc)),
                    page_size: rows.len(),
                    ..Default::default()
                };
                let got = store.query(1, &q).rows;
                let mut want = rows.clone();
                want.sort_by(|a, b| {
                    let o = reference_cmp(&a[col], &b[col]);
                    if desc {
                        o.reverse()
                    } else {
                        o
                    }
                });
                assert!(got == want, "{name} sorted by column {col}, desc {desc}");
            }
        }
        for needle in ["a", "2025-06", "0.5", "T1", "zzz-nowhere"] {
            let q = PageQuery {
                table: name.clone(),
                filter: needle.to_uppercase(),
                page_size: rows.len(),
                ..Default::default()
            };
            let got = store.query(2, &q).rows;
            let want: Vec<Vec<Cell>> = rows
                .iter()
                .filter(|r| {
                    r.iter()
                        .any(|c| c.display().to_lowercase().contains(&needle.to_lowercase()))
                })
                .cloned()
                .collect();
            assert!(got == want, "{name} filtered by {needle}");
        }
    }
}

/// Every query's answer of `typed` and `generic` (the same data set), for
/// a sort by each column both ways, a few filters and a column filter on
/// each column's first shown value.
fn assert_same_answers(typed: &DataTable, generic: &DataTable) {
    let name = &typed.name;
    assert_eq!(typed.columns, generic.columns, "{name}");
    assert_eq!(typed.len(), generic.len(), "{name}");
    for i in 0..typed.len() {
        assert_eq!(typed.row(i), generic.row(i), "{name} row {i}");
    }
    let answers = |t: &DataTable, q: &PageQuery| order_rows(t, q);
    let mut queries = Vec::new();
    for col in 0..typed.columns.len() {
        for desc in [false, true] {
            queries.push(PageQuery {
                sort: Some((col, desc)),
                ..Default::default()
            });
        }
        if let Some(first) = (0..typed.len()).map(|i| typed.row(i)[col].clone()).next() {
            queries.push(PageQuery {
                column_filter: Some((col, first.display())),
                ..Default::default()
            });
        }
    }
    for needle in ["a", "2025-0", "user", "@", "0.5", "zzz-nowhere"] {
        queries.push(PageQuery {
            filter: needle.into(),
            sort: Some((1, true)),
            ..Default::default()
        });
    }
    for q in &queries {
        assert_eq!(answers(typed, q), answers(generic, q), "{name}: {q:?}");
    }
}

#[test]
fn tables_read_from_the_data_answer_as_tables_built_from_their_cells() {
    use engagement_engine::insights;
    use engagement_engine::segment::Segment;
    let mut loaded = demo();
    // Two users of one name and e-mail: their rows keep the data set's
    // order when sorted by name, as equal cells do.
    let users = &mut loaded.dataset.users;
    users[3].username = users[1].username.clone();
    users[3].email = users[1].email.clone();
    let segmented = Segment::default().apply(&loaded.dataset).unwrap();
    let data = &*segmented.dataset;
    // The whole data, a month, and one day (fewer feed items than
    // distinct titles: titles as free text).
    for (start, end) in [
        ("2023-01-01", "2025-06-30"),
        ("2025-06-01", "2025-06-30"),
        ("2025-06-20", "2025-06-20"),
    ] {
        let period = period(start, end, Some("America/Los_Angeles"));
        let report = metrics::compute(data, &period);
        let ins = insights::compute(data, &period, &report, &segmented.info, &loaded.warnings);
        let mut store = TableStore::from_report(&report);
        store.add_insights(&ins);
        let mut engine = engine_table::data_sets(&report);
        engine.retain(|t| t.name() != "other_metrics");
        engine.extend([
            engine_table::user_engagement(&ins),
            engine_table::fast_retention(&ins),
            engine_table::daily_activity(&ins),
            engine_table::fast_calendar(&ins),
            engine_table::fast_daily(&ins),
            engine_table::fast_editions(&ins),
        ]);
        assert_eq!(store.tables().len(), engine.len());
        for (typed, t) in store.tables().iter().zip(&engine) {
            assert_eq!(typed.name, t.name());
            assert_same_answers(typed, &DataTable::from_engine(t));
        }
        let timeline = store
            .tables()
            .iter()
            .find(|t| t.name == "user_activity_timeline")
            .unwrap();
        let title = timeline.columns.iter().position(|c| c == "title").unwrap();
        let free_text = matches!(timeline.values[title], Column::Text(_));
        assert_eq!(free_text, start == end, "{start}: titles as free text");
    }
}
