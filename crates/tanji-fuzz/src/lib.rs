//! Fuzz targets for every parser of outside input, and the engine that runs them on the stable toolchain.
//!
//! A [`Target`](targets::Target) is a function from bytes to an [`Outcome`](targets::Outcome): it feeds the bytes to
//! one parser the way tanji's adapters do (the server's upload handlers, the CLI's file readers), follows an accepted
//! file as far as an upload reaches (records, the inventory engine, the model builder, the LCA solver), and checks more
//! than "no panic": a rejection must say what is wrong and where, and an accepted file must round-trip where a writer
//! exists. [`engine`] mutates seed files (byte edits and structure-aware edits of real examples) under a time budget,
//! with a per-input time limit and a memory ceiling, and saves every failing input so that one command reproduces it.
//! `scripts/fuzz.sh` and `docs/development.md` ("Fuzzing") say how to run it.

pub mod engine;
pub mod mutate;
pub mod pools;
pub mod structured;
pub mod targets;
