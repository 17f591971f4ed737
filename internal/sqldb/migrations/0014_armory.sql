-- Armory: item types, armories (one per unit), serialised items, consumable
-- stock, and the hash-chained ledger of every movement. The ledger is the
-- truth; item_state and stock are kept in the same transaction as each
-- entry for fast reads, and `muster audit verify` checks they agree.

CREATE TABLE item_types (
	id {{id}},
	code {{key}} NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL, -- serialised | consumable
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- armories: where items are kept. One per unit for now (unit_id UNIQUE),
-- created with the first item or stock received there; the contract
-- addresses an armory by its unit's code.
CREATE TABLE armories (
	id {{id}},
	unit_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
	created_at TEXT NOT NULL
);

CREATE TABLE items (
	id {{id}},
	serial {{key}} NOT NULL UNIQUE,
	type_id BIGINT NOT NULL REFERENCES item_types(id),
	home_armory_id BIGINT NOT NULL REFERENCES armories(id),
	created_at TEXT NOT NULL
);

-- item_state: each item's status, armory and holder after its last ledger
-- entry (last_seq). unit_id is the armory's unit, for scope checks.
CREATE TABLE item_state (
	item_id BIGINT PRIMARY KEY REFERENCES items(id),
	status TEXT NOT NULL, -- in_store, issued, in_repair, lost, stolen, destroyed, written_off
	armory_id BIGINT NOT NULL REFERENCES armories(id),
	unit_id BIGINT NOT NULL,
	member_id BIGINT REFERENCES members(id),
	last_seq BIGINT NOT NULL
);
CREATE INDEX item_state_armory ON item_state(armory_id, item_id);
CREATE INDEX item_state_member ON item_state(member_id, item_id);

-- stock: consumables on hand per armory, type and lot.
CREATE TABLE stock (
	armory_id BIGINT NOT NULL REFERENCES armories(id),
	type_id BIGINT NOT NULL REFERENCES item_types(id),
	lot {{key}} NOT NULL,
	quantity BIGINT NOT NULL CHECK (quantity >= 0),
	PRIMARY KEY (armory_id, type_id, lot)
){{without_rowid}};

-- ledger: one row per movement, append-only. Things are named by their
-- codes (serial, type code, unit codes, service number) so that an entry
-- describes itself and its hash needs no other table. hash = SHA-256 of
-- the entry's versioned encoding with prev_hash (see muster.LedgerEntry).
CREATE TABLE ledger (
	seq BIGINT PRIMARY KEY,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	kind TEXT NOT NULL,
	serial {{key}} NOT NULL,  -- '' for consumables
	item_type {{key}} NOT NULL,
	lot TEXT NOT NULL,        -- '' for serialised items
	quantity BIGINT NOT NULL, -- 1 for serialised items
	from_armory TEXT NOT NULL,
	to_armory TEXT NOT NULL,
	member {{key}} NOT NULL,  -- service number, '' when none
	note TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX ledger_serial ON ledger(serial, seq);
CREATE INDEX ledger_member ON ledger(member, seq);

-- ledger_head: the last entry's seq and hash. Every append updates this one
-- row first, which serialises appenders on PostgreSQL (the row lock) as the
-- single writer does on SQLite, so the chain never forks.
CREATE TABLE ledger_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '');
