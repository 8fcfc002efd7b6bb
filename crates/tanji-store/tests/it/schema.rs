//! Migrations and readiness.

use tanji_store::Store;

use tanji_testkit::{TestDatabase, on_both_databases};

on_both_databases!(migrations_are_applied_once_and_the_store_is_ready);
async fn migrations_are_applied_once_and_the_store_is_ready(test: TestDatabase) {
    let known: Vec<i64> = Store::known_migrations().into_iter().map(|(version, _)| version).collect();
    assert_eq!(test.store.applied_migrations().await.unwrap(), known);
    // Running them again changes nothing.
    test.store.migrate().await.unwrap();
    assert_eq!(test.store.applied_migrations().await.unwrap(), known);
    test.store.check_ready().await.unwrap();
}

/// Every file in `migrations/` must be listed in the store, or it would silently never run.
#[test]
fn every_migration_file_is_embedded() {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    files.sort();
    let embedded: Vec<String> = Store::known_migrations()
        .into_iter()
        .map(|(version, description)| format!("{version:04}_{description}.sql"))
        .collect();
    assert_eq!(files, embedded);
}
