use super::*;

fn d(s: &str) -> Date {
    parse_date("test", s).unwrap()
}

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

#[test]
fn defaults() {
    let p = Period::from_options(None, None, None, d("2025-01-31")).unwrap();
    assert_eq!(p.start(), d("2025-01-01"));
    assert_eq!(p.end(), d("2025-01-31"));
    assert_eq!(p.day_count(), 31);
    assert_eq!(p.tz(), Tz::UTC);
}

#[test]
fn errors_say_what_is_expected() {
    let today = d("2025-01-31");
    let e = Period::from_options(Some("2025-1-5"), None, None, today).unwrap_err();
    assert!(e.to_string().contains("expected YYYY-MM-DD"), "{e}");
    let e = Period::from_options(None, Some("2025-02-30"), None, today).unwrap_err();
    assert!(e.to_string().contains("\"2025-02-30\""), "{e}");
    let e = Period::from_options(None, None, Some("Mars/Olympus"), today).unwrap_err();
    assert!(e.to_string().contains("IANA"), "{e}");
    let e = Period::from_options(Some("2025-02-01"), Some("2025-01-01"), None, today).unwrap_err();
    assert!(matches!(e, PeriodError::StartAfterEnd { .. }));
}

#[test]
fn bounds_are_inclusive_of_first_and_last_instant() {
    let p = Period::new(d("2024-12-22"), d("2025-01-20"), Tz::UTC).unwrap();
    assert!(p.contains(t("2024-12-22 00:00:00+00")));
    assert!(!p.contains(t("2024-12-21 23:59:59.999999+00")));
    assert!(p.contains(t("2025-01-20 23:59:59.999999+00")));
    assert!(!p.contains(t("2025-01-21 00:00:00+00")));
    assert_eq!(p.day_index(t("2024-12-22 00:00:00+00")), Some(0));
    assert_eq!(p.day_index(t("2025-01-20 23:59:59+00")), Some(29));
}

#[test]
fn time_zone_moves_items_across_day_boundary() {
    let la = parse_time_zone("America/Los_Angeles").unwrap();
    let p = Period::new(d("2025-01-01"), d("2025-01-31"), la).unwrap();
    // 07:59 UTC on Jan 1 is still Dec 31 in Los Angeles (UTC-8).
    assert!(!p.contains(t("2025-01-01 07:59:59+00")));
    assert!(p.contains(t("2025-01-01 08:00:00+00")));
    assert_eq!(p.local_date(t("2025-01-01 07:59:59+00")), d("2024-12-31"));
    assert_eq!(p.local_date(t("2025-01-02 03:00:00+00")), d("2025-01-01"));
    // The end of Jan 31 local is 08:00 UTC on Feb 1.
    assert!(p.contains(t("2025-02-01 07:59:59+00")));
    assert!(!p.contains(t("2025-02-01 08:00:00+00")));
}

#[test]
fn dst_day_has_23_hours() {
    let la = parse_time_zone("America/Los_Angeles").unwrap();
    let p = Period::new(d("2025-03-08"), d("2025-03-10"), la).unwrap();
    // 2025-03-09 begins at 08:00 UTC (PST) and the 10th at 07:00 UTC (PDT).
    assert_eq!(p.day_index(t("2025-03-09 07:59:59+00")), Some(0));
    assert_eq!(p.day_index(t("2025-03-09 08:00:00+00")), Some(1));
    assert_eq!(p.day_index(t("2025-03-10 06:59:59+00")), Some(1));
    assert_eq!(p.day_index(t("2025-03-10 07:00:00+00")), Some(2));
}

#[test]
fn midnight_inside_a_dst_gap() {
    // Chile (America/Santiago) springs forward at 00:00 local: on
    // 2024-09-08 the day starts at 01:00 local = 04:00 UTC.
    let tz = parse_time_zone("America/Santiago").unwrap();
    assert_eq!(
        local_midnight(tz, d("2024-09-08")),
        t("2024-09-08 04:00:00+00").0
    );
}

#[test]
fn choices_resolve_defaults_presets_and_whole_data() {
    let now = t("2025-08-10 12:00:00+00");
    let extent = Some((t("2025-03-01 05:00:00+00"), t("2025-06-30 23:30:00+00")));
    let choice = |preset, zone: &str| PeriodChoice {
        preset,
        zone: Some(zone.into()),
        ..PeriodChoice::default()
    };
    // The CLI's default: the 30 days ending today.
    let p = PeriodChoice::default().resolve(now, None).unwrap();
    assert_eq!((p.start(), p.end()), (d("2025-07-11"), d("2025-08-10")));
    // The page keeps the default end inside the data.
    let p = PeriodChoice::default().resolve(now, extent).unwrap();
    assert_eq!((p.start(), p.end()), (d("2025-05-31"), d("2025-06-30")));
    let p = choice(Some(Preset::LastDays(7)), "UTC")
        .resolve(now, extent)
        .unwrap();
    assert_eq!((p.start(), p.end()), (d("2025-06-23"), d("2025-06-30")));
    // The whole data in the chosen zone, not the zone of the load:
    // 23:30 UTC on June 30 is already July 1 in Kolkata.
    let p = choice(Some(Preset::WholeData), "Asia/Kolkata")
        .resolve(now, extent)
        .unwrap();
    assert_eq!((p.start(), p.end()), (d("2025-03-01"), d("2025-07-01")));
    let p = choice(Some(Preset::WholeData), "America/Los_Angeles")
        .resolve(now, extent)
        .unwrap();
    assert_eq!((p.start(), p.end()), (d("2025-02-28"), d("2025-06-30")));
    // Calendar presets, from the default end (2025-06-30, inside the
    // data): this month so far, the whole month before, this year.
    let span = |preset| {
        let p = choice(Some(preset), "UTC").resolve(now, extent).unwrap();
        (p.start(), p.end())
    };
    assert_eq!(span(Preset::ThisMonth), (d("2025-06-01"), d("2025-06-30")));
    assert_eq!(span(Preset::LastMonth), (d("2025-05-01"), d("2025-05-31")));
    assert_eq!(span(Preset::ThisYear), (d("2025-01-01"), d("2025-06-30")));
    // Last month compares with the month before it, not with 31 days.
    let may = choice(Some(Preset::LastMonth), "UTC")
        .resolve(now, extent)
        .unwrap()
        .previous();
    assert_eq!((may.start(), may.end()), (d("2025-04-01"), d("2025-04-30")));
    // Without data, from today (2025-08-10): July; and across a year.
    let july = choice(Some(Preset::LastMonth), "UTC")
        .resolve(now, None)
        .unwrap();
    assert_eq!(
        (july.start(), july.end()),
        (d("2025-07-01"), d("2025-07-31"))
    );
    let january = t("2026-01-15 12:00:00+00");
    let december = choice(Some(Preset::LastMonth), "UTC")
        .resolve(january, None)
        .unwrap();
    assert_eq!(
        (december.start(), december.end()),
        (d("2025-12-01"), d("2025-12-31"))
    );
    for (preset, name) in Preset::ALL {
        assert_eq!(Preset::from_name(name), Some(preset));
    }
    assert_eq!(Preset::from_name("last-week"), None);
    // Blank dates take the defaults; an unknown zone is an error.
    let blank = PeriodChoice {
        start: Some(" ".into()),
        end: Some("2025-01-31".into()),
        ..PeriodChoice::default()
    };
    let p = blank.resolve(now, None).unwrap();
    assert_eq!(p.start(), d("2025-01-01"));
    let e = choice(None, "Mars/Olympus")
        .resolve(now, extent)
        .unwrap_err();
    assert_eq!(e, PeriodError::UnknownTimeZone("Mars/Olympus".into()));
}

#[test]
fn days_of_the_period() {
    let p = Period::new(d("2024-12-30"), d("2025-01-02"), Tz::UTC).unwrap();
    let days: Vec<String> = p.days().map(|d| d.to_string()).collect();
    assert_eq!(
        days,
        ["2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"]
    );
    assert_eq!(p.index_of_day(d("2025-01-01")), Some(2));
    assert_eq!(p.index_of_day(d("2025-01-03")), None);
    assert_eq!(p.index_of_day(d("2024-12-29")), None);
}

#[test]
fn whole_calendar_months_compare_with_the_months_before() {
    let p = |a: &str, b: &str| Period::new(d(a), d(b), Tz::UTC).unwrap();
    let span = |q: Period| (q.start(), q.end());
    // March (31 days) against February of a leap year (29 days).
    assert_eq!(p("2024-03-01", "2024-03-31").whole_months(), Some(1));
    assert_eq!(
        span(p("2024-03-01", "2024-03-31").previous()),
        (d("2024-02-01"), d("2024-02-29"))
    );
    // May against April (the page's "last month" preset).
    assert_eq!(
        span(p("2025-05-01", "2025-05-31").previous()),
        (d("2025-04-01"), d("2025-04-30"))
    );
    // A quarter against the quarter before, across a year.
    assert_eq!(
        span(p("2025-01-01", "2025-03-31").previous()),
        (d("2024-10-01"), d("2024-12-31"))
    );
    // Two months (the Kolkata worked example) against the two before.
    assert_eq!(
        span(p("2024-12-01", "2025-01-31").previous()),
        (d("2024-10-01"), d("2024-11-30"))
    );
    // A year against the year before.
    assert_eq!(
        span(p("2025-01-01", "2025-12-31").previous()),
        (d("2024-01-01"), d("2024-12-31"))
    );
    // Not whole months: the same number of days.
    assert_eq!(p("2025-05-01", "2025-05-30").whole_months(), None);
    assert_eq!(p("2025-05-02", "2025-05-31").whole_months(), None);
    assert_eq!(
        span(p("2025-05-02", "2025-05-31").previous()),
        (d("2025-04-02"), d("2025-05-01"))
    );
}

#[test]
fn previous_period_has_the_same_days_and_ends_the_day_before() {
    let la = parse_time_zone("America/Los_Angeles").unwrap();
    let p = Period::new(d("2024-03-02"), d("2024-04-01"), la).unwrap();
    let prev = p.previous();
    assert_eq!(
        (prev.start(), prev.end()),
        (d("2024-01-31"), d("2024-03-01"))
    );
    assert_eq!(prev.day_count(), 31);
    assert_eq!(prev.tz(), la);
    let one = Period::new(d("2025-01-01"), d("2025-01-01"), Tz::UTC).unwrap();
    let prev = one.previous();
    assert_eq!(
        (prev.start(), prev.end()),
        (d("2024-12-31"), d("2024-12-31"))
    );
    // Wednesday 2025-01-01: its ISO week runs Monday 12-30 to Sunday 01-05.
    let weeks = one.whole_weeks();
    assert_eq!(
        (weeks.start(), weeks.end(), weeks.day_count()),
        (d("2024-12-30"), d("2025-01-05"), 7)
    );
}

#[test]
fn local_hours_follow_dst() {
    let la = parse_time_zone("America/Los_Angeles").unwrap();
    let p = Period::new(d("2025-03-09"), d("2025-03-09"), la).unwrap();
    let h = p.local_hours();
    // Sunday = 6 × 24; 02:00 does not exist that day.
    let sunday = |hour: usize| Some(6 * 24 + hour);
    assert_eq!(h.cell(t("2025-03-09 07:59:59+00")), None);
    assert_eq!(h.cell(t("2025-03-09 08:00:00+00")), sunday(0));
    assert_eq!(h.cell(t("2025-03-09 09:59:59+00")), sunday(1));
    assert_eq!(h.cell(t("2025-03-09 10:00:00+00")), sunday(3));
    assert_eq!(h.cell(t("2025-03-10 06:59:59+00")), sunday(23));
    assert_eq!(h.cell(t("2025-03-10 07:00:00+00")), None);
    // Chile's day begins at 01:00 when 00:00 is skipped.
    let tz = parse_time_zone("America/Santiago").unwrap();
    let p = Period::new(d("2024-09-08"), d("2024-09-08"), tz).unwrap();
    let h = p.local_hours();
    assert_eq!(h.cell(t("2024-09-08 04:00:00+00")), sunday(1));
    assert_eq!(h.cell(t("2024-09-08 04:59:59+00")), sunday(1));
    assert_eq!(h.cell(t("2024-09-08 05:00:00+00")), sunday(2));
}

#[test]
fn local_hours_and_days_agree_with_the_zone_minute_by_minute() {
    // Whole-hour DST (Los Angeles), DST at midnight (Santiago), a
    // half-hour offset (Kolkata) and half-hour DST (Lord Howe), each
    // over both of its changes.
    for (zone, start, end) in [
        ("America/Los_Angeles", "2024-11-02", "2025-03-10"),
        ("America/Santiago", "2024-04-05", "2024-09-09"),
        ("Asia/Kolkata", "2025-01-01", "2025-01-08"),
        ("Australia/Lord_Howe", "2024-04-06", "2024-10-07"),
    ] {
        let tz = parse_time_zone(zone).unwrap();
        let p = Period::new(d(start), d(end), tz).unwrap();
        let hours = p.local_hours();
        let mut ts = p.first_instant().0;
        while ts < p.end_instant().0 {
            let local = tz.from_utc_datetime(&utc_datetime(Timestamp(ts)));
            let want = local.weekday().num_days_from_monday() as usize * 24 + local.hour() as usize;
            assert_eq!(hours.cell(Timestamp(ts)), Some(want), "{zone} {local}");
            let day = p.day_index(Timestamp(ts)).unwrap();
            assert_eq!(p.day(day), local.date_naive(), "{zone} {local}");
            ts += 5 * 60 * MICROS_PER_SECOND;
        }
        assert_eq!(hours.cell(p.end_instant()), None);
        assert_eq!(hours.cell(Timestamp(p.first_instant().0 - 1)), None);
    }
}

#[test]
fn iso_weeks_across_new_year() {
    assert_eq!(iso_week_label(d("2024-12-30")), "2025-W01");
    assert_eq!(iso_week_label(d("2024-12-29")), "2024-W52");
    assert_eq!(iso_week_label(d("2021-01-03")), "2020-W53");
    assert_eq!(week_monday(d("2025-01-05")), d("2024-12-30"));
    assert_eq!(week_monday(d("2024-12-30")), d("2024-12-30"));
}
