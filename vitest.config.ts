import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: "forks",
    globalSetup: ["tests/adapters/matrix/global-setup.ts", "tests/postgres/global-setup.ts"],
    // the JSON report lets .ci/run print the plain "N passed, N failed" line
    reporters: ["default", ["json", { outputFile: ".cache/vitest-results.json" }]],
  },
});
