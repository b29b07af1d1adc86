-- Tenancy (docs/storage.md): every row of incident data gets the organisation it belongs to, leading its keys.
-- Everything written before belongs to the default tenant; the platform workspace moves from incidents.tenant to
-- incidents.workspace. Tables whose keys change are rebuilt (SQLite cannot alter a primary key); the storage runs
-- migrations with foreign keys off and checks them afterwards (src/storage/connection.ts).
CREATE TABLE `__new_tasks` (
	`tenant` text NOT NULL,
	`incident_id` text NOT NULL,
	`task_id` text NOT NULL,
	`nr` integer NOT NULL,
	`phase` text NOT NULL,
	`role` text NOT NULL,
	`critical` integer NOT NULL,
	`state` text NOT NULL,
	`by` text,
	`at` text,
	`reason` text,
	PRIMARY KEY(`tenant`, `incident_id`, `task_id`),
	FOREIGN KEY (`tenant`,`incident_id`) REFERENCES `incidents`(`tenant`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_tasks`("tenant", "incident_id", "task_id", "nr", "phase", "role", "critical", "state", "by", "at", "reason") SELECT 'default', "incident_id", "task_id", "nr", "phase", "role", "critical", "state", "by", "at", "reason" FROM `tasks`;--> statement-breakpoint
DROP TABLE `tasks`;--> statement-breakpoint
ALTER TABLE `__new_tasks` RENAME TO `tasks`;--> statement-breakpoint
CREATE TABLE `__new_timeline` (
	`tenant` text NOT NULL,
	`incident_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`data` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`tenant`, `incident_id`, `seq`),
	FOREIGN KEY (`tenant`,`incident_id`) REFERENCES `incidents`(`tenant`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_timeline`("tenant", "incident_id", "seq", "at", "actor_id", "actor_name", "platform", "kind", "text", "data", "prev_hash", "hash") SELECT 'default', "incident_id", "seq", "at", "actor_id", "actor_name", "platform", "kind", "text", "data", "prev_hash", "hash" FROM `timeline`;--> statement-breakpoint
DROP TABLE `timeline`;--> statement-breakpoint
ALTER TABLE `__new_timeline` RENAME TO `timeline`;--> statement-breakpoint
CREATE TABLE `__new_timers` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` text NOT NULL,
	`payload` text,
	`fired_at` text,
	`cancelled_at` text,
	PRIMARY KEY(`tenant`, `id`),
	FOREIGN KEY (`tenant`,`incident_id`) REFERENCES `incidents`(`tenant`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_timers`("tenant", "id", "incident_id", "kind", "due_at", "payload", "fired_at", "cancelled_at") SELECT 'default', "id", "incident_id", "kind", "due_at", "payload", "fired_at", "cancelled_at" FROM `timers`;--> statement-breakpoint
DROP TABLE `timers`;--> statement-breakpoint
ALTER TABLE `__new_timers` RENAME TO `timers`;--> statement-breakpoint
CREATE INDEX `timers_pending_due_idx` ON `timers` (`due_at`) WHERE fired_at IS NULL AND cancelled_at IS NULL;--> statement-breakpoint
CREATE INDEX `timers_incident_idx` ON `timers` (`tenant`,`incident_id`);--> statement-breakpoint
CREATE TABLE `__new_incidents` (
	`tenant` text NOT NULL,
	`id` text NOT NULL,
	`workspace` text NOT NULL,
	`platform` text NOT NULL,
	`channel` text NOT NULL,
	`thread_ref` text,
	`thread_key` text,
	`playbook_id` text NOT NULL,
	`title` text NOT NULL,
	`level` text NOT NULL,
	`phase` text NOT NULL,
	`drill` integer NOT NULL,
	`opened_at` text NOT NULL,
	`aware_at` text NOT NULL,
	`closed_at` text,
	`declared_by` text NOT NULL,
	`snapshot` text NOT NULL,
	`last_hash` text NOT NULL,
	`last_seq` integer NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`tenant`, `id`)
);
--> statement-breakpoint
INSERT INTO `__new_incidents`("tenant", "id", "workspace", "platform", "channel", "thread_ref", "thread_key", "playbook_id", "title", "level", "phase", "drill", "opened_at", "aware_at", "closed_at", "declared_by", "snapshot", "last_hash", "last_seq", "version") SELECT 'default', "id", "tenant", "platform", "channel", "thread_ref", "thread_key", "playbook_id", "title", "level", "phase", "drill", "opened_at", "aware_at", "closed_at", "declared_by", "snapshot", "last_hash", "last_seq", "version" FROM `incidents`;--> statement-breakpoint
DROP TABLE `incidents`;--> statement-breakpoint
ALTER TABLE `__new_incidents` RENAME TO `incidents`;--> statement-breakpoint
CREATE INDEX `incidents_channel_closed_idx` ON `incidents` (`tenant`,`channel`,`closed_at`);--> statement-breakpoint
CREATE INDEX `incidents_channel_thread_ref_idx` ON `incidents` (`tenant`,`channel`,`thread_ref`);--> statement-breakpoint
CREATE INDEX `incidents_thread_key_idx` ON `incidents` (`tenant`,`thread_key`);--> statement-breakpoint
DROP INDEX `outbox_lane_status_id_idx`;--> statement-breakpoint
DROP INDEX `outbox_key_idx`;--> statement-breakpoint
-- rows written before tenancy belong to the default tenant (SQLite adds a NOT NULL column only with a default)
ALTER TABLE `outbox` ADD `tenant` text NOT NULL DEFAULT 'default';--> statement-breakpoint
CREATE INDEX `outbox_lane_status_id_idx` ON `outbox` (`tenant`,`lane`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_key_idx` ON `outbox` (`tenant`,`key`);--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`tenant` text NOT NULL,
	`platform` text NOT NULL,
	`id` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`tenant`, `platform`, `id`)
);
--> statement-breakpoint
INSERT INTO `__new_deliveries`("tenant", "platform", "id", "received_at") SELECT 'default', "platform", "id", "received_at" FROM `deliveries`;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;