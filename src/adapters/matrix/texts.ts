/** User-facing texts of the Matrix adapter. German first, English second. */
import { escapeHtml } from "./render.ts";

/** Posted once into an encrypted room when end-to-end encryption is not set up for the bot (no MATRIX_CRYPTO_SECRET). */
export function encryptionOffNotice(botUserId: string): string {
  return [
    "🔒 Dieser Raum ist Ende-zu-Ende-verschlüsselt, aber bei mir (Notfallbot) ist die Verschlüsselung nicht eingerichtet. Ich kann hier deshalb nichts lesen.",
    "",
    "So geht es weiter:",
    "• Wer den Bot betreibt: MATRIX_CRYPTO_SECRET setzen und den Bot neu starten (Anleitung: docs/matrix.md, Abschnitt „Verschlüsselte Räume“). Danach funktioniert dieser Raum.",
    `• Bis dahin: einen neuen Raum erstellen und dabei „Ende-zu-Ende-Verschlüsselung aktivieren“ ausschalten, mich einladen (${botUserId}) und dort „!notfall <Typ> <kurze Beschreibung>“ schreiben.`,
    "Bitte keine Passwörter in den Notfallraum schreiben.",
    "",
    "(English: This room is end-to-end encrypted, but encryption is not set up for me, so I cannot read it. The operator sets MATRIX_CRYPTO_SECRET and restarts me; until then use an unencrypted room.)",
  ].join("\n");
}

/** What the bot knows about a message it could not decrypt, for the notice. */
export interface UnreadableInfo {
  /** Display name of the sender. */
  senderName: string;
  /** When it was sent, as the people in the room read the time (e.g. „14:32“). */
  sentAt: string;
  /** A reaction (m.annotation) rather than a message. */
  reaction: boolean;
  /** The sender's client refuses keys to devices it has not verified (m.unverified). */
  unverified: boolean;
  /** Link to the message (matrix.to). */
  link: string;
}

/** Posted once (in the thread of the message, if any) when a message stays undecryptable. */
export function unreadableNotice(i: UnreadableInfo): { plain: string; html: string } {
  const what = i.reaction ? "Reaktion" : "Nachricht";
  const whatEn = i.reaction ? "reaction" : "message";
  const hint = i.unverified
    ? "Ihr Element schickt die Schlüssel nur an verifizierte Geräte. Bitte in Element unter Einstellungen → Sicherheit & Datenschutz „Nie verschlüsselte Nachrichten an nicht verifizierte Sitzungen senden“ ausschalten oder mein Gerät verifizieren und die Nachricht dann noch einmal senden."
    : "Bitte noch einmal senden. Passiert das öfter, hilft es meist, Element einmal neu zu laden.";
  const plain = [
    `🔒 Ich konnte die ${what} von ${i.senderName} (${i.sentAt}) nicht entschlüsseln: Mir fehlt der Schlüssel dafür, deshalb habe ich sie nicht bearbeitet. ${hint}`,
    `Nachricht: ${i.link}`,
    `(English: I could not decrypt the ${whatEn} from ${i.senderName} (${i.sentAt}): the key never reached me, so I did not act on it. Please send it again.)`,
  ].join("\n");
  const esc = escapeHtml;
  const html = [
    `🔒 Ich konnte die <a href="${esc(i.link)}">${what} von ${esc(i.senderName)} (${esc(i.sentAt)})</a> nicht entschlüsseln: Mir fehlt der Schlüssel dafür, deshalb habe ich sie nicht bearbeitet. ${esc(hint)}`,
    `<em>(English: I could not decrypt the ${whatEn} from ${esc(i.senderName)} (${esc(i.sentAt)}): the key never reached me, so I did not act on it. Please send it again.)</em>`,
  ].join("<br>");
  return { plain, html };
}
