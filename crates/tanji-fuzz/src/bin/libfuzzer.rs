//! The long-run, coverage-guided mode: libFuzzer drives one target, chosen by `TANJI_FUZZ_TARGET`.
//! Built and run by `scripts/fuzz.sh --libfuzzer` with the instrumentation flags libFuzzer needs.
//!
//! The first byte of each input chooses how the rest is read: even, as the file itself; odd, as the choices of the
//! target's structure-aware generator, so libFuzzer learns near-valid files as well as raw bytes.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Unstructured;
use tanji_fuzz::targets::{Seed, Target, find};

fn target() -> &'static (&'static Target, Vec<Seed>) {
    static TARGET: OnceLock<(&'static Target, Vec<Seed>)> = OnceLock::new();
    TARGET.get_or_init(|| {
        let name = std::env::var("TANJI_FUZZ_TARGET").unwrap_or_default();
        let target = find(&name).unwrap_or_else(|| panic!("set TANJI_FUZZ_TARGET to a target name, not “{name}”"));
        (target, (target.seeds)())
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (target, seeds) = target();
    let Some((mode, rest)) = data.split_first() else { return };
    let input = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        match (target.structured)(&mut Unstructured::new(rest), seeds) {
            Ok(bytes) => bytes,
            Err(_) => return,
        }
    };
    if let Err(violation) = (target.check)(&input) {
        panic!("{}: {violation}", target.name);
    }
});
