-- Exercise kit linked to the armory: a kit item may name an armory item
-- type (NULL: plain kit, counted only here). A serialised type is handed
-- out one scanned serial at a time and goes through the armory's ledger
-- (issue, and return); a consumable type is issued from a lot of the kit
-- item's armory's stock (and received back into it on return).
ALTER TABLE exercise_kit_items ADD COLUMN item_type_id BIGINT REFERENCES item_types(id);
ALTER TABLE exercise_kit_items ADD COLUMN armory_id BIGINT REFERENCES armories(id);
-- The serial handed out of a serialised type, or the lot of a consumable
-- ('' for plain kit).
ALTER TABLE exercise_kit_issues ADD COLUMN serial TEXT NOT NULL DEFAULT '';
ALTER TABLE exercise_kit_issues ADD COLUMN lot TEXT NOT NULL DEFAULT '';
