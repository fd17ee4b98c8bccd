//! The fixed vocabulary of the demo world: event types, content types,
//! screens, user agents, activity types, names and the awkward texts that
//! exercise readers' quoting. Indexes into these tables are what the
//! scenario stores; the writers turn them into text.

/// Relative activity per UTC hour: quiet nights, evening peak.
pub const HOUR_W: [u32; 24] = [
    3, 2, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 6, 6, 5, 5, 6, 8, 10, 12, 13, 12, 9, 5,
];
/// Acceptance (percent) of a day of the week for activity: Sunday busiest.
pub const WEEKDAY_ACCEPT: [u64; 7] = [62, 60, 60, 62, 66, 75, 100];

/// (id, code, name, category) — the 14 event types of the worked example.
pub const EVENT_TYPES: [(u32, &str, &str, &str); 14] = [
    (1, "app_open", "App Open", "core"),
    (2, "session_start", "Session Start", "core"),
    (3, "screen_view", "Screen View", "navigation"),
    (4, "session_end", "Session End", "core"),
    (5, "devotional_viewed", "Devotional Viewed", "content"),
    (6, "checklist_used", "Checklist Used", "engagement"),
    (7, "prayer_set_viewed", "Prayer Set Viewed", "content"),
    (
        8,
        "tutorial_video_viewed",
        "Tutorial Video Viewed",
        "content",
    ),
    (9, "user_joined_fast", "User Joined Fast", "fast"),
    (10, "user_left_fast", "User Left Fast", "fast"),
    (11, "fast_beginning", "Fast Beginning", "fast"),
    (
        12,
        "devotional_available",
        "Devotional Available",
        "content",
    ),
    (13, "user_logged_in", "User Logged In", "core"),
    (14, "user_account_created", "User Account Created", "core"),
];
// Indexes into EVENT_TYPES (an event's `kind`).
pub const E_APP_OPEN: u8 = 0;
pub const E_SESSION_START: u8 = 1;
pub const E_SCREEN: u8 = 2;
pub const E_SESSION_END: u8 = 3;
pub const E_DEVOTIONAL: u8 = 4;
pub const E_VIDEO: u8 = 7;
pub const E_JOIN: u8 = 8;
pub const E_LEAVE: u8 = 9;
pub const E_FAST_BEGINNING: u8 = 10;
pub const E_DEVOTIONAL_AVAILABLE: u8 = 11;
pub const E_ACCOUNT: u8 = 13;
/// Weights of the ordinary (non-fast) events a user produces, by event type index.
pub const OTHER_EVENT_W: [u32; 14] = [10, 6, 34, 5, 12, 12, 6, 5, 0, 0, 0, 0, 6, 0];

/// (id, app_label, model); index + 1 is the `ct` code used below (0 = none).
pub const CONTENT_TYPES: [(u32, &str, &str); 6] = [
    (4, "auth", "user"),
    (12, "hub", "fast"),
    (15, "hub", "devotional"),
    (11, "hub", "church"),
    (21, "prayers", "prayerrequest"),
    (2, "contenttypes", "contenttype"),
];
// `ct` codes: index + 1 into CONTENT_TYPES.
pub const CT_FAST: u8 = 2;
pub const CT_DEVOTIONAL: u8 = 3;
pub const CT_CHURCH: u8 = 4;
pub const CT_PRAYER: u8 = 5;

/// Screen names in `screen_view` events' `data`.
pub const SCREENS: [&str; 10] = [
    "home",
    "fast_detail",
    "devotional_view",
    "checklist",
    "settings",
    "profile",
    "prayer_requests",
    "Ünïcode screen",
    "a,b",
    "=cmd",
];
/// Weights of [`SCREENS`].
pub const SCREEN_W: [u32; 10] = [30, 16, 14, 12, 8, 7, 6, 3, 2, 2];
/// Number of tutorial videos (ids 1..=VIDEOS).
pub const VIDEOS: u32 = 12;
// An event's `data` is an index into [`data_texts`]; these name its layout.
pub const D_EMPTY: u16 = 0;
pub const D_NULL: u16 = 1;
pub const D_SCREEN_NULL: u16 = 2;
pub const D_VIDEO_TEXT: u16 = 3;
pub const D_SCREEN0: u16 = 4;
pub const D_VIDEO0: u16 = D_SCREEN0 + SCREENS.len() as u16; // video 1 at D_VIDEO0

/// (platform, its app versions) of `app_open` events' `data` (SPEC §11).
pub const PLATFORMS: [(&str, [&str; 3]); 3] = [
    ("ios", ["1.4.2", "1.5.0", "1.5.1"]),
    ("android", ["1.4.2", "1.5.0", "1.5.1"]),
    ("web", ["1.5.0", "1.5.1", "2.0.0-beta"]),
];
/// `app_open` data that counts as an unknown platform or version.
pub const ODD_APP_DATA: [&str; 3] = [
    "{\"platform\": \"\", \"app_version\": \"1.5.0\"}",
    "{\"platform\": null, \"app_version\": null}",
    "{\"platform\": 3, \"app_version\": 150}",
];
/// Session lengths (seconds) of `session_end` events' `data`.
pub const SESSION_SECONDS: [u32; 16] = [
    12, 25, 40, 60, 75, 90, 120, 150, 180, 240, 300, 420, 600, 900, 1500, 2700,
];
/// Where `screen_view` events come from (`data.source`).
pub const SOURCES: [&str; 2] = ["app_ui", "api"];
// More `data` layouts, after the videos (see `data_texts`).
/// The first `{"platform", "app_version"}`: 3 × 3 of them, then
/// [`ODD_APP_DATA`].
pub const D_APP0: u16 = D_VIDEO0 + VIDEOS as u16;
/// The first `{"duration_seconds": N}` of [`SESSION_SECONDS`], then a float
/// and a text that is not counted.
pub const D_SECONDS0: u16 = D_APP0 + 9 + ODD_APP_DATA.len() as u16;
/// The first `{"screen", "source"}`: each screen with each of [`SOURCES`].
pub const D_SOURCED0: u16 = D_SECONDS0 + SESSION_SECONDS.len() as u16 + 2;

/// User agents of events.
pub const USER_AGENTS: [&str; 5] = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)",
    "FastApp/2.3.1 (iOS 17.5)",
    "okhttp/4.12.0",
    "",
];
/// Weights of [`USER_AGENTS`].
pub const UA_W: [u32; 5] = [40, 35, 12, 8, 5];

/// Feed `activity_type` values (a feed item's `kind` indexes this).
pub const ACTIVITY_TYPES: [&str; 11] = [
    "fast_join",
    "fast_leave",
    "fast_reminder",
    "devotional_available",
    "devotional_reminder",
    "milestone",
    "announcement",
    "article_published",
    "event",
    "user_account_created",
    "prayer_request",
];
// Indexes into ACTIVITY_TYPES.
pub const A_JOIN: u8 = 0;
pub const A_LEAVE: u8 = 1;
pub const A_REMINDER: u8 = 2;
pub const A_DEV_AVAILABLE: u8 = 3;
pub const A_DEV_REMINDER: u8 = 4;
pub const A_MILESTONE: u8 = 5;
pub const A_ANNOUNCEMENT: u8 = 6;
pub const A_ARTICLE: u8 = 7;
pub const A_EVENT: u8 = 8;
pub const A_ACCOUNT: u8 = 9;
pub const A_PRAYER: u8 = 10;
/// Weights of ordinary feed items by activity type index.
pub const OTHER_FEED_W: [u32; 11] = [0, 0, 15, 15, 15, 10, 12, 12, 8, 0, 5];

/// Tricky texts used for feed titles and descriptions.
pub const TRICKY: [&str; 14] = [
    "",
    "She said \"amen\"",
    "Line one\nline two",
    "Line one\r\nline two",
    "Ժամանակ",
    "=SUM(A1)",
    "+1",
    "-2",
    "@everyone",
    "Left, then came back",
    "\ttabbed",
    "Χριστός ἀνέστη! 🙏",
    "李雷's note, \"quoted\"",
    "C:\\back\\slash",
];

/// Church names; beyond ten churches they repeat with a city and a number.
pub const CHURCH_NAMES: [&str; 10] = [
    "St. Mary Church",
    "Սուրբ Հովհաննես",
    "Holy Trinity, Fresno",
    "St. Gregory the Illuminator",
    "Սուրբ Խաչ",
    "St. Sarkis",
    "Holy Cross \"Surp Khach\"",
    "Սուրբ Աստվածածին",
    "St. Vartan Cathedral",
    "Church of the Holy Resurrection, Glendale",
];
/// Cities that tell repeated church names apart.
pub const CITIES: [&str; 8] = [
    "Fresno",
    "Glendale",
    "Yerevan",
    "Watertown",
    "Montréal",
    "São Paulo",
    "Los Angeles, CA",
    "Gyumri",
];
/// Fast names.
pub const FAST_NAMES: [&str; 10] = [
    "Great Lent",
    "Advent Fast",
    "Nativity Fast",
    "Apostles' Fast",
    "Dormition Fast",
    "Elijah's Fast",
    "Fast of Nineveh",
    "Առաջավորաց պահք",
    "Community Fast",
    "Fast for Peace, Unity & Hope",
];
/// Fast descriptions (`None` = NULL).
pub const FAST_DESCRIPTIONS: [Option<&str>; 5] = [
    None,
    Some("A fast, with \"quotes\""),
    Some("Forty days of prayer\nand almsgiving"),
    Some(""),
    Some("Պահք և աղոթք"),
];
/// Users' first names (index 0, empty, is the most common).
pub const FIRST_NAMES: [&str; 6] = ["", "María", "Li", "Seán", "Anna-Marie", "Ōta"];
/// Users' last names.
pub const LAST_NAMES: [&str; 6] = ["", "O'Brien", "Lei", "Nakamura, Jr.", "Petrosyan", "Müller"];
/// Profile locations (`None` = NULL).
pub const LOCATIONS: [Option<&str>; 5] = [
    None,
    Some("Fresno, CA"),
    Some("Yerevan"),
    Some("São Paulo"),
    Some(""),
];

/// The JSON texts of events' `data`, in the order the `D_*` constants and
/// [`D_VIDEO0`] assume: `{}`, `null`, a NULL screen, a text video id, one
/// per screen, then one per video.
pub fn data_texts() -> Vec<String> {
    let mut data = vec![
        "{}".to_string(),
        "null".to_string(),
        "{\"screen\": null}".to_string(),
        "{\"video_id\": \"intro\", \"title\": \"Intro, \\\"Welcome\\\"\"}".to_string(),
    ];
    for s in SCREENS {
        data.push(format!("{{\"screen\": \"{s}\"}}"));
    }
    for v in 1..=VIDEOS {
        data.push(format!("{{\"video_id\": {v}, \"title\": \"Video {v}\"}}"));
    }
    for (platform, versions) in PLATFORMS {
        for v in versions {
            data.push(format!(
                "{{\"platform\": \"{platform}\", \"app_version\": \"{v}\"}}"
            ));
        }
    }
    data.extend(ODD_APP_DATA.iter().map(|d| d.to_string()));
    for s in SESSION_SECONDS {
        data.push(format!("{{\"duration_seconds\": {s}}}"));
    }
    data.push("{\"duration_seconds\": 187.5}".to_string());
    data.push("{\"duration_seconds\": \"30\"}".to_string());
    for s in SCREENS {
        for source in SOURCES {
            data.push(format!("{{\"screen\": \"{s}\", \"source\": \"{source}\"}}"));
        }
    }
    data
}
