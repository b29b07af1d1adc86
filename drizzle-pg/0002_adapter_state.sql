CREATE TABLE "adapter_state" (
	"platform" text COLLATE "C" NOT NULL,
	"kind" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"value" text COLLATE "C" NOT NULL,
	"updated_at" text COLLATE "C" NOT NULL,
	CONSTRAINT "adapter_state_platform_kind_key_pk" PRIMARY KEY("platform","kind","key")
);
