import { defineConfig } from "drizzle-kit";

/** drizzle-kit for SQLite: `npm run db:generate` writes SQL migrations from src/storage/schema.ts into ./drizzle (committed). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/storage/schema.ts",
  out: "./drizzle",
});
