-- Inventory totals say whether they are complete (issue 16 §1).
-- n_records_not_counted: records of the version that could not be calculated and are not in its totals; NULL for
-- versions computed before this column existed (the store then reads the count from the stored result).
-- incomplete_sign_off_reason: the verifier's written reason for signing off a version that is incomplete; a version
-- with records not counted cannot be verified without one.
ALTER TABLE inventory_versions ADD COLUMN n_records_not_counted BIGINT;
ALTER TABLE inventory_versions ADD COLUMN incomplete_sign_off_reason TEXT;
