//! Deterministic generator of realistic demo export bundles (SPEC §2).
//!
//! The same [`DemoConfig`] always gives the same bytes: the module uses only
//! `std`, its own PRNG (SplitMix64 seeding xoshiro256**) and no
//! transcendental floating-point functions.
//!
//! Everything about user number `i` (0-based) is derived from a PRNG seeded by
//! `(seed, i, stream)`: [`user_story`] decides the account, the profile, the
//! fast memberships and the join/leave history; the event and feed writers
//! replay that story, so every table can be written on its own in a single
//! streaming pass and all tables (CSV and JSON) agree with each other.
//!
//! Designed anomalies (so that readers' warnings get exercised):
//! - fast [`ORPHAN_FAST_NAME`] (the last fast) has `church_id` =
//!   [`MISSING_CHURCH_ID`], a church that does not exist;
//! - profile [`GHOST_PROFILE_ID`] belongs to user [`GHOST_USER_ID`], who does
//!   not exist; its memberships are the first fast and [`MISSING_FAST_ID`];
//!   a few events and feed items reference that user;
//! - user number 3 (when there are more than 3 users) is a current member of
//!   [`MISSING_FAST_ID`] (a fast that does not exist) with a join event for it.

use std::io::{self, Write};

/// What to generate. Same config => same bytes, always.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Number of users; every other size scales with it.
    pub users: u32,
    /// PRNG seed.
    pub seed: u64,
    /// last calendar day (UTC) that has data, as (year, month, day)
    pub last_day: (i32, u32, u32),
}

impl DemoConfig {
    /// `users` users, seed 42, last day 2025-06-30.
    pub fn new(users: u32) -> Self {
        DemoConfig {
            users,
            seed: 42,
            last_day: (2025, 6, 30),
        }
    }
}

/// The nine CSV table file names of SPEC 2a, in a fixed order.
pub const CSV_TABLES: [&str; 9] = [
    "auth_user.csv",
    "hub_church.csv",
    "hub_fast.csv",
    "hub_profile.csv",
    "hub_profile_fasts.csv",
    "events_eventtype.csv",
    "events_event.csv",
    "events_useractivityfeed.csv",
    "django_content_type.csv",
];

/// A user id that does not exist but is referenced by a profile, events and feed items.
pub const GHOST_USER_ID: u32 = 999;
/// Username used for [`GHOST_USER_ID`] in `--natural-foreign` dumps.
pub const GHOST_USERNAME: &str = "ghost_999";
/// The profile of the ghost user.
pub const GHOST_PROFILE_ID: u32 = 400;
/// A fast id that does not exist but appears in memberships and join events.
pub const MISSING_FAST_ID: u32 = 999_999;
/// A church id that does not exist; the orphan fast points to it.
pub const MISSING_CHURCH_ID: u32 = 99_999;
/// Name of the last fast, whose church is [`MISSING_CHURCH_ID`].
pub const ORPHAN_FAST_NAME: &str = "Orphan Fast";
/// Number of days with data (about 18 months), ending on `last_day`.
pub const DAYS: i64 = 548;
/// Id of the first event; events are numbered in generation order (with small gaps).
pub const FIRST_EVENT_ID: u64 = 1001;
/// Id of the first feed item.
pub const FIRST_FEED_ID: u64 = 5001;

/// Id of user number `i` (0-based): starts at 1000, increasing, with gaps.
pub fn user_id(i: u32) -> u32 {
    1000 + i + i / 7 + 2 * (i / 31)
}

/// Id of the (main) profile of user number `i`; never equal to that user's id.
pub fn profile_id(i: u32) -> u32 {
    500 + i + i / 13
}

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

// ---------------------------------------------------------------------------
// PRNG

#[inline]
fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded through SplitMix64 from (seed, index, stream).
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64, idx: u64, stream: u64) -> Rng {
        let mut x = seed;
        let a = splitmix(&mut x);
        let mut y = a ^ idx.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let b = splitmix(&mut y);
        let mut z = b ^ stream.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
        let s = [
            splitmix(&mut z),
            splitmix(&mut z),
            splitmix(&mut z),
            splitmix(&mut z),
        ];
        Rng { s }
    }

    #[inline]
    fn next(&mut self) -> u64 {
        let r = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        r
    }

    /// Uniform in `0..n` (0 when n == 0).
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in [0, 1).
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `pct`/100.
    #[inline]
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    /// Index drawn with the given weights.
    fn pick(&mut self, w: &[u32]) -> usize {
        let total: u64 = w.iter().map(|&x| x as u64).sum();
        let mut r = self.below(total);
        for (k, &x) in w.iter().enumerate() {
            if r < x as u64 {
                return k;
            }
            r -= x as u64;
        }
        w.len() - 1
    }
}

// ---------------------------------------------------------------------------
// Calendar

fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// 0 = Monday .. 6 = Sunday.
fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Relative activity per UTC hour: quiet nights, evening peak.
const HOUR_W: [u32; 24] = [
    3, 2, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 6, 6, 5, 5, 6, 8, 10, 12, 13, 12, 9, 5,
];
/// Acceptance (percent) of a day of the week for activity: Sunday busiest.
const WEEKDAY_ACCEPT: [u64; 7] = [62, 60, 60, 62, 66, 75, 100];

// ---------------------------------------------------------------------------
// Fixed vocabularies

/// (id, code, name, category) — the 14 event types of the worked example.
const EVENT_TYPES: [(u32, &str, &str, &str); 14] = [
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
const E_APP_OPEN: u8 = 0;
const E_SESSION_START: u8 = 1;
const E_SCREEN: u8 = 2;
const E_SESSION_END: u8 = 3;
const E_DEVOTIONAL: u8 = 4;
const E_VIDEO: u8 = 7;
const E_JOIN: u8 = 8;
const E_LEAVE: u8 = 9;
const E_FAST_BEGINNING: u8 = 10;
const E_DEVOTIONAL_AVAILABLE: u8 = 11;
const E_ACCOUNT: u8 = 13;
/// Weights of the ordinary (non-fast) events a user produces, by event type index.
const OTHER_EVENT_W: [u32; 14] = [10, 6, 34, 5, 12, 12, 6, 5, 0, 0, 0, 0, 6, 0];

/// (id, app_label, model); index + 1 is the `ct` code used below (0 = none).
const CONTENT_TYPES: [(u32, &str, &str); 6] = [
    (4, "auth", "user"),
    (12, "hub", "fast"),
    (15, "hub", "devotional"),
    (11, "hub", "church"),
    (21, "prayers", "prayerrequest"),
    (2, "contenttypes", "contenttype"),
];
const CT_FAST: u8 = 2;
const CT_DEVOTIONAL: u8 = 3;
const CT_CHURCH: u8 = 4;
const CT_PRAYER: u8 = 5;

const SCREENS: [&str; 10] = [
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
const SCREEN_W: [u32; 10] = [30, 16, 14, 12, 8, 7, 6, 3, 2, 2];
const VIDEOS: u32 = 12;
// Layout of the precomputed `data` texts.
const D_EMPTY: u16 = 0;
const D_NULL: u16 = 1;
const D_SCREEN_NULL: u16 = 2;
const D_VIDEO_TEXT: u16 = 3;
const D_SCREEN0: u16 = 4;
const D_VIDEO0: u16 = D_SCREEN0 + SCREENS.len() as u16; // video 1 at D_VIDEO0

const USER_AGENTS: [&str; 5] = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)",
    "FastApp/2.3.1 (iOS 17.5)",
    "okhttp/4.12.0",
    "",
];
const UA_W: [u32; 5] = [40, 35, 12, 8, 5];

const ACTIVITY_TYPES: [&str; 11] = [
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
const A_JOIN: u8 = 0;
const A_LEAVE: u8 = 1;
const A_REMINDER: u8 = 2;
const A_DEV_AVAILABLE: u8 = 3;
const A_DEV_REMINDER: u8 = 4;
const A_MILESTONE: u8 = 5;
const A_ANNOUNCEMENT: u8 = 6;
const A_ARTICLE: u8 = 7;
const A_EVENT: u8 = 8;
const A_ACCOUNT: u8 = 9;
const A_PRAYER: u8 = 10;
/// Weights of ordinary feed items by activity type index.
const OTHER_FEED_W: [u32; 11] = [0, 0, 15, 15, 15, 10, 12, 12, 8, 0, 5];

/// Tricky texts used for feed titles and descriptions.
const TRICKY: [&str; 14] = [
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

const CHURCH_NAMES: [&str; 10] = [
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
const CITIES: [&str; 8] = [
    "Fresno",
    "Glendale",
    "Yerevan",
    "Watertown",
    "Montréal",
    "São Paulo",
    "Los Angeles, CA",
    "Gyumri",
];
const FAST_NAMES: [&str; 10] = [
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
const FAST_DESCRIPTIONS: [Option<&str>; 5] = [
    None,
    Some("A fast, with \"quotes\""),
    Some("Forty days of prayer\nand almsgiving"),
    Some(""),
    Some("Պահք և աղոթք"),
];
const FIRST_NAMES: [&str; 6] = ["", "María", "Li", "Seán", "Anna-Marie", "Ōta"];
const LAST_NAMES: [&str; 6] = ["", "O'Brien", "Lei", "Nakamura, Jr.", "Petrosyan", "Müller"];
const LOCATIONS: [Option<&str>; 5] = [
    None,
    Some("Fresno, CA"),
    Some("Yerevan"),
    Some("São Paulo"),
    Some(""),
];

// ---------------------------------------------------------------------------
// Per-config context (small: O(users / 2000) churches and fasts)

struct Church {
    id: u32,
    name: String,
    first_fast: usize,
    n_fasts: usize,
}

struct Fast {
    id: u32,
    name: &'static str,
    church_id: u32,
    year: Option<i32>,
    desc: Option<&'static str>,
    begin_day: i64,
}

struct Ctx {
    users: u32,
    seed: u64,
    first_day: i64,
    last_day: i64,
    end_ms: i64,
    day_cum: Vec<f64>,
    churches: Vec<Church>,
    fasts: Vec<Fast>,
    /// (JSON text, CSV field) of each `data` value.
    data: Vec<(String, String)>,
    /// CSV fields of the user agents.
    ua_csv: Vec<String>,
}

fn csv_encode(s: &str) -> String {
    let mut v = Vec::new();
    csv_field(&mut v, s);
    String::from_utf8(v).expect("utf8")
}

impl Ctx {
    fn new(cfg: &DemoConfig) -> Ctx {
        let (y, m, d) = cfg.last_day;
        let last_day = days_from_civil(y, m, d);
        let first_day = last_day - (DAYS - 1);
        // Join weights per day: growth (x6 over the range), weekly rhythm, seasons.
        let mut day_cum = Vec::with_capacity(DAYS as usize);
        let mut growth = 1.0f64;
        let mut acc = 0.0f64;
        for k in 0..DAYS {
            let day = first_day + k;
            let (_, mo, dd) = civil_from_days(day);
            let week = [1.15, 1.0, 1.0, 1.0, 1.0, 0.9, 1.3][weekday(day)];
            let season = if (mo == 2 && dd >= 15) || mo == 3 || (mo == 4 && dd <= 15) {
                1.5
            } else if mo == 12 {
                1.3
            } else {
                1.0
            };
            acc += growth * week * season;
            day_cum.push(acc);
            growth *= 1.003_27;
        }

        let mut r = Rng::new(cfg.seed, 0, 5);
        let n_churches = (cfg.users / 2000 + 3) as usize;
        let mut churches = Vec::with_capacity(n_churches);
        let mut fasts = Vec::new();
        let mut fast_no = 0u32;
        for k in 0..n_churches {
            let id = 1 + k as u32 + k as u32 / 4;
            let base = CHURCH_NAMES[k % CHURCH_NAMES.len()];
            let name = if k < CHURCH_NAMES.len() {
                base.to_string()
            } else {
                let city = CITIES[(k / CHURCH_NAMES.len() + k) % CITIES.len()];
                format!("{base} ({city} {})", k / CHURCH_NAMES.len())
            };
            let n_fasts = 2 + r.below(4) as usize;
            let first_fast = fasts.len();
            let name_base = r.below(FAST_NAMES.len() as u64) as usize;
            for _ in 0..n_fasts {
                fasts.push(Ctx::make_fast(
                    &mut r,
                    &mut fast_no,
                    id,
                    y,
                    first_day,
                    None,
                    name_base,
                ));
            }
            churches.push(Church {
                id,
                name,
                first_fast,
                n_fasts,
            });
        }
        fasts.push(Ctx::make_fast(
            &mut r,
            &mut fast_no,
            MISSING_CHURCH_ID,
            y,
            first_day,
            Some(ORPHAN_FAST_NAME),
            0,
        ));

        let mut data: Vec<(String, String)> = Vec::new();
        let mut add = |json: String| {
            let csv = csv_encode(&json);
            data.push((json, csv));
        };
        add("{}".into());
        add("null".into());
        add("{\"screen\": null}".into());
        add("{\"video_id\": \"intro\", \"title\": \"Intro, \\\"Welcome\\\"\"}".into());
        for s in SCREENS {
            add(format!("{{\"screen\": \"{s}\"}}"));
        }
        for v in 1..=VIDEOS {
            add(format!("{{\"video_id\": {v}, \"title\": \"Video {v}\"}}"));
        }
        let ua_csv = USER_AGENTS.iter().map(|s| csv_encode(s)).collect();
        Ctx {
            users: cfg.users,
            seed: cfg.seed,
            first_day,
            last_day,
            end_ms: (last_day + 1) * DAY_MS,
            day_cum,
            churches,
            fasts,
            data,
            ua_csv,
        }
    }

    fn make_fast(
        r: &mut Rng,
        fast_no: &mut u32,
        church_id: u32,
        year: i32,
        first_day: i64,
        name: Option<&'static str>,
        name_base: usize,
    ) -> Fast {
        let j = *fast_no;
        *fast_no += 1;
        let name = name.unwrap_or(FAST_NAMES[(name_base + j as usize) % FAST_NAMES.len()]);
        let year = match r.pick(&[30, 35, 15, 20]) {
            0 => Some(year - 1),
            1 => Some(year),
            2 => Some(year + 1),
            _ => None,
        };
        let year = if name == ORPHAN_FAST_NAME {
            Some(year.unwrap_or(2025))
        } else {
            year
        };
        Fast {
            id: 10 + 3 * j + (j % 2),
            name,
            church_id,
            year,
            desc: FAST_DESCRIPTIONS[r.below(FAST_DESCRIPTIONS.len() as u64) as usize],
            begin_day: first_day + r.below(DAYS as u64) as i64,
        }
    }

    /// A timestamp in [lo, hi) with daily (evening) and weekly (Sunday) rhythm.
    /// `front` concentrates activity shortly after `lo` (onboarding burst).
    fn activity_ts(&self, r: &mut Rng, lo: i64, hi: i64, front: bool) -> i64 {
        let span = (hi - lo).max(1);
        let mut day = lo.div_euclid(DAY_MS);
        for _ in 0..4 {
            let u = r.unit();
            let f = if front { u * u.sqrt() } else { u };
            let t = lo + (f * span as f64) as i64;
            day = t.div_euclid(DAY_MS);
            if r.below(100) < WEEKDAY_ACCEPT[weekday(day)] {
                break;
            }
        }
        let hour = r.pick(&HOUR_W) as i64;
        let mut t = day * DAY_MS + hour * HOUR_MS + r.below(HOUR_MS as u64) as i64;
        if r.pct(12) {
            t -= t.rem_euclid(1000);
        }
        if t < lo || t >= hi {
            t = lo + r.below(span as u64) as i64;
        }
        t
    }

    fn pick_church(&self, r: &mut Rng) -> usize {
        let u = r.unit();
        ((u * u * self.churches.len() as f64) as usize).min(self.churches.len() - 1)
    }

    fn pick_fast(&self, r: &mut Rng, church: Option<usize>) -> usize {
        let n = self.fasts.len();
        if r.pct(1) {
            return n - 1; // the orphan fast
        }
        if let Some(c) = church {
            if r.pct(80) {
                let ch = &self.churches[c];
                return ch.first_fast + r.below(ch.n_fasts as u64) as usize;
            }
        }
        let u = r.unit();
        ((u * u * (n - 1) as f64) as usize).min(n - 2)
    }

    fn fast_name(&self, fast_id: u32) -> &'static str {
        match self.fast_index(fast_id) {
            Some(k) => self.fasts[k].name,
            None => "a fast",
        }
    }

    fn fast_index(&self, fast_id: u32) -> Option<usize> {
        self.fasts.binary_search_by_key(&fast_id, |f| f.id).ok()
    }
}

// ---------------------------------------------------------------------------
// User stories

#[derive(Clone, Copy, Default)]
struct Link {
    fast_id: u32,
    n_ts: usize,
    /// join, leave, join, ... times (strictly increasing)
    ts: [i64; 6],
    current: bool,
    /// membership held by the user's second profile
    second: bool,
}

/// Everything about one user that more than one table needs.
struct UserStory {
    idx: u32,
    id: u32,
    name_kind: u8,
    email_kind: u8,
    first_name: u8,
    last_name: u8,
    joined: i64,
    last_login: Option<i64>,
    active_end: i64,
    superuser: bool,
    staff: bool,
    active: bool,
    n_other_events: u32,
    n_other_feed: u32,
    profile: Option<u32>,
    profile2: Option<u32>,
    church: Option<usize>,
    location: u8,
    profile_name: bool,
    links: [Link; 5],
    n_links: usize,
    account_event: bool,
    account_feed: bool,
}

impl UserStory {
    fn links(&self) -> &[Link] {
        &self.links[..self.n_links]
    }

    fn write_username(&self, s: &mut String) {
        let prefix = match self.name_kind {
            0 => "user",
            1 => "admin",
            2 => "maría",
            3 => "李雷",
            4 => "comma,user",
            5 => "o'brien",
            6 => "=cmd",
            7 => "@x",
            8 => "tab\tname",
            9 => "Zoë_",
            _ => "-dash",
        };
        s.push_str(prefix);
        push_u64(s, self.id as u64);
    }

    fn write_email(&self, s: &mut String) {
        match self.email_kind {
            0 => {
                s.push('u');
                push_u64(s, self.id as u64);
                s.push_str("@example.org");
            }
            1 => {
                s.push_str("Member.");
                push_u64(s, self.id as u64);
                s.push_str("@Example.COM");
            }
            2 => {
                s.push_str("maría.");
                push_u64(s, self.id as u64);
                s.push_str("@correo.example");
            }
            3 => {
                s.push('u');
                push_u64(s, self.id as u64);
                s.push_str("+fasts@example.org");
            }
            _ => {} // empty email
        }
    }
}

fn push_u64(s: &mut String, v: u64) {
    let mut b = [0u8; 20];
    s.push_str(itoa(&mut b, v));
}

/// Derives user number `i` from (seed, i).
fn user_story(ctx: &Ctx, i: u32) -> UserStory {
    let mut r = Rng::new(ctx.seed, i as u64, 0);
    let id = user_id(i);
    let n = ctx.users.max(1) as f64;

    // date_joined: monotone in i (ids grow with time), growth and weekly rhythm.
    let q = (i as f64 + r.unit()) / n;
    let total = *ctx.day_cum.last().expect("days");
    let target = q * total;
    let k = ctx
        .day_cum
        .partition_point(|&c| c < target)
        .min(ctx.day_cum.len() - 1);
    let day = ctx.first_day + k as i64;
    let mut joined = if i == 0 {
        ctx.first_day * DAY_MS
    } else if i % 997 == 500 {
        day * DAY_MS // exact midnight
    } else if i % 991 == 5 {
        (day + 1) * DAY_MS - 1 // last millisecond of the day
    } else {
        let h = r.pick(&HOUR_W) as i64;
        let mut t = day * DAY_MS + h * HOUR_MS + r.below(HOUR_MS as u64) as i64;
        if r.pct(20) {
            t -= t.rem_euclid(1000);
        }
        t
    };
    joined = joined.min(ctx.end_ms - HOUR_MS);

    let name_kind = if i == 0 {
        1
    } else {
        match r.below(1000) {
            0..=2 => 6,
            3..=5 => 7,
            6..=8 => 10,
            9..=23 => 4,
            24..=43 => 5,
            44..=83 => 2,
            84..=123 => 3,
            124..=128 => 8,
            129..=148 => 9,
            _ => 0,
        }
    };
    let email_kind = match r.below(100) {
        0..=79 => 0,
        80..=87 => 1,
        88..=92 => 2,
        93..=96 => 3,
        _ => 4,
    };
    let first_name = if r.pct(70) { 0 } else { 1 + r.below(5) as u8 };
    let last_name = if r.pct(70) { 0 } else { 1 + r.below(5) as u8 };

    // Active lifetime.
    let end_cap = ctx.end_ms - 1000;
    let mut active_end = if r.pct(30) {
        end_cap
    } else {
        let days = 3 + (r.below(300) * r.below(300)) as i64 / 150;
        (joined + days * DAY_MS + r.below(DAY_MS as u64) as i64).min(end_cap)
    };
    active_end = active_end.max((joined + HOUR_MS).min(end_cap));

    let last_login = if r.pct(20) {
        None
    } else {
        Some(ctx.activity_ts(&mut r, joined, active_end, false))
    };

    // Skewed activity: many light users, some heavy.
    let n_other_events = match r.below(100) {
        0..=39 => 1 + r.below(5),
        40..=74 => 6 + r.below(18),
        75..=94 => 20 + r.below(36),
        _ => 50 + r.below(100),
    } as u32;
    let n_other_feed = ((n_other_events as u64 * 45 + r.below(100)) / 100) as u32;

    let has_profile = i == 0 || i == 3 || r.pct(95);
    let mut st = UserStory {
        idx: i,
        id,
        name_kind,
        email_kind,
        first_name,
        last_name,
        joined,
        last_login,
        active_end,
        superuser: i == 0,
        staff: i == 0 || i % 5000 == 1,
        active: i == 0 || !r.pct(2),
        n_other_events,
        n_other_feed,
        profile: None,
        profile2: None,
        church: None,
        location: 0,
        profile_name: false,
        links: [Link::default(); 5],
        n_links: 0,
        account_event: r.pct(90),
        account_feed: r.pct(80),
    };
    if !has_profile {
        return st;
    }
    st.profile = Some(profile_id(i));
    st.church = if r.pct(85) {
        Some(ctx.pick_church(&mut r))
    } else {
        None
    };
    st.location = r.below(LOCATIONS.len() as u64) as u8;
    st.profile_name = r.pct(10);

    // Fasts this user ever touched, with their join/leave history.
    let n_fasts = match r.below(100) {
        0..=34 => 0,
        35..=69 => 1,
        70..=87 => 2,
        88..=96 => 3,
        _ => 4,
    };
    let mut current = 0;
    for _ in 0..n_fasts {
        let mut fi = ctx.pick_fast(&mut r, st.church);
        let mut tries = 0;
        while st.links().iter().any(|l| l.fast_id == ctx.fasts[fi].id) && tries < 5 {
            fi = ctx.pick_fast(&mut r, st.church);
            tries += 1;
        }
        if tries == 5 {
            continue;
        }
        let (mut is_current, mut n_ts) = match r.below(100) {
            0..=54 => (true, 1),
            55..=62 => (true, 0),
            63..=69 => (true, if r.pct(70) { 3 } else { 5 }),
            70..=91 => (false, 2),
            _ => (false, if r.pct(70) { 4 } else { 6 }),
        };
        if is_current && current == 3 {
            is_current = false;
            n_ts = 2;
        }
        if is_current {
            current += 1;
        }
        let mut link = Link {
            fast_id: ctx.fasts[fi].id,
            n_ts,
            current: is_current,
            ..Link::default()
        };
        fill_times(ctx, &mut r, &mut link, joined, active_end);
        st.links[st.n_links] = link;
        st.n_links += 1;
    }
    if i == 3 && ctx.users > 3 {
        let mut link = Link {
            fast_id: MISSING_FAST_ID,
            n_ts: 1,
            current: true,
            ..Link::default()
        };
        fill_times(ctx, &mut r, &mut link, joined, active_end);
        st.links[st.n_links] = link;
        st.n_links += 1;
    }
    // A few users have a second (legacy) profile holding one of their memberships.
    if i % 2600 == 1300 {
        st.profile2 = Some(profile_id(i) - 1);
        if let Some(l) = st.links[..st.n_links].iter_mut().rev().find(|l| l.current) {
            l.second = true;
        }
    }
    st
}

fn fill_times(ctx: &Ctx, r: &mut Rng, link: &mut Link, lo: i64, hi: i64) {
    let n = link.n_ts;
    for k in 0..n {
        link.ts[k] = ctx.activity_ts(r, lo + 1, hi, false);
    }
    link.ts[..n].sort_unstable();
    for k in 1..n {
        if link.ts[k] <= link.ts[k - 1] {
            link.ts[k] = link.ts[k - 1] + 1;
        }
    }
}

// ---------------------------------------------------------------------------
// Events

#[derive(Clone, Copy)]
struct Ev {
    ts: i64,
    /// 0 = NULL
    user: u32,
    /// 0 = NULL
    obj: u32,
    kind: u8,
    /// 0 = none, else index + 1 into CONTENT_TYPES
    ct: u8,
    data: u16,
    ua: u8,
    /// 0 = NULL
    ip: u16,
}

fn gen_events(ctx: &Ctx, st: &UserStory, buf: &mut Vec<Ev>) {
    let mut r = Rng::new(ctx.seed, st.idx as u64, 1);
    let ua = r.pick(&UA_W) as u8;
    let ip = if r.pct(40) {
        0
    } else {
        1 + r.below(600) as u16
    };
    let base = Ev {
        ts: st.joined,
        user: st.id,
        obj: 0,
        kind: E_ACCOUNT,
        ct: 0,
        data: D_EMPTY,
        ua,
        ip,
    };
    if st.account_event {
        buf.push(base);
    }
    for l in st.links() {
        for k in 0..l.n_ts {
            buf.push(Ev {
                ts: l.ts[k],
                kind: if k % 2 == 0 { E_JOIN } else { E_LEAVE },
                ct: CT_FAST,
                obj: l.fast_id,
                ..base
            });
        }
    }
    // A few join events with a content type but no fast id (target nothing).
    if st.idx % 1009 == 17 {
        buf.push(Ev {
            ts: ctx.activity_ts(&mut r, st.joined, st.active_end, false),
            kind: E_JOIN,
            ct: CT_FAST,
            ..base
        });
    }
    for _ in 0..st.n_other_events {
        let kind = r.pick(&OTHER_EVENT_W) as u8;
        let mut ev = Ev {
            ts: ctx.activity_ts(&mut r, st.joined, st.active_end, true),
            kind,
            ..base
        };
        match kind {
            E_SCREEN => {
                ev.data = match r.below(1000) {
                    0..=19 => D_SCREEN_NULL,
                    20..=29 => D_EMPTY,
                    _ => D_SCREEN0 + r.pick(&SCREEN_W) as u16,
                };
            }
            E_VIDEO => {
                ev.data = match r.below(100) {
                    0..=3 => D_EMPTY,
                    4 => D_VIDEO_TEXT,
                    _ => {
                        let u = r.unit();
                        D_VIDEO0 + (u * u * VIDEOS as f64) as u16
                    }
                };
            }
            E_DEVOTIONAL => {
                ev.ct = CT_DEVOTIONAL;
                ev.obj = 1 + r.below(400) as u32;
            }
            _ => {}
        }
        if matches!(
            kind,
            E_SCREEN | E_APP_OPEN | E_SESSION_START | E_SESSION_END
        ) && r.pct(2)
        {
            ev.user = 0; // logged-out / anonymous
        }
        if r.below(1000) < 2 {
            ev.data = D_NULL;
        }
        buf.push(ev);
    }
    buf.sort_by_key(|e| e.ts);
}

/// Events not owned by a regular user: system events (NULL user) and the
/// ghost user's events. Sorted by time.
fn epilogue_events(ctx: &Ctx) -> Vec<Ev> {
    let mut r = Rng::new(ctx.seed, 0, 8);
    let mut v = Vec::new();
    let base = Ev {
        ts: 0,
        user: 0,
        obj: 0,
        kind: E_FAST_BEGINNING,
        ct: CT_FAST,
        data: D_EMPTY,
        ua: 4,
        ip: 0,
    };
    for f in &ctx.fasts {
        v.push(Ev {
            ts: f.begin_day * DAY_MS + 18 * HOUR_MS,
            obj: f.id,
            ..base
        });
    }
    let mut day = ctx.first_day;
    while day <= ctx.last_day {
        if weekday(day) == 6 {
            v.push(Ev {
                ts: day * DAY_MS + 19 * HOUR_MS,
                kind: E_DEVOTIONAL_AVAILABLE,
                ct: 0,
                ..base
            });
        }
        day += 1;
    }
    let lo = ctx.end_ms - 120 * DAY_MS;
    let ghost = Ev {
        user: GHOST_USER_ID,
        ua: 0,
        ..base
    };
    let first_fast = ctx.fasts[0].id;
    for (fast, k) in [(first_fast, E_JOIN), (MISSING_FAST_ID, E_JOIN)] {
        v.push(Ev {
            ts: ctx.activity_ts(&mut r, lo, ctx.end_ms - 1000, false),
            kind: k,
            obj: fast,
            ..ghost
        });
    }
    for _ in 0..3 {
        v.push(Ev {
            ts: ctx.activity_ts(&mut r, lo, ctx.end_ms - 1000, false),
            kind: E_SCREEN,
            ct: 0,
            data: D_SCREEN0,
            ..ghost
        });
    }
    v.sort_by_key(|e| e.ts);
    v
}

/// Calls `f(id, event, username of its user)` for every event, in id order.
fn for_each_event<F>(ctx: &Ctx, mut f: F) -> io::Result<()>
where
    F: FnMut(u64, &Ev, &str) -> io::Result<()>,
{
    let mut buf: Vec<Ev> = Vec::with_capacity(512);
    let mut uname = String::new();
    let mut gaps = Rng::new(ctx.seed, 0, 9);
    let mut id = FIRST_EVENT_ID;
    for i in 0..ctx.users {
        let st = user_story(ctx, i);
        buf.clear();
        gen_events(ctx, &st, &mut buf);
        uname.clear();
        st.write_username(&mut uname);
        for ev in &buf {
            if gaps.below(64) == 0 {
                id += 1 + gaps.below(3);
            }
            f(id, ev, if ev.user != 0 { &uname } else { "" })?;
            id += 1;
        }
    }
    for ev in &epilogue_events(ctx) {
        f(id, ev, if ev.user != 0 { GHOST_USERNAME } else { "" })?;
        id += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Feed items

#[derive(Clone, Copy)]
enum Txt {
    Null,
    Lit(&'static str),
    Joined(u32),
    Left(u32),
    Remind(u32),
    DayN(u32),
    Streak(u32),
}

impl Txt {
    /// Renders into `s`; false when NULL.
    fn render(self, ctx: &Ctx, s: &mut String) -> bool {
        s.clear();
        match self {
            Txt::Null => return false,
            Txt::Lit(t) => s.push_str(t),
            Txt::Joined(f) => {
                s.push_str("Joined ");
                s.push_str(ctx.fast_name(f));
            }
            Txt::Left(f) => {
                s.push_str("Left ");
                s.push_str(ctx.fast_name(f));
            }
            Txt::Remind(f) => {
                s.push_str("Reminder: ");
                s.push_str(ctx.fast_name(f));
                s.push_str(" continues today");
            }
            Txt::DayN(n) => {
                s.push_str("Devotional for Day ");
                push_u64(s, n as u64);
            }
            Txt::Streak(n) => {
                push_u64(s, n as u64);
                s.push_str("-day streak! 🎉");
            }
        }
        true
    }
}

#[derive(Clone, Copy)]
struct Item {
    ts: i64,
    user: u32,
    obj: u32,
    kind: u8,
    ct: u8,
    title: Txt,
    desc: Txt,
    is_read: bool,
    /// 0 = NULL
    read_at: i64,
}

fn tricky(r: &mut Rng) -> Txt {
    if r.pct(2) {
        Txt::Null
    } else {
        Txt::Lit(TRICKY[r.below(TRICKY.len() as u64) as usize])
    }
}

fn gen_feed(ctx: &Ctx, st: &UserStory, buf: &mut Vec<Item>) {
    let mut r = Rng::new(ctx.seed, st.idx as u64, 2);
    let cap = ctx.end_ms - 1;
    let base = Item {
        ts: st.joined,
        user: st.id,
        obj: 0,
        kind: A_ACCOUNT,
        ct: 0,
        title: Txt::Lit("Welcome to the community!"),
        desc: Txt::Null,
        is_read: false,
        read_at: 0,
    };
    if st.account_feed {
        buf.push(Item {
            ts: (st.joined + 1000 + r.below(60_000) as i64).min(cap),
            desc: if r.pct(50) { Txt::Null } else { tricky(&mut r) },
            ..base
        });
    }
    for l in st.links() {
        for k in 0..l.n_ts {
            let join = k % 2 == 0;
            let target = r.pct(90);
            buf.push(Item {
                ts: (l.ts[k] + 1 + r.below(5000) as i64).min(cap),
                kind: if join { A_JOIN } else { A_LEAVE },
                ct: if target { CT_FAST } else { 0 },
                obj: if target { l.fast_id } else { 0 },
                title: if r.pct(85) {
                    if join {
                        Txt::Joined(l.fast_id)
                    } else {
                        Txt::Left(l.fast_id)
                    }
                } else {
                    tricky(&mut r)
                },
                desc: if r.pct(60) { Txt::Null } else { tricky(&mut r) },
                ..base
            });
        }
    }
    for _ in 0..st.n_other_feed {
        let mut kind = r.pick(&OTHER_FEED_W) as u8;
        if kind == A_REMINDER && st.n_links == 0 {
            kind = A_DEV_AVAILABLE;
        }
        let mut it = Item {
            ts: ctx.activity_ts(&mut r, st.joined, st.active_end, true),
            kind,
            desc: if r.pct(10) { Txt::Null } else { tricky(&mut r) },
            ..base
        };
        let day = 1 + r.below(40) as u32;
        let plain = r.pct(70);
        match kind {
            A_REMINDER => {
                let l = st.links[r.below(st.n_links as u64) as usize];
                it.ct = CT_FAST;
                it.obj = l.fast_id;
                it.title = Txt::Remind(l.fast_id);
            }
            A_DEV_AVAILABLE | A_DEV_REMINDER => {
                if r.pct(60) {
                    it.ct = CT_DEVOTIONAL;
                    it.obj = 1 + r.below(400) as u32;
                } else if kind == A_DEV_REMINDER && st.n_links > 0 && r.pct(50) {
                    it.ct = CT_FAST;
                    it.obj = st.links[r.below(st.n_links as u64) as usize].fast_id;
                }
                it.title = Txt::DayN(day);
            }
            A_MILESTONE => it.title = Txt::Streak(day),
            A_ANNOUNCEMENT => {
                if r.pct(30) {
                    if let Some(c) = st.church {
                        it.ct = CT_CHURCH;
                        it.obj = ctx.churches[c].id;
                    }
                }
                it.title = Txt::Lit("Parish announcement");
            }
            A_ARTICLE => it.title = Txt::Lit("New article: Prayer, fasting & almsgiving"),
            A_EVENT => {
                let f = &ctx.fasts[ctx.pick_fast(&mut r, st.church)];
                it.ct = CT_FAST;
                it.obj = f.id;
                it.title = Txt::Lit("Community meal after liturgy");
            }
            A_PRAYER => {
                it.ct = CT_PRAYER;
                it.obj = 1 + r.below(500) as u32;
                it.title = Txt::Lit("Someone prayed for you");
            }
            _ => {}
        }
        if !plain {
            it.title = tricky(&mut r);
        }
        buf.push(it);
    }
    for it in buf.iter_mut() {
        if r.pct(60) {
            it.is_read = true;
            let at = it.ts + 1000 + r.below(3 * DAY_MS as u64) as i64;
            if at < cap && r.pct(95) {
                it.read_at = at;
            }
        }
    }
    buf.sort_by_key(|it| it.ts);
}

fn for_each_feed<F>(ctx: &Ctx, mut f: F) -> io::Result<()>
where
    F: FnMut(u64, &Item, &str) -> io::Result<()>,
{
    let mut buf: Vec<Item> = Vec::with_capacity(256);
    let mut uname = String::new();
    let mut gaps = Rng::new(ctx.seed, 0, 10);
    let mut id = FIRST_FEED_ID;
    for i in 0..ctx.users {
        let st = user_story(ctx, i);
        buf.clear();
        gen_feed(ctx, &st, &mut buf);
        uname.clear();
        st.write_username(&mut uname);
        for it in &buf {
            if gaps.below(50) == 0 {
                id += 1 + gaps.below(2);
            }
            f(id, it, &uname)?;
            id += 1;
        }
    }
    let mut r = Rng::new(ctx.seed, 0, 11);
    let lo = ctx.end_ms - 60 * DAY_MS;
    let mut ghost = [
        Item {
            ts: ctx.activity_ts(&mut r, lo, ctx.end_ms - 1000, false),
            user: GHOST_USER_ID,
            obj: ctx.fasts[0].id,
            kind: A_JOIN,
            ct: CT_FAST,
            title: Txt::Joined(ctx.fasts[0].id),
            desc: Txt::Null,
            is_read: false,
            read_at: 0,
        },
        Item {
            ts: ctx.activity_ts(&mut r, lo, ctx.end_ms - 1000, false),
            user: GHOST_USER_ID,
            obj: 0,
            kind: A_MILESTONE,
            ct: 0,
            title: Txt::Streak(3),
            desc: Txt::Lit(""),
            is_read: false,
            read_at: 0,
        },
    ];
    ghost.sort_by_key(|it| it.ts);
    for it in &ghost {
        f(id, it, GHOST_USERNAME)?;
        id += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Output helpers

fn itoa(b: &mut [u8; 20], mut v: u64) -> &str {
    let mut i = 20;
    loop {
        i -= 1;
        b[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    std::str::from_utf8(&b[i..]).expect("digits")
}

/// PostgreSQL CSV quoting: quoted when empty or containing `,` `"` CR LF.
fn csv_field(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if b.is_empty()
        || b.iter()
            .any(|&c| c == b',' || c == b'"' || c == b'\n' || c == b'\r')
    {
        buf.push(b'"');
        for &c in b {
            if c == b'"' {
                buf.push(b'"');
            }
            buf.push(c);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(b);
    }
}

/// JSON string as Python's json (ensure_ascii=False) writes it.
fn json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    for &c in s.as_bytes() {
        match c {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            c if c < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(c >> 4) as usize]);
                buf.push(HEX[(c & 15) as usize]);
            }
            c => buf.push(c),
        }
    }
    buf.push(b'"');
}

/// Buffered writer with number and timestamp formatting.
struct Sink<'a> {
    out: &'a mut dyn Write,
    buf: Vec<u8>,
    day: i64,
    date: [u8; 10],
    first: bool,
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut dyn Write) -> Sink<'a> {
        Sink {
            out,
            buf: Vec::with_capacity(1 << 17),
            day: i64::MIN,
            date: [0; 10],
            first: true,
        }
    }

    #[inline]
    fn s(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    #[inline]
    fn u(&mut self, v: u64) {
        let mut b = [0u8; 20];
        let t = itoa(&mut b, v);
        self.buf.extend_from_slice(t.as_bytes());
    }

    /// A number, or NULL (unquoted empty in CSV) when 0.
    #[inline]
    fn csv_opt(&mut self, v: u64) {
        if v != 0 {
            self.u(v);
        }
    }

    /// A number, or `null` when 0.
    #[inline]
    fn json_opt(&mut self, v: u64) {
        if v != 0 {
            self.u(v);
        } else {
            self.s("null");
        }
    }

    fn csv_text(&mut self, s: &str) {
        csv_field(&mut self.buf, s);
    }

    fn json_text(&mut self, s: &str) {
        json_str(&mut self.buf, s);
    }

    fn date_of(&mut self, day: i64) -> [u8; 10] {
        if day != self.day {
            let (y, m, d) = civil_from_days(day);
            let y = y as u32;
            self.date = [
                b'0' + (y / 1000 % 10) as u8,
                b'0' + (y / 100 % 10) as u8,
                b'0' + (y / 10 % 10) as u8,
                b'0' + (y % 10) as u8,
                b'-',
                b'0' + (m / 10) as u8,
                b'0' + (m % 10) as u8,
                b'-',
                b'0' + (d / 10) as u8,
                b'0' + (d % 10) as u8,
            ];
            self.day = day;
        }
        self.date
    }

    /// `YYYY-MM-DD?HH:MM:SS`, returns the milliseconds.
    fn ts_base(&mut self, ms: i64, sep: u8) -> u32 {
        let day = ms.div_euclid(DAY_MS);
        let rest = ms.rem_euclid(DAY_MS);
        let date = self.date_of(day);
        let secs = (rest / 1000) as u32;
        let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        self.buf.extend_from_slice(&date);
        self.buf.extend_from_slice(&[
            sep,
            b'0' + (h / 10) as u8,
            b'0' + (h % 10) as u8,
            b':',
            b'0' + (mi / 10) as u8,
            b'0' + (mi % 10) as u8,
            b':',
            b'0' + (s / 10) as u8,
            b'0' + (s % 10) as u8,
        ]);
        (rest % 1000) as u32
    }

    /// PostgreSQL `timestamptz` text: `2024-01-15 14:23:45.12+00`.
    fn ts_pg(&mut self, ms: i64) {
        let frac = self.ts_base(ms, b' ');
        if frac != 0 {
            let d = [
                b'0' + (frac / 100) as u8,
                b'0' + (frac / 10 % 10) as u8,
                b'0' + (frac % 10) as u8,
            ];
            let n = if d[2] != b'0' {
                3
            } else if d[1] != b'0' {
                2
            } else {
                1
            };
            self.buf.push(b'.');
            self.buf.extend_from_slice(&d[..n]);
        }
        self.buf.extend_from_slice(b"+00");
    }

    /// Django JSON: `"2024-01-15T14:23:45.120Z"`.
    fn ts_json(&mut self, ms: i64) {
        self.buf.push(b'"');
        let frac = self.ts_base(ms, b'T');
        if frac != 0 {
            self.buf.extend_from_slice(&[
                b'.',
                b'0' + (frac / 100) as u8,
                b'0' + (frac / 10 % 10) as u8,
                b'0' + (frac % 10) as u8,
            ]);
        }
        self.buf.extend_from_slice(b"Z\"");
    }

    fn ts_json_opt(&mut self, ms: Option<i64>) {
        match ms {
            Some(ms) => self.ts_json(ms),
            None => self.s("null"),
        }
    }

    /// Ends a CSV row and flushes when the buffer is large.
    #[inline]
    fn eol(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.maybe_flush()
    }

    #[inline]
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    /// Starts a dumpdata object: `{"model": "...", "pk": N, "fields": {`.
    fn obj(&mut self, model: &str, pk: u64) {
        if self.first {
            self.first = false;
        } else {
            self.buf.extend_from_slice(b", ");
        }
        self.s("{\"model\": \"");
        self.s(model);
        self.s("\", \"pk\": ");
        self.u(pk);
        self.s(", \"fields\": {");
    }

    fn end_obj(&mut self) -> io::Result<()> {
        self.s("}}");
        self.maybe_flush()
    }

    fn ip(&mut self, ip: u16) {
        if ip.is_multiple_of(5) {
            self.s("2001:db8::1:");
        } else if ip.is_multiple_of(2) {
            self.s("203.0.113.");
        } else {
            self.s("198.51.100.");
        }
        self.u((ip % 250) as u64 + 1);
    }
}

// ---------------------------------------------------------------------------
// CSV writers

/// Writes one CSV table (PostgreSQL `\copy ... CSV HEADER` format) to `out`.
pub fn write_csv_table(cfg: &DemoConfig, file_name: &str, out: &mut dyn Write) -> io::Result<()> {
    let ctx = Ctx::new(cfg);
    let mut w = Sink::new(out);
    let mut s = String::new();
    match file_name {
        "auth_user.csv" => {
            w.s("id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,is_active,date_joined\n");
            for i in 0..ctx.users {
                let st = user_story(&ctx, i);
                w.u(st.id as u64);
                w.s(",pbkdf2_sha256$870000$demo$c2FsdA==,");
                if let Some(t) = st.last_login {
                    w.ts_pg(t);
                }
                w.s(if st.superuser { ",t," } else { ",f," });
                s.clear();
                st.write_username(&mut s);
                w.csv_text(&s);
                w.s(",");
                w.csv_text(FIRST_NAMES[st.first_name as usize]);
                w.s(",");
                w.csv_text(LAST_NAMES[st.last_name as usize]);
                w.s(",");
                s.clear();
                st.write_email(&mut s);
                w.csv_text(&s);
                w.s(if st.staff { ",t," } else { ",f," });
                w.s(if st.active { "t," } else { "f," });
                w.ts_pg(st.joined);
                w.eol()?;
            }
        }
        "hub_church.csv" => {
            w.s("id,name\n");
            for c in &ctx.churches {
                w.u(c.id as u64);
                w.s(",");
                w.csv_text(&c.name);
                w.eol()?;
            }
        }
        "hub_fast.csv" => {
            w.s("id,name,description,year,church_id,culmination_feast\n");
            for f in &ctx.fasts {
                w.u(f.id as u64);
                w.s(",");
                w.csv_text(f.name);
                w.s(",");
                if let Some(d) = f.desc {
                    w.csv_text(d);
                }
                w.s(",");
                if let Some(y) = f.year {
                    w.u(y as u64);
                }
                w.s(",");
                w.u(f.church_id as u64);
                w.s(",");
                w.eol()?;
            }
        }
        "hub_profile.csv" => {
            w.s("id,name,location,user_id,church_id\n");
            let row = |w: &mut Sink, id: u32, name: bool, loc: u8, user: u32, church: u32| {
                w.u(id as u64);
                w.s(",");
                if name {
                    w.csv_text("Family, \"Home\"");
                }
                w.s(",");
                if let Some(l) = LOCATIONS[loc as usize] {
                    w.csv_text(l);
                }
                w.s(",");
                w.u(user as u64);
                w.s(",");
                w.csv_opt(church as u64);
                w.eol()
            };
            for i in 0..ctx.users {
                let st = user_story(&ctx, i);
                let church = st.church.map_or(0, |c| ctx.churches[c].id);
                if let Some(p) = st.profile {
                    row(&mut w, p, st.profile_name, st.location, st.id, church)?;
                }
                if let Some(p) = st.profile2 {
                    row(&mut w, p, false, 0, st.id, 0)?;
                }
            }
            row(&mut w, GHOST_PROFILE_ID, false, 1, GHOST_USER_ID, 0)?;
        }
        "hub_profile_fasts.csv" => {
            w.s("id,profile_id,fast_id\n");
            let mut id = 1u64;
            let mut row = |w: &mut Sink, p: u32, f: u32| {
                w.u(id);
                id += 1;
                w.s(",");
                w.u(p as u64);
                w.s(",");
                w.u(f as u64);
                w.eol()
            };
            for i in 0..ctx.users {
                let st = user_story(&ctx, i);
                for second in [false, true] {
                    let p = if second { st.profile2 } else { st.profile };
                    if let Some(p) = p {
                        for l in st
                            .links()
                            .iter()
                            .filter(|l| l.current && l.second == second)
                        {
                            row(&mut w, p, l.fast_id)?;
                        }
                    }
                }
            }
            row(&mut w, GHOST_PROFILE_ID, ctx.fasts[0].id)?;
            row(&mut w, GHOST_PROFILE_ID, MISSING_FAST_ID)?;
        }
        "events_eventtype.csv" => {
            w.s("id,code,name,category,is_active\n");
            for (id, code, name, cat) in EVENT_TYPES {
                w.u(id as u64);
                w.s(",");
                w.s(code);
                w.s(",");
                w.s(name);
                w.s(",");
                w.s(cat);
                w.s(",t");
                w.eol()?;
            }
        }
        "events_event.csv" => {
            w.s("id,title,description,data,timestamp,ip_address,user_agent,created_at,content_type_id,event_type_id,object_id,user_id\n");
            for_each_event(&ctx, |id, ev, _| {
                w.u(id);
                w.s(",\"\",\"\",");
                w.s(&ctx.data[ev.data as usize].1);
                w.s(",");
                w.ts_pg(ev.ts);
                w.s(",");
                if ev.ip != 0 {
                    w.ip(ev.ip);
                }
                w.s(",");
                w.s(&ctx.ua_csv[ev.ua as usize]);
                w.s(",");
                w.ts_pg(ev.ts);
                w.s(",");
                if ev.ct != 0 {
                    w.u(CONTENT_TYPES[ev.ct as usize - 1].0 as u64);
                }
                w.s(",");
                w.u(EVENT_TYPES[ev.kind as usize].0 as u64);
                w.s(",");
                w.csv_opt(ev.obj as u64);
                w.s(",");
                w.csv_opt(ev.user as u64);
                w.eol()
            })?;
        }
        "events_useractivityfeed.csv" => {
            w.s("id,activity_type,object_id,title,description,is_read,read_at,created_at,data,content_type_id,event_id,user_id\n");
            for_each_feed(&ctx, |id, it, _| {
                w.u(id);
                w.s(",");
                w.s(ACTIVITY_TYPES[it.kind as usize]);
                w.s(",");
                w.csv_opt(it.obj as u64);
                w.s(",");
                if it.title.render(&ctx, &mut s) {
                    w.csv_text(&s);
                }
                w.s(",");
                if it.desc.render(&ctx, &mut s) {
                    w.csv_text(&s);
                }
                w.s(if it.is_read { ",t," } else { ",f," });
                if it.read_at != 0 {
                    w.ts_pg(it.read_at);
                }
                w.s(",");
                w.ts_pg(it.ts);
                w.s(",{},");
                if it.ct != 0 {
                    w.u(CONTENT_TYPES[it.ct as usize - 1].0 as u64);
                }
                w.s(",,");
                w.u(it.user as u64);
                w.eol()
            })?;
        }
        "django_content_type.csv" => {
            w.s("id,app_label,model\n");
            for (id, app, model) in CONTENT_TYPES {
                w.u(id as u64);
                w.s(",");
                w.s(app);
                w.s(",");
                w.s(model);
                w.eol()?;
            }
        }
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unknown demo table {other:?}; expected one of {CSV_TABLES:?}"),
            ))
        }
    }
    w.finish()
}

/// Convenience: all nine CSV tables in memory, (file name, bytes).
pub fn csv_tables(cfg: &DemoConfig) -> Vec<(String, Vec<u8>)> {
    CSV_TABLES
        .iter()
        .map(|name| {
            let mut v = Vec::new();
            write_csv_table(cfg, name, &mut v).expect("writing to a Vec cannot fail");
            (name.to_string(), v)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// dumpdata JSON

/// Writes the same data as one Django `dumpdata` JSON array (plain pks).
pub fn write_dumpdata(cfg: &DemoConfig, out: &mut dyn Write) -> io::Result<()> {
    write_dump(cfg, out, false)
}

/// Same, but as `dumpdata --natural-foreign`: users referenced as
/// `["username"]`, content types as `["app_label", "model"]`.
pub fn write_dumpdata_natural(cfg: &DemoConfig, out: &mut dyn Write) -> io::Result<()> {
    write_dump(cfg, out, true)
}

fn json_ct(w: &mut Sink, ct: u8, natural: bool) {
    if ct == 0 {
        w.s("null");
    } else {
        let (id, app, model) = CONTENT_TYPES[ct as usize - 1];
        if natural {
            w.s("[\"");
            w.s(app);
            w.s("\", \"");
            w.s(model);
            w.s("\"]");
        } else {
            w.u(id as u64);
        }
    }
}

fn json_user(w: &mut Sink, id: u32, username: &str, natural: bool) {
    if id == 0 {
        w.s("null");
    } else if natural {
        w.s("[");
        w.json_text(username);
        w.s("]");
    } else {
        w.u(id as u64);
    }
}

fn write_dump(cfg: &DemoConfig, out: &mut dyn Write, natural: bool) -> io::Result<()> {
    let ctx = Ctx::new(cfg);
    let mut w = Sink::new(out);
    let mut s = String::new();
    w.s("[");
    for (id, app, model) in CONTENT_TYPES {
        w.obj("contenttypes.contenttype", id as u64);
        w.s("\"app_label\": \"");
        w.s(app);
        w.s("\", \"model\": \"");
        w.s(model);
        w.s("\"");
        w.end_obj()?;
    }
    let mut admin = String::new();
    for i in 0..ctx.users {
        let st = user_story(&ctx, i);
        if i == 0 {
            st.write_username(&mut admin);
        }
        w.obj("auth.user", st.id as u64);
        w.s("\"password\": \"pbkdf2_sha256$870000$demo$c2FsdA==\", \"last_login\": ");
        w.ts_json_opt(st.last_login);
        w.s(", \"is_superuser\": ");
        w.s(if st.superuser { "true" } else { "false" });
        w.s(", \"username\": ");
        s.clear();
        st.write_username(&mut s);
        w.json_text(&s);
        w.s(", \"first_name\": ");
        w.json_text(FIRST_NAMES[st.first_name as usize]);
        w.s(", \"last_name\": ");
        w.json_text(LAST_NAMES[st.last_name as usize]);
        w.s(", \"email\": ");
        s.clear();
        st.write_email(&mut s);
        w.json_text(&s);
        w.s(", \"is_staff\": ");
        w.s(if st.staff { "true" } else { "false" });
        w.s(", \"is_active\": ");
        w.s(if st.active { "true" } else { "false" });
        w.s(", \"date_joined\": ");
        w.ts_json(st.joined);
        w.s(", \"groups\": [], \"user_permissions\": []");
        w.end_obj()?;
    }
    for c in &ctx.churches {
        w.obj("hub.church", c.id as u64);
        w.s("\"name\": ");
        w.json_text(&c.name);
        w.end_obj()?;
    }
    for f in &ctx.fasts {
        w.obj("hub.fast", f.id as u64);
        w.s("\"name\": ");
        w.json_text(f.name);
        w.s(", \"church\": ");
        w.u(f.church_id as u64);
        w.s(", \"description\": ");
        match f.desc {
            Some(d) => w.json_text(d),
            None => w.s("null"),
        }
        w.s(", \"year\": ");
        match f.year {
            Some(y) => w.u(y as u64),
            None => w.s("null"),
        }
        w.s(", \"image\": \"\"");
        w.end_obj()?;
    }
    struct P<'a> {
        id: u32,
        user: u32,
        uname: &'a str,
        name: bool,
        church: u32,
        loc: u8,
    }
    let profile = |w: &mut Sink, p: P, fasts: &mut dyn Iterator<Item = u32>| {
        w.obj("hub.profile", p.id as u64);
        w.s("\"user\": ");
        json_user(w, p.user, p.uname, natural);
        w.s(", \"name\": ");
        if p.name {
            w.json_text("Family, \"Home\"");
        } else {
            w.s("null");
        }
        w.s(", \"church\": ");
        w.json_opt(p.church as u64);
        w.s(", \"fasts\": [");
        for (k, f) in fasts.enumerate() {
            if k > 0 {
                w.s(", ");
            }
            w.u(f as u64);
        }
        w.s("], \"location\": ");
        match LOCATIONS[p.loc as usize] {
            Some(l) => w.json_text(l),
            None => w.s("null"),
        }
        w.end_obj()
    };
    for i in 0..ctx.users {
        let st = user_story(&ctx, i);
        s.clear();
        st.write_username(&mut s);
        let church = st.church.map_or(0, |c| ctx.churches[c].id);
        for second in [false, true] {
            let p = if second { st.profile2 } else { st.profile };
            if let Some(p) = p {
                let mut it = st
                    .links()
                    .iter()
                    .filter(|l| l.current && l.second == second)
                    .map(|l| l.fast_id);
                let (name, loc, church) = if second {
                    (false, 0, 0)
                } else {
                    (st.profile_name, st.location, church)
                };
                let p = P {
                    id: p,
                    user: st.id,
                    uname: &s,
                    name,
                    church,
                    loc,
                };
                profile(&mut w, p, &mut it)?;
            }
        }
    }
    let ghost = P {
        id: GHOST_PROFILE_ID,
        user: GHOST_USER_ID,
        uname: GHOST_USERNAME,
        name: false,
        church: 0,
        loc: 1,
    };
    profile(
        &mut w,
        ghost,
        &mut [ctx.fasts[0].id, MISSING_FAST_ID].into_iter(),
    )?;
    for (id, code, name, cat) in EVENT_TYPES {
        w.obj("events.eventtype", id as u64);
        w.s("\"code\": \"");
        w.s(code);
        w.s("\", \"name\": \"");
        w.s(name);
        w.s("\", \"category\": \"");
        w.s(cat);
        w.s("\", \"is_active\": true");
        w.end_obj()?;
    }
    // An unrelated model that readers skip.
    if ctx.users > 0 {
        for pk in 1..=2u64 {
            w.obj("prayers.prayerrequest", pk);
            w.s("\"title\": \"Pray for \\\"peace\\\", please\", \"user\": ");
            json_user(&mut w, user_id(0), &admin, natural);
            w.s(", \"created_at\": ");
            w.ts_json(ctx.end_ms - pk as i64 * DAY_MS);
            w.end_obj()?;
        }
    }
    for_each_event(&ctx, |id, ev, uname| {
        w.obj("events.event", id);
        w.s("\"event_type\": ");
        w.u(EVENT_TYPES[ev.kind as usize].0 as u64);
        w.s(", \"user\": ");
        json_user(&mut w, ev.user, uname, natural);
        w.s(", \"content_type\": ");
        json_ct(&mut w, ev.ct, natural);
        w.s(", \"object_id\": ");
        w.json_opt(ev.obj as u64);
        w.s(", \"title\": \"\", \"description\": \"\", \"data\": ");
        w.s(&ctx.data[ev.data as usize].0);
        w.s(", \"timestamp\": ");
        w.ts_json(ev.ts);
        w.s(", \"ip_address\": ");
        if ev.ip != 0 {
            w.s("\"");
            w.ip(ev.ip);
            w.s("\"");
        } else {
            w.s("null");
        }
        w.s(", \"user_agent\": ");
        w.json_text(USER_AGENTS[ev.ua as usize]);
        w.s(", \"created_at\": ");
        w.ts_json(ev.ts);
        w.end_obj()
    })?;
    for_each_feed(&ctx, |id, it, uname| {
        w.obj("events.useractivityfeed", id);
        w.s("\"user\": ");
        json_user(&mut w, it.user, uname, natural);
        w.s(", \"activity_type\": \"");
        w.s(ACTIVITY_TYPES[it.kind as usize]);
        w.s("\", \"event\": null, \"content_type\": ");
        json_ct(&mut w, it.ct, natural);
        w.s(", \"object_id\": ");
        w.json_opt(it.obj as u64);
        w.s(", \"title\": ");
        if it.title.render(&ctx, &mut s) {
            w.json_text(&s);
        } else {
            w.s("null");
        }
        w.s(", \"description\": ");
        if it.desc.render(&ctx, &mut s) {
            w.json_text(&s);
        } else {
            w.s("null");
        }
        w.s(", \"is_read\": ");
        w.s(if it.is_read { "true" } else { "false" });
        w.s(", \"read_at\": ");
        w.ts_json_opt(if it.read_at != 0 {
            Some(it.read_at)
        } else {
            None
        });
        w.s(", \"created_at\": ");
        w.ts_json(it.ts);
        w.s(", \"data\": {}");
        w.end_obj()
    })?;
    w.s("]");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    type Row = Vec<Option<String>>;

    /// Quote-aware CSV parser: unquoted empty field = None (NULL).
    fn parse_csv(bytes: &[u8]) -> Vec<Row> {
        let text = std::str::from_utf8(bytes).expect("utf8");
        let mut rows = Vec::new();
        let mut row: Row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        let mut chars = text.chars().peekable();
        let mut any = false;
        while let Some(c) = chars.next() {
            any = true;
            if in_quotes {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        in_quotes = false;
                    }
                } else {
                    field.push(c);
                }
                continue;
            }
            match c {
                '"' => {
                    assert!(field.is_empty(), "quote inside unquoted field");
                    in_quotes = true;
                    quoted = true;
                }
                ',' => {
                    row.push(end_field(&mut field, &mut quoted));
                }
                '\n' => {
                    row.push(end_field(&mut field, &mut quoted));
                    rows.push(std::mem::take(&mut row));
                    any = false;
                }
                '\r' => panic!("bare CR outside quotes"),
                c => field.push(c),
            }
        }
        assert!(!in_quotes, "unterminated quote");
        assert!(!any, "missing final newline");
        rows
    }

    fn end_field(field: &mut String, quoted: &mut bool) -> Option<String> {
        let f = std::mem::take(field);
        let q = std::mem::replace(quoted, false);
        if f.is_empty() && !q {
            None
        } else {
            Some(f)
        }
    }

    struct Table {
        header: Vec<String>,
        rows: Vec<Row>,
    }

    impl Table {
        fn col(&self, name: &str) -> usize {
            self.header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        }
        fn get<'a>(&self, row: &'a Row, name: &str) -> Option<&'a str> {
            row[self.col(name)].as_deref()
        }
        fn num(&self, row: &Row, name: &str) -> Option<u64> {
            self.get(row, name).map(|s| s.parse().expect("number"))
        }
    }

    fn tables(cfg: &DemoConfig) -> HashMap<String, Table> {
        csv_tables(cfg)
            .into_iter()
            .map(|(name, bytes)| {
                let mut rows = parse_csv(&bytes);
                let header: Vec<String> = rows.remove(0).into_iter().map(|h| h.unwrap()).collect();
                for (k, r) in rows.iter().enumerate() {
                    assert_eq!(r.len(), header.len(), "{name} row {k}: {r:?}");
                }
                (name, Table { header, rows })
            })
            .collect()
    }

    fn dump(cfg: &DemoConfig, natural: bool) -> Vec<u8> {
        let mut v = Vec::new();
        if natural {
            write_dumpdata_natural(cfg, &mut v).unwrap();
        } else {
            write_dumpdata(cfg, &mut v).unwrap();
        }
        v
    }

    fn small() -> DemoConfig {
        DemoConfig::new(1500)
    }

    #[test]
    fn deterministic_and_seed_sensitive() {
        let a = csv_tables(&small());
        let b = csv_tables(&small());
        assert!(a == b);
        assert_eq!(dump(&small(), false), dump(&small(), false));
        assert_eq!(dump(&small(), true), dump(&small(), true));
        let mut other = small();
        other.seed = 7;
        let c = csv_tables(&other);
        assert_eq!(a.len(), 9);
        for k in [0, 3, 6, 7] {
            assert_ne!(a[k].1, c[k].1, "{}", a[k].0);
        }
        let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, CSV_TABLES);
    }

    #[test]
    fn row_counts_scale() {
        for users in [1000u32, 4000] {
            let t = tables(&DemoConfig::new(users));
            let n = users as f64;
            assert_eq!(t["auth_user.csv"].rows.len(), users as usize);
            let ev = t["events_event.csv"].rows.len() as f64 / n;
            let feed = t["events_useractivityfeed.csv"].rows.len() as f64 / n;
            let prof = t["hub_profile.csv"].rows.len() as f64 / n;
            assert!((14.0..=26.0).contains(&ev), "events/user {ev}");
            assert!((7.0..=13.0).contains(&feed), "feed/user {feed}");
            assert!((0.92..=0.98).contains(&prof), "profiles/user {prof}");
            assert_eq!(t["hub_church.csv"].rows.len(), (users / 2000 + 3) as usize);
            assert_eq!(t["events_eventtype.csv"].rows.len(), 14);
            assert!(t["django_content_type.csv"].rows.len() >= 5);
        }
    }

    #[test]
    fn tiny_configs_do_not_panic() {
        for users in [0u32, 1, 2, 3, 4, 5] {
            let cfg = DemoConfig::new(users);
            let t = tables(&cfg);
            assert_eq!(t["auth_user.csv"].rows.len(), users as usize);
            let d = dump(&cfg, true);
            assert!(d.starts_with(b"[{") && d.ends_with(b"}]"));
        }
    }

    /// Checks brackets balance outside strings; returns the number of objects
    /// of each model.
    fn json_models(d: &[u8]) -> HashMap<String, usize> {
        let text = std::str::from_utf8(d).unwrap();
        let mut depth: Vec<u8> = Vec::new();
        let mut in_str = false;
        let mut esc = false;
        for b in text.bytes() {
            if in_str {
                if esc {
                    esc = false;
                } else if b == b'\\' {
                    esc = true;
                } else if b == b'"' {
                    in_str = false;
                } else {
                    assert!(b >= 0x20, "raw control character in JSON string");
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'[' | b'{' => depth.push(b),
                b']' => assert_eq!(depth.pop(), Some(b'[')),
                b'}' => assert_eq!(depth.pop(), Some(b'{')),
                _ => {}
            }
        }
        assert!(depth.is_empty() && !in_str);
        let mut m = HashMap::new();
        for part in text.split("{\"model\": \"").skip(1) {
            let model = &part[..part.find('"').unwrap()];
            *m.entry(model.to_string()).or_insert(0) += 1;
        }
        m
    }

    #[test]
    fn json_matches_csv_counts() {
        let cfg = small();
        let t = tables(&cfg);
        for natural in [false, true] {
            let d = dump(&cfg, natural);
            let m = json_models(&d);
            let pairs = [
                ("auth.user", "auth_user.csv"),
                ("hub.church", "hub_church.csv"),
                ("hub.fast", "hub_fast.csv"),
                ("hub.profile", "hub_profile.csv"),
                ("events.eventtype", "events_eventtype.csv"),
                ("events.event", "events_event.csv"),
                ("events.useractivityfeed", "events_useractivityfeed.csv"),
                ("contenttypes.contenttype", "django_content_type.csv"),
            ];
            for (model, file) in pairs {
                assert_eq!(m[model], t[file].rows.len(), "{model}");
            }
            assert_eq!(m["prayers.prayerrequest"], 2);
            let text = String::from_utf8(d).unwrap();
            let members: usize = text
                .split("\"fasts\": [")
                .skip(1)
                .map(|p| {
                    let list = &p[..p.find(']').unwrap()];
                    list.split(", ").filter(|s| !s.is_empty()).count()
                })
                .sum();
            assert_eq!(members, t["hub_profile_fasts.csv"].rows.len());
            if natural {
                assert!(text.contains("\"content_type\": [\"hub\", \"fast\"]"));
                assert!(text.contains("\"user\": [\"admin1000\"]"));
                assert!(text.contains(&format!("\"user\": [\"{GHOST_USERNAME}\"]")));
                assert!(!text.contains("\"content_type\": 12"));
            } else {
                assert!(text.contains("\"content_type\": 12"));
            }
        }
    }

    #[test]
    fn memberships_and_join_leave_histories_agree() {
        let t = tables(&DemoConfig::new(3000));
        let users: HashSet<u64> = t["auth_user.csv"]
            .rows
            .iter()
            .map(|r| t["auth_user.csv"].num(r, "id").unwrap())
            .collect();
        let ft = &t["hub_fast.csv"];
        let fasts: HashSet<u64> = ft.rows.iter().map(|r| ft.num(r, "id").unwrap()).collect();
        let ct = &t["hub_church.csv"];
        let churches: HashSet<u64> = ct.rows.iter().map(|r| ct.num(r, "id").unwrap()).collect();
        let orphans: Vec<u64> = ft
            .rows
            .iter()
            .filter(|r| !churches.contains(&ft.num(r, "church_id").unwrap()))
            .map(|r| ft.num(r, "id").unwrap())
            .collect();
        assert_eq!(orphans.len(), 1);
        assert!(ft.rows.iter().any(|r| ft.get(r, "year").is_none()));
        let pt = &t["hub_profile.csv"];
        let profiles: HashMap<u64, u64> = pt
            .rows
            .iter()
            .map(|r| (pt.num(r, "id").unwrap(), pt.num(r, "user_id").unwrap()))
            .collect();
        assert!(profiles.iter().all(|(p, u)| p != u));
        let mt = &t["hub_profile_fasts.csv"];
        let mut members = HashSet::new();
        let mut dangling = Vec::new();
        for r in &mt.rows {
            let user = profiles[&mt.num(r, "profile_id").unwrap()];
            let fast = mt.num(r, "fast_id").unwrap();
            if !users.contains(&user) || !fasts.contains(&fast) {
                dangling.push((user, fast));
            }
            members.insert((user, fast));
        }
        dangling.sort();
        let first_fast = *fasts.iter().min().unwrap();
        assert_eq!(
            dangling,
            vec![
                (GHOST_USER_ID as u64, first_fast),
                (GHOST_USER_ID as u64, MISSING_FAST_ID as u64),
                (user_id(3) as u64, MISSING_FAST_ID as u64),
            ]
        );
        // At most 3 real fasts per user.
        let mut per_user: HashMap<u64, usize> = HashMap::new();
        for &(u, f) in &members {
            if fasts.contains(&f) {
                *per_user.entry(u).or_insert(0) += 1;
            }
        }
        assert!(per_user.values().all(|&n| n <= 3));

        let et = &t["events_eventtype.csv"];
        let codes: HashMap<u64, String> = et
            .rows
            .iter()
            .map(|r| {
                (
                    et.num(r, "id").unwrap(),
                    et.get(r, "code").unwrap().to_string(),
                )
            })
            .collect();
        let ev = &t["events_event.csv"];
        let mut hist: Vec<(String, u64, u64, u64, bool)> = Vec::new();
        let mut ids = HashSet::new();
        let mut null_users = 0;
        let mut null_data = 0;
        let mut cycles: HashMap<(u64, u64), usize> = HashMap::new();
        for r in &ev.rows {
            assert!(ids.insert(ev.num(r, "id").unwrap()));
            let code = &codes[&ev.num(r, "event_type_id").unwrap()];
            let user = ev.num(r, "user_id");
            if user.is_none() {
                null_users += 1;
            }
            let data = ev.get(r, "data").unwrap();
            if data == "null" {
                null_data += 1;
            }
            assert_eq!(ev.get(r, "timestamp"), ev.get(r, "created_at"));
            if code == "user_joined_fast" || code == "user_left_fast" {
                assert_eq!(ev.num(r, "content_type_id"), Some(12));
                if let (Some(u), Some(f)) = (user, ev.num(r, "object_id")) {
                    let ts = ev.get(r, "timestamp").unwrap().to_string();
                    let join = code == "user_joined_fast";
                    if join {
                        *cycles.entry((u, f)).or_insert(0) += 1;
                    }
                    hist.push((ts, ev.num(r, "id").unwrap(), u, f, join));
                }
            }
        }
        let frac = null_users as f64 / ev.rows.len() as f64;
        assert!((0.005..0.02).contains(&frac), "null users {frac}");
        assert!(null_data > 0);
        assert!(
            cycles.values().any(|&n| n >= 2),
            "repeated join/leave cycles"
        );
        // PostgreSQL timestamps with trimmed fractions sort lexicographically.
        hist.sort();
        let mut last: HashMap<(u64, u64), bool> = HashMap::new();
        for (_, _, u, f, join) in hist {
            last.insert((u, f), join);
        }
        for (&(u, f), &join) in &last {
            if !users.contains(&u) || !fasts.contains(&f) {
                continue;
            }
            assert_eq!(members.contains(&(u, f)), join, "user {u} fast {f}");
        }
        for &(u, f) in &members {
            assert_ne!(
                last.get(&(u, f)),
                Some(&false),
                "member {u} {f} ends in leave"
            );
        }
        assert!(
            members.iter().any(|p| !last.contains_key(p)),
            "members without events"
        );
        assert!(last.values().any(|j| !j), "former members");
    }

    #[test]
    fn realism_features_present() {
        let cfg = DemoConfig::new(3000);
        let all = csv_tables(&cfg);
        let text = |name: &str| {
            String::from_utf8(all.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap()
        };
        let users = text("auth_user.csv");
        for needle in [
            "maría",
            "李雷",
            "\"comma,user",
            "o'brien",
            ",=cmd",
            ",@x",
            " 00:00:00+00\n",
            "23:59:59.999+00\n",
        ] {
            assert!(users.contains(needle), "{needle}");
        }
        let ev = text("events_event.csv");
        for s in SCREENS {
            let needle = format!("{{\"\"screen\"\": \"\"{s}\"\"}}");
            assert!(ev.contains(&needle), "{needle}");
        }
        assert!(ev.contains("{\"\"screen\"\": null}"));
        assert!(ev.contains("\"{\"\"video_id\"\": 3, \"\"title\"\": \"\"Video 3\"\"}\""));
        assert!(ev.contains(",null,"));
        let feed = text("events_useractivityfeed.csv");
        for needle in [
            ",\"\",",
            "\"Line one\nline two\"",
            "\"Line one\r\nline two\"",
            "\"She said \"\"amen\"\"\"",
            ",=SUM(A1),",
            ",+1,",
            ",-2,",
            ",@everyone,",
            "Ժամանակ",
            "fast_join,",
            "fast_leave,",
            "milestone,",
            "announcement,",
        ] {
            assert!(feed.contains(needle), "{needle:?}");
        }
        // Whole milliseconds, PostgreSQL-trimmed fractions.
        let frac_len = |l: &str| {
            let end = l.find("+00,")?;
            let dot = l[..end].rfind('.')?;
            let f = &l[dot + 1..end];
            f.bytes().all(|b| b.is_ascii_digit()).then_some(f.len())
        };
        let lens: HashSet<usize> = ev.lines().filter_map(frac_len).collect();
        assert!(lens.contains(&1) && lens.contains(&2) && lens.contains(&3));
        assert!(ev.lines().any(|l| l.len() > 30 && frac_len(l).is_none()));
        let churches = text("hub_church.csv");
        assert!(churches.contains("\"Holy Trinity, Fresno\""));
        let d = String::from_utf8(dump(&cfg, false)).unwrap();
        assert!(d.contains("\"data\": null"));
        assert!(d.contains("\"title\": null"));
        assert!(d.contains("\"description\": null"));
        assert!(d.contains("Line one\\r\\nline two"));
    }

    #[test]
    fn timestamp_and_quoting_formats() {
        let mut out = Vec::new();
        {
            let mut w = Sink::new(&mut out);
            let base = days_from_civil(2024, 1, 15) * DAY_MS + (14 * 3600 + 23 * 60 + 45) * 1000;
            for ms in [0, 120, 123, 100, 5] {
                w.ts_pg(base + ms);
                w.s(" ");
                w.ts_json(base + ms);
                w.s("\n");
            }
            w.finish().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2024-01-15 14:23:45+00 \"2024-01-15T14:23:45Z\"\n\
             2024-01-15 14:23:45.12+00 \"2024-01-15T14:23:45.120Z\"\n\
             2024-01-15 14:23:45.123+00 \"2024-01-15T14:23:45.123Z\"\n\
             2024-01-15 14:23:45.1+00 \"2024-01-15T14:23:45.100Z\"\n\
             2024-01-15 14:23:45.005+00 \"2024-01-15T14:23:45.005Z\"\n"
        );
        let enc = |s: &str| csv_encode(s);
        assert_eq!(enc(""), "\"\"");
        assert_eq!(enc("a,b"), "\"a,b\"");
        assert_eq!(enc("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(enc("x\ny"), "\"x\ny\"");
        assert_eq!(enc("tab\tname"), "tab\tname");
        let mut j = Vec::new();
        json_str(&mut j, "a\"b\\c\nd\te\u{1}é");
        assert_eq!(
            String::from_utf8(j).unwrap(),
            "\"a\\\"b\\\\c\\nd\\te\\u0001é\""
        );
        for d in [-1i64, 0, 19_000, 20_269] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(weekday(days_from_civil(2024, 12, 30)), 0);
    }

    #[test]
    fn unknown_table_is_an_error() {
        let mut v = Vec::new();
        assert!(write_csv_table(&small(), "nope.csv", &mut v).is_err());
    }

    /// `cargo test --release -- --ignored --nocapture speed`
    #[test]
    #[ignore]
    fn speed_100k() {
        let cfg = DemoConfig::new(100_000);
        let t0 = std::time::Instant::now();
        let mut bytes = 0usize;
        for name in CSV_TABLES {
            let mut sink = io::sink();
            let mut counter = Counter(&mut sink, 0);
            write_csv_table(&cfg, name, &mut counter).unwrap();
            bytes += counter.1;
        }
        let s = t0.elapsed().as_secs_f64();
        println!(
            "CSV 100k users: {:.2} s, {:.0} users/s, {:.1} MB, {:.1} MB/s",
            s,
            100_000.0 / s,
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / s
        );
        let t0 = std::time::Instant::now();
        let mut sink = io::sink();
        let mut counter = Counter(&mut sink, 0);
        write_dumpdata(&cfg, &mut counter).unwrap();
        let s = t0.elapsed().as_secs_f64();
        println!(
            "JSON 100k users: {:.2} s, {:.1} MB, {:.1} MB/s",
            s,
            counter.1 as f64 / 1e6,
            counter.1 as f64 / 1e6 / s
        );
    }

    struct Counter<'a>(&'a mut dyn Write, usize);
    impl Write for Counter<'_> {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.1 += b.len();
            self.0.write(b)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.0.flush()
        }
    }
}
