import type { IncomingMessage, ServerResponse } from "node:http";
import type { Installation, InstallURLOptions } from "@slack/bolt";

/** Where people start the installation (Bolt's install page with the "Add to Slack" link and the state cookie). */
export const INSTALL_PATH = "/slack/install";
/** Where Slack sends the browser back after "Allow" (must be listed under OAuth & Permissions → Redirect URLs). */
export const REDIRECT_PATH = "/slack/oauth_redirect";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      `<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}code{background:#eee;padding:0 .2em}</style>` +
      `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  );
}

/** The install page (`GET /slack/install`): what happens next, and the "Add to Slack" link carrying the state. */
export function installPage(authorizeUrl: string): string {
  const href = escapeHtml(authorizeUrl);
  return (
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Notfallbot zu Slack hinzufügen</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}</style></head><body>` +
    `<h1>Notfallbot zu Slack hinzufügen</h1>` +
    `<p>Der Notfallbot führt Ihr Team im IT-Notfall Schritt für Schritt durch Meldung, Aufgaben und Fristen. ` +
    `Sie brauchen Administratorrechte im Workspace; Slack zeigt Ihnen vor dem Hinzufügen, was der Bot darf.</p>` +
    `<p><a href="${href}"><img alt="Add to Slack" height="40" width="139" src="https://platform.slack-edge.com/img/add_to_slack.png" ` +
    `srcset="https://platform.slack-edge.com/img/add_to_slack.png 1x, https://platform.slack-edge.com/img/add_to_slack@2x.png 2x"></a></p>` +
    `<p>Der Link gilt 10 Minuten und nur in diesem Browser.</p>` +
    `<p lang="en"><em>Add Notfallbot to your Slack workspace (admin rights needed). The link is valid for 10 minutes in this browser.</em></p>` +
    `</body></html>`
  );
}

/**
 * After a successful installation: which workspace (or organisation) it was, and the id the service provider puts
 * under `covers: slack:` in the client's organisation file (NOTFALL_TENANTS).
 */
export function installedPage(installation: Installation, _o: InstallURLOptions, _req: IncomingMessage, res: ServerResponse): void {
  const orgWide = installation.isEnterpriseInstall === true;
  const id = orgWide ? installation.enterprise?.id : installation.team?.id;
  const name = (orgWide ? installation.enterprise?.name : installation.team?.name) ?? id ?? "?";
  page(
    res,
    200,
    "Notfallbot ist installiert",
    `<p>Der Notfallbot ist jetzt in <strong>${escapeHtml(name)}</strong> installiert${orgWide ? " (für die ganze Organisation)" : ""}.</p>` +
      `<p>Nächste Schritte in Slack: den Bot in den Notfall-Kanal einladen (<code>/invite @Notfallbot</code>) und <code>/notfall</code> tippen.</p>` +
      `<p>Für den Betreiber: ${orgWide ? "Organisations-ID" : "Workspace-ID"} <code>${escapeHtml(id ?? "?")}</code> – in der Organisationsdatei des Mandanten ` +
      `unter <code>covers: slack: [${escapeHtml(id ?? "?")}]</code> eintragen.</p>` +
      `<p lang="en"><em>Notfallbot is installed in ${escapeHtml(name)}. Invite it to your incident channel and type /notfall.</em></p>`,
  );
}

/** A failed installation, in German first: a stale or foreign link (state) is 400 and says to start again. */
export function failedPage(error: { code?: string }, _o: InstallURLOptions, _req: IncomingMessage, res: ServerResponse): void {
  const code = typeof error.code === "string" && /^[a-z0-9_]{1,64}$/.test(error.code) ? error.code : "unknown";
  const stateProblem = code === "slack_oauth_invalid_state" || code === "slack_oauth_missing_state";
  // Slack's "Cancel" comes back as error=access_denied (Bolt: authorization error); a redirect without code, too
  const cancelled = code === "slack_oauth_installer_authorization_error" || code === "slack_oauth_missing_code";
  const clientProblem = stateProblem || cancelled;
  page(
    res,
    clientProblem ? 400 : 500,
    "Installation nicht abgeschlossen",
    cancelled
      ? `<p>Die Installation wurde in Slack abgebrochen oder nicht erlaubt – im Workspace hat sich nichts geändert. ` +
          `Neu starten über <a href="${INSTALL_PATH}">${INSTALL_PATH}</a>.</p>` +
          `<p lang="en"><em>The installation was cancelled in Slack; nothing changed. Start again at ${INSTALL_PATH}.</em></p>`
      : stateProblem
        ? `<p>Der Installations-Link ist abgelaufen oder wurde in einem anderen Browser geöffnet. Bitte die Installation noch einmal über ` +
          `<a href="${INSTALL_PATH}">${INSTALL_PATH}</a> starten (im selben Browser, innerhalb von 10 Minuten).</p>` +
          `<p lang="en"><em>The installation link expired or came from another browser. Please start again at ${INSTALL_PATH}.</em></p>`
        : `<p>Slack hat die Installation nicht bestätigt (<code>${escapeHtml(code)}</code>). Bitte noch einmal über ` +
          `<a href="${INSTALL_PATH}">${INSTALL_PATH}</a> versuchen; bleibt es dabei, hilft der Betreiber (Log des Notfallbots).</p>` +
          `<p lang="en"><em>Slack did not confirm the installation (${escapeHtml(code)}). Please try again.</em></p>`,
  );
}
