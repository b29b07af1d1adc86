CREATE TABLE `installation_workspaces` (
	`platform` text NOT NULL,
	`workspace` text NOT NULL,
	`organisation` text NOT NULL,
	`seen_at` text NOT NULL,
	PRIMARY KEY(`platform`, `workspace`)
);
--> statement-breakpoint
CREATE TABLE `installations` (
	`platform` text NOT NULL,
	`key` text NOT NULL,
	`workspace` text,
	`organisation` text,
	`org_wide` integer NOT NULL,
	`bot_token` text NOT NULL,
	`bot_user_id` text NOT NULL,
	`bot_id` text,
	`app_id` text,
	`installed_by` text NOT NULL,
	`scopes` text NOT NULL,
	`raw` text NOT NULL,
	`installed_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`platform`, `key`)
);
--> statement-breakpoint
CREATE INDEX `installations_organisation_idx` ON `installations` (`platform`,`organisation`);