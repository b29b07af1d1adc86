import { defineConfig } from "drizzle-kit";

/** drizzle-kit for PostgreSQL: `npm run db:generate` writes SQL migrations from src/storage/pg/schema.ts into ./drizzle-pg (committed). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/storage/pg/schema.ts",
  out: "./drizzle-pg",
});
