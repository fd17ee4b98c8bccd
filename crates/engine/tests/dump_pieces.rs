//! A `dumpdata` JSON file read in pieces (as the CLI does on several
//! threads): pieces cut by `DumpPieces` at guessed object starts, each
//! parsed by a continuation of the file's loader and closed in file order
//! after `PieceAt::follows`, load exactly what one loader fed the whole
//! file loads: the same report, counts, warnings, models left aside, and
//! malformed-object errors naming the same object, for every piece size;
//! also for `--natural-foreign` dumps, strings holding `}`, `]`, `"` and
//! the text of an object start, and a nested object that begins with a
//! `model` key (a wrong guess: the rest is read again in order).

use engagement_engine::load::{
    Bundle, DumpPieces, FileLoader, Limits, LoadError, Piece, PieceSizes, Spare,
};
use engagement_engine::period::Period;
use engagement_engine::{export, metrics};
use serde_json::{json, Value};

// Only the fixture helper of the shared test module is used here.
#[allow(dead_code)]
mod common;

/// The worked example's dump, as objects.
fn objects() -> Vec<Value> {
    let path = common::fixture("tiny").join("dump.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `objects` as `manage.py dumpdata` writes them: `", "` and `": "`
/// between items, one line.
fn dumpdata_text(objects: &[Value]) -> Vec<u8> {
    // serde_json writes `{"a":1,"b":2}`; dumpdata (Python's json) writes
    // `{"a": 1, "b": 2}`. Both are cut alike; the fixture keeps Python's.
    let mut out = b"[".to_vec();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        // `model` first, as dumpdata writes it (a `Value` sorts its keys).
        let text = format!(
            "{{\"model\": {}, \"pk\": {}, \"fields\": {}}}",
            o["model"], o["pk"], o["fields"]
        );
        out.extend_from_slice(text.as_bytes());
    }
    out.extend_from_slice(b"]\n");
    out
}

/// The example dump made awkward for a cutter: feed titles and event
/// texts holding `}`, `]`, escaped quotes and the text of an object start,
/// nested objects in `data`, and models the report does not read.
fn awkward() -> Vec<Value> {
    let mut objects = objects();
    for (i, o) in objects.iter_mut().enumerate() {
        let model = o["model"].as_str().unwrap().to_string();
        let fields = o["fields"].as_object_mut().unwrap();
        match model.as_str() {
            "events.useractivityfeed" if i % 3 == 0 => {
                fields.insert(
                    "title".into(),
                    json!("a }}, {\"model\": \"auth.user\"] \\\" ]"),
                );
                fields.insert("description".into(), json!("}]},{\"model\" , {\"model\""));
            }
            "events.event" if i % 5 == 0 => {
                fields.insert("title".into(), json!("}, {\"model\": \"x\", \"pk\": 1}"));
                fields.insert(
                    "user_agent".into(),
                    json!({"nested": [{"deep": {"model": "x"}}, "]}"]}),
                );
            }
            _ => {}
        }
    }
    // Models the report does not read, between the others.
    for at in [3, 200, 500] {
        objects.insert(
            at,
            json!({"model": "prayers.prayerrequest", "pk": at, "fields": {"title": "} ]", "user": 100}}),
        );
    }
    objects
}

/// `objects` as a `--natural-foreign` dump: users by username, content
/// types by `[app_label, model]`, event types by `[code]`.
fn natural(mut objects: Vec<Value>) -> Vec<Value> {
    let mut users = std::collections::HashMap::new();
    let mut content_types = std::collections::HashMap::new();
    let mut event_types = std::collections::HashMap::new();
    for o in &objects {
        let (pk, f) = (o["pk"].clone(), &o["fields"]);
        match o["model"].as_str().unwrap() {
            "auth.user" => drop(users.insert(pk.to_string(), json!([f["username"]]))),
            "contenttypes.contenttype" => {
                drop(content_types.insert(pk.to_string(), json!([f["app_label"], f["model"]])))
            }
            "events.eventtype" => drop(event_types.insert(pk.to_string(), json!([f["code"]]))),
            _ => {}
        }
    }
    for o in &mut objects {
        let model = o["model"].as_str().unwrap().to_string();
        let fields = o["fields"].as_object_mut().unwrap();
        let mut swap = |field: &str, by: &std::collections::HashMap<String, Value>| {
            if let Some(v) = fields.get_mut(field) {
                if let Some(key) = by.get(&v.to_string()) {
                    *v = key.clone();
                }
            }
        };
        if matches!(
            model.as_str(),
            "events.event" | "events.useractivityfeed" | "hub.profile"
        ) {
            swap("user", &users);
            swap("content_type", &content_types);
            swap("event_type", &event_types);
        }
    }
    objects
}

/// Loads `text` whole (`piece` `None`) or in pieces of about `piece`
/// bytes, as a front end does on one thread; describes everything the
/// bundle loaded, and whether the rest of the file was read again in
/// order after a wrong guess.
fn load(text: &[u8], piece: Option<usize>, skip: bool) -> (Result<String, LoadError>, bool) {
    let mut read_again = false;
    let result = (|| {
        let mut bundle = Bundle::new(Limits::default()).skip_bad_rows(skip);
        let mut file = bundle.open("dump.json").unwrap();
        let Some(piece) = piece else {
            file.push(text)?;
            bundle.close(file)?;
            return describe(bundle);
        };
        let sizes = PieceSizes { piece, from: 0 };
        let spare = Spare::new(sizes);
        let mut current: Option<FileLoader> = None;
        for p in DumpPieces::new(text, file, sizes, Limits::default(), &spare) {
            let Piece::Part {
                at,
                mut loader,
                bytes,
            } = p.unwrap()
            else {
                panic!("a dump is cut into parts only");
            };
            let pushed = loader.push(&bytes);
            spare.give(bytes);
            if let Some(mut previous) = current.take() {
                if !at.follows(&previous) {
                    // The guess was wrong: the rest in order, by the
                    // loader of the pieces before.
                    read_again = true;
                    previous.push(&text[at.offset as usize..])?;
                    bundle.close(previous)?;
                    return describe(bundle);
                }
                bundle.close(previous)?;
            }
            pushed?;
            current = Some(loader);
        }
        bundle.close(current.expect("at least one piece"))?;
        describe(bundle)
    })();
    (result, read_again)
}

fn describe(bundle: Bundle) -> Result<String, LoadError> {
    let loaded = bundle.finish()?;
    // The report over the whole example, rather than the data's Debug,
    // which prints hash maps in no fixed order.
    let period = Period::from_options(
        Some("2024-11-01"),
        Some("2025-02-28"),
        Some("UTC"),
        Default::default(),
    )
    .unwrap();
    let report = export::consolidated_json(&metrics::compute(&loaded.dataset, &period));
    Ok(format!(
        "{}\n{:?}\n{:?}\n{:?}\n{:?} {}",
        String::from_utf8(report).unwrap(),
        loaded.counts,
        loaded.warnings,
        loaded.other_models(),
        loaded.incomplete_files(),
        loaded.rows_left_out(),
    ))
}

const PIECES: [usize; 4] = [61, 700, 4096, 50_000];

/// Loads `text` in pieces of every size and checks each against the
/// whole file; returns the whole file's result and whether some piece
/// size had to read the rest again.
fn same_in_pieces(text: &[u8], skip: bool) -> (Result<String, LoadError>, bool) {
    let (whole, _) = load(text, None, skip);
    let mut any_again = false;
    for piece in PIECES {
        let (pieces, again) = load(text, Some(piece), skip);
        if pieces != whole {
            // The first line that differs, not two whole reports.
            let (a, b) = (format!("{pieces:?}"), format!("{whole:?}"));
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let from = at.saturating_sub(300);
            panic!(
                "pieces of {piece} bytes differ from the whole file:\n{}\nvs\n{}",
                &a[from..(at + 300).min(a.len())],
                &b[from..(at + 300).min(b.len())]
            );
        }
        any_again |= again;
    }
    (whole, any_again)
}

#[test]
fn the_example_dump_in_pieces_loads_as_whole_without_reading_again() {
    let text = std::fs::read(common::fixture("tiny").join("dump.json")).unwrap();
    let (whole, again) = same_in_pieces(&text, false);
    let whole = whole.unwrap();
    assert!(whole.contains("Events, 594"), "{whole}");
    assert!(!again, "every guess holds in a dump as dumpdata writes it");
}

#[test]
fn awkward_strings_and_natural_keys_load_as_whole() {
    for objects in [awkward(), natural(awkward())] {
        let text = dumpdata_text(&objects);
        let (whole, again) = same_in_pieces(&text, false);
        let whole = whole.unwrap();
        assert!(whole.contains("(\"prayers.prayerrequest\", 4)"), "{whole}");
        assert!(!again, "no text in a string is taken for an object start");
    }
}

/// Natural keys first met in different pieces, event types and content
/// types interleaved: the synthetic ids the pieces issue are merged into
/// those one loader issues.
#[test]
fn natural_keys_first_met_in_later_pieces_resolve_as_whole() {
    let mut objects = natural(objects());
    // No listed content types or event types: every key is synthetic.
    objects.retain(|o| {
        !matches!(
            o["model"].as_str(),
            Some("contenttypes.contenttype" | "events.eventtype")
        )
    });
    let text = dumpdata_text(&objects);
    let (whole, again) = same_in_pieces(&text, false);
    assert!(!again);
    let whole = whole.unwrap();
    assert!(
        whole.contains("(EventTypes, 12)") && whole.contains("(ContentTypes, 2)"),
        "{whole}"
    );
}

/// A nested array of objects whose second begins with a `model` key,
/// after a `,`: it looks like an object start. A piece cut there does not
/// follow the one before, and the rest is read again in order, with the
/// same result.
#[test]
fn a_nested_object_start_is_a_wrong_guess_read_again_in_order() {
    let mut objects = objects();
    for (i, o) in objects.iter_mut().enumerate() {
        if o["model"] == "events.event" && i % 40 == 0 {
            o["fields"]["user_agent"] = json!([{"a": 1}, {"model": "x", "pk": 1}]);
        }
    }
    let text = dumpdata_text(&objects);
    let (whole, again) = same_in_pieces(&text, false);
    assert!(whole.is_ok());
    assert!(again, "some piece was cut at the nested object");
}

/// Malformed objects in later pieces: the same error as one loader's,
/// naming the same object; skipped, the same warnings.
#[test]
fn a_bad_object_in_a_later_piece_fails_and_counts_as_whole() {
    let mut objects = awkward();
    let n = objects.len();
    for at in [n / 2, n / 2 + 7, n - 3] {
        objects[at]["fields"]["timestamp"] = json!("not a time");
        objects[at]["fields"]["created_at"] = json!("not a time");
    }
    objects[n / 3]["pk"] = json!("seven");
    let text = dumpdata_text(&objects);
    let (whole, _) = same_in_pieces(&text, false);
    let error = whole.unwrap_err();
    assert_eq!(
        error.location.map(|l| l.to_string()),
        Some(format!("object {}", n / 3))
    );
    assert!(error.to_string().contains("4 objects"), "{error}");
    let (skipped, _) = same_in_pieces(&text, true);
    let skipped = skipped.unwrap();
    assert!(
        skipped.ends_with("] 4"),
        "{}",
        &skipped[skipped.len() - 600..]
    );
}

/// A dump cut off inside its last object, and one cut off between two
/// objects: the same as whole, whatever the pieces.
#[test]
fn a_dump_cut_off_is_named_so_whatever_the_pieces() {
    let text = dumpdata_text(&awkward());
    let inside = &text[..text.len() - 40];
    let (whole, _) = same_in_pieces(inside, false);
    assert!(whole.unwrap_err().to_string().contains("export it again"));
    // After the `,` before the last object.
    let start = text
        .windows(10)
        .rposition(|w| w == b", {\"model\"")
        .unwrap();
    let (whole, _) = same_in_pieces(&text[..start + 1], false);
    let error = whole.unwrap_err().to_string();
    assert!(error.contains("between two objects"), "{error}");
}
