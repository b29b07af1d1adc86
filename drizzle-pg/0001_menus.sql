-- Menus waiting for a typed answer ("1"), stored with the event that showed them, so that any process reads them
-- (issue 15).
CREATE TABLE "menus" (
	"tenant" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"menu" json NOT NULL,
	"shown_at" text COLLATE "C" NOT NULL,
	CONSTRAINT "menus_tenant_key_pk" PRIMARY KEY("tenant","key")
);
