-- members_number_search serves the search by service number, which ignores
-- case as the search by name does (members_search over the folded
-- search_key): "by2736" finds BY2736. Service numbers are ASCII, and
-- lower() folds ASCII letters alike on SQLite and on PostgreSQL (whose key
-- columns collate as "C"). The service number after it orders the members
-- of one folded prefix, as in members_search.
CREATE INDEX members_number_search ON members(lower(service_number), service_number);
