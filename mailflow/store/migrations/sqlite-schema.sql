-- the schema of a new SQLite database at revision 0018
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE source_health (
	id INTEGER NOT NULL, 
	source VARCHAR(1024) NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	last_sync_at DATETIME, 
	server_messages INTEGER NOT NULL, 
	lag INTEGER NOT NULL, 
	last_error TEXT NOT NULL, 
	last_error_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (source)
);
CREATE TABLE order_aliases (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	number VARCHAR(200) NOT NULL, 
	buyer VARCHAR(255) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	UNIQUE ("key", buyer)
);
CREATE TABLE attachments (
	id INTEGER NOT NULL, 
	message_row_id INTEGER NOT NULL, 
	filename TEXT NOT NULL, 
	content_type VARCHAR(255) NOT NULL, 
	size BIGINT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	path VARCHAR(1024) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id)
);
CREATE TABLE events (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	kind VARCHAR(50) NOT NULL, 
	message_row_id INTEGER, 
	order_id INTEGER, 
	detail JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id)
);
CREATE TABLE pending_actions (
	id INTEGER NOT NULL, 
	source VARCHAR(1024) NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	uid BIGINT NOT NULL, 
	message_row_id INTEGER, 
	actions JSON NOT NULL, 
	state VARCHAR(20) NOT NULL, 
	attempts INTEGER NOT NULL, 
	message_id VARCHAR(998) NOT NULL, 
	error TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	done_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id)
);
CREATE TABLE search_docs (
	message_row_id INTEGER NOT NULL, 
	body TEXT NOT NULL, 
	PRIMARY KEY (message_row_id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id)
);
CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_docs', content_rowid='message_row_id', tokenize='trigram');
CREATE VIRTUAL TABLE search_words USING fts5(body, content='search_docs', content_rowid='message_row_id', tokenize='unicode61 remove_diacritics 2');
CREATE TABLE "quarantine" (
	id INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	path VARCHAR(1024) NOT NULL, 
	reason TEXT NOT NULL, 
	origin TEXT NOT NULL, 
	size BIGINT NOT NULL, 
	created_at DATETIME NOT NULL, 
	resolved_at DATETIME, 
	origin_data JSON DEFAULT '{}' NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (sha256)
);
CREATE TABLE folder_leases (
	source VARCHAR(1024) NOT NULL, 
	owner VARCHAR(300) NOT NULL, 
	generation BIGINT NOT NULL, 
	expires_at DATETIME NOT NULL, 
	heartbeat_at DATETIME NOT NULL, 
	PRIMARY KEY (source)
);
CREATE TABLE "source_positions" (
	id INTEGER NOT NULL, 
	source VARCHAR(1024) NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	last_uid BIGINT NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (source, uidvalidity)
);
CREATE TABLE cases (
	id INTEGER NOT NULL, 
	number VARCHAR(40) NOT NULL, 
	order_id INTEGER, 
	buyer VARCHAR(255) NOT NULL, 
	subject TEXT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	opened_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	closed_by VARCHAR(200) NOT NULL, 
	note TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	UNIQUE (number)
);
CREATE TABLE documents (
	id INTEGER NOT NULL, 
	message_row_id INTEGER NOT NULL, 
	order_id INTEGER, 
	kind VARCHAR(40) NOT NULL, 
	party VARCHAR(20) NOT NULL, 
	name TEXT NOT NULL, 
	revision INTEGER NOT NULL, 
	reason TEXT NOT NULL, 
	record JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id)
);
CREATE TABLE "messages" (
	id INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	message_id VARCHAR(998) NOT NULL, 
	direction VARCHAR(3) NOT NULL, 
	subject TEXT NOT NULL, 
	from_addr VARCHAR(320) NOT NULL, 
	from_name TEXT NOT NULL, 
	to_addrs JSON NOT NULL, 
	cc_addrs JSON NOT NULL, 
	date DATETIME, 
	received_at DATETIME NOT NULL, 
	in_reply_to VARCHAR(998) NOT NULL, 
	"references" JSON NOT NULL, 
	category VARCHAR(50) NOT NULL, 
	rule VARCHAR(200), 
	decision JSON NOT NULL, 
	buyer VARCHAR(255) NOT NULL, 
	order_id INTEGER, 
	correlation TEXT NOT NULL, 
	path VARCHAR(1024) NOT NULL, 
	size BIGINT NOT NULL, 
	origin TEXT NOT NULL, 
	text TEXT NOT NULL, 
	warnings JSON NOT NULL, 
	auth_results JSON DEFAULT '{}' NOT NULL, 
	case_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_messages_case_id FOREIGN KEY(case_id) REFERENCES cases (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	UNIQUE (sha256)
);
CREATE TABLE corrections (
	id INTEGER NOT NULL, 
	message_row_id INTEGER NOT NULL, 
	"before" VARCHAR(50) NOT NULL, 
	"after" VARCHAR(50) NOT NULL, 
	"by" VARCHAR(200) NOT NULL, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id)
);
CREATE TABLE milestones (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	"key" VARCHAR(40) NOT NULL, 
	"plan" VARCHAR(60) NOT NULL, 
	name TEXT NOT NULL, 
	owner VARCHAR(30) NOT NULL, 
	position INTEGER NOT NULL, 
	state VARCHAR(20) NOT NULL, 
	due DATE, 
	due_why TEXT NOT NULL, 
	waiting_for JSON NOT NULL, 
	done_at DATETIME, 
	how VARCHAR(20) NOT NULL, 
	done_by VARCHAR(200) NOT NULL, 
	message_row_id INTEGER, 
	note TEXT NOT NULL, 
	reopened_at DATETIME, 
	overdue_since DATE, 
	last_chased_at DATETIME, 
	chases INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	UNIQUE (order_id, "key")
);
CREATE TABLE payments (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	message_row_id INTEGER, 
	amount VARCHAR(40) NOT NULL, 
	currency VARCHAR(10) NOT NULL, 
	value_date DATE, 
	reference VARCHAR(100) NOT NULL, 
	recorded_by VARCHAR(200) NOT NULL, 
	note TEXT NOT NULL, 
	created_at DATETIME NOT NULL, charges VARCHAR(40) DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id)
);
CREATE TABLE "outbox" (
	id INTEGER NOT NULL, 
	message_id VARCHAR(998) NOT NULL, 
	answers_id INTEGER, 
	order_id INTEGER, 
	template VARCHAR(100) NOT NULL, 
	language VARCHAR(10) NOT NULL, 
	to_addrs JSON NOT NULL, 
	subject TEXT NOT NULL, 
	raw BLOB NOT NULL, 
	state VARCHAR(20) NOT NULL, 
	reason TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	phase VARCHAR(20) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME, 
	server_reply TEXT NOT NULL, 
	sent_at DATETIME, 
	sent_copy VARCHAR(20) NOT NULL, 
	claimed_by VARCHAR(300) NOT NULL, 
	recipient_results JSON DEFAULT '{}' NOT NULL, 
	lease_until DATETIME, 
	filed_at DATETIME, 
	revision_key VARCHAR(300) DEFAULT ('') NOT NULL, 
	order_version INTEGER DEFAULT 0 NOT NULL, 
	superseded_by INTEGER, 
	decided_by VARCHAR(200) DEFAULT ('') NOT NULL, 
	decided_at DATETIME, 
	action JSON DEFAULT '{}' NOT NULL, approver VARCHAR(30), 
	PRIMARY KEY (id), 
	FOREIGN KEY(answers_id) REFERENCES messages (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	UNIQUE (message_id)
);
CREATE TABLE users (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(30) NOT NULL, 
	password_hash VARCHAR(300) NOT NULL, 
	disabled BOOLEAN NOT NULL, 
	language VARCHAR(5) NOT NULL, 
	timezone VARCHAR(60) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE web_sessions (
	id INTEGER NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	csrf_token VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, flash_said TEXT DEFAULT '' NOT NULL, flash_error TEXT DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id), 
	UNIQUE (token_hash)
);
CREATE TABLE login_attempts (
	id INTEGER NOT NULL, 
	"key" VARCHAR(300) NOT NULL, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE "orders" (
	id INTEGER NOT NULL, 
	number VARCHAR(200) NOT NULL, 
	folder VARCHAR(255) NOT NULL, 
	buyer VARCHAR(255) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	data JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	version INTEGER DEFAULT 1 NOT NULL, 
	"plan" VARCHAR(60) DEFAULT ('') NOT NULL, 
	status_by_hand VARCHAR(20) DEFAULT ('') NOT NULL, 
	next_milestone VARCHAR(40) DEFAULT ('') NOT NULL, 
	currency VARCHAR(10) DEFAULT ('') NOT NULL, 
	total_due VARCHAR(40) DEFAULT ('') NOT NULL, 
	outstanding VARCHAR(40) DEFAULT ('') NOT NULL, 
	plan_by_hand BOOLEAN DEFAULT 0 NOT NULL, 
	next_due DATE, 
	anchors JSON DEFAULT '{}' NOT NULL, 
	kind VARCHAR(10) DEFAULT 'sale' NOT NULL, 
	for_order_id INTEGER, instalments JSON DEFAULT '[]' NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_orders_for_order_id_orders FOREIGN KEY(for_order_id) REFERENCES orders (id), 
	UNIQUE (folder)
);
CREATE TABLE desk_shared (
	name VARCHAR(100) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (name)
);
CREATE TABLE classifier_models (
	version INTEGER NOT NULL, 
	file VARCHAR(200) NOT NULL, 
	pointer TEXT NOT NULL, 
	data BLOB NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (version)
);
CREATE TABLE document_numbers (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	sequence VARCHAR(40) NOT NULL, 
	period VARCHAR(200) NOT NULL, 
	n INTEGER NOT NULL, 
	number VARCHAR(200) NOT NULL, 
	party VARCHAR(255) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	CONSTRAINT uq_document_numbers_n UNIQUE (sequence, period, n), 
	CONSTRAINT uq_document_numbers_order UNIQUE (order_id, sequence, party)
);
CREATE TABLE "search_bigrams" (
	c1 VARCHAR(1) NOT NULL, 
	c2 VARCHAR(1) NOT NULL, 
	message_row_id INTEGER NOT NULL, 
	PRIMARY KEY (c1, c2, message_row_id), 
	FOREIGN KEY(message_row_id) REFERENCES messages (id)
)
 WITHOUT ROWID

;
CREATE INDEX ix_order_aliases_key ON order_aliases ("key");
CREATE INDEX ix_order_aliases_order_id ON order_aliases (order_id);
CREATE INDEX ix_attachments_message_row_id ON attachments (message_row_id);
CREATE INDEX ix_attachments_sha256 ON attachments (sha256);
CREATE INDEX ix_events_at ON events (at);
CREATE INDEX ix_events_message_row_id ON events (message_row_id);
CREATE INDEX ix_events_order_id ON events (order_id);
CREATE INDEX ix_pending_actions_source ON pending_actions (source);
CREATE INDEX ix_pending_actions_state ON pending_actions (state);
CREATE INDEX ix_cases_order_id ON cases (order_id);
CREATE INDEX ix_cases_status ON cases (status);
CREATE INDEX ix_documents_message_row_id ON documents (message_row_id);
CREATE INDEX ix_documents_order_id ON documents (order_id);
CREATE INDEX ix_messages_from_addr ON messages (from_addr);
CREATE INDEX ix_messages_order_id ON messages (order_id);
CREATE INDEX ix_messages_category ON messages (category);
CREATE INDEX ix_messages_buyer ON messages (buyer);
CREATE INDEX ix_messages_message_id ON messages (message_id);
CREATE INDEX ix_messages_message_id_sha ON messages (message_id, sha256);
CREATE INDEX ix_messages_date ON messages (date);
CREATE INDEX ix_messages_case_id ON messages (case_id);
CREATE INDEX ix_corrections_message_row_id ON corrections (message_row_id);
CREATE INDEX ix_milestones_order_id ON milestones (order_id);
CREATE INDEX ix_milestones_state_due ON milestones (state, due);
CREATE INDEX ix_milestones_open_due ON milestones (due) WHERE state != 'done';
CREATE INDEX ix_milestones_open_owner ON milestones (owner, due) WHERE state != 'done';
CREATE INDEX ix_payments_order_id ON payments (order_id);
CREATE INDEX ix_payments_message_row_id ON payments (message_row_id);
CREATE INDEX ix_outbox_answers_id ON outbox (answers_id);
CREATE INDEX ix_outbox_order_id ON outbox (order_id);
CREATE INDEX ix_web_sessions_user_id ON web_sessions (user_id);
CREATE INDEX ix_login_attempts_key ON login_attempts ("key");
CREATE INDEX ix_login_attempts_at ON login_attempts (at);
CREATE INDEX ix_messages_from_addr_lower ON messages (lower(from_addr));
CREATE INDEX ix_orders_buyer ON orders (buyer);
CREATE INDEX ix_orders_next_due ON orders (next_due);
CREATE INDEX ix_orders_for_order_id ON orders (for_order_id);
CREATE INDEX ix_messages_order_last_mail ON messages (order_id, direction, coalesce(date, received_at));
CREATE INDEX ix_messages_rule ON messages (rule);
CREATE INDEX ix_outbox_state_created ON outbox (state, created_at, id);
CREATE INDEX ix_search_bigrams_c2 ON search_bigrams (c2, message_row_id);
INSERT INTO alembic_version (version_num) VALUES ('0018');
