//! Every persona sees their work: a customer's view of what its supplier shares (the supplier's page, its products in
//! the customer's product list), the supplier deciding what to share, the overview that leads with carbon and what
//! waits for the reader, an audit log that names each field and links its objects, and English names.

use reqwest::StatusCode;
use tanji_store::{LoginOutcome, NewProduct, Store};
use tanji_tenancy::Actor;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::member::Password;
use tanji_tenancy::organisation::{Organisation, OrganisationProfile};
use tanji_tenancy::supplier_link::{InvitationDetails, SupplierLink};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{
    BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, Browser, OTHER_SUPPLIER_OWNER, PASSWORD, SUPPLIER_OWNER,
    TestApp, World,
};

const CUP_TOML: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");
const CUP_SKU: &str = "RH-CUP-BF-250";
/// The table of footprints suppliers share.
const SHARED_TABLE: &str = "class=\"shared-footprints";

async fn actor(store: &Store, email: &str, organisation: &Organisation) -> Actor {
    let LoginOutcome::LoggedIn(session) =
        store.login(email, &Password::for_login(PASSWORD), Some(organisation.id)).await.unwrap()
    else {
        panic!("{email} cannot log in")
    };
    store.session(&session.secret).await.unwrap().unwrap().actor
}

/// The brand invites the supplier, which accepts, and publishes its cup's label.
async fn linked_supplier_with_a_label(app: &TestApp, world: &World) -> SupplierLink {
    let store = app.store();
    let brand_editor = actor(store, BRAND_EDITOR, &world.brand).await;
    let supplier_owner = actor(store, SUPPLIER_OWNER, &world.supplier).await;
    let details = InvitationDetails::parse("Factory 工厂", None).unwrap();
    let (_, code) = store.create_invitation(&brand_editor, &details).await.unwrap();
    let link = store.accept_invitation(&supplier_owner, &code).await.unwrap();
    let model = tanji_footprint::parse_footprint_file(CUP_TOML).unwrap().model;
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = store.create_product(&supplier_owner, &new).await.unwrap();
    store.save_model(&supplier_owner, &product.id, &model, "first").await.unwrap();
    let footprint = store.compute_footprint(&supplier_owner, &product.id, None, None).await.unwrap();
    store.publish_footprint(&supplier_owner, &footprint.id).await.unwrap();
    link
}

on_both_databases!(a_customer_sees_what_its_supplier_chooses_to_share);
async fn a_customer_sees_what_its_supplier_chooses_to_share(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let link = linked_supplier_with_a_label(&app, &world).await;
    let page_path = format!("/console/suppliers/links/{}", link.id);

    // The customer: the supplier's name links to its page, which says nothing is shared yet.
    let customer = app.browser();
    customer.log_in(BRAND_EDITOR).await;
    let suppliers = customer.get("/console/suppliers").await;
    assert!(suppliers.body.contains(&format!("href=\"{page_path}\"")), "the supplier's name links to its page");
    let page = customer.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("does not share its product footprints with you"), "{}", page.body);
    assert!(!page.body.contains(CUP_SKU));
    assert!(!page.body.contains("action=\"/console/suppliers/links/"), "a customer has no share buttons");
    // What may be shared is described from neither side: the customer reads about the supplier's labels, not "your".
    assert!(page.body.contains("The carbon labels in force") && !page.body.contains("Your carbon labels"));
    let products = customer.get("/console/products").await;
    assert!(products.body.contains("id=\"supplier-products\""));
    assert!(products.body.contains("No supplier shares product footprints with you yet"));

    // The customer cannot share the supplier's data for it.
    let refused = customer
        .submit(&page_path, &format!("{page_path}/shares"), &[("kind", "published_footprints"), ("share", "on")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The supplier's owner shares its published footprints from the customer's page.
    let supplier = app.browser();
    supplier.log_in(SUPPLIER_OWNER).await;
    let customer_page = supplier.get(&page_path).await;
    assert!(customer_page.body.contains("Decide what you share with this customer"));
    let shared = supplier
        .submit(&page_path, &format!("{page_path}/shares"), &[("kind", "published_footprints"), ("share", "on")])
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.body);
    assert_eq!(shared.location(), format!("{page_path}?notice=share_granted"));

    // Now the customer sees the cup on the supplier's page and in its own product list, with the public label link.
    let page = customer.get(&page_path).await;
    assert!(page.body.contains(CUP_SKU), "{}", page.body);
    assert!(page.body.contains("/l/"), "the label's public page is linked");
    // The code reads as on the label and its public page (`K7M2-9XQD`), not as the eight characters of the link.
    let code = &page.body[page.body.find("href=\"/l/").unwrap() + 9..][..8];
    assert!(page.body.contains(&format!("<code>{}-{}</code>", &code[..4], &code[4..])), "{code}: {}", page.body);
    assert!(page.body.contains("Self-declared"), "an unverified label says so");
    assert!(page.body.contains("does not share its GHG inventory summary with you"));
    // (The SKU alone proves nothing on an editor's page: the new-product form shows it as an example.)
    let products = customer.get("/console/products").await;
    assert!(products.body.contains(SHARED_TABLE) && products.body.contains(&format!("<code>{CUP_SKU}</code>")));
    assert!(products.body.contains(&format!("href=\"{page_path}\"")), "the row names and links the supplier");
    // So do the viewer and the auditor; a stranger sees neither the page nor the product.
    for email in [BRAND_VIEWER, BRAND_AUDITOR] {
        let reader = app.browser();
        reader.log_in(email).await;
        assert!(reader.get("/console/products").await.body.contains(SHARED_TABLE), "{email}");
    }
    let stranger = app.browser();
    stranger.log_in(OTHER_SUPPLIER_OWNER).await;
    assert_eq!(stranger.get(&page_path).await.status, StatusCode::NOT_FOUND);
    let products = stranger.get("/console/products").await;
    assert!(!products.body.contains(SHARED_TABLE) && !products.body.contains("Factory 工厂"));

    // Both audit logs say so, in words, with the link's page as the object.
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let log = owner.get("/console/audit").await;
    assert!(log.body.contains("Supplier started sharing data"));
    assert!(log.body.contains(&format!("href=\"{page_path}\"")));
    assert!(log.body.contains("Shared data"));
    assert!(log.body.contains("Published product footprints and carbon labels"));

    // The supplier stops sharing: gone at once.
    let stopped = supplier
        .submit(&page_path, &format!("{page_path}/shares"), &[("kind", "published_footprints"), ("share", "off")])
        .await;
    assert_eq!(stopped.location(), format!("{page_path}?notice=share_revoked"));
    assert!(!customer.get("/console/products").await.body.contains(SHARED_TABLE));
    assert!(!customer.get(&page_path).await.body.contains(CUP_SKU));
    // Nonsense kinds and ids are not found, not errors.
    let nonsense =
        supplier.submit(&page_path, &format!("{page_path}/shares"), &[("kind", "everything"), ("share", "on")]).await;
    assert_eq!(nonsense.status, StatusCode::NOT_FOUND);
    assert_eq!(customer.get("/console/suppliers/links/not-an-id").await.status, StatusCode::NOT_FOUND);
}

on_both_databases!(the_overview_leads_with_carbon_and_what_waits_for_each_role);
async fn the_overview_leads_with_carbon_and_what_waits_for_each_role(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    // A brand with nothing yet is told how to start; its owner sees the open supplier invitation waiting.
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let store = app.store();
    let brand_editor = actor(store, BRAND_EDITOR, &world.brand).await;
    store.create_invitation(&brand_editor, &InvitationDetails::parse("Someone", None).unwrap()).await.unwrap();
    let overview = owner.get("/console").await;
    assert!(overview.body.contains("No carbon data yet"), "{}", overview.body);
    assert!(overview.body.contains("1 supplier invitation(s) not yet accepted"));
    assert!(overview.body.contains("href=\"/console/suppliers#invite\""));

    // The brand's own product, computed but not verified: the auditor is asked to verify it; the overview counts it.
    let model = tanji_footprint::parse_footprint_file(CUP_TOML).unwrap().model;
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = store.create_product(&brand_editor, &new).await.unwrap();
    store.save_model(&brand_editor, &product.id, &model, "first").await.unwrap();
    let footprint = store.compute_footprint(&brand_editor, &product.id, None, None).await.unwrap();
    let auditor = app.browser();
    auditor.log_in(BRAND_AUDITOR).await;
    let overview = auditor.get("/console").await;
    assert!(overview.body.contains("Products with a footprint"));
    assert!(overview.body.contains(&format!("Verify the product footprint {CUP_SKU} v1")), "{}", overview.body);
    assert!(overview.body.contains(&format!("href=\"/console/footprints/{}#verification\"", footprint.id)));
    // A viewer may act on nothing: no to-do list at all.
    let viewer = app.browser();
    viewer.log_in(BRAND_VIEWER).await;
    let overview = viewer.get("/console").await;
    assert!(!overview.body.contains("id=\"waiting\""));
    assert!(overview.body.contains("Products with a footprint"));

    // An inventory: the total leads, with the change against the base year and whether it is verified.
    let facility = FacilityDetails::parse(&FacilityInput {
        name: "台州工厂",
        code: Some("TZ-01"),
        kind: "factory",
        ..FacilityInput::default()
    })
    .unwrap();
    store.create_facility(&brand_editor, &facility).await.unwrap();
    let csv = "id,facility,period,source,quantity,unit,factor,data_source\n\
        e-2024,TZ-01,2024-01,purchased_electricity,200,MWh,mee-nbs-2022-grid-cn-grid-east,meter\n\
        e-2025,TZ-01,2025-01,purchased_electricity,100,MWh,mee-nbs-2022-grid-cn-grid-east,meter\n";
    let rows = tanji_inventory::read_activity_rows("a.csv", csv.as_bytes()).unwrap();
    store.record_activities(&brand_editor, Some("a.csv"), rows).await.unwrap();
    let request = |year| tanji_store::InventoryRequest {
        reporting_year: year,
        gwp_set: tanji_ghg::GwpSet::AR6,
        consolidation: tanji_inventory::ConsolidationApproach::OperationalControl,
        base_year: Some(tanji_inventory::BaseYearPolicy::Fixed(2024)),
        significance_threshold_percent: 5.0,
        base_year_changes: Vec::new(),
        output: None,
    };
    store.compute_inventory(&brand_editor, &request(2024)).await.unwrap();
    let current = store.compute_inventory(&brand_editor, &request(2025)).await.unwrap();
    let overview = viewer.get("/console").await;
    assert!(overview.body.contains("GHG emissions 2025 (v1)"), "{}", overview.body);
    assert!(overview.body.contains("Against base year 2024: -50.0 %"), "{}", overview.body);
    assert!(overview.body.contains("Not verified"));
    assert!(overview.body.contains(&format!("href=\"/console/inventory/{}\"", current.id)));
    assert!(auditor.get("/console").await.body.contains("Verify and sign off the inventory 2025 v1"));
}

on_both_databases!(the_audit_log_names_each_field_and_links_its_objects);
async fn the_audit_log_names_each_field_and_links_its_objects(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let store = app.store();
    let owner_actor = actor(store, BRAND_OWNER, &world.brand).await;
    let facility =
        FacilityDetails::parse(&FacilityInput { name: "嘉兴仓库", kind: "warehouse", ..FacilityInput::default() })
            .unwrap();
    let facility = store.create_facility(&owner_actor, &facility).await.unwrap();
    // A new facility is fully controlled; now a 40 % joint venture the organisation does not control.
    store.set_facility_boundary(&owner_actor, facility.id, 40.0, false, false).await.unwrap();
    let chinese = Browser::new(&app.base_url, "zh-CN");
    chinese.log_in(BRAND_OWNER).await;
    let log = chinese.get("/console/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    // The boundary change: each field has its own label and the flags read 是/否, not "名称: — → true".
    for expected in ["股权比例（%）", "财务控制", "运营控制", "<del>是</del>", "<ins>否</ins>"] {
        assert!(log.body.contains(expected), "the audit log lacks {expected}");
    }
    assert!(!log.body.contains("<ins>true</ins>") && !log.body.contains("<ins>false</ins>"));
    assert!(log.body.contains(&format!("href=\"/console/facilities/{}\"", facility.id)), "the facility is a link");
    // No raw ids as object names.
    let uuid = regex_like_uuid(&log.body);
    assert!(uuid.is_none(), "a raw id is shown as text: {uuid:?}");
}

/// A UUID printed as text between tags (ids inside attributes are links, which is what they should be).
fn regex_like_uuid(html: &str) -> Option<String> {
    html.split('>').filter_map(|chunk| chunk.split('<').next()).map(str::trim).find_map(|text| {
        text.split_whitespace()
            .find(|word| uuid::Uuid::parse_str(word.trim_matches(|c: char| !c.is_ascii_hexdigit() && c != '-')).is_ok())
            .map(str::to_owned)
    })
}

on_both_databases!(english_pages_use_english_names_where_given);
async fn english_pages_use_english_names_where_given(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let store = app.store();
    let owner_actor = actor(store, BRAND_OWNER, &world.brand).await;
    let profile =
        OrganisationProfile::parse("Brand 品牌", "CN", None).unwrap().with_name_en(Some("Oasis Brand")).unwrap();
    store.update_organisation(&owner_actor, &profile).await.unwrap();
    let english = app.browser();
    english.log_in(BRAND_OWNER).await;
    // The form keeps the English name, and a facility saved from the console with one shows it in English.
    let organisation = english.get("/console/organisation").await;
    assert!(organisation.body.contains("value=\"Oasis Brand\""));
    assert!(
        organisation.body.contains("class=\"org-name\"") && english.get("/console").await.body.contains("Oasis Brand")
    );
    let created = english
        .submit(
            "/console/facilities",
            "/console/facilities",
            &[("name", "嘉兴仓库"), ("name_en", "Jiaxing warehouse"), ("kind", "warehouse"), ("country", "CN")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let list = english.get("/console/facilities").await;
    assert!(list.body.contains("Jiaxing warehouse"));
    let chinese = Browser::new(&app.base_url, "zh-CN");
    chinese.log_in(BRAND_OWNER).await;
    let list = chinese.get("/console/facilities").await;
    assert!(list.body.contains("嘉兴仓库") && !list.body.contains("Jiaxing warehouse"));
    assert!(!chinese.get("/console").await.body.contains("Oasis Brand"));
    // Too long an English name is refused, naming the field.
    let long = "x".repeat(121);
    let refused = english
        .submit(
            "/console/organisation",
            "/console/organisation",
            &[("name", "Brand 品牌"), ("name_en", &long), ("country", "CN")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("English name"));
    // The API reads and changes it too.
    let token = World::token(store, &world.brand, BRAND_OWNER, "read,admin").await;
    let api = app.api(&token);
    assert_eq!(api.get("/api/v1/organisation").await.json["name_en"], "Oasis Brand");
    let cleared = api.patch("/api/v1/organisation", serde_json::json!({ "name_en": "" })).await;
    assert_eq!(cleared.status, StatusCode::OK, "{:?}", cleared.json);
    assert!(cleared.json["name_en"].is_null());
}
