//! Supplier assessment campaigns: launch, answers in versions, evidence uploads, reviewers' decisions, scores and
//! ranking — and who may not see or do what (another supplier, another brand, the answering organisation reviewing
//! its own evidence, the wrong role), on SQLite and PostgreSQL.

use jiff::civil::date;
use tanji_store::supplier_assessment::{AssessmentError, NewCampaign};
use tanji_store::{AuditQuery, Store, StoreError};
use tanji_supplier::campaign::CampaignProblem;
use tanji_supplier::scoring::{AnswerError, Verdict};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::supplier_link::{InvitationDetails, SupplierLink};
use tanji_tenancy::{Actor, SupplierLinkId};
use uuid::Uuid;

use crate::fixtures::{World, member, organisation};
use tanji_testkit::{TestDatabase, on_both_databases};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

async fn link(store: &Store, customer: &Actor, supplier_owner: &Actor, name: &str) -> SupplierLink {
    let details = InvitationDetails::parse(name, None).unwrap();
    let (_, code) = store.create_invitation(customer, &details).await.unwrap();
    store.accept_invitation(supplier_owner, &code).await.unwrap()
}

fn campaign(links: Vec<SupplierLinkId>) -> NewCampaign {
    NewCampaign {
        name: "2026 代工厂评估".into(),
        framework_id: "factory-carbon-management".into(),
        framework_version: 1,
        due_on: date(2030, 6, 30),
        supplier_link_ids: links,
        invite: Vec::new(),
        illustrative_note: None,
    }
}

/// The brand's campaign asking both suppliers; returns (campaign id, supplier's participant, other's participant).
async fn launched(store: &Store, world: &World) -> (Uuid, Uuid, Uuid) {
    let first = link(store, &world.brand_owner, &world.supplier_owner, "Factory 工厂").await;
    let second = link(store, &world.brand_owner, &world.other_supplier_owner, "Other Factory 另一工厂").await;
    let launched = store.launch_campaign(&world.brand_editor, &campaign(vec![first.id, second.id])).await.unwrap();
    let participant_of = |organisation| {
        launched
            .participants
            .iter()
            .find(|participant| participant.supplier_organisation_id == Some(organisation))
            .unwrap()
            .id
    };
    (launched.campaign.id, participant_of(world.supplier.id), participant_of(world.other_supplier.id))
}

fn campaign_problem(result: Result<impl std::fmt::Debug, AssessmentError>) -> CampaignProblem {
    match result {
        Err(AssessmentError::Campaign(problem)) => problem,
        other => panic!("expected a campaign problem, got {other:?}"),
    }
}

async fn campaign_life_cycle(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (campaign_id, participant, _) = launched(store, &world).await;

    // The supplier answers with evidence and submits.
    let owner = &world.supplier_owner;
    let version = store
        .answer_indicator(
            owner,
            participant,
            "management-structure",
            "accountable-leader-and-team",
            Some("总经理任组长"),
        )
        .await
        .unwrap();
    assert_eq!(version, 1);
    let evidence = store
        .upload_evidence(owner, participant, "management-structure", "management_document", "任命文件.pdf", PDF)
        .await
        .unwrap();
    assert_eq!(evidence.size_bytes, PDF.len() as u64);
    assert_eq!(evidence.sha256.len(), 64);
    // Before submission the brand sees nothing of it, and cannot review it.
    let seen = store.questionnaire(&world.brand_auditor, participant).await.unwrap();
    assert!(seen.answers.is_empty());
    assert!(matches!(
        store.review_evidence(&world.brand_auditor, participant, evidence.id, Verdict::Accepted).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));
    assert_eq!(store.submit_questionnaire(owner, participant).await.unwrap(), 1);
    assert_eq!(
        campaign_problem(store.submit_questionnaire(owner, participant).await),
        CampaignProblem::NothingToSubmit
    );
    assert!(matches!(
        campaign_problem(
            store
                .upload_evidence(owner, participant, "management-structure", "management_document", "b.pdf", PDF)
                .await
        ),
        CampaignProblem::AnswerSubmitted { .. }
    ));

    // Awaiting review: the claim does not score yet.
    let before = store.questionnaire(&world.brand_auditor, participant).await.unwrap();
    assert_eq!(before.answers.len(), 1);
    assert_eq!(before.scorecard.score, 0.0);

    // A rejection needs a comment; then the reviewer accepts.
    assert_eq!(
        campaign_problem(
            store
                .review_evidence(
                    &world.brand_auditor,
                    participant,
                    evidence.id,
                    Verdict::Rejected { comment: " ".into() }
                )
                .await
        ),
        CampaignProblem::RejectionWithoutComment
    );
    store.review_evidence(&world.brand_auditor, participant, evidence.id, Verdict::Accepted).await.unwrap();
    let after = store.questionnaire(&world.brand_auditor, participant).await.unwrap();
    // Governance weighs 15 over two indicators of equal weight: the full tier earns 7.5 points.
    assert!((after.scorecard.score - 7.5).abs() < 1e-9, "{}", after.scorecard.score);
    assert_eq!(after.scorecard.grade, "D");

    // The content comes back as uploaded, to both sides.
    let (facts, content) = store.evidence_content(&world.brand_viewer, participant, evidence.id).await.unwrap();
    assert_eq!((facts.file_name.as_str(), content.as_slice()), ("任命文件.pdf", PDF));
    store.evidence_content(owner, participant, evidence.id).await.unwrap();

    // Ranking: the answering supplier first, the silent one after, every grade counted.
    let results = store.campaign_results(&world.brand_viewer, campaign_id).await.unwrap();
    assert_eq!(results.rows.len(), 2);
    assert_eq!(results.rows[0].participant.id, participant);
    assert_eq!((results.rows[0].rank, results.rows[1].rank), (1, 2));
    assert_eq!(results.rows[0].n_evidence_accepted, 1);
    let counted: usize = results.grade_distribution.iter().map(|(_, count)| count).sum();
    assert_eq!(counted, 2);

    // Reopening makes a new version; the accepted evidence of version 1 stops counting once version 2 is answered.
    store.reopen_answer(&world.brand_editor, participant, "management-structure").await.unwrap();
    assert_eq!(
        store.answer_indicator(owner, participant, "management-structure", "named-person", None).await.unwrap(),
        2
    );
    store.submit_questionnaire(owner, participant).await.unwrap();
    let reopened = store.questionnaire(&world.brand_auditor, participant).await.unwrap();
    assert_eq!(reopened.current("management-structure").unwrap().version, 2);
    assert_eq!(reopened.scorecard.score, 0.0);

    // Every step is in both audit logs.
    let brand_log = store.list_audit_events(&world.brand_owner, &AuditQuery::default()).await.unwrap();
    for action in [
        AuditAction::SupplierCampaignLaunched,
        AuditAction::SupplierQuestionnaireSubmitted,
        AuditAction::SupplierEvidenceReviewed,
        AuditAction::SupplierAnswerReopened,
    ] {
        assert!(brand_log.iter().any(|event| event.action == action), "brand log lacks {action:?}");
    }
    let supplier_log = store.list_audit_events(owner, &AuditQuery::default()).await.unwrap();
    for action in [
        AuditAction::SupplierCampaignLaunched,
        AuditAction::SupplierAnswerRecorded,
        AuditAction::SupplierEvidenceUploaded,
        AuditAction::SupplierEvidenceReviewed,
    ] {
        assert!(supplier_log.iter().any(|event| event.action == action), "supplier log lacks {action:?}");
    }
}
on_both_databases!(campaign_life_cycle);

async fn nobody_else_sees_or_decides(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (campaign_id, participant, other_participant) = launched(store, &world).await;
    let owner = &world.supplier_owner;
    store.answer_indicator(owner, participant, "management-structure", "named-person", None).await.unwrap();
    let evidence = store
        .upload_evidence(owner, participant, "management-structure", "management_document", "a.pdf", PDF)
        .await
        .unwrap();
    store.submit_questionnaire(owner, participant).await.unwrap();

    // Another supplier of the same brand sees neither the answers nor the evidence nor the campaign's ranking.
    let other = &world.other_supplier_owner;
    assert!(matches!(store.questionnaire(other, participant).await, Err(AssessmentError::Store(StoreError::NotFound))));
    assert!(matches!(
        store.evidence_content(other, participant, evidence.id).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));
    assert!(matches!(
        store.campaign_results(other, campaign_id).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));
    assert!(matches!(
        store.answer_indicator(other, participant, "disclosure", "none", None).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));
    let asked = store.assessments_asked(other).await.unwrap();
    assert_eq!(asked.iter().map(|(_, participant)| participant.id).collect::<Vec<_>>(), vec![other_participant]);

    // Another brand sees nothing of the campaign.
    let rival = organisation(store, "Rival Brand 竞品", OrganisationKind::BrandRetailer).await;
    let rival_owner = member(store, &rival, "owner@rival.example", Role::Owner).await;
    assert!(store.list_supplier_campaigns(&rival_owner).await.unwrap().is_empty());
    assert!(matches!(store.supplier_campaign(&rival_owner, campaign_id).await, Err(StoreError::NotFound)));
    assert!(matches!(
        store.questionnaire(&rival_owner, participant).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));
    assert!(matches!(
        store.review_evidence(&rival_owner, participant, evidence.id, Verdict::Accepted).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));

    // The answering organisation never accepts its own evidence.
    let supplier_auditor = member(store, &world.supplier, "auditor@factory.example", Role::Auditor).await;
    assert!(matches!(
        store.review_evidence(&supplier_auditor, participant, evidence.id, Verdict::Accepted).await,
        Err(AssessmentError::Answer(AnswerError::SelfApproval { .. }))
    ));
    assert!(matches!(
        store.review_evidence(owner, participant, evidence.id, Verdict::Accepted).await,
        Err(AssessmentError::Answer(AnswerError::SelfApproval { .. }))
    ));
    // A brand viewer may look but not decide; a supplier viewer may look but not answer.
    assert!(matches!(
        store.review_evidence(&world.brand_viewer, participant, evidence.id, Verdict::Accepted).await,
        Err(AssessmentError::Store(StoreError::Denied(_)))
    ));
    let supplier_viewer = member(store, &world.supplier, "viewer@factory.example", Role::Viewer).await;
    store.questionnaire(&supplier_viewer, participant).await.unwrap();
    assert!(matches!(
        store.answer_indicator(&supplier_viewer, participant, "disclosure", "none", None).await,
        Err(AssessmentError::Store(StoreError::Denied(_)))
    ));
    // Only owners and editors launch.
    assert!(matches!(
        store.launch_campaign(&world.brand_viewer, &campaign(Vec::new())).await,
        Err(AssessmentError::Store(StoreError::Denied(_)))
    ));
}
on_both_databases!(nobody_else_sees_or_decides);

async fn a_person_in_both_organisations_cannot_approve_their_answer(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (_, participant, _) = launched(store, &world).await;
    // The supplier's owner is also an auditor of the brand.
    store
        .operator_add_member(world.brand.id, &crate::fixtures::new_member("owner@factory.example", Role::Auditor))
        .await
        .unwrap();
    let as_brand_auditor = crate::fixtures::log_in(store, &world.brand, "owner@factory.example").await;
    let owner = &world.supplier_owner;
    store.answer_indicator(owner, participant, "management-structure", "named-person", None).await.unwrap();
    let evidence = store
        .upload_evidence(owner, participant, "management-structure", "management_document", "a.pdf", PDF)
        .await
        .unwrap();
    store.submit_questionnaire(owner, participant).await.unwrap();
    assert!(matches!(
        store.review_evidence(&as_brand_auditor, participant, evidence.id, Verdict::Accepted).await,
        Err(AssessmentError::Answer(AnswerError::SelfApproval { .. }))
    ));
}
on_both_databases!(a_person_in_both_organisations_cannot_approve_their_answer);

async fn refused_uploads_leave_nothing(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (_, participant, _) = launched(store, &world).await;
    let owner = &world.supplier_owner;
    store.answer_indicator(owner, participant, "management-structure", "named-person", None).await.unwrap();
    let log_before = store.list_audit_events(owner, &AuditQuery::default()).await.unwrap().len();
    let mut oversized = b"%PDF-1.7\n".to_vec();
    oversized.resize(tanji_supplier::evidence_file::MAX_EVIDENCE_BYTES + 1, b' ');
    let refused: [(&str, &str, &[u8]); 4] = [
        ("big.pdf", "management_document", &oversized),
        ("tool.pdf", "management_document", b"MZ\x90\0\x03\0"),
        ("cert.pdf", "management_document", b"%PDF-1.7 << /S /JavaScript /JS (app.alert(1)) >>"),
        ("fine.pdf", "no_such_kind", PDF),
    ];
    for (file_name, kind, bytes) in refused {
        let result = store.upload_evidence(owner, participant, "management-structure", kind, file_name, bytes).await;
        assert!(
            matches!(result, Err(AssessmentError::EvidenceFile(_) | AssessmentError::Campaign(_))),
            "{file_name}: {result:?}"
        );
    }
    assert!(matches!(
        campaign_problem(store.upload_evidence(owner, participant, "disclosure", "disclosure", "d.pdf", PDF).await),
        CampaignProblem::NotAnswered { .. }
    ));
    let questionnaire = store.questionnaire(owner, participant).await.unwrap();
    assert!(questionnaire.answers.iter().all(|answer| answer.evidence.is_empty()));
    assert_eq!(store.list_audit_events(owner, &AuditQuery::default()).await.unwrap().len(), log_before);
}
on_both_databases!(refused_uploads_leave_nothing);

async fn launch_checks_and_invitations(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let first = link(store, &world.brand_owner, &world.supplier_owner, "Factory 工厂").await;
    // A link of another customer, a duplicate, an unknown framework, a past date, no suppliers: all refused, and
    // nothing of them stored.
    let rival = organisation(store, "Rival Brand 竞品", OrganisationKind::BrandRetailer).await;
    let rival_owner = member(store, &rival, "owner@rival.example", Role::Owner).await;
    assert!(matches!(
        campaign_problem(store.launch_campaign(&rival_owner, &campaign(vec![first.id])).await),
        CampaignProblem::LinkNotInForce { .. }
    ));
    assert!(matches!(
        campaign_problem(store.launch_campaign(&world.brand_owner, &campaign(vec![first.id, first.id])).await),
        CampaignProblem::DuplicateSupplier { .. }
    ));
    let unknown = NewCampaign { framework_version: 9, ..campaign(vec![first.id]) };
    assert!(matches!(
        campaign_problem(store.launch_campaign(&world.brand_owner, &unknown).await),
        CampaignProblem::UnknownFramework { .. }
    ));
    let past = NewCampaign { due_on: date(2001, 1, 1), ..campaign(vec![first.id]) };
    assert!(matches!(
        campaign_problem(store.launch_campaign(&world.brand_owner, &past).await),
        CampaignProblem::DueDateInPast { .. }
    ));
    assert_eq!(
        campaign_problem(store.launch_campaign(&world.brand_owner, &campaign(Vec::new())).await),
        CampaignProblem::NoSuppliers
    );
    assert!(store.list_supplier_campaigns(&world.brand_owner).await.unwrap().is_empty());
    assert!(store.list_supplier_campaigns(&rival_owner).await.unwrap().is_empty());

    // A supplier not yet on tanji gets an invitation; once it registers from it, it sees its questionnaire.
    let with_invite = NewCampaign {
        invite: vec![InvitationDetails::parse("新工厂 New Factory", None).unwrap()],
        ..campaign(vec![first.id])
    };
    let launched = store.launch_campaign(&world.brand_owner, &with_invite).await.unwrap();
    assert_eq!(launched.participants.len(), 2);
    assert_eq!(launched.invitation_codes.len(), 1);
    let invited = launched.participants.iter().find(|participant| participant.invitation_id.is_some()).unwrap();
    assert_eq!(invited.supplier_organisation_id, None);
    let newcomer = organisation(store, "新工厂 New Factory", OrganisationKind::Supplier).await;
    let newcomer_owner = member(store, &newcomer, "owner@new.example", Role::Owner).await;
    assert!(store.assessments_asked(&newcomer_owner).await.unwrap().is_empty());
    store.accept_invitation(&newcomer_owner, &launched.invitation_codes[0].1).await.unwrap();
    let asked = store.assessments_asked(&newcomer_owner).await.unwrap();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].1.id, invited.id);
    store.questionnaire(&newcomer_owner, invited.id).await.unwrap();

    // Ending the link ends the supplier's access to the questionnaire.
    let factory_participant =
        launched.participants.iter().find(|participant| participant.supplier_link_id.is_some()).unwrap();
    store.questionnaire(&world.supplier_owner, factory_participant.id).await.unwrap();
    store.end_supplier_link(&world.brand_owner, first.id).await.unwrap();
    assert!(matches!(
        store.questionnaire(&world.supplier_owner, factory_participant.id).await,
        Err(AssessmentError::Store(StoreError::NotFound))
    ));
}
on_both_databases!(launch_checks_and_invitations);
