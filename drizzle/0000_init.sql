CREATE TABLE `deliveries` (
	`platform` text NOT NULL,
	`id` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`platform`, `id`)
);
--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant` text NOT NULL,
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
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_channel_closed_idx` ON `incidents` (`channel`,`closed_at`);--> statement-breakpoint
CREATE INDEX `incidents_channel_thread_ref_idx` ON `incidents` (`channel`,`thread_ref`);--> statement-breakpoint
CREATE INDEX `incidents_thread_key_idx` ON `incidents` (`thread_key`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`incident_id` text,
	`lane` text NOT NULL,
	`platform` text NOT NULL,
	`channel` text NOT NULL,
	`message` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`ref` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `outbox_status_next_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_lane_status_id_idx` ON `outbox` (`lane`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_ref_idx` ON `outbox` (`ref`);--> statement-breakpoint
CREATE INDEX `outbox_key_idx` ON `outbox` (`key`);--> statement-breakpoint
CREATE TABLE `tasks` (
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
	PRIMARY KEY(`incident_id`, `task_id`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `timeline` (
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
	PRIMARY KEY(`incident_id`, `seq`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` text NOT NULL,
	`payload` text,
	`fired_at` text,
	`cancelled_at` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timers_pending_due_idx` ON `timers` (`due_at`) WHERE fired_at IS NULL AND cancelled_at IS NULL;--> statement-breakpoint
CREATE INDEX `timers_incident_idx` ON `timers` (`incident_id`);