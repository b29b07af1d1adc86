// Fails early, in plain words, when the wrong Node runs (instead of a segfault in better-sqlite3).
// Plain JavaScript on purpose: it must run on any old Node.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    [
      `notfallbot braucht Node.js 24 LTS (mindestens 22.12); hier läuft Node ${process.versions.node}.`,
      "Node 24 wird mit 'npm install' in node_modules/ mitgeliefert. Bitte die Befehle über npm starten:",
      "  npm install && npm start     (Bot im Terminal)",
      "  npm install && npm test      (alle Tests)",
      `(needs Node.js 24 LTS, found ${process.versions.node}; run it through npm, which puts the bundled Node first on PATH)`,
    ].join("\n"),
  );
  process.exit(78);
}
