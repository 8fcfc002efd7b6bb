-- Who a footprint's sign-off stands for: the independent verification body its signer acted for, or nobody (a
-- member of the publishing organisation signed: internal review). Only a sign-off for a body is third-party
-- verification, and only that lets a comparison with another product go public (tanji_footprint::Assurance).
-- Portable SQL like 0001.
ALTER TABLE footprints ADD COLUMN verification_body_id TEXT REFERENCES organisations (id);

-- Sign-offs made before this column existed are decided from who signed: the audit entry of the sign-off names the
-- person; the sign-off was for a body when that person was an auditor of a verification body whose engagement by
-- the organisation was open at the moment of signing, and not a member of the organisation (the same rule as
-- Store::acting_role and Store::engaged_body). Everything signed before 0007 was signed by members.
UPDATE footprints SET verification_body_id = (
    SELECT e.verification_body_id
    FROM audit_events a
    JOIN memberships bm ON bm.user_id = a.actor_user_id AND bm.role = 'auditor'
    JOIN verification_engagements e ON e.verification_body_id = bm.organisation_id
        AND e.organisation_id = footprints.organisation_id
        AND e.started_at <= footprints.verified_at
        AND (e.ended_at IS NULL OR e.ended_at > footprints.verified_at)
    WHERE a.organisation_id = footprints.organisation_id
        AND a.action = 'footprint.verified'
        AND a.object_id = footprints.id
        AND NOT EXISTS (SELECT 1 FROM memberships m
                        WHERE m.user_id = a.actor_user_id AND m.organisation_id = footprints.organisation_id)
    ORDER BY e.started_at, e.id
    LIMIT 1)
WHERE verified_at IS NOT NULL;

-- A label publication keeps the body beside its record, like its withdrawal: the record's hash covers the sign-off
-- as published (names and statement) and is not changed. Copied from the footprint when published.
ALTER TABLE label_publications ADD COLUMN verification_body_id TEXT REFERENCES organisations (id);
UPDATE label_publications SET verification_body_id = (
    SELECT f.verification_body_id FROM footprints f WHERE f.id = label_publications.footprint_id)
WHERE sign_off_json IS NOT NULL;
