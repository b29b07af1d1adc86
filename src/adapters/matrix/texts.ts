/** User-facing texts of the Matrix adapter. German first, English second. */

/** Posted once into a room the bot cannot read because it is end-to-end encrypted. */
export function encryptionNotice(botUserId: string): string {
  return [
    "🔒 Dieser Raum ist Ende-zu-Ende-verschlüsselt. Ich (Notfallbot) kann hier nichts lesen und deshalb nicht helfen.",
    "",
    "So geht es weiter:",
    "1. Einen neuen Raum erstellen, z. B. „IT-Notfall“. Dabei „Ende-zu-Ende-Verschlüsselung aktivieren“ ausschalten (in Element beim Erstellen des Raums).",
    `2. Mich in den neuen Raum einladen: ${botUserId}`,
    "3. Dort schreiben: !notfall <Typ> <kurze Beschreibung>, z. B. „!notfall verschlüsselung Server gesperrt“. Nur „!notfall“ zeigt alle Typen.",
    "Bitte keine Passwörter in den Notfallraum schreiben.",
    "",
    "(English: This room is end-to-end encrypted, so I cannot read it. Create a new room with encryption switched off, invite me and type „!notfall <type>“ there.)",
  ].join("\n");
}
