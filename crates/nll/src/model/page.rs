//! Reading a searchset page (a Bundle) from its text.
//!
//! The page is read in one pass ([`streamed`]): the Bundle's own members into a small JSON tree,
//! and each entry as it is met — its resource's text taken as a slice of the page and read
//! into the model at once (typed where it can, see [`super::typed`]), its other members
//! (`fullUrl`, `search`) kept for `raw`. A heavy patient's page of a thousand dispenses is
//! thus scanned twice, not once per layer.
//!
//! Anything unusual — not JSON, not an object, `entry` not an array, an entry without its
//! resource, a member twice, a resource the reader refuses — stops that pass, and the page is
//! read again step by step ([`checked`]), which says where the problem is in the same words
//! whatever stopped the first pass.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::read::Reader;
use super::{parse_json, typed, Bundle, Entry, Link, ModelError, RawJson, Resource};

/// Reads a page; each resource's `raw` is a range of `page`.
pub(crate) fn read(page: Arc<str>) -> Result<Bundle, ModelError> {
    match streamed_bundle(page.clone()) {
        Some(b) => Ok(b),
        None => checked(&page),
    }
}

/// The one-pass reading, `None` where it stops.
pub(crate) fn streamed_bundle(page: Arc<str>) -> Option<Bundle> {
    let (shell, entries) = streamed(&page)?;
    assemble(shell, entries).ok()
}

/// The Bundle's own members and its entries (with what is kept of each), or `None` when
/// anything is unusual.
type Parts = (Map<String, Value>, Option<Vec<(Entry, Value)>>);

fn streamed(page: &Arc<str>) -> Option<Parts> {
    let mut de = serde_json::Deserializer::from_str(page);
    let parts = de.deserialize_map(PageVisitor { page }).ok()?;
    de.end().ok()?;
    Some(parts)
}

/// The Bundle from its members and entries; the members are checked as in [`checked`].
fn assemble(
    shell: Map<String, Value>,
    entries: Option<Vec<(Entry, Value)>>,
) -> Result<Bundle, ModelError> {
    let mut v = Value::Object(shell);
    let head = head(&v)?;
    let Some(entries) = entries else {
        return Ok(head.into_bundle(Vec::new(), &v));
    };
    let (entries, kept): (Vec<Entry>, Vec<Value>) = entries.into_iter().unzip();
    v["entry"] = Value::Array(kept);
    Ok(head.into_bundle(entries, &v))
}

struct PageVisitor<'p> {
    page: &'p Arc<str>,
}

fn stop<E: de::Error>() -> E {
    E::custom("read step by step")
}

impl<'de> Visitor<'de> for PageVisitor<'_> {
    type Value = Parts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Bundle")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts, A::Error> {
        let mut shell = Map::new();
        let mut entries = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "entry" {
                if entries.is_some() {
                    return Err(stop());
                }
                entries = Some(map.next_value_seed(Entries { page: self.page })?);
            } else if shell.insert(key, map.next_value()?).is_some() {
                return Err(stop());
            }
        }
        Ok((shell, entries))
    }
}

/// `entry`: an array of entries (`null`: none).
struct Entries<'p> {
    page: &'p Arc<str>,
}

impl<'de> DeserializeSeed<'de> for Entries<'_> {
    type Value = Vec<(Entry, Value)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_> {
    type Value = Vec<(Entry, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of entries")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(e) = seq.next_element_seed(EntrySeed {
            page: self.page,
            index: out.len(),
        })? {
            out.push(e);
        }
        Ok(out)
    }
}

/// One entry: its resource read at once, its other members kept.
struct EntrySeed<'p> {
    page: &'p Arc<str>,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = (Entry, Value);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = (Entry, Value);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kept = Map::new();
        let mut resource = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "resource" {
                if resource.is_some() {
                    return Err(stop());
                }
                let text: &RawValue = map.next_value()?;
                let read = read_resource(&Reader::default(), self.page, text.get(), self.index);
                resource = Some(read.map_err(|_| stop())?);
            } else if kept.insert(key, map.next_value()?).is_some() {
                return Err(stop());
            }
        }
        let kept = Value::Object(kept);
        let resource = resource.ok_or_else(stop)?;
        let (full_url, search_mode) =
            entry_members(&Reader::default(), &kept, &format!("entry[{}]", self.index))
                .map_err(|_| stop())?;
        Ok((
            Entry {
                full_url,
                search_mode,
                resource,
            },
            kept,
        ))
    }
}

/// The resource of `entry[index]`: typed where it can, else through its JSON tree and the
/// general reader.
fn read_resource(
    r: &Reader,
    page: &Arc<str>,
    text: &str,
    index: usize,
) -> Result<Resource, ModelError> {
    if let Some(typed) = typed::read(page, text) {
        return Ok(typed);
    }
    let v = parse_json(text)?;
    if !v.is_object() {
        return Err(r.err(&format!("entry[{index}].resource"), "not a JSON object"));
    }
    Resource::read_with_raw(v, RawJson::within(page, text))
}

/// `fullUrl` and `search.mode` of an entry (`p` = `entry[i]`).
fn entry_members(
    r: &Reader,
    e: &Value,
    p: &str,
) -> Result<(Option<String>, Option<String>), ModelError> {
    let search_mode = match r.opt_obj(e, "search", p)? {
        Some(s) => r.opt_str(s, "mode", &format!("{p}.search"))?,
        None => None,
    };
    Ok((r.opt_str(e, "fullUrl", p)?, search_mode))
}

/// The Bundle's own members, checked.
struct Head {
    id: Option<String>,
    bundle_type: Option<String>,
    total: Option<u64>,
    links: Vec<Link>,
}

impl Head {
    fn into_bundle(self, entries: Vec<Entry>, raw: &Value) -> Bundle {
        Bundle {
            id: self.id,
            bundle_type: self.bundle_type,
            total: self.total,
            links: self.links,
            entries,
            raw: RawJson::of(raw),
        }
    }
}

fn head(v: &Value) -> Result<Head, ModelError> {
    let r = Reader::for_resource(v, "Bundle");
    let rt = r.req_str(v, "resourceType", "")?;
    if rt != "Bundle" {
        return Err(r.err("resourceType", format!("expected Bundle, got {rt}")));
    }
    let total = match r.get(v, "total") {
        None => None,
        Some(Value::Number(n)) => Some(
            n.as_u64()
                .ok_or_else(|| r.err("total", "not an unsignedInt"))?,
        ),
        Some(_) => return Err(r.err("total", "not a number")),
    };
    let mut links = Vec::new();
    for (i, l) in r.array(v, "link", "")?.iter().enumerate() {
        let p = format!("link[{i}]");
        r.obj(l, &p)?;
        links.push(Link {
            relation: r.req_str(l, "relation", &p)?,
            url: r.req_str(l, "url", &p)?,
        });
    }
    Ok(Head {
        id: r.opt_str(v, "id", "")?,
        bundle_type: r.opt_str(v, "type", "")?,
        total,
        links,
    })
}

/// The page read step by step: the Bundle's own members first, then each entry on its own.
/// Slower than [`streamed`], and says where a problem is.
pub(crate) fn checked(page: &Arc<str>) -> Result<Bundle, ModelError> {
    let json: &str = page;
    let members: BTreeMap<String, &RawValue> = match serde_json::from_str(json) {
        Ok(m) => m,
        // Not an object (or not JSON): the same error a whole reading would give.
        Err(_) => {
            let v = parse_json(json)?;
            Reader::for_resource(&v, "Bundle").obj(&v, "")?;
            return Err(ModelError::Json("not a JSON object".into()));
        }
    };
    let mut shell = Map::new();
    for (k, raw) in &members {
        if k != "entry" {
            shell.insert(k.clone(), parse_json(raw.get())?);
        }
    }
    let mut v = Value::Object(shell);
    let head = head(&v)?;
    let r = Reader::for_resource(&v, "Bundle");
    let raw_entries: Vec<&RawValue> = match members.get("entry") {
        None => Vec::new(),
        Some(raw) if raw.get() == "null" => Vec::new(),
        Some(raw) => {
            serde_json::from_str(raw.get()).map_err(|_| r.err("entry", "not a JSON array"))?
        }
    };
    let mut entries = Vec::with_capacity(raw_entries.len());
    let mut kept = Vec::with_capacity(raw_entries.len());
    for (i, raw) in raw_entries.into_iter().enumerate() {
        let p = format!("entry[{i}]");
        let mut members: BTreeMap<String, &RawValue> =
            serde_json::from_str(raw.get()).map_err(|_| r.err(&p, "not a JSON object"))?;
        let resource = members
            .remove("resource")
            .filter(|t| t.get() != "null")
            .ok_or_else(|| r.err(&format!("{p}.resource"), "missing"))?;
        // The entry without its resource, kept for `raw`: `fullUrl` and `search`.
        let mut e = Map::new();
        for (k, m) in members {
            e.insert(k, parse_json(m.get())?);
        }
        let e = Value::Object(e);
        let (full_url, search_mode) = entry_members(&r, &e, &p)?;
        let resource = read_resource(&r, page, resource.get(), i)?;
        entries.push(Entry {
            full_url,
            search_mode,
            resource,
        });
        kept.push(e);
    }
    if members.contains_key("entry") {
        v["entry"] = Value::Array(kept);
    }
    Ok(head.into_bundle(entries, &v))
}
