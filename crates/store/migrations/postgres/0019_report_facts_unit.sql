-- Reports (issue 8): the nightly reconciliation reads a unit's stored facts by day range, one
-- unit at a time (batched repairs); report_facts had no index leading with unit_id.
CREATE INDEX report_facts_unit_day ON report_facts(unit_id, day);
