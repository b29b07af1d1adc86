import { openStorage } from "../../src/storage/index.ts";
import { tempDir } from "../helpers/tmp.ts";
import { clock, menuProcessesSuite } from "./menu-processes.ts";

// Two connections to one SQLite file (as two processes would open it), and a reopened one after a restart.
let tmp: ReturnType<typeof tempDir>;
menuProcessesSuite("sqlite", {
  setup: async () => {
    tmp = tempDir("notfallbot-menu-");
  },
  open: async () => openStorage(`${tmp.dir}/notfall.db`, { clock }),
  teardown: async () => tmp.cleanup(),
});
