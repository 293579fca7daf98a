//! One configuration for the desktop app and `nllc`, read in layers: the built-in defaults, the
//! machine-wide file the pharmacy chain deploys to every counter, then the user's own file.
//!
//! A key the chain set machine-wide is the chain's: it wins over the user's file and is locked
//! in *Inställningar* ("satt av apotekskedjan"). Every value keeps where it came from (file and
//! line), so an error names the line to fix and `nllc config show` can say where each value
//! came from. Relative paths are taken from the folder of the file that names them.
//!
//! | layer | Linux | Windows | macOS |
//! |---|---|---|---|
//! | machine-wide | `/etc/receptdisk/receptdisk.toml` | `%ProgramData%\Receptdisk\receptdisk.toml` | `/Library/Application Support/Receptdisk/receptdisk.toml` |
//! | the user's | `~/.config/receptdisk/receptdisk.toml` | `%APPDATA%\receptdisk\receptdisk.toml` | `~/Library/Application Support/receptdisk/receptdisk.toml` |
//!
//! `RECEPTDISK_MACHINE_CONFIG` names another machine-wide file and `RECEPTDISK_HOME=DIR` puts
//! the user's file (and the access log) in `DIR` (tests, pilots).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::config::{ClientConfig, CounterConfig, Problem};
use crate::error::ClientError;

pub const FILE_NAME: &str = "receptdisk.toml";
pub const MACHINE_CONFIG_ENV: &str = "RECEPTDISK_MACHINE_CONFIG";
pub const HOME_ENV: &str = "RECEPTDISK_HOME";

/// Keys holding a path: taken from the folder of the file that sets them.
const PATH_KEYS: [&str; 10] = [
    "extra_ca_pem",
    "policy_overrides",
    "access_log",
    "access_log.path",
    "access_log.central.client_pem",
    "access_log.central.client_key_pem",
    "access_log.central.ca_pem",
    "client_certificate.pem",
    "client_certificate.key_pem",
    "client_certificate.pkcs12",
];

/// Keys whose value is a secret (test environments only): never printed.
const SECRET_KEYS: [&str; 2] = ["token.token", "token.subject_token"];

/// Which file a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum LayerKind {
    /// The chain's machine-wide file.
    Machine,
    /// The user's own file.
    User,
}

impl LayerKind {
    pub fn label_sv(self) -> &'static str {
        match self {
            LayerKind::Machine => "apotekskedjan",
            LayerKind::User => "användaren",
        }
    }
}

/// Where the layers are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPaths {
    pub machine: PathBuf,
    pub user: Option<PathBuf>,
}

impl ConfigPaths {
    /// The machine-wide file and the user's file of this system (see the module comment).
    pub fn standard() -> ConfigPaths {
        ConfigPaths {
            machine: machine_config_path(),
            user: user_config_path(),
        }
    }

    /// The machine-wide file, and `user` instead of the user's file (`nllc --config FILE`).
    pub fn with_user_file(user: &Path) -> ConfigPaths {
        ConfigPaths {
            machine: machine_config_path(),
            user: Some(user.to_path_buf()),
        }
    }
}

pub fn machine_config_path() -> PathBuf {
    if let Some(p) = std::env::var_os(MACHINE_CONFIG_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(base).join("Receptdisk").join(FILE_NAME)
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Receptdisk").join(FILE_NAME)
    } else {
        PathBuf::from("/etc/receptdisk").join(FILE_NAME)
    }
}

pub fn user_config_path() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os(HOME_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(home).join(FILE_NAME));
    }
    dirs::config_dir().map(|d| d.join("receptdisk").join(FILE_NAME))
}

/// A configuration problem where it was found: the file, the line and the key, with one
/// sentence in Swedish and English. Never quotes the line (it could hold a test token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfigProblem {
    pub path: Option<String>,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
    pub message_en: String,
    /// An error of its own kind (an insecure URL), returned as it is.
    #[serde(skip)]
    #[ts(skip)]
    error: Option<Box<ClientError>>,
}

impl ConfigProblem {
    fn new(origin: Option<&Origin>, key: Option<String>, sv: String, en: String) -> ConfigProblem {
        ConfigProblem {
            path: origin.map(|o| o.path.display().to_string()),
            line: origin.and_then(|o| o.line),
            key,
            message: sv,
            message_en: en,
            error: None,
        }
    }

    /// "FILE, rad N: " or "" when the problem is not in a file.
    pub fn place_sv(&self) -> String {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => format!("{p}, rad {l}: "),
            (Some(p), None) => format!("{p}: "),
            _ => String::new(),
        }
    }

    fn place_en(&self) -> String {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => format!("{p}, line {l}: "),
            (Some(p), None) => format!("{p}: "),
            _ => String::new(),
        }
    }

    /// The problem as the client's configuration error, naming the file and the line.
    pub fn to_error(&self) -> ClientError {
        match &self.error {
            Some(e) => (**e).clone(),
            None => ClientError::config(
                format!("{}{}", self.place_sv(), self.message),
                format!("{}{}", self.place_en(), self.message_en),
            ),
        }
    }
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.place_sv(), self.message)
    }
}

/// Where one value was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub kind: LayerKind,
    pub path: PathBuf,
    /// The line of the key (unknown for a layer written by the app from the settings form).
    pub line: Option<usize>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// One file, parsed: its values as a table, and the line of every key.
#[derive(Debug, Clone)]
pub struct Layer {
    pub kind: LayerKind,
    pub path: PathBuf,
    pub table: toml::Table,
    lines: BTreeMap<String, usize>,
}

impl Layer {
    /// Reads a layer; `Ok(None)` when the file does not exist.
    pub fn read(kind: LayerKind, path: &Path) -> Result<Option<Layer>, ConfigProblem> {
        match std::fs::read_to_string(path) {
            Ok(text) => Layer::parse(kind, path, &text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ConfigProblem::new(
                Some(&Origin {
                    kind,
                    path: path.to_path_buf(),
                    line: None,
                }),
                None,
                format!("filen kunde inte läsas ({})", e.kind()),
                format!("the file could not be read ({})", e.kind()),
            )),
        }
    }

    /// Parses a layer's text; relative paths are taken from `path`'s folder.
    pub fn parse(kind: LayerKind, path: &Path, text: &str) -> Result<Layer, ConfigProblem> {
        let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            // Only toml's message, never its rendering, which quotes the line.
            let msg = e.message().lines().next().unwrap_or("").trim().to_string();
            ConfigProblem::new(
                Some(&Origin {
                    kind,
                    path: path.to_path_buf(),
                    line,
                }),
                None,
                format!("filen är inte giltig TOML ({msg})"),
                format!("the file is not valid TOML ({msg})"),
            )
        })?;
        let mut lines = BTreeMap::new();
        key_lines(doc.as_table(), "", text, &mut lines);
        let mut table: toml::Table = toml::from_str(text).map_err(|e| {
            ConfigProblem::new(
                Some(&Origin {
                    kind,
                    path: path.to_path_buf(),
                    line: e.span().map(|s| line_of(text, s.start)),
                }),
                None,
                format!("filen är inte giltig TOML ({})", e.message()),
                format!("the file is not valid TOML ({})", e.message()),
            )
        })?;
        resolve_paths(&mut table, path.parent().unwrap_or(Path::new(".")));
        Ok(Layer {
            kind,
            path: path.to_path_buf(),
            table,
            lines,
        })
    }

    /// A layer the app builds from the settings form (no lines yet).
    pub fn from_table(kind: LayerKind, path: &Path, mut table: toml::Table) -> Layer {
        resolve_paths(&mut table, path.parent().unwrap_or(Path::new(".")));
        Layer {
            kind,
            path: path.to_path_buf(),
            table,
            lines: BTreeMap::new(),
        }
    }

    fn origin(&self, key: &str) -> Origin {
        // A key's own line, else the line of the table it is in.
        let mut k = key;
        let line = loop {
            if let Some(l) = self.lines.get(k) {
                break Some(*l);
            }
            match k.rsplit_once('.') {
                Some((parent, _)) => k = parent,
                None => break None,
            }
        };
        Origin {
            kind: self.kind,
            path: self.path.clone(),
            line,
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line of every key and table header in a parsed document.
fn key_lines(
    t: &dyn toml_edit::TableLike,
    prefix: &str,
    text: &str,
    out: &mut BTreeMap<String, usize>,
) {
    for (k, item) in t.iter() {
        let path = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        let span = t.key(k).and_then(|key| key.span()).or_else(|| item.span());
        if let Some(s) = span {
            out.entry(path.clone()).or_insert(line_of(text, s.start));
        }
        if let Some(sub) = item.as_table_like() {
            key_lines(sub, &path, text, out);
        }
    }
}

fn resolve_paths(table: &mut toml::Table, dir: &Path) {
    for key in PATH_KEYS {
        // `access_log` is a path in its short form and a table in its long one: only a string
        // value is a path.
        let mut parts = key.split('.').peekable();
        let mut value: Option<&mut toml::Value> = None;
        let mut current: Option<&mut toml::Table> = Some(&mut *table);
        while let Some(part) = parts.next() {
            let Some(t) = current.take() else { break };
            let v = t.get_mut(part);
            if parts.peek().is_none() {
                value = v;
            } else {
                current = v.and_then(|v| v.as_table_mut());
            }
        }
        if let Some(toml::Value::String(s)) = value {
            let p = PathBuf::from(&*s);
            if p.is_relative() {
                *s = dir.join(p).display().to_string();
            }
        }
    }
}

/// Every leaf value of a table by its dotted key.
fn leaves(table: &toml::Table, prefix: &str, out: &mut BTreeMap<String, toml::Value>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => leaves(t, &path, out),
            other => {
                out.insert(path, other.clone());
            }
        }
    }
}

/// Sets (or with `None`, removes) one dotted key; tables left empty by a removal go too.
pub fn put(t: &mut toml::Table, key: &str, value: Option<toml::Value>) {
    match key.split_once('.') {
        None => match value {
            Some(v) => {
                t.insert(key.into(), v);
            }
            None => {
                t.remove(key);
            }
        },
        Some((head, rest)) => {
            if value.is_none() && !t.contains_key(head) {
                return;
            }
            let sub = t
                .entry(head.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !sub.is_table() {
                *sub = toml::Value::Table(toml::Table::new());
            }
            if let toml::Value::Table(inner) = sub {
                put(inner, rest, value);
                if inner.is_empty() {
                    t.remove(head);
                }
            }
        }
    }
}

/// The merged configuration and where each of its values came from.
#[derive(Debug, Clone)]
pub struct Layers {
    pub layers: Vec<Layer>,
    merged: toml::Table,
    origins: BTreeMap<String, Origin>,
    /// Keys of the user's file that the chain's file overrides (shown by `nllc config show`).
    pub overridden: Vec<(String, Origin)>,
}

impl Layers {
    /// Reads the machine-wide and the user's file; a missing file is an empty layer.
    pub fn load(paths: &ConfigPaths) -> Result<Layers, ConfigProblem> {
        let mut layers = Vec::new();
        if let Some(l) = Layer::read(LayerKind::Machine, &paths.machine)? {
            layers.push(l);
        }
        if let Some(user) = &paths.user {
            if let Some(l) = Layer::read(LayerKind::User, user)? {
                layers.push(l);
            }
        }
        Ok(Layers::from_layers(layers))
    }

    /// Merges the layers: the user's values, then the chain's over them. Where the chain set the
    /// client certificate, or a token source other than the user's, that whole table is the
    /// chain's (a PKCS#12 file and a PEM file, or keys of two token sources, do not mix).
    pub fn from_layers(layers: Vec<Layer>) -> Layers {
        let mut values: BTreeMap<String, (toml::Value, Origin)> = BTreeMap::new();
        let mut overridden = Vec::new();
        let rank = |k: LayerKind| match k {
            LayerKind::User => 0,
            LayerKind::Machine => 1,
        };
        let mut ordered: Vec<&Layer> = layers.iter().collect();
        ordered.sort_by_key(|l| rank(l.kind));
        for layer in ordered {
            let mut own = BTreeMap::new();
            leaves(&layer.table, "", &mut own);
            let mut whole = Vec::new();
            if own.keys().any(|k| k.starts_with("client_certificate.")) {
                whole.push("client_certificate.");
            }
            let source = |m: &BTreeMap<String, (toml::Value, Origin)>| {
                m.get("token.source").map(|(v, _)| v.clone())
            };
            if own
                .get("token.source")
                .is_some_and(|s| source(&values).is_some_and(|old| &old != s))
            {
                whole.push("token.");
            }
            let dropped: Vec<String> = values
                .keys()
                .filter(|k| whole.iter().any(|w| k.starts_with(w)) || own.contains_key(*k))
                .cloned()
                .collect();
            for k in dropped {
                if let Some((_, o)) = values.remove(&k) {
                    overridden.push((k, o));
                }
            }
            for (k, v) in own {
                let origin = layer.origin(&k);
                values.insert(k, (v, origin));
            }
        }
        let mut merged = toml::Table::new();
        let mut origins = BTreeMap::new();
        for (k, (v, o)) in values {
            put(&mut merged, &k, Some(v));
            origins.insert(k, o);
        }
        Layers {
            layers,
            merged,
            origins,
            overridden,
        }
    }

    /// Live mode is configured: a `base_url` is set. Without one the app runs in training mode.
    pub fn is_live(&self) -> bool {
        self.merged.contains_key("base_url")
    }

    pub fn merged(&self) -> &toml::Table {
        &self.merged
    }

    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.origins.get(key).or_else(|| {
            // A table: where its first key came from.
            let prefix = format!("{key}.");
            self.origins
                .iter()
                .find(|(k, _)| k.starts_with(&prefix))
                .map(|(_, o)| o)
        })
    }

    /// Keys the chain set machine-wide: locked in *Inställningar*.
    pub fn locked_keys(&self) -> Vec<String> {
        self.origins
            .iter()
            .filter(|(_, o)| o.kind == LayerKind::Machine)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The files read, in order.
    pub fn files(&self) -> Vec<&Path> {
        self.layers.iter().map(|l| l.path.as_path()).collect()
    }

    /// The client configuration for live mode.
    pub fn client_config(&self) -> Result<ClientConfig, ConfigProblem> {
        if !self.is_live() {
            return Err(ConfigProblem::new(
                self.layers.last().map(|l| l.origin("")).as_ref(),
                Some("base_url".into()),
                "ingen adress till Nationella läkemedelslistan är inställd (base_url)".into(),
                "no address of NLL is configured (base_url)".into(),
            ));
        }
        let cfg: ClientConfig = self.deserialize(&self.merged)?;
        match cfg.problems().into_iter().next() {
            Some(p) => Err(self.problem(p)),
            None => Ok(cfg),
        }
    }

    /// The counter screen's settings (also in training mode).
    pub fn counter(&self) -> Result<CounterConfig, ConfigProblem> {
        let mut t = toml::Table::new();
        if let Some(c) = self.merged.get("counter") {
            t.insert("counter".into(), c.clone());
        }
        #[derive(serde::Deserialize)]
        struct Only {
            #[serde(default)]
            counter: CounterConfig,
        }
        let c = self.deserialize::<Only>(&t)?.counter;
        match c.problems().into_iter().next() {
            Some(p) => Err(self.problem(p)),
            None => Ok(c),
        }
    }

    /// Everything wrong with the configuration, each naming its file and line
    /// (`nllc config check`). Without a `base_url` (training mode) the keys are still checked.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut checked = self.merged.clone();
        if !self.is_live() {
            checked.insert("base_url".into(), "http://127.0.0.1/fhir".into());
            if !checked.contains_key("token") {
                let mut t = toml::Table::new();
                t.insert("source".into(), "static".into());
                checked.insert("token".into(), toml::Value::Table(t));
            }
        }
        match self.deserialize::<ClientConfig>(&checked) {
            Err(p) => vec![p],
            Ok(cfg) => cfg
                .problems()
                .into_iter()
                .filter(|p| self.is_live() || !p.key.starts_with("token."))
                .map(|p| self.problem(p))
                .collect(),
        }
    }

    fn problem(&self, p: Problem) -> ConfigProblem {
        let mut out = ConfigProblem::new(self.origin(p.key), Some(p.key.to_string()), p.sv, p.en);
        out.error = p.error.map(Box::new);
        out
    }

    /// Deserialises the merged table; an error names the key, and so the file and line, it is
    /// about. The table is written out as TOML and read back, so toml's error carries a span;
    /// the span's line in that text gives the key.
    fn deserialize<T: serde::de::DeserializeOwned>(
        &self,
        table: &toml::Table,
    ) -> Result<T, ConfigProblem> {
        let text = toml::to_string(table).unwrap_or_default();
        toml::from_str(&text).map_err(|e| {
            let msg = e.message().lines().next().unwrap_or("").trim().to_string();
            let mut key = e.span().and_then(|s| key_at(&text, s.start));
            // An unknown key inside a table (a token source's) is reported on the table: name
            // the key itself, so its own line is given.
            if let Some(field) = msg
                .strip_prefix("unknown field `")
                .and_then(|r| r.split('`').next())
            {
                let inner = match &key {
                    Some(k) if !k.ends_with(field) => format!("{k}.{field}"),
                    Some(k) => k.clone(),
                    None => field.to_string(),
                };
                if self.origins.contains_key(&inner) {
                    key = Some(inner);
                }
            }
            let origin = key.as_deref().and_then(|k| self.origin(k));
            let (sv, en) = match &key {
                Some(k) => (format!("{k}: {msg}"), format!("{k}: {msg}")),
                None => (msg.clone(), msg),
            };
            ConfigProblem::new(origin, key, sv, en)
        })
    }

    /// The merged configuration as TOML, each value with where it came from (a comment), the
    /// built-in defaults included; secrets are never printed.
    pub fn show(&self) -> String {
        let mut out = String::new();
        out.push_str("# Receptdisk – sammanslagna inställningar\n");
        if self.layers.is_empty() {
            out.push_str("# inga inställningsfiler finns: standardvärden, övningsläge\n");
        }
        for l in &self.layers {
            out.push_str(&format!(
                "# läst: {} ({})\n",
                l.path.display(),
                l.kind.label_sv()
            ));
        }
        let mut all = BTreeMap::new();
        leaves(&self.merged, "", &mut all);
        // The defaults: what the full configuration has that no file set.
        let effective = if self.is_live() {
            self.client_config()
                .ok()
                .and_then(|c| toml::Value::try_from(&c).ok())
                .and_then(|v| v.as_table().cloned())
        } else {
            self.counter().ok().and_then(|c| {
                let mut t = toml::Table::new();
                t.insert("counter".into(), toml::Value::try_from(c).ok()?);
                Some(t)
            })
        };
        if let Some(t) = effective {
            let mut defaults = BTreeMap::new();
            leaves(&t, "", &mut defaults);
            for (k, v) in defaults {
                all.entry(k).or_insert(v);
            }
        }
        if !self.is_live() {
            out.push_str("# base_url saknas: appen startar i övningsläge\n");
        }
        // Top-level keys first, then one [section] each (TOML's order).
        let mut sections: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (k, v) in &all {
            let (section, leaf) = match k.rsplit_once('.') {
                Some((s, l)) => (s.to_string(), l.to_string()),
                None => (String::new(), k.clone()),
            };
            let value = if SECRET_KEYS.contains(&k.as_str()) {
                "\"***\"".to_string()
            } else {
                v.to_string()
            };
            let from = match self.origins.get(k) {
                Some(o) if o.kind == LayerKind::Machine => {
                    format!("{o} (apotekskedjan, låst)")
                }
                Some(o) => o.to_string(),
                None => "standardvärde".to_string(),
            };
            let secret = if SECRET_KEYS.contains(&k.as_str()) {
                ", hemlig – visas inte"
            } else {
                ""
            };
            sections
                .entry(section)
                .or_default()
                .push((format!("{leaf} = {value}"), format!("# {from}{secret}")));
        }
        for (section, rows) in sections {
            if !section.is_empty() {
                out.push_str(&format!("\n[{section}]\n"));
            }
            let width = rows
                .iter()
                .map(|(a, _)| a.chars().count())
                .max()
                .unwrap_or(0);
            for (a, b) in rows {
                let pad = width - a.chars().count();
                out.push_str(&format!("{a}{}  {b}\n", " ".repeat(pad)));
            }
        }
        if !self.overridden.is_empty() {
            out.push_str(
                "\n# satt av apotekskedjan, så de här raderna i användarens fil gäller inte:\n",
            );
            for (k, o) in &self.overridden {
                out.push_str(&format!("#   {k}  ({o})\n"));
            }
        }
        out
    }
}

/// The dotted key a byte offset of `text` (plain TOML as `toml::to_string` writes it) is on.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let line_no = line_of(text, offset);
    let mut section = String::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') && l.ends_with(']') {
            section = l.trim_matches(|c| c == '[' || c == ']').replace('"', "");
            if i + 1 == line_no {
                return Some(section);
            }
            continue;
        }
        if i + 1 == line_no {
            let key = l.split('=').next()?.trim().trim_matches('"');
            if key.is_empty() {
                return (!section.is_empty()).then_some(section);
            }
            return Some(if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            });
        }
    }
    (!section.is_empty()).then_some(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(kind: LayerKind, path: &str, text: &str) -> Layer {
        Layer::parse(kind, Path::new(path), text).unwrap()
    }

    const MACHINE: &str = r#"base_url = "https://nll.example.se/fhir"
extra_ca_pem = "certs/ca.pem"

[token]
source = "oauth2-exchange"
token_url = "https://idp.example.se/oauth/token"
client_id = "kassa"
subject_token_command = ["eid-login"]
"#;

    #[test]
    fn the_chain_wins_and_every_value_knows_its_file_and_line() {
        let user =
            "base_url = \"https://annan.example.se/fhir\"\n\n[counter]\nprinter = \"Kassa1\"\n";
        let l = Layers::from_layers(vec![
            layer(
                LayerKind::Machine,
                "/etc/receptdisk/receptdisk.toml",
                MACHINE,
            ),
            layer(
                LayerKind::User,
                "/home/a/.config/receptdisk/receptdisk.toml",
                user,
            ),
        ]);
        let cfg = l.client_config().unwrap();
        assert_eq!(cfg.base_url, "https://nll.example.se/fhir");
        assert_eq!(cfg.counter.printer.as_deref(), Some("Kassa1"));
        assert_eq!(
            cfg.extra_ca_pem.as_deref(),
            Some(Path::new("/etc/receptdisk/certs/ca.pem"))
        );
        let o = l.origin("token.client_id").unwrap();
        assert_eq!((o.kind, o.line), (LayerKind::Machine, Some(7)));
        assert_eq!(l.origin("counter.printer").unwrap().line, Some(4));
        assert!(l.locked_keys().contains(&"base_url".to_string()));
        assert!(!l.locked_keys().contains(&"counter.printer".to_string()));
        assert_eq!(l.overridden.len(), 1);
        let shown = l.show();
        assert!(
            shown.contains("/etc/receptdisk/receptdisk.toml:1 (apotekskedjan, låst)"),
            "{shown}"
        );
        assert!(shown.contains("connect_timeout_ms = 5000"), "{shown}");
        assert!(shown.contains("# standardvärde"), "{shown}");
        assert!(shown.contains("gäller inte"), "{shown}");
    }

    #[test]
    fn a_wrong_key_names_its_file_and_line() {
        let user =
            "[counter]\nprinter = \"Kassa1\"\nidle_timeout_minutes = 90\n\n[token]\ntokne = 1\n";
        let l = Layers::from_layers(vec![
            layer(LayerKind::Machine, "/etc/r.toml", MACHINE),
            layer(LayerKind::User, "/home/a/r.toml", user),
        ]);
        let p = l.client_config().unwrap_err();
        assert_eq!(p.path.as_deref(), Some("/home/a/r.toml"));
        assert_eq!(p.line, Some(6), "{p}");
        assert!(p.message.contains("tokne"), "{p}");
        let e = p.to_error();
        assert!(e.message.contains("/home/a/r.toml, rad 6"), "{}", e.message);
    }

    #[test]
    fn a_value_out_of_range_names_its_line_and_training_mode_is_checked_too() {
        let user = "# en kommentar\n[counter]\nidle_timeout_minutes = 90\n";
        let l = Layers::from_layers(vec![layer(LayerKind::User, "/home/a/r.toml", user)]);
        assert!(!l.is_live());
        let problems = l.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("1–60"));
        let user = "role = \"KASSÖR\"\n";
        let l = Layers::from_layers(vec![layer(LayerKind::User, "/home/a/r.toml", user)]);
        let p = &l.problems()[0];
        assert_eq!((p.line, p.key.as_deref()), (Some(1), Some("role")), "{p}");
    }

    #[test]
    fn broken_toml_names_the_line_and_never_quotes_it() {
        let text = "base_url = \"https://x/fhir\"\n[token]\nsource = \"static\"\ntoken = hemlig-token-123\n";
        let p = Layer::parse(LayerKind::User, Path::new("/tmp/r.toml"), text).unwrap_err();
        assert_eq!(p.line, Some(4));
        assert!(!p.to_string().contains("hemlig-token-123"), "{p}");
    }

    #[test]
    fn secrets_are_never_shown() {
        let text = "base_url = \"https://x/fhir\"\n[token]\nsource = \"static\"\ntoken = \"hemlig-token-123\"\n";
        let l = Layers::from_layers(vec![layer(LayerKind::User, "/tmp/r.toml", text)]);
        let shown = l.show();
        assert!(!shown.contains("hemlig-token-123"), "{shown}");
        assert!(shown.contains("token = \"***\""), "{shown}");
    }

    #[test]
    fn a_token_source_of_the_chains_replaces_the_users_whole_token_table() {
        let user = "[token]\nsource = \"command\"\ncommand = [\"hämta-token\"]\n";
        let l = Layers::from_layers(vec![
            layer(LayerKind::Machine, "/etc/r.toml", MACHINE),
            layer(LayerKind::User, "/home/a/r.toml", user),
        ]);
        let cfg = l.client_config().unwrap();
        assert!(matches!(
            cfg.token,
            crate::config::TokenConfig::Oauth2Exchange { .. }
        ));
    }
}
