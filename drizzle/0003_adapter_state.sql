CREATE TABLE `adapter_state` (
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`platform`, `kind`, `key`)
);
