//! The CSV writer: each of the nine tables as PostgreSQL's
//! `\copy ... TO ... CSV HEADER` writes it (NULL = unquoted empty field,
//! empty text = `""`, timestamps as `timestamptz` text in UTC).

use std::io::{self, Write};

use super::scenario::events::for_each_event;
use super::scenario::feed::for_each_feed;
use super::scenario::users::user_story;
use super::scenario::vocabulary::{
    data_texts, ACTIVITY_TYPES, CONTENT_TYPES, EVENT_TYPES, FIRST_NAMES, LAST_NAMES, LOCATIONS,
    USER_AGENTS,
};
use super::scenario::World;
use super::sink::{csv_encode, Sink};
use super::{tables, DemoConfig, GHOST_PROFILE_ID, GHOST_USER_ID, MISSING_FAST_ID};
use crate::load::Table;

/// Writes one table (PostgreSQL `\copy ... CSV HEADER` format, as the file
/// [`Table::file_name`] names) to `out`. Every [`Table`] has its writer:
/// a table the loader learns is a compile error here until the demo writes
/// it.
pub fn write_csv_table(cfg: &DemoConfig, table: Table, out: &mut dyn Write) -> io::Result<()> {
    let world = World::new(cfg);
    let mut w = Sink::new(out);
    let mut s = String::new();
    match table {
        Table::Users => {
            w.s("id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,is_active,date_joined\n");
            for i in 0..world.users {
                let st = user_story(&world, i);
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
        Table::Churches => {
            w.s("id,name\n");
            for c in &world.churches {
                w.u(c.id as u64);
                w.s(",");
                w.csv_text(&c.name);
                w.eol()?;
            }
        }
        Table::Fasts => {
            w.s("id,name,description,year,church_id,culmination_feast\n");
            for f in world.fasts.iter().chain(&world.editions) {
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
        Table::Profiles => {
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
            for i in 0..world.users {
                let st = user_story(&world, i);
                let church = st.church.map_or(0, |c| world.churches[c].id);
                if let Some(p) = st.profile {
                    row(&mut w, p, st.profile_name, st.location, st.id, church)?;
                }
                if let Some(p) = st.profile2 {
                    row(&mut w, p, false, 0, st.id, 0)?;
                }
            }
            row(&mut w, GHOST_PROFILE_ID, false, 1, GHOST_USER_ID, 0)?;
        }
        Table::Memberships => {
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
            for i in 0..world.users {
                let st = user_story(&world, i);
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
            row(&mut w, GHOST_PROFILE_ID, world.fasts[0].id)?;
            row(&mut w, GHOST_PROFILE_ID, MISSING_FAST_ID)?;
        }
        Table::EventTypes => {
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
        Table::Events => {
            w.s("id,title,description,data,timestamp,ip_address,user_agent,created_at,content_type_id,event_type_id,object_id,user_id\n");
            // Each `data` text and user agent quoted once, not once per row.
            let data: Vec<String> = data_texts().iter().map(|t| csv_encode(t)).collect();
            let agents: Vec<String> = USER_AGENTS.iter().map(|t| csv_encode(t)).collect();
            for_each_event(&world, |id, ev, _| {
                w.u(id);
                w.s(",\"\",\"\",");
                w.s(&data[ev.data as usize]);
                w.s(",");
                w.ts_pg(ev.ts);
                w.s(",");
                if ev.ip != 0 {
                    w.ip(ev.ip);
                }
                w.s(",");
                w.s(&agents[ev.ua as usize]);
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
        Table::Feed => {
            w.s("id,activity_type,object_id,title,description,is_read,read_at,created_at,data,content_type_id,event_id,user_id\n");
            for_each_feed(&world, |id, it, _| {
                w.u(id);
                w.s(",");
                w.s(ACTIVITY_TYPES[it.kind as usize]);
                w.s(",");
                w.csv_opt(it.obj as u64);
                w.s(",");
                if it.title.render(&world, &mut s) {
                    w.csv_text(&s);
                }
                w.s(",");
                if it.desc.render(&world, &mut s) {
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
        Table::Days => {
            // Each fast's calendar days; a church's Sundays of the last
            // month are church days (no fast), which readers ignore.
            w.s("id,date,church_id,fast_id\n");
            let mut id = 1u64;
            for f in world.fasts.iter().chain(&world.editions) {
                for d in 0..f.day_count() {
                    w.u(id);
                    w.s(",");
                    let (y, m, dd) = crate::timestamp::civil_from_days(f.begin_day + d);
                    s.clear();
                    let _ =
                        std::fmt::Write::write_fmt(&mut s, format_args!("{y:04}-{m:02}-{dd:02},,"));
                    w.s(&s);
                    w.u(f.id as u64);
                    w.eol()?;
                    id += 1;
                }
            }
            for c in &world.churches {
                for day in (world.last_day - 27..=world.last_day)
                    .filter(|&d| super::scenario::weekday(d) == 6)
                {
                    w.u(id);
                    w.s(",");
                    let (y, m, dd) = crate::timestamp::civil_from_days(day);
                    s.clear();
                    let _ =
                        std::fmt::Write::write_fmt(&mut s, format_args!("{y:04}-{m:02}-{dd:02},"));
                    w.s(&s);
                    w.u(c.id as u64);
                    w.s(",");
                    w.eol()?;
                    id += 1;
                }
            }
        }
        Table::ContentTypes => {
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
    }
    w.finish()
}

/// Convenience: every CSV file of the demo in memory, (file name, bytes):
/// the nine tables and the calendar ([`tables`]).
pub fn csv_tables(cfg: &DemoConfig) -> Vec<(String, Vec<u8>)> {
    tables()
        .map(|table| {
            let mut v = Vec::new();
            write_csv_table(cfg, table, &mut v).expect("writing to a Vec cannot fail");
            (table.file_name().to_string(), v)
        })
        .collect()
}
