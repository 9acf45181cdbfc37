-- Merged duplicates: the survivor's page lists the records merged into it, and survivor_of()
-- follows merged_into; only merged rows (few) are indexed.
CREATE INDEX businesses_merged_into ON businesses(merged_into) WHERE merged_into IS NOT NULL;
