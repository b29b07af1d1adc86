CREATE TABLE "installation_workspaces" (
	"platform" text COLLATE "C" NOT NULL,
	"workspace" text COLLATE "C" NOT NULL,
	"organisation" text COLLATE "C" NOT NULL,
	"seen_at" text COLLATE "C" NOT NULL,
	CONSTRAINT "installation_workspaces_platform_workspace_pk" PRIMARY KEY("platform","workspace")
);
--> statement-breakpoint
CREATE TABLE "installations" (
	"platform" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"workspace" text COLLATE "C",
	"organisation" text COLLATE "C",
	"org_wide" boolean NOT NULL,
	"bot_token" text COLLATE "C" NOT NULL,
	"bot_user_id" text COLLATE "C" NOT NULL,
	"bot_id" text COLLATE "C",
	"app_id" text COLLATE "C",
	"installed_by" text COLLATE "C" NOT NULL,
	"scopes" json NOT NULL,
	"raw" json NOT NULL,
	"installed_at" text COLLATE "C" NOT NULL,
	"updated_at" text COLLATE "C" NOT NULL,
	CONSTRAINT "installations_platform_key_pk" PRIMARY KEY("platform","key")
);
--> statement-breakpoint
CREATE INDEX "installations_organisation_idx" ON "installations" USING btree ("platform","organisation");