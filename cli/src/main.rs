//! `xps`: the xpscrypto operator tool. See `xps help` and `cli/README.md`.
#![forbid(unsafe_code)]

mod args;
mod files;
mod info;
mod keyring;
mod patch;

use std::io::Write;
use std::process::ExitCode;
use xpscrypto_core::hotpatch::Step;
use xpscrypto_core::{Error, Status};

/// Prints a line on stdout; a closed pipe (`xps info | head`) is not an error worth a panic.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}
pub(crate) use say;

pub const USAGE: &str = "\
xps — the xpscrypto operator tool

usage: xps <command> [options]

commands:
  xps info [--json]                 library version, kernel ABI, CPU features, every op with its
                                    candidate kernels and the active one, applied patches
  xps patch keygen ...              make an Ed25519 hot-patch signer key pair
  xps patch trust-store ...         write a trust store from signers' public keys
  xps patch sign ...                create and sign a patch manifest, or co-sign one
  xps patch verify ...              check a manifest and payload against a trust store (no loading)
  xps patch apply ...               dry run: apply a patch inside this process, show the result,
                                    optionally roll it back
  xps keyring create ...            make an empty keyring file (passphrase or raw key)
  xps keyring generate ...          add a key (AEAD, MAC, signature or KEM) with its rotation policy
  xps keyring rotate ...            new primary version of a key (prints it)
  xps keyring list ...              keys, versions, states, algorithms, uses (never material)
  xps keyring describe ...          one key in detail
  xps keyring encrypt/decrypt ...   a file into / out of an envelope
  xps keyring rewrap ...            envelope files re-encrypted under the current primary
  xps keyring revoke/destroy/set-min-version/set-policy/public-key/tick ...
                                    lifecycle, public keys, one pass of the rotation policies
  xps version                       print the version
  xps help [COMMAND...]             this text, or a command's usage (also: xps COMMAND --help)

exit codes:
  0  success
  1  the patch or operation was refused or failed (`error: refused at step <step> (<status>): ...`,
     `error: <what>: <message> (<status>): <detail>`)
  2  usage error (unknown command or option, missing or malformed argument)
  3  I/O error (file not found, permission denied, output file exists; keyring file I/O,
     XPS_E_KEYRING_IO), with the path

environment:
  XPS_PATCH_AUDIT_LOG  audit log file of `xps patch apply` (when --audit-log is not given)
  XPS_CPU_DISABLE      CPU features to hide from kernel selection (see the library docs)
";

const PATCH_USAGE: &str = "\
usage: xps patch <keygen|trust-store|sign|verify|apply> [options]   (xps patch <cmd> --help)

  keygen       --name NAME --out PREFIX [--ml-dsa] [--force]
  trust-store  --signer NAME=PUBFILE[:op1,op2] ... [--ml-dsa-pub NAME=FILE ...] [--threshold N] --out FILE
  sign         --payload FILE --key KEYFILE --signer NAME (--id ID --version N --ops OPS | --manifest M) ...
  verify       --manifest M --payload P --trust-store T
  apply        --manifest M --payload P --trust-store T [--allow-downgrade] [--audit-log FILE] [--rollback]
";

/// Why a command did not succeed, by exit code.
#[derive(Debug)]
pub enum Fail {
    /// `--help`: the usage on stdout, exit 0.
    Help(&'static str),
    /// A usage error: message and usage on stderr, exit 2.
    Usage(String, &'static str),
    /// An I/O error naming the path, exit 3.
    Io(String),
    /// Refused or failed, exit 1.
    Refused(String),
}

/// A core error as a CLI failure: hot-patch statuses name their pipeline step.
pub fn core_error(context: &str, e: &Error) -> Fail {
    match Step::from_status(e.status) {
        Some(step) => {
            let prefix = format!("hot-patch refused at step {}: ", step.name());
            let detail = e.detail.strip_prefix(prefix.as_str()).unwrap_or(&e.detail);
            Fail::Refused(format!("refused at step {} ({}): {detail}", step.name(), e.status.name()))
        }
        None => Fail::Refused(format!("{context}: {} ({}): {}", e.status.message(), e.status.name(), e.detail)),
    }
}

/// A failure of the manifest or trust-store parser (which reports its step directly).
pub fn patch_failure(f: xpscrypto_core::hotpatch::PatchFailure) -> Fail {
    core_error("parse", &Error::from(f))
}

/// The status a failure maps to when the core gives none (for messages of CLI-side checks).
pub fn refused_at(step: Step, detail: impl std::fmt::Display) -> Fail {
    let status: Status = step.status();
    Fail::Refused(format!("refused at step {} ({}): {detail}", step.name(), status.name()))
}

fn usage_of(words: &[&str]) -> Option<&'static str> {
    Some(match words {
        [] => USAGE,
        ["info"] => info::USAGE,
        ["patch"] => PATCH_USAGE,
        ["patch", "keygen"] => patch::KEYGEN_USAGE,
        ["patch", "trust-store"] => patch::TRUST_STORE_USAGE,
        ["patch", "sign"] => patch::SIGN_USAGE,
        ["patch", "verify"] => patch::VERIFY_USAGE,
        ["patch", "apply"] => patch::APPLY_USAGE,
        ["keyring"] => keyring::USAGE,
        ["keyring", cmd] => return keyring::usage_of(cmd),
        ["version"] | ["help"] => USAGE,
        _ => return None,
    })
}

fn run(argv: &[String]) -> Result<(), Fail> {
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Err(Fail::Usage("no command given".into(), USAGE)),
        ["help" | "--help" | "-h"] => Err(Fail::Help(USAGE)),
        ["help", rest @ ..] => match usage_of(rest) {
            Some(u) => Err(Fail::Help(u)),
            None => Err(Fail::Usage(format!("no such command: {}", rest.join(" ")), USAGE)),
        },
        ["version" | "--version" | "-V"] => {
            say!("xps {} (xpscrypto-core {}, kernel ABI {})", env!("CARGO_PKG_VERSION"), xpscrypto_core::VERSION, xpscrypto_core::dispatch::KERNEL_ABI_VERSION);
            Ok(())
        }
        ["info", ..] => info::run(&argv[1..]),
        ["patch"] => Err(Fail::Usage("missing patch command".into(), PATCH_USAGE)),
        ["patch", "--help" | "-h" | "help"] => Err(Fail::Help(PATCH_USAGE)),
        ["patch", "keygen", ..] => patch::keygen(&argv[2..]),
        ["patch", "trust-store", ..] => patch::trust_store(&argv[2..]),
        ["patch", "sign", ..] => patch::sign(&argv[2..]),
        ["patch", "verify", ..] => patch::verify(&argv[2..]),
        ["patch", "apply", ..] => patch::apply(&argv[2..]),
        ["patch", other, ..] => Err(Fail::Usage(format!("unknown patch command {other:?}"), PATCH_USAGE)),
        ["keyring"] => Err(Fail::Usage("missing keyring command".into(), keyring::USAGE)),
        ["keyring", "--help" | "-h" | "help"] => Err(Fail::Help(keyring::USAGE)),
        ["keyring", cmd, ..] => keyring::run(cmd, &argv[2..]),
        [other, ..] => Err(Fail::Usage(format!("unknown command {other:?}"), USAGE)),
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = match std::env::args_os().skip(1).map(|a| a.into_string()).collect() {
        Ok(v) => v,
        Err(bad) => {
            eprintln!("error: argument {bad:?} is not valid UTF-8\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Help(usage)) => {
            let _ = std::io::stdout().lock().write_all(usage.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Fail::Usage(msg, usage)) => {
            eprintln!("error: {msg}\n\n{usage}");
            ExitCode::from(2)
        }
        Err(Fail::Io(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(3)
        }
        Err(Fail::Refused(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
