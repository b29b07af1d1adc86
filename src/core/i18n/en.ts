import type { Catalog } from "./de.ts";

/**
 * English message catalogue: the same keys and functions as `de`. Plain language, short sentences, one next step.
 * Command words stay German (the parser is German-first and also accepts the English aliases shown in `help`).
 */
export const en: Catalog = {
  levelName: { stoerung: "Disruption", notfall: "Emergency", krise: "Crisis", katastrophe: "Disaster" },
  levelMeaning: {
    stoerung: "Something is not working as usual, but it can be fixed in normal operations.",
    notfall: "Important work has stopped and cannot be restored in time through normal operations. The emergency plan applies now.",
    krise: "Like an emergency, but with no plan that fits: management decides in a small crisis team and improvises.",
    katastrophe:
      "A major disaster with authorities involved (fire brigade, civil protection). Their instructions come first; internally, treat it as a crisis.",
  },
  roleName: { koordinator: "IT emergency coordinator", technik: "Technical contact", kommunikation: "External communication" },
  roleShort: { koordinator: "Coordination", technik: "Technical", kommunikation: "Communication" },
  roleWhat: {
    koordinator: "keeps the overview, decides and informs the IT service provider",
    technik: "looks after devices, network and data (often the IT service provider)",
    kommunikation: "informs the team, patients/customers and authorities",
  },
  phaseName: {
    erkennung: "Detection & assessment",
    sofort: "Immediate actions",
    eindaemmung: "Containment & analysis",
    wiederherstellung: "Recovery",
    nachbereitung: "Review",
    abgeschlossen: "Closed",
  },
  taskState: { offen: "open", bestätigt: "taken on", erledigt: "done", übersprungen: "skipped" },
  unassigned: "— nobody yet —",
  drill: "DRILL",
  drillBanner: "🧪 DRILL – not a real emergency. Do not send anything outside.",
  headerTitle: (id: string, title: string, drill: boolean) => `${drill ? "🧪 DRILL " : "🚨 "}${id}: ${title}`,
  facts: {
    level: "Level",
    declaredBy: "Reported by",
    openedAt: "Opened",
    awareAt: "Known since",
    description: "Description",
    phase: "Phase",
    roles: "Roles",
  },
  headerNext: "**Next step:** Take on the roles (press a button or type `rolle koordinator`, `rolle technik`, `rolle kommunikation`).",
  headerNextNoButtons: "**Next step:** Take on the roles: type `rolle koordinator`, `rolle technik` or `rolle kommunikation`.",
  headerWhere: { thread: "Everything else happens here in the thread.", here: "Everything else happens here." },
  claimButton: { koordinator: "I'll coordinate", technik: "I'll handle tech", kommunikation: "I'll communicate" },
  questionsTitle: "Please answer briefly",
  questionsHint: "Answer with `antwort <number> <answer>`, e.g. `antwort 1 today 8:30` or `antwort 2 yes`.",
  answerYes: "yes",
  answerNo: "no",
  answerUnclear: "unclear",
  notAnswered: "still open",
  tasksTitle: (phase: string, role: string, holder: string | undefined) => `${phase} · ${role}${holder ? ` (${holder})` : ""}`,
  taskHintButtons: "Press a button or reply: `ok <number>` = taken on, `erledigt <number>` = finished.",
  taskHintReactions: "React to a task with ✅ = done, 👍 = taken on. Or reply: `erledigt <number>`.",
  taskHintText: "Reply `ok <number>` (taken on) or `erledigt <number>` (finished), e.g. `erledigt 3`.",
  btnAck: "Take on",
  btnDone: "Done",
  critical: "important",
  why: "Why",
  stateBy: (state: string, who: string) => `${state} by ${who}`,
  templatesTitle: "Ready-made texts (templates)",
  templatesHint: "To show one, press a button or type `vorlage <name>`.",
  templatesHintNoButtons: "To show one, type `vorlage <name>` (a name from the list).",
  templateExternalDrill: "DRILL – do NOT send this text.",
  templateGaps: (gaps: string[]) => `Still to fill in: ${gaps.join(", ")}`,
  templateFooter: "Copy the text, fill in the gaps [[…]], then send it.",
  phaseEntered: (phase: string) => `➡️ New phase: **${phase}**`,
  phaseOverride: (reason: string) => `Moved on although important tasks are still open. Reason: ${reason}`,
  reviewTitle: "Review: what do we learn from this?",
  reviewHint: "Answer with `antwort L<number> <text>`, e.g. `antwort L1 Through a fake invoice by email`. Then `abschließen`.",
  roleAssigned: (who: string, role: string, what: string) => `✅ **${who}** is now **${role}** (${what}).`,
  roleReleased: (role: string) => `The role **${role}** is free again.`,
  roleOpenTasks: (n: number) => (n === 1 ? "1 task is waiting." : `${n} tasks are waiting.`),
  rolesReminder: (roles: string[]) => `⏰ Not taken yet: **${roles.join(", ")}**. Who takes it on? Type e.g. \`rolle technik\`.`,
  taskChanged: (nr: number, text: string, state: string, who: string) => `Task ${nr} ${state} (${who}): ${text}`,
  taskOverdue: (nr: number, text: string, holder: string) => `⏰ Task ${nr} is due (${holder}): ${text}\nFinished? \`erledigt ${nr}\``,
  answerRecorded: (nr: string, q: string, a: string) => `Answer ${nr} noted: ${q} → **${a}**`,
  awarenessSet: (when: string) => `Known since ${when}. The legal deadlines run from this moment.`,
  deadlineStarted: (title: string, due: string | undefined, basis: string) =>
    due ? `⏱️ Deadline running: **${title}** by **${due}**. ${basis}` : `⏱️ Due now: **${title}** (without undue delay). ${basis}`,
  deadlineReminder: (title: string, left: string, due: string, holder: string) =>
    `⏰ ${left} left: **${title}** (by ${due}). Responsible: ${holder}.`,
  deadlineUrgent: (title: string, holder: string) => `⏰ Still open, do it without undue delay: **${title}**. Responsible: ${holder}.`,
  deadlineMissed: (title: string, coord: string) =>
    `❗ Deadline missed: **${title}**. ${coord}: please report it right away anyway and briefly explain the delay (this is allowed and better than not reporting at all).`,
  deadlineMet: (title: string) => `✅ Deadline met: ${title}`,
  deadlineHowto: (nr: number) => `This deadline is done with task ${nr}: \`erledigt ${nr}\`.`,
  levelChanged: (from: string, to: string, meaning: string) => `📈 Level changed: ${from} → **${to}**. ${meaning}`,
  levelUnchanged: (lvl: string) => `The level is already ${lvl}.`,
  noteSaved: "📝 Noted.",
  closedTitle: (id: string) => `🏁 ${id} closed – summary`,
  summary: {
    duration: "Total duration",
    phases: "Duration per phase",
    firstAck: "First response per role",
    noAck: "none",
    tasksDone: "Tasks done",
    tasksSkipped: "Skipped (with reason)",
    overrides: "Moved on although tasks were open",
    deadlines: "Deadlines",
    met: "met",
    missed: "missed",
    open: "open",
    review: "Answers from the review",
    noReview: "No answers recorded.",
    followUps: "Open points (follow up)",
    none: "none",
    drillScore: "Drill score",
    criticalOnTime: "Important tasks on time",
    wouldMeet: "Deadlines would have been met",
    closeReason: "Reason for closing",
  },
  exportDone: (files: string, ok: boolean) =>
    `📄 Export created: ${files}\n${ok ? "Audit chain intact: the timeline has not been changed." : "❗ Audit chain broken: the timeline has been changed."}`,
  statusTitle: (id: string) => `Status ${id}`,
  statusOpenTasks: "Open tasks",
  statusDeadlines: "Deadlines",
  statusNext: "Next step",
  statusNextRoles: "Fill the roles: `rolle koordinator` / `rolle technik` / `rolle kommunikation`.",
  statusNextCritical: (nrs: number[]) => `Finish the important tasks: ${nrs.join(", ")}.`,
  statusNextAdvance: "Everything important in this phase is done: `weiter` (coordinator).",
  statusNextClose: "Answer the review questions, then `abschließen`.",
  statusLeft: (left: string) => `${left} left`,
  statusOverdue: (over: string) => `overdue by ${over}`,
  help: (types: string) =>
    [
      "**notfallbot** – guides you step by step through an IT emergency.",
      "",
      "**Report an emergency:** `/notfall <type> [what happened]`, e.g. `/notfall verschlüsselung Server shows a ransom note`",
      "**Drill:** `/notfall übung <type>` (or `drill`)",
      "",
      `**Types:** ${types}`,
      "",
      "**In the emergency thread:**",
      "`rolle koordinator|technik|kommunikation [@person]` (role coordinator|technical|communication) · `status` · `ok <number>` (ack) / `erledigt <number>` (done) · `überspringen <number> <reason>` (skip) · `antwort <number> <answer>` (answer) · `vorlage [name]` (template) · `notiz <text>` (note) · `eskalieren <level>` (escalate) · `weiter [reason]` (next) · `abschließen` (close) · `export` · `handbuch` (handbook)",
      "",
      "**Levels:** `störung` (disruption) · `notfall` (emergency) · `krise` (crisis) · `katastrophe` (disaster)",
    ].join("\n"),
  typesLine: (id: string, title: string) => `\`${id}\` (${title})`,
  chooseType: (text: string, options: string) => `Which kind of emergency is “${text}”? ${options}`,
  chooseTypeNone: (text: string, options: string) =>
    `I don't know an emergency type for “${text}”. Did you mean one of these? ${options}\nOr type \`/notfall hilfe\`.`,
  didYouMean: (given: string, suggestion: string) => `I don't know “${given}”. Did you mean \`${suggestion}\`? All commands: \`hilfe\`.`,
  err: {
    noIncident:
      "No emergency is running here right now. To report one: `/notfall <type>`, e.g. `/notfall verschlüsselung`. All types: `/notfall hilfe`.",
    manyIncidents: (ids: string) => `Several emergencies are running here (${ids}). Please write in the thread of the right one.`,
    elsewhereAction:
      "This button does not belong to an emergency running here. Nothing was changed. Please use the buttons in the emergency's thread; `/notfall status` shows the situation here.",
    elsewhereId: (id: string) =>
      `${id} is not running here. An emergency's status and export are only available in its own channel: write \`/notfall status ${id}\` there. \`/notfall status\` shows the situation here.`,
    closed: (id: string) => `${id} is already closed. To report a new emergency: \`/notfall <type>\`.`,
    roleMissing: "Which role? Type `rolle koordinator`, `rolle technik` or `rolle kommunikation`.",
    roleUnknown: (given: string, sugg?: string) =>
      `“${given}” is not a role.${sugg ? ` Did you mean \`rolle ${sugg}\`?` : ""} The roles are: \`koordinator\`, \`technik\`, \`kommunikation\`.`,
    roleTaken: (role: string, who: string) =>
      `${who} already has the role ${role}. The coordinator can reassign it: \`rolle <role> @person\`.`,
    roleAssignOthers: (coord: string) =>
      `Only the coordinator (${coord}) can assign other people. You can take a free role yourself: \`rolle technik\`.`,
    mentionUnknown: (given: string) => `Who do you mean by “${given}”? Please mention the person with @, e.g. \`rolle technik @name\`.`,
    taskNrMissing: (verb: string) => `Which task? Please give its number, e.g. \`${verb} 3\`. The numbers are in front of the tasks.`,
    taskUnknown: (nr: number, max: number) => `There is no task ${nr} here (1–${max}). Overview: \`status\`.`,
    taskInactive: (nr: number) => `Task ${nr} does not apply to this emergency (yet). Overview: \`status\`.`,
    taskNotYours: (nr: number, role: string, holder: string) =>
      `Task ${nr} belongs to the role ${role} (${holder}). Only that person or the coordinator can confirm it. Your open tasks: \`status\`.`,
    taskRoleFree: (nr: number, role: string, cmd: string) =>
      `Task ${nr} belongs to the role ${role}, which nobody has taken yet. Take it first: \`${cmd}\`.`,
    taskAlready: (nr: number, state: string) => `Task ${nr} is already ${state}.`,
    skipReason: (nr: number) => `Please give a reason for skipping, e.g. \`überspringen ${nr} we have no Wi-Fi\`.`,
    noteEmpty: "What should be noted? For example: `notiz Server taken off the network at 9:10`.",
    answerMissing: "Please give the number and the answer, e.g. `antwort 2 yes` or `antwort 1 today 8:30`.",
    answerUnknown: (ref: string) =>
      `There is no question “${ref}”. The numbers are in front of the questions (e.g. \`antwort 2 yes\`, \`antwort L1 …\`).`,
    answerYesNo: (nr: string) => `Please answer yes, no or unknown, e.g. \`antwort ${nr} yes\`.`,
    answerTime: (nr: string) =>
      `I can't read that time. Examples: \`antwort ${nr} 8:30\`, \`antwort ${nr} yesterday 17:45\`, \`antwort ${nr} vor 2 stunden\` (2 hours ago).`,
    answerNotAllowed: "Only people who hold a role can answer. Take a role first, e.g. `rolle technik`.",
    exportNotAllowed: "Only people who hold a role can export. Take a role first, e.g. `rolle technik`.",
    onlyCoordinator: (what: string, coord: string) =>
      `Only the coordinator (${coord}) can ${what}. Please ask them; \`status\` shows where things stand.`,
    advanceBlocked: (items: string) =>
      `Important tasks still open: ${items}. Finish them first, or move on with a reason: \`weiter <reason>\`.`,
    closeNotYet: (phase: string) =>
      `The emergency is in the phase ${phase}. Normally you use \`weiter\` until the review. Close right away only with a reason, e.g. \`abschließen false alarm, virus scanner was wrong\`.`,
    closeBlocked: (items: string) => `Still open before closing: ${items}. Finish them, or close with a reason: \`abschließen <reason>\`.`,
    levelUnknown: (given: string) =>
      `“${given}” is not a level. The levels are: \`störung\` (disruption), \`notfall\` (emergency), \`krise\` (crisis), \`katastrophe\` (disaster).`,
    templateUnknown: (given: string, list: string) => `There is no template “${given}” here. Available: ${list}.`,
    templateInactive: (name: string, how: string | undefined) =>
      how
        ? `The template “${name}” only applies after the matching answer: \`${how}\`.`
        : `The template “${name}” only applies at a higher level or with a matching organisation file. Overview: \`status\`.`,
    typeMissing: "Which kind of emergency do you want to practise? For example: `/notfall übung verschlüsselung`.",
    alreadyOpen: (id: string) => `${id} is already running in this thread. Please report another emergency outside this thread.`,
    alreadyOpenChat: (id: string) =>
      `${id} is already running in this chat. Please report another emergency in another chat or channel, or close ${id} first with \`abschließen\`.`,
    internal:
      "That did not work (internal error). Your input is not lost: please send it again. If the problem stays, call your IT service provider.",
    deliveryFailed: (what: string, code: string) =>
      `❗ A message could not be delivered (${code}): “${what}”. Please check the permissions and the channel.`,
    handbookUnavailable: "The emergency handbook cannot be created here. On the server: `notfallbot handbuch --out handbuch.pdf`.",
  },
  whatAdvance: "move to the next phase",
  whatEscalate: "change the level",
  whatClose: "close the emergency",
  handbookDone: (where: string) => `📘 Emergency handbook created: ${where}. Print it and keep it next to the phone.`,
};
