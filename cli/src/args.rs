//! A small hand-written option parser: `--name value`, `--name=value`, boolean `--flag`s,
//! `-h`/`--help`, and positional arguments for the commands that declare them (`xps keyring …`;
//! the others take options only). `--` ends the options.

use crate::Fail;
use std::str::FromStr;

/// The options one command accepts.
pub struct Spec {
    pub usage: &'static str,
    /// Options taking a value, at most once each.
    pub values: &'static [&'static str],
    /// Options taking a value, any number of times.
    pub repeated: &'static [&'static str],
    /// Options without a value.
    pub flags: &'static [&'static str],
    /// Required positional arguments, in order (their names, for messages: `FILE`, `NAME`, …).
    pub positional: &'static [&'static str],
    /// Further positional arguments accepted after those (their name), if any.
    pub more: Option<&'static str>,
}

/// Parsed options of one command.
pub struct Args {
    usage: &'static str,
    values: Vec<(&'static str, String)>,
    flags: Vec<&'static str>,
    positionals: Vec<String>,
}

fn find(list: &'static [&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|o| *o == name)
}

pub fn parse(spec: &Spec, args: &[String]) -> Result<Args, Fail> {
    let mut out = Args { usage: spec.usage, values: Vec::new(), flags: Vec::new(), positionals: Vec::new() };
    let takes_positionals = !spec.positional.is_empty() || spec.more.is_some();
    let mut options_ended = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if options_ended || (takes_positionals && (arg == "-" || !arg.starts_with('-'))) {
            out.positionals.push(arg.clone());
            continue;
        }
        if arg == "-h" || arg == "--help" {
            return Err(Fail::Help(spec.usage));
        }
        if arg == "--" && takes_positionals {
            options_ended = true;
            continue;
        }
        let Some(body) = arg.strip_prefix("--").filter(|b| !b.is_empty()) else {
            return Err(out.usage_error(if takes_positionals { format!("unknown option {arg:?}") } else { format!("unexpected argument {arg:?}") }));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        if let Some(f) = find(spec.flags, name) {
            if inline.is_some() {
                return Err(out.usage_error(format!("--{name} takes no value")));
            }
            if !out.flags.contains(&f) {
                out.flags.push(f);
            }
            continue;
        }
        let Some(opt) = find(spec.values, name).or_else(|| find(spec.repeated, name)) else {
            return Err(out.usage_error(format!("unknown option --{name}")));
        };
        let value = match inline {
            Some(v) => v,
            // A following `--something` is almost always a forgotten value; `--opt=--x` still works.
            None => match it.next() {
                Some(v) if !v.starts_with("--") => v.clone(),
                _ => return Err(out.usage_error(format!("--{name} needs a value"))),
            },
        };
        if find(spec.values, name).is_some() && out.get(opt).is_some() {
            return Err(out.usage_error(format!("--{name} given more than once")));
        }
        out.values.push((opt, value));
    }
    if let Some(missing) = spec.positional.get(out.positionals.len()) {
        return Err(out.usage_error(format!("missing {missing}")));
    }
    if spec.more.is_none() {
        if let Some(extra) = out.positionals.get(spec.positional.len()) {
            return Err(out.usage_error(format!("unexpected argument {extra:?}")));
        }
    }
    Ok(out)
}

impl Args {
    pub fn usage_error(&self, msg: impl Into<String>) -> Fail {
        Fail::Usage(msg.into(), self.usage)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn required(&self, name: &str) -> Result<&str, Fail> {
        self.get(name).ok_or_else(|| self.usage_error(format!("--{name} is required")))
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.values.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Positional argument `i` (present: `parse` checked the required ones).
    pub fn pos(&self, i: usize) -> &str {
        self.positionals.get(i).map_or("", String::as_str)
    }

    /// The positional arguments after the required ones.
    pub fn more(&self, required: usize) -> &[String] {
        self.positionals.get(required..).unwrap_or(&[])
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    /// An optional number (`--name N`); a malformed one is a usage error.
    pub fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, Fail> {
        self.get(name)
            .map(|v| v.parse::<T>().map_err(|_| self.usage_error(format!("--{name}: {v:?} is not a valid non-negative integer"))))
            .transpose()
    }
}

/// `a,b , c` → `["a", "b", "c"]` (empty items dropped).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}
