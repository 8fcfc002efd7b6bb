-- Who an inventory version's sign-off stands for, as 0008 records it for footprints: the independent verification
-- body its signer acted for, or nobody (a member of the organisation signed: internal review). Only a sign-off for a
-- body is third-party verification (ISO 14064-3), and only such a version is shown to customers as "verified".
-- Portable SQL like 0001.
ALTER TABLE inventory_versions ADD COLUMN verification_body_id TEXT REFERENCES organisations (id);

-- Sign-offs made before this column existed are decided from who signed, by 0008's rule: the audit entry of the
-- sign-off names the person; the sign-off was for a body when that person was an auditor of a verification body
-- whose engagement by the organisation was open at the moment of signing, and not a member of the organisation
-- (Store::acting_role and Store::engaged_body). Everything else was signed by a member: internal review.
UPDATE inventory_versions SET verification_body_id = (
    SELECT e.verification_body_id
    FROM audit_events a
    JOIN memberships bm ON bm.user_id = a.actor_user_id AND bm.role = 'auditor'
    JOIN verification_engagements e ON e.verification_body_id = bm.organisation_id
        AND e.organisation_id = inventory_versions.organisation_id
        AND e.started_at <= inventory_versions.verified_at
        AND (e.ended_at IS NULL OR e.ended_at > inventory_versions.verified_at)
    WHERE a.organisation_id = inventory_versions.organisation_id
        AND a.action = 'inventory.verified'
        AND a.object_id = inventory_versions.id
        AND NOT EXISTS (SELECT 1 FROM memberships m
                        WHERE m.user_id = a.actor_user_id AND m.organisation_id = inventory_versions.organisation_id)
    ORDER BY e.started_at, e.id
    LIMIT 1)
WHERE verified_at IS NOT NULL;
