//! Product footprints in storage: models are versioned and pinned, footprints compute from a pinned version and
//! compare with their baseline, labels chain per organisation and tampering shows, and every role and tenant sees
//! only what it may.

use std::num::NonZeroUsize;

use sqlx::Row;
use tanji_footprint::{MonteCarloRequest, ProductModel, parse_footprint_file};
use tanji_label::publication::ChainProblem;
use tanji_store::{AuditQuery, Conflict, NewProduct, StoreError};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

const CUP: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");
const BASELINE_SKU: &str = "BASELINE-CUP-250";

fn cup_models() -> (ProductModel, ProductModel) {
    let file = parse_footprint_file(CUP).unwrap();
    (file.model, file.baseline.unwrap())
}

fn new_product(model: &ProductModel) -> NewProduct {
    NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    }
}

/// The cup and its baseline, modelled and computed by `editor`: the cup's footprint id.
pub async fn cup_with_footprint(store: &tanji_store::Store, editor: &tanji_tenancy::Actor) -> String {
    let (model, baseline_model) = cup_models();
    let baseline = store.create_product(editor, &new_product(&baseline_model)).await.unwrap();
    store.save_model(editor, &baseline.id, &baseline_model, "conventional cup").await.unwrap();
    store.compute_footprint(editor, &baseline.id, None, None).await.unwrap();
    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();
    store.set_baseline(editor, &cup.id, Some(&baseline.id)).await.unwrap();
    store.save_model(editor, &cup.id, &model, "first model").await.unwrap();
    store.compute_footprint(editor, &cup.id, None, None).await.unwrap().id
}

const MONTE_CARLO: MonteCarloRequest = MonteCarloRequest { iterations: 300, seed: 7, threads: NonZeroUsize::MIN };

on_both_databases!(a_product_is_modelled_computed_against_its_baseline_verified_and_published);
async fn a_product_is_modelled_computed_against_its_baseline_verified_and_published(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let (model, baseline_model) = cup_models();
    let baseline = store.create_product(editor, &new_product(&baseline_model)).await.unwrap();
    store.save_model(editor, &baseline.id, &baseline_model, "conventional cup").await.unwrap();
    store.compute_footprint(editor, &baseline.id, None, None).await.unwrap();

    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();
    store.set_baseline(editor, &cup.id, Some(&baseline.id)).await.unwrap();
    let version = store.save_model(editor, &cup.id, &model, "first model").await.unwrap();
    assert_eq!(version.version, 1);
    // Factor references are pinned to the version used.
    assert!(version.model.processes.iter().flat_map(|p| &p.factors).all(|usage| usage.factor.contains('@')));
    let stored = store.compute_footprint(editor, &cup.id, None, Some(MONTE_CARLO)).await.unwrap();
    let expected =
        tanji_footprint::compute(&model, tanji_ghg::bundled::factor_library(), tanji_ghg::bundled::gwp_table())
            .unwrap()
            .total_kg_co2e;
    assert!((stored.footprint.total_kg_co2e - expected).abs() < 1e-15, "the stored result is the engine's");
    let comparison = stored.comparison.as_ref().expect("compared with the baseline's latest footprint");
    assert!(comparison.reduction_percent > 0.0);
    assert!(stored.footprint.uncertainty.is_some());

    // A second version changes the result; the first footprint stays as computed.
    let mut lighter = model.clone();
    lighter.processes[1].factors[1].amount = 5.0;
    store.save_model(editor, &cup.id, &lighter, "less forming electricity").await.unwrap();
    let second = store.compute_footprint(editor, &cup.id, None, None).await.unwrap();
    assert_eq!(second.model_version, 2);
    assert!(second.footprint.total_kg_co2e < stored.footprint.total_kg_co2e);
    let first_again = store.compute_footprint(editor, &cup.id, Some(1), None).await.unwrap();
    assert_eq!(first_again.footprint.total_kg_co2e, stored.footprint.total_kg_co2e);
    assert_eq!(store.footprint(editor, &stored.id).await.unwrap().footprint, stored.footprint);
    // Lists read in bulk give the same as one by one: newest first, each with its baseline.
    let history = store.footprints(editor, &cup.id).await.unwrap();
    assert_eq!(history.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), [&first_again.id, &second.id, &stored.id]);
    assert!(history.iter().all(|f| f.baseline.is_some() && f.comparison.is_some()));
    assert_eq!(history[2], store.footprint(editor, &stored.id).await.unwrap());
    let listed = store.products(editor).await.unwrap();
    let listed_cup = listed.iter().find(|product| product.id == cup.id).unwrap();
    assert_eq!(listed_cup.latest_model_version, Some(2));
    assert_eq!(listed_cup.latest_footprint.as_ref().map(|(id, _)| id.as_str()), Some(first_again.id.as_str()));
    assert_eq!(*listed_cup, store.product(editor, &cup.id).await.unwrap());

    // Signed off once, by the brand's own auditor (a member: internal review); then published with the sign-off
    // inside the record.
    let auditor = &world.brand_auditor;
    store.verify_footprint(auditor, &stored.id, "CQC", "ISO 14067 limited assurance").await.unwrap();
    assert!(matches!(
        store.verify_footprint(auditor, &stored.id, "CQC", "again").await,
        Err(StoreError::Conflict(Conflict::AlreadyDone))
    ));
    let first = store.publish_footprint(editor, &stored.id).await.unwrap();
    assert_eq!((first.record.sequence, first.record.version), (1, 1));
    assert!(first.record.sign_off.is_some());
    let again = store.publish_footprint(editor, &second.id).await.unwrap();
    assert_eq!((again.record.sequence, again.record.version), (2, 2));
    assert_eq!(again.record.code, first.record.code, "republishing keeps the code printed on the label");
    assert_eq!(again.record.previous_hash, first.record.record_hash);
    // Neither publishes its comparison, and each says why: a member's sign-off is internal review, not independent
    // verification (an engaged body's sign-off does compare: see verification.rs).
    assert_eq!(first.assurance(), tanji_footprint::Assurance::InternalReview);
    let reviewed = first.summary().unwrap();
    assert_eq!(reviewed.baseline, None, "no public comparative claim on an internal review");
    assert_eq!(reviewed.comparison_withheld, Some(tanji_footprint::ComparisonWithheld::InternalReviewOnly));
    let self_declared = again.summary().unwrap();
    assert_eq!(self_declared.baseline, None, "no public comparative claim without verification");
    assert_eq!(self_declared.comparison_withheld, Some(tanji_footprint::ComparisonWithheld::NotVerified));

    // The public page reads without login; old versions resolve and know a newer one exists.
    let public = store.public_label(&first.record.code, Some(1)).await.unwrap();
    assert!(public.intact);
    assert_eq!(public.latest_version, 2);
    let summary = public.publication.summary().unwrap();
    assert_eq!(summary.sku, model.product.sku);
    assert_eq!(public.publication.assurance(), tanji_footprint::Assurance::InternalReview);
    let chain = store.public_chain(&first.record.code).await.unwrap();
    assert!(chain.report.is_intact());
    assert_eq!(chain.publications.len(), 2);
    let unknown = tanji_label::publication::parse_code("ZZZZ2222").unwrap();
    assert!(matches!(store.public_label(&unknown, None).await, Err(StoreError::NotFound)));

    // Withdrawn: the page says so, the chain keeps the record.
    store.withdraw_publication(editor, &again.id, "board supplier changed").await.unwrap();
    let withdrawn = store.public_label(&first.record.code, None).await.unwrap();
    assert!(withdrawn.publication.withdrawn_at.is_some());
    assert!(store.public_chain(&first.record.code).await.unwrap().report.is_intact());
}

on_both_databases!(tampering_with_a_stored_publication_is_detected);
async fn tampering_with_a_stored_publication_is_detected(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let (model, _) = cup_models();
    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();
    store.save_model(editor, &cup.id, &model, "").await.unwrap();
    let footprint = store.compute_footprint(editor, &cup.id, None, None).await.unwrap();
    let first = store.publish_footprint(editor, &footprint.id).await.unwrap();
    store.publish_footprint(editor, &footprint.id).await.unwrap();

    // Someone with database access makes the cup look greener.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&test.url).await.unwrap();
    let halved = first.record.content["total_kg_co2e"].as_f64().unwrap() / 2.0;
    let mut content = first.record.content.clone();
    content["total_kg_co2e"] = serde_json::json!(halved);
    sqlx::query("UPDATE label_publications SET content_json = $1 WHERE id = $2")
        .bind(serde_json::to_string(&content).unwrap())
        .bind(&first.id)
        .execute(&pool)
        .await
        .unwrap();
    let page = store.public_label(&first.record.code, Some(1)).await.unwrap();
    assert!(!page.intact, "the page of the altered record warns");
    assert!(matches!(page.problems[..], [ChainProblem::ContentAltered { .. }]), "{:?}", page.problems);
    let chain = store.public_chain(&first.record.code).await.unwrap();
    assert!(!chain.report.is_intact());
    assert_eq!(chain.report.failures().count(), 1);

    // Recomputing the content hash too is caught by the record hash; rewriting that breaks the next link.
    let digest = tanji_label::publication::content_hash(&content);
    sqlx::query("UPDATE label_publications SET content_hash = $1 WHERE id = $2")
        .bind(digest.to_string())
        .bind(&first.id)
        .execute(&pool)
        .await
        .unwrap();
    assert!(!store.public_chain(&first.record.code).await.unwrap().report.is_intact());
    pool.close().await;
}

on_both_databases!(an_unreadable_stored_publication_is_named_and_the_rest_of_the_chain_reads);
async fn an_unreadable_stored_publication_is_named_and_the_rest_of_the_chain_reads(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let (model, _) = cup_models();
    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();
    store.save_model(editor, &cup.id, &model, "").await.unwrap();
    let footprint = store.compute_footprint(editor, &cup.id, None, None).await.unwrap();
    let first = store.publish_footprint(editor, &footprint.id).await.unwrap();
    let second = store.publish_footprint(editor, &footprint.id).await.unwrap();
    let third = store.publish_footprint(editor, &footprint.id).await.unwrap();
    let code = &first.record.code;

    // The second record's content stops being JSON.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&test.url).await.unwrap();
    let damage = |column: &'static str, value: &'static str| {
        let pool = pool.clone();
        let id = second.id.clone();
        async move {
            sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE label_publications SET {column} = $1 WHERE id = $2")))
                .bind(value)
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    damage("content_json", "{\"total_kg_co2e\": 0.0").await;
    let chain = store.public_chain(code).await.unwrap();
    assert_eq!(chain.publications.len(), 3);
    assert!(chain.publications[0].is_ok() && chain.publications[2].is_ok());
    let unreadable = chain.publications[1].as_ref().unwrap_err();
    assert_eq!((unreadable.sequence, unreadable.version, &unreadable.field[..]), (2, Some(2), "content_json"));
    let failures: Vec<_> = chain.report.failures().collect();
    assert_eq!(failures.len(), 1, "{:?}", chain.report);
    assert_eq!(failures[0].sequence, 2);
    assert_eq!(failures[0].problems, [ChainProblem::Unreadable { field: "content_json".to_owned() }]);
    assert_eq!(chain.report.head, Some(third.record.record_hash));
    // The organisation's own list of publications still reads: the damaged one is left out (and logged), the rest
    // are listed, so the products pages and the API list keep working.
    let listed: Vec<u64> =
        store.publications(editor).await.unwrap().iter().map(|publication| publication.record.sequence).collect();
    assert_eq!(listed, [3, 1]);
    // The neighbours' pages read, intact: the third record's link is checked against the second's stored hash.
    for version in [1, 3] {
        let page = store.public_label(code, Some(version)).await.unwrap();
        assert!(page.intact, "version {version}: {:?}", page.problems);
    }
    assert!(matches!(store.public_label(code, Some(2)).await, Err(StoreError::Internal(_))), "nothing to show");

    // With its record hash damaged too, the third record's link can no longer be confirmed, and says so.
    damage("record_hash", "not a digest").await;
    let third_page = store.public_label(code, Some(3)).await.unwrap();
    assert!(!third_page.intact);
    assert_eq!(third_page.problems, [ChainProblem::PredecessorUnreadable { sequence: 2 }]);
    let chain = store.public_chain(code).await.unwrap();
    assert_eq!(chain.report.failures().map(|check| check.sequence).collect::<Vec<_>>(), [2, 3]);
    // The organisation's list still reads, without the damaged record.
    let listed: Vec<u64> =
        store.publications(editor).await.unwrap().iter().map(|publication| publication.record.sequence).collect();
    assert_eq!(listed, [3, 1]);
    pool.close().await;
}

on_both_databases!(a_footprint_file_is_created_whole_or_not_at_all);
async fn a_footprint_file_is_created_whole_or_not_at_all(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let mut file = parse_footprint_file(CUP).unwrap();
    let audit = async || {
        let query = AuditQuery { limit: 200, ..Default::default() };
        store.list_audit_events(&world.brand_owner, &query).await.unwrap().len()
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&test.url).await.unwrap();
    let count = async |table: &str| -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap().get::<i64, _>("n")
    };

    // The cup's SKU is taken, its baseline's is not: the file fails after its baseline is written, inside the one
    // transaction — so the baseline, its model and its footprint are gone with it, audit entries included.
    let taken = NewProduct { sku: file.model.product.sku.clone(), name_zh: "杯".into(), name_en: "Cup".into() };
    store.create_product(editor, &taken).await.unwrap();
    let audit_before = audit().await;
    let failed = store.create_product_from_file(editor, &file, "example", Some(MONTE_CARLO)).await;
    assert!(matches!(failed, Err(StoreError::Conflict(Conflict::ProductSku))), "{failed:?}");
    let products = store.products(editor).await.unwrap();
    assert_eq!(products.iter().map(|product| product.sku.as_str()).collect::<Vec<_>>(), [taken.sku.as_str()]);
    assert_eq!((count("product_models").await, count("footprints").await), (0, 0));
    assert_eq!(audit().await, audit_before, "no audit entry of a change that was not made");

    // Under a free SKU the whole file goes in: baseline and product, a model version and a footprint each, the
    // product compared with the baseline and with its Monte Carlo range; six audit entries.
    file.model.product.sku = "RH-CUP-BF-250-B".into();
    let product = store.create_product_from_file(editor, &file, "example", Some(MONTE_CARLO)).await.unwrap();
    let baseline_id = product.baseline_product_id.clone().expect("compared with the baseline product");
    let baseline = store.product(editor, &baseline_id).await.unwrap();
    assert_eq!(baseline.sku, BASELINE_SKU);
    for created in [&product, &baseline] {
        assert_eq!(created.latest_model_version, Some(1));
        assert!(created.latest_footprint.is_some());
    }
    let footprint = store.latest_footprint(editor, &product.id).await.unwrap().unwrap();
    assert!(footprint.comparison.is_some() && footprint.footprint.uncertainty.is_some());
    assert_eq!(footprint.model_version, 1);
    assert_eq!(audit().await, audit_before + 6);
    pool.close().await;
}

on_both_databases!(roles_and_tenants_see_only_what_they_may);
async fn roles_and_tenants_see_only_what_they_may(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let (model, _) = cup_models();
    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();
    store.save_model(editor, &cup.id, &model, "").await.unwrap();
    let footprint = store.compute_footprint(editor, &cup.id, None, None).await.unwrap();

    // Viewers and auditors read but do not edit or publish; editors do not verify.
    for reader in [&world.brand_viewer, &world.brand_auditor] {
        assert_eq!(store.products(reader).await.unwrap().len(), 1);
        assert!(matches!(store.create_product(reader, &new_product(&model)).await, Err(StoreError::Denied(_))));
        assert!(matches!(store.save_model(reader, &cup.id, &model, "").await, Err(StoreError::Denied(_))));
        assert!(matches!(store.publish_footprint(reader, &footprint.id).await, Err(StoreError::Denied(_))));
    }
    assert!(matches!(store.verify_footprint(editor, &footprint.id, "x", "y").await, Err(StoreError::Denied(_))));
    // Another organisation sees nothing of it, not even that it exists.
    let other = &world.supplier_owner;
    assert!(store.products(other).await.unwrap().is_empty());
    assert!(matches!(store.product(other, &cup.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.footprint(other, &footprint.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.compute_footprint(other, &cup.id, None, None).await, Err(StoreError::NotFound)));
    assert!(matches!(store.publish_footprint(other, &footprint.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.model_version(other, &cup.id, None).await, Err(StoreError::NotFound)));
    // Its own product cannot take ours as a baseline.
    let theirs = store.create_product(other, &new_product(&model)).await.unwrap();
    assert!(matches!(store.set_baseline(other, &theirs.id, Some(&cup.id)).await, Err(StoreError::NotFound)));
}

on_both_databases!(bad_models_are_refused_whole_with_every_problem);
async fn bad_models_are_refused_whole_with_every_problem(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let (mut model, _) = cup_models();
    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();
    assert!(matches!(
        store.create_product(editor, &new_product(&model)).await,
        Err(StoreError::Conflict(Conflict::ProductSku))
    ));
    model.processes[0].factors[0].factor = "no-such-factor".into();
    model.processes[1].factors[1].unit = "kg".into();
    let Err(StoreError::ModelProblems(problems)) = store.save_model(editor, &cup.id, &model, "").await else {
        panic!("a bad model is refused")
    };
    let paths: Vec<&str> = problems.problems.iter().map(|problem| problem.path.as_str()).collect();
    assert!(paths.contains(&"processes[0].factors[0].factor") && paths.contains(&"processes[1].factors[1].unit"));
    assert!(store.model_versions(editor, &cup.id).await.unwrap().is_empty(), "nothing was saved");
    assert!(matches!(store.compute_footprint(editor, &cup.id, None, None).await, Err(StoreError::NotFound)));
}

on_both_databases!(a_footprint_file_is_saved_as_the_cli_reads_it_with_every_problem_in_one_pass);
async fn a_footprint_file_is_saved_as_the_cli_reads_it_with_every_problem_in_one_pass(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let (model, _) = cup_models();
    let cup = store.create_product(editor, &new_product(&model)).await.unwrap();

    // Six mistakes, three of the file and three of the model: all six at once, each with its line.
    let broken = tanji_testkit::footprint_files::cup_with_six_mistakes();
    let Err(StoreError::ModelProblems(problems)) = store.save_model_file(editor, &cup.id, broken.as_bytes(), "").await
    else {
        panic!("a broken file is refused")
    };
    assert_eq!(problems.problems.len(), 6, "{problems:?}");
    assert!(problems.problems.iter().all(|problem| problem.line.is_some()), "{problems:?}");
    let factor = problems.problems.iter().find(|problem| problem.path == "processes[0].factors[1].factor").unwrap();
    assert_eq!(factor.line, Some(tanji_testkit::footprint_files::line_of(&broken, "natural-gas-t\"")));
    // Not UTF-8: said so, not a parse error.
    let Err(StoreError::ModelProblems(problems)) = store.save_model_file(editor, &cup.id, b"gwp = \"\xff\"", "").await
    else {
        panic!("a file that is not UTF-8 is refused")
    };
    assert!(matches!(problems.problems[0].kind, tanji_footprint::ProblemKind::NotUtf8), "{problems:?}");
    assert!(store.model_versions(editor, &cup.id).await.unwrap().is_empty(), "nothing was saved");

    // A good file is the next version, factors pinned; readers and other organisations may not save one.
    let saved = store.save_model_file(editor, &cup.id, CUP.as_bytes(), "from the file").await.unwrap();
    assert_eq!((saved.version, saved.note.as_str()), (1, "from the file"));
    assert!(saved.model.processes.iter().flat_map(|p| &p.factors).all(|usage| usage.factor.contains('@')));
    let viewer = &world.brand_viewer;
    assert!(matches!(store.save_model_file(viewer, &cup.id, CUP.as_bytes(), "").await, Err(StoreError::Denied(_))));
    let other = &world.supplier_owner;
    assert!(matches!(store.save_model_file(other, &cup.id, CUP.as_bytes(), "").await, Err(StoreError::NotFound)));
}
