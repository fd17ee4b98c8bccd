//! The writers' side of the pseudonyms (see [the module](super)): JSON
//! through [`Masked`], a serializer adapter that replaces people by field
//! name, and the data sets' tables with every person replaced.

use serde::ser::{self, Serialize, Serializer};

use super::{Pseudonyms, FEED_ROW, USER_MODEL};
use crate::insights::Insights;
use crate::report::Report;
use crate::table::{self, Table};

/// The tables of [`data_sets`](table::data_sets), with every person replaced when
/// `pseudonyms` are given (SPEC §12): by column, and in `other_metrics`
/// (flattened from its pseudonymised JSON) by field.
pub fn data_sets_with<'a>(r: &'a Report<'_>, pseudonyms: Option<&'a Pseudonyms>) -> Vec<Table<'a>> {
    let Some(p) = pseudonyms else {
        return table::data_sets(r);
    };
    let mut tables: Vec<Table<'a>> = table::data_sets(r)
        .into_iter()
        .map(|t| p.table(t))
        .collect();
    let last = tables.len() - 1;
    tables[last] = table::flattened("other_metrics", &Masked(&r.other_metrics, p));
    tables
}

/// The tables of [`insight_tables`](table::insight_tables), with every person replaced when
/// `pseudonyms` are given (SPEC §12): by column, and in `app_usage`
/// (flattened from its pseudonymised JSON) by field.
pub fn insight_tables_with<'a>(
    i: &'a Insights<'_>,
    pseudonyms: Option<&'a Pseudonyms>,
) -> Vec<Table<'a>> {
    let Some(p) = pseudonyms else {
        return table::insight_tables(i);
    };
    table::insight_tables(i)
        .into_iter()
        .map(|t| match t.name() {
            "app_usage" => table::flattened("app_usage", &Masked(&i.app_usage, p)),
            _ => p.table(t),
        })
        .collect()
}

/// `value` serialized with every person replaced (see the module's
/// documentation): what the JSON writers write when pseudonymising.
pub struct Masked<'v, 'p, T: ?Sized>(pub &'v T, pub &'p Pseudonyms);

impl<T: Serialize + ?Sized> Serialize for Masked<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Mask {
            inner: serializer,
            p: self.1,
        })
    }
}

/// A serializer that passes everything to `inner`, each struct's fields
/// through [`Row`].
struct Mask<'p, S> {
    inner: S,
    p: &'p Pseudonyms,
}

/// A compound value (list, map, tuple): each element masked.
struct Compound<'p, C> {
    inner: C,
    p: &'p Pseudonyms,
}

/// A struct: its person fields replaced, the others masked.
struct Row<'p, C> {
    inner: C,
    p: &'p Pseudonyms,
    name: &'static str,
    /// The row's `user_id`, once written.
    user: Option<i64>,
    /// Whether the row's `target_type` is a user.
    user_target: bool,
}

/// The integer a field holds, if any (ids are small: no allocation).
fn int_of<T: Serialize + ?Sized>(value: &T) -> Option<i64> {
    serde_json::to_value(value).ok()?.as_i64()
}

macro_rules! forward {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.inner.$method(v)
        })*
    };
}

impl<'p, S: Serializer> Serializer for Mask<'p, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<'p, S::SerializeSeq>;
    type SerializeTuple = Compound<'p, S::SerializeTuple>;
    type SerializeTupleStruct = Compound<'p, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<'p, S::SerializeTupleVariant>;
    type SerializeMap = Compound<'p, S::SerializeMap>;
    type SerializeStruct = Row<'p, S::SerializeStruct>;
    type SerializeStructVariant = Compound<'p, S::SerializeStructVariant>;

    forward!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&Masked(v, self.p))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_struct(name, &Masked(v, self.p))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_variant(name, index, variant, &Masked(v, self.p))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_seq(len)?,
            p: self.p,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_tuple(len)?,
            p: self.p,
        })
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_tuple_struct(name, len)?,
            p: self.p,
        })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Compound {
            inner: self
                .inner
                .serialize_tuple_variant(name, index, variant, len)?,
            p: self.p,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_map(len)?,
            p: self.p,
        })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Row {
            inner: self.inner.serialize_struct(name, len)?,
            p: self.p,
            name,
            user: None,
            user_target: false,
        })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Compound {
            inner: self
                .inner
                .serialize_struct_variant(name, index, variant, len)?,
            p: self.p,
        })
    }
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

impl<C: ser::SerializeSeq> ser::SerializeSeq for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.inner.serialize_element(&Masked(v, self.p))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeTuple> ser::SerializeTuple for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.inner.serialize_element(&Masked(v, self.p))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeTupleStruct> ser::SerializeTupleStruct for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.inner.serialize_field(&Masked(v, self.p))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeTupleVariant> ser::SerializeTupleVariant for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.inner.serialize_field(&Masked(v, self.p))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeMap> ser::SerializeMap for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), C::Error> {
        self.inner.serialize_key(&Masked(k, self.p))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.inner.serialize_value(&Masked(v, self.p))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeStructVariant> ser::SerializeStructVariant for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), C::Error> {
        self.inner.serialize_field(key, &Masked(v, self.p))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeStruct> ser::SerializeStruct for Row<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), C::Error> {
        let p = self.p;
        let feed = self.name == FEED_ROW;
        match key {
            "user_id" => match int_of(v) {
                Some(id) => {
                    self.user = Some(id);
                    self.inner.serialize_field(key, &*p.of(id))
                }
                // A row without a user: null stays null.
                None => self.inner.serialize_field(key, &Masked(v, p)),
            },
            "username" => {
                let name = self.user.and_then(|id| p.username(id));
                self.inner.serialize_field(key, &name)
            }
            "email" => self.inner.serialize_field(key, &None::<&str>),
            "title" | "description" if feed => self.inner.serialize_field(key, &None::<&str>),
            "target_type" if feed => {
                self.user_target =
                    serde_json::to_value(v).is_ok_and(|t| t.as_str() == Some(USER_MODEL));
                self.inner.serialize_field(key, &Masked(v, p))
            }
            "target_id" if feed && self.user_target => match int_of(v) {
                Some(id) => self.inner.serialize_field(key, &*p.of(id)),
                None => self.inner.serialize_field(key, &Masked(v, p)),
            },
            _ => self.inner.serialize_field(key, &Masked(v, p)),
        }
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        self.inner.skip_field(key)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}
