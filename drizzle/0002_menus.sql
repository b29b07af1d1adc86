-- Menus waiting for a typed answer ("1"), stored with the event that showed them, so that any process and a
-- restarted one read them (issue 15).
CREATE TABLE `menus` (
	`tenant` text NOT NULL,
	`key` text NOT NULL,
	`menu` text NOT NULL,
	`shown_at` text NOT NULL,
	PRIMARY KEY(`tenant`, `key`)
);
