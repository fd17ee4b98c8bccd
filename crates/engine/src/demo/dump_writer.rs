//! The dumpdata writer: the same world as one Django `dumpdata` JSON array,
//! with plain primary keys or `--natural-foreign` keys, laid out the way
//! Django's serializer writes it.

use std::io::{self, Write};

use super::scenario::events::for_each_event;
use super::scenario::feed::for_each_feed;
use super::scenario::users::user_story;
use super::scenario::vocabulary::{
    data_texts, ACTIVITY_TYPES, CONTENT_TYPES, EVENT_TYPES, FIRST_NAMES, LAST_NAMES, LOCATIONS,
    USER_AGENTS,
};
use super::scenario::{World, DAY_MS};
use super::sink::Sink;
use super::{
    user_id, DemoConfig, GHOST_PROFILE_ID, GHOST_USERNAME, GHOST_USER_ID, MISSING_FAST_ID,
};

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
    let world = World::new(cfg);
    let data = data_texts();
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
    for i in 0..world.users {
        let st = user_story(&world, i);
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
    for c in &world.churches {
        w.obj("hub.church", c.id as u64);
        w.s("\"name\": ");
        w.json_text(&c.name);
        w.end_obj()?;
    }
    for f in world.fasts.iter().chain(&world.editions) {
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
    // The fasts' calendar days (`hub.day`), as the CSV writer lists them.
    let mut day_id = 1u64;
    for f in world.fasts.iter().chain(&world.editions) {
        for d in 0..f.day_count() {
            w.obj("hub.day", day_id);
            let (y, m, dd) = crate::timestamp::civil_from_days(f.begin_day + d);
            w.s(&format!(
                "\"date\": \"{y:04}-{m:02}-{dd:02}\", \"church\": null, \"fast\": "
            ));
            w.u(f.id as u64);
            w.end_obj()?;
            day_id += 1;
        }
    }
    for c in &world.churches {
        for day in
            (world.last_day - 27..=world.last_day).filter(|&d| super::scenario::weekday(d) == 6)
        {
            w.obj("hub.day", day_id);
            let (y, m, dd) = crate::timestamp::civil_from_days(day);
            w.s(&format!(
                "\"date\": \"{y:04}-{m:02}-{dd:02}\", \"church\": "
            ));
            w.u(c.id as u64);
            w.s(", \"fast\": null");
            w.end_obj()?;
            day_id += 1;
        }
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
    for i in 0..world.users {
        let st = user_story(&world, i);
        s.clear();
        st.write_username(&mut s);
        let church = st.church.map_or(0, |c| world.churches[c].id);
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
        &mut [world.fasts[0].id, MISSING_FAST_ID].into_iter(),
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
    if world.users > 0 {
        for pk in 1..=2u64 {
            w.obj("prayers.prayerrequest", pk);
            w.s("\"title\": \"Pray for \\\"peace\\\", please\", \"user\": ");
            json_user(&mut w, user_id(0), &admin, natural);
            w.s(", \"created_at\": ");
            w.ts_json(world.end_ms - pk as i64 * DAY_MS);
            w.end_obj()?;
        }
    }
    for_each_event(&world, |id, ev, uname| {
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
        w.s(&data[ev.data as usize]);
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
    for_each_feed(&world, |id, it, uname| {
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
        if it.title.render(&world, &mut s) {
            w.json_text(&s);
        } else {
            w.s("null");
        }
        w.s(", \"description\": ");
        if it.desc.render(&world, &mut s) {
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
