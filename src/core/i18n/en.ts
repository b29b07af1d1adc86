import type { Catalog } from "./de.ts";

/**
 * English message catalogue: the same keys and functions as `de`. Plain language, short sentences, one next step.
 * Command words are the English aliases the parser accepts (`done 3`, `role technical`); the German ones work too.
 */
/** The English words of the command arguments the engine passes in German (task verbs, role ids). */
const VERB_EN: Record<string, string> = { ok: "ok", erledigt: "done", überspringen: "skip" };
const ROLE_EN: Record<string, string> = { koordinator: "coordinator", technik: "technical", kommunikation: "communication" };

export const en: Catalog = {
  roleCommand: (role: string) => `role ${ROLE_EN[role] ?? role}`,
  roleTakeoverCommand: (role: string) => `role ${ROLE_EN[role] ?? role} takeover`,
  answerWord: "answer",
  levelName: { stoerung: "Disruption", notfall: "Emergency", krise: "Crisis", katastrophe: "Disaster" },
  levelsNow: (level: string) => `Level now: **${level}**. To change it (coordinator only):`,
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
  /** A deadline without a time limit ("unverzüglich"). */
  withoutDelay: "without undue delay",
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
  headerReported: (text: string) => `Reported: "${text}"`,
  nowTitle: "Right now:",
  phoneMissing: "– look the number up on the emergency card or in the contract.",
  headerTakeButtons: "**Take a role:** press a button.",
  headerTake: (cmds: string[]) => `**Take a role:** ${cmds.join(" · ")}.`,
  headerWhere: { thread: "Everything else happens here in the thread.", here: "Everything else happens here." },
  claimButton: { koordinator: "I'll coordinate", technik: "I'll handle tech", kommunikation: "I'll communicate" },
  questionsTitle: "Please answer briefly",
  questionsHint: "Answer with `answer <number> <answer>`, e.g. `answer 1 today 8:30` or `answer 2 yes`.",
  exampleTime: "today 8:30",
  exampleText: "<text>",
  questionsHintFew: (example: string, more: number) =>
    `Answer with the number, e.g. \`${example}\`.${more > 0 ? ` Then ${more === 1 ? "1 more question" : `${more} more questions`}; all of them: \`status\`.` : ""}`,
  nextQuestion: "Next:",
  questionsDone: "All questions are answered. Thank you!",
  answerYes: "yes",
  answerNo: "no",
  answerUnclear: "unclear",
  answerByDefault: (a: string) => `still open, counts as ${a} until answered`,
  answerByImplication: (nr: string) => `follows from answer ${nr}`,
  notAnswered: "still open",
  tasksTitle: (phase: string, role: string, holder: string | undefined) => `${phase} · ${role}${holder ? ` (${holder})` : ""}`,
  taskHintButtons: "Press a button or reply: `ok <number>` = taken on, `done <number>` = finished.",
  taskHintReactions: "Reply `done <number>` = finished, `ok <number>` = taken on. ✅ on this message when only one task is left open.",
  cardMore: (n: number) => (n === 1 ? "1 more task: `my tasks`." : `${n} more tasks: \`my tasks\`.`),
  taskHintText: "Reply `ok <number>` (taken on) or `done <number>` (finished), e.g. `done 3`.",
  btnAck: "Take on",
  btnDone: "Done",
  critical: "important",
  why: "Why",
  stateBy: (state: string, who: string) => `${state} by ${who}`,
  templatesTitle: "Ready-made texts (templates)",
  templatesHint: "To show one, press a button or type `template <name>`.",
  templatesHintNoButtons: "To show one, type `template <name>` (a name from the list).",
  templateExternalDrill: "DRILL – do NOT send this text.",
  templateGaps: (gaps: string[]) => `Still to fill in: ${gaps.join(", ")}`,
  templateFooter: "Copy the text, fill in the gaps [[…]], then send it.",
  phaseEntered: (phase: string) => `➡️ New phase: **${phase}**`,
  phaseOverride: (reason: string) => `Moved on although important tasks are still open. Reason: ${reason}`,
  reviewTitle: "Review: what do we learn from this?",
  reviewHint: "Answer with `answer L<number> <text>`, e.g. `answer L1 Through a fake invoice by email`. Then `close`.",
  roleAssigned: (who: string, role: string, what: string) => `✅ **${who}** is now **${role}** (${what}).`,
  roleReleased: (role: string) => `The role **${role}** is free again.`,
  roleOpenTasks: (n: number) => (n === 1 ? "1 task is waiting." : `${n} tasks are waiting.`),
  plan: {
    asked: "asked",
    notInChat: (phone: string) => `not in the chat, please call: 📞 ${phone}`,
    noPhone: "not in the chat, no phone number on file",
    reachedButton: (name: string) => `${name} takes it (call)`,
    confirmButton: "Confirm role",
    confirmButtons: "**Confirm your role:** press the button or type `ok role`.",
    confirmTyped: "**Confirm your role:** type `ok role`.",
    confirmAs: (id: string) => `At the terminal, write as that person, e.g. \`@${id}: ok role\`.`,
    confirmed: (who: string, roles: string, after: string) => `✅ **${who}** confirmed: **${roles}** (after ${after}).`,
    confirmedFor: (who: string, role: string, by: string) =>
      `✅ **${role}**: ${who} takes it (by phone, entered by ${by}). The coordinator acknowledges this role's tasks.`,
    confirmedForInChat: (who: string, role: string, by: string) => `✅ **${role}**: ${who} takes it (by phone, entered by ${by}).`,
    tookBack: (who: string, role: string, before: string) => `↩️ **${who}** takes the role **${role}** back (before: ${before}).`,
    deputy: (role: string, missed: string, within: string, next: string, how: string) =>
      `⏰ **${role}**: ${missed} did not confirm within ${within}. Deputy: ${next} – ${how}`,
    deputyHow: "please confirm: button or `ok role`.",
    deputyHowNoButtons: "please confirm: `ok role`.",
    deputyHowPhone: (cmd: string) => `after the call the coordinator enters them: \`${cmd}\`.`,
    unreachable: (coord: string, who: string, phone: string) => `${coord}: could not reach ${who} – please call: 📞 ${phone}.`,
    noOne: (role: string, cmd: string) => `⏰ **${role}**: nobody from the emergency plan confirmed. Who takes it? \`${cmd}\``,
    handedOver: (role: string, from: string, to: string, reason: string) =>
      `🔁 **${role}** handed over: ${from} → ${to}. Reason: ${reason}`,
  },
  rolesReminder: (roles: string[]) => `⏰ Not taken yet: **${roles.join(", ")}**. Who takes it on? Type e.g. \`role technical\`.`,
  taskChanged: (nr: number, text: string, state: string, who: string) => `Task ${nr} ${state} (${who}): ${text}`,
  taskOverdue: (nr: number, text: string, holder: string) => `⏰ Task ${nr} is due (${holder}): ${text}\nFinished? \`done ${nr}\``,
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
  deadlineHowto: (nr: number) => `This deadline is done with task ${nr}: \`done ${nr}\`.`,
  deadlineStartedBrief: (title: string, due: string | undefined) =>
    due ? `⏱️ Deadline running: **${title}** by **${due}**` : `⏱️ Due now: **${title}** (without undue delay)`,
  deadlinesBriefHint: "All deadlines with the time left: `status`.",
  clockWaitingItem: (nr: string, titles: string[]) => `question ${nr} (${titles.join(", ")})`,
  dutyWaiting: (nr: string, titles: string[]) => `question ${nr} unanswered, and this depends on it: ${titles.join(", ")}`,
  dutyUnclear: (nr: string, titles: string[]) => `question ${nr} is “unclear”, still to assess: ${titles.join(", ")}`,
  dutyRunning: (title: string, due: string | undefined, missed: boolean) =>
    `${title} not done (${due ? `${missed ? "missed, was due" : "due"} ${due}` : "without undue delay"})`,
  clocksWaiting: (items: string[]) =>
    `⚠️ Still unanswered, and reporting duties depend on it: ${items.join("; ")}. Please find out and answer with \`answer <number> yes|no|unclear\`.`,
  deadlineMoved: (title: string, due: string) => `⏱️ Deadline recalculated from awareness: **${title}** by **${due}**.`,
  deadlineContinues: (title: string, due: string | undefined) =>
    due
      ? `⏱️ Deadline keeps running, now on an answer: **${title}** by **${due}**.`
      : `⏱️ Deadline keeps running, now on an answer: **${title}** (without undue delay).`,
  deadlinePrecaution: (nr: string, answer: string) =>
    `As a precaution, because question ${nr} is still open (it counts as “${answer}” until answered). If it surely does not apply: \`answer ${nr} no\`.`,
  deadlineImplied: (nr: string, byNr: string, answer: string) => `Question ${nr} counts as “${answer}” because of answer ${byNr}.`,
  deadlineDropped: (title: string, nr: string, answer: string) =>
    `⏹️ Deadline no longer applies after answer ${nr} (“${answer}”): **${title}**. The timeline keeps that it ran.`,
  privacyDpo: (name: string, phone: string | undefined) =>
    `Assess with the data protection officer whether to report: ${name}${phone ? `, phone ${phone}` : ""}.`,
  privacyDpoUnnamed: "data protection officer (name missing in the organisation file)",
  privacyManagement: (name: string | undefined, phone: string | undefined) =>
    `No data protection officer entered: management decides whether to report${name ? ` (${name}${phone ? `, phone ${phone}` : ""})` : " (practice owner or managing director)"}.`,
  questionReminder: (nr: string, text: string, coord: string, yesno: boolean) =>
    `⏰ Question ${nr} is still open: ${text}\n${coord}: please answer, ${yesno ? `\`answer ${nr} yes\` (yes), \`answer ${nr} no\` (no) or \`answer ${nr} unclear\` (unclear)` : `e.g. \`answer ${nr} <answer>\``}.`,
  questionReminderDefault: (answer: string) => `Until it is answered it counts as “${answer}”; its deadlines run as a precaution.`,
  answerImplied: (nr: string, question: string, answer: string) => `So question ${nr} counts as **${answer}** too: ${question}`,
  askNow: (items: string[]) => `Please answer now as well: ${items.join(" · ")}`,
  tasksAdded: (items: string[]) => `New: ${items.join(" · ")}`,
  taskAddedItem: (nr: number, phase: string, text: string) => `task ${nr} (${phase}): ${text}`,
  statusPrecaution: (nr: string) => `precaution, question ${nr} open`,
  statusUnclear: (nr: string) => `still to assess: answer ${nr} is “unclear”`,
  statusWaiting: (nr: string) => `not running yet: waits for answer ${nr}`,
  templateNotYet: (applies: string, how: string | undefined) =>
    `ℹ️ This template is not due here yet. When it applies: ${applies}${how ? ` If that is the case: \`${how}\`.` : ""}`,
  templateDefaultAnswer: (a: string) => `${a} (not checked yet)`,
  templateAppliesFallback: "after a matching answer, at a higher level or with a matching organisation file.",
  levelChanged: (from: string, to: string, meaning: string) => `📈 Level changed: ${from} → **${to}**. ${meaning}`,
  levelUnchanged: (lvl: string) => `The level is already ${lvl}.`,
  noteSaved: "📝 Noted.",
  documented: "📝 Logged",
  textCut: (length: string, kept: string) =>
    `Your text had ${length} characters; the timeline keeps the first ${kept}. Please send the rest in further messages.`,
  didYouMeanLine: (suggestion: string) => `Did you mean \`${suggestion}\`?`,
  runningIncident: (id: string, title: string, phase: string) => `**${id}** is running: ${title}, phase ${phase}.`,
  nextStepsTitle: (roles: string) => `Your next steps (${roles})`,
  nextStepsHint: (nr: number, more: number) =>
    `Done? \`done ${nr}\`.${more > 0 ? ` ${more} more: \`my tasks\`.` : ""} Situation: \`status\`.`,
  closedTitle: (id: string) => `🏁 ${id} closed – summary`,
  summary: {
    exportHint: (id: string) => `Documentation for the insurer, the police and the data protection authority: \`export ${id}\``,
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
    due: "due",
    review: "Answers from the review",
    noReview: "No answers recorded.",
    followUps: "Open points (follow up)",
    none: "none",
    closeReason: "Reason for closing",
    notStartedWaiting: (nr: string) => `not started, question ${nr} was never answered`,
    notStartedUnclear: (nr: string) => `not started, question ${nr} stayed “unclear”`,
    dutiesAfterClose:
      "⚠️ Reporting duties were open when this was closed (see deadlines). The bot no longer reminds of them: follow them up yourself.",

    roles: "Who held which role",
    roleSince: (time: string) => `from ${time}`,
    confirmTime: "Roles confirmed after",
    notConfirmed: "not confirmed",
    deputyNr: (n: number) => `person ${n} on the list`,
  },
  drillTarget: (d: string) => `⏱ target ${d}`,
  drillReport: {
    title: (id: string) => `🧪 Drill evaluation ${id}`,
    score: "Result",
    scoreValue: (percent: number, onTime: number, counted: number) => `${percent} % · ${onTime} of ${counted} important tasks on time`,
    noScore: "cannot be scored: no important task counted",
    counts: "In detail",
    countParts: { onTime: "on time", late: "late", failed: "missed or not counted", skipped: "skipped with a reason" },
    wouldMeet: "Deadlines would have been met",
    duration: "Duration of the drill",
    sections: {
      missed: "Missed or late",
      skipped: "Skipped on purpose (not a failure)",
      wentWell: "Went well",
      comparison: "Compared with earlier drills",
    },
    nothingMissed: "Nothing: every important task was done in time or skipped with a reason.",
    nothingWell: "No important task was done in time yet.",
    outcome: {
      onTime: (took: string, target: string) => `after ${took} (target ${target})`,
      onTimePhase: (took: string) => `after ${took}, within the phase`,
      late: (took: string, target: string) => `late: after ${took}, target ${target}`,
      latePhase: (took: string) => `late: after ${took}, only after the phase had ended`,
      missed: "not done",
      unseen: "reported done before the task was shown: does not count",
      tooFast: (took: string) => `reported done after ${took} without evidence: does not count`,
      skipUnseen: "skipped before the task was shown: does not count",
      skipped: (reason: string) => `reason: ${reason}`,
      notReached: "not practised",
    },
    last: (what: string) => `last drill: ${what}`,
    lastFailed: "not achieved",
    lastSkipped: "skipped",
    compareLine: (id: string, date: string, score: string, duration: string) => `${id} of ${date}: ${score}, duration ${duration}`,
    compareNow: (score: string, delta: number | undefined) =>
      `Today: ${score}${delta === undefined ? "" : delta === 0 ? " (same as last time)" : ` (${delta > 0 ? "+" : ""}${delta} percentage points compared with the last drill)`}`,
    firstDrill: "The first drill of this kind: next time the comparison appears here.",
    notReached: (n: number) =>
      `${n} important ${n === 1 ? "task" : "tasks"} from phases the drill did not reach ${n === 1 ? "does" : "do"} not count.`,
    rules: (minSeconds: number) =>
      `Important tasks are scored against their target, counted from the start of their phase: on time 1 point, late a share (twice the target: ½). Done counts only for a task shown before and reported at least ${minSeconds} seconds later (per person at most one task per ${minSeconds} seconds since the tasks were shown), or on its own with evidence: \`done 3 cable pulled, light off\`. A task skipped with a reason is not a failure.`,
  },
  exportDone: (files: string, ok: boolean) =>
    `📄 Export created: ${files}\n${ok ? "Audit chain intact: the timeline has not been changed." : "❗ Audit chain broken: the timeline has been changed."}`,
  statusTitle: (id: string) => `Status ${id}`,
  statusOpenTasks: "Open tasks",
  statusDeadlines: "Deadlines",
  statusRecovery: "Recovery order",
  statusDownSince: (since: string, left?: string) => `down since ${since}${left ? `, ${left}` : ""}`,
  statusBackUp: (at: string) => `back in operation since ${at}`,
  statusOutageHint: "A system down? `down <number>` starts its recovery clock.",
  outage: {
    noSystems: "The organisation file lists no systems (`systems:`). Please record the outage with `note <text>`.",
    which: (list: string) => `Which system is down? ${list}. For example \`down 1\`.`,
    unknown: (given: string, list: string) => `There is no system “${given}” in the organisation file. ${list}. For example \`down 1\`.`,
    down: (name: string, by: string, rto: string | undefined, due: string | undefined, nr: number) =>
      `⛔ ${name} is down (reported by ${by}).${rto && due ? ` Recovery target (RTO ${rto}): by ${due}.` : ""} Back in operation: \`down ${nr} fixed\`.`,
    already: (name: string, since: string, nr: number) =>
      `${name} was already reported down at ${since}. Back in operation: \`down ${nr} fixed\`.`,
    back: (name: string, by: string) => `✅ ${name} is back in operation (reported by ${by}).`,
    notDown: (name: string, nr: number) => `${name} is not reported down. Down: \`down ${nr}\`.`,
  },
  statusNext: "Next step",
  statusQuestions: "Questions",
  statusTemplates: "Ready-made texts: `template` shows the list. Your tasks: `my tasks`, all: `tasks`.",
  allTasksTitle: (phase: string) => `All tasks up to ${phase}`,
  myTasksTitle: (roles: string) => `Your tasks (${roles})`,
  myTasksNone: "Nothing is open for you right now. All tasks: `tasks`, situation: `status`.",
  noRoleYet: (id: string, cmds: string[]) => `You have no role in ${id} yet. Take one: ${cmds.join(" · ")}.`,
  noFreeRole: (id: string, coord: string) =>
    `You have no role in ${id}, and all are taken. Ask the coordinator (${coord}) what you can do.`,
  statusNextRoles: "Fill the roles: `role coordinator` / `role technical` / `role communication`.",
  statusNextCritical: (nrs: number[]) => `Finish the important tasks: ${nrs.join(", ")}.`,
  statusNextAdvance: "Everything important in this phase is done: `next` (coordinator).",
  statusNextClose: "Answer the review questions, then `close`.",
  statusLeft: (left: string) => `${left} left`,
  statusOverdue: (over: string) => `overdue by ${over}`,
  help: (types: string) =>
    [
      "**notfallbot** – guides you step by step through an IT emergency.",
      "",
      "**Report an emergency:** `/notfall <type> [what happened]`, e.g. `/notfall ransomware Server shows a ransom note`",
      "**Drill:** `/notfall drill <type>`",
      "",
      `**Types:** ${types}`,
      "",
      "**In the emergency thread:**",
      "`role coordinator|technical|communication [@person]` · `status` · `ok <number>` (taken on) · `done <number>` · `skip <number> <reason>` · `answer <number> <answer>` · `template [name]` · `note <text>` · `down <number>` · `escalate <level>` · `next [reason]` · `close [reason]` · `export` · `handbook`",
      "",
      "**Levels:** `disruption` · `emergency` · `crisis` · `disaster`",
    ].join("\n"),
  helpInIncident:
    "Commands here: `my tasks` · `done <number>` · `role <role>` · `answer <number> <answer>` · `status` · `tasks` · `template` · `note <text>`. Everything else is logged.",
  typesLine: (id: string, title: string) => `\`${id}\` (${title})`,
  menu: {
    ask: (text: string) => (text ? `Which kind of emergency is “${text}”?` : "Which kind of emergency?"),
    none: (text: string) => (text ? `No emergency type clearly fits “${text}”. Which one is it?` : "Which kind of emergency?"),
    all: (text: string) => (text ? `All emergency types – which one fits “${text}”?` : "All emergency types – which one is it?"),
    other: (nr: number) => `**${nr}** · something else (all emergency types)`,
    otherButton: "something else",
    howToAnswer: (max: number) => `Answer with the number (1–${max}) or the name.`,
    running: (id: string, since: string, command: string) =>
      `${id} has been running for ${since} – continue there. Really a new emergency? \`/notfall ${command}\``,
    newAnyway: "New emergency anyway",
    underAMinute: "less than 1 min",
  },
  didYouMean: (given: string, suggestion: string) => `I don't know “${given}”. Did you mean \`${suggestion}\`? All commands: \`help\`.`,
  err: {
    noIncident:
      "No emergency is running here right now. To report one: `/notfall <type>`, e.g. `/notfall ransomware`. All types: `/notfall help`.",
    manyIncidents: (ids: string) => `Several emergencies are running here (${ids}). Please write in the thread of the right one.`,
    elsewhereAction:
      "This button does not belong to an emergency running here. Nothing was changed. Please use the buttons in the emergency's thread; `/notfall status` shows the situation here.",
    elsewhereId: (id: string) =>
      `${id} is not running here. An emergency's status and export are only available in its own channel: write \`/notfall status ${id}\` there. \`/notfall status\` shows the situation here.`,
    closed: (id: string) => `${id} is already closed. To report a new emergency: \`/notfall <type>\`.`,
    roleMissing: "Which role? Type `role coordinator`, `role technical` or `role communication`.",
    roleUnknown: (given: string, sugg?: string) =>
      `“${given}” is not a role.${sugg ? ` Did you mean \`role ${ROLE_EN[sugg] ?? sugg}\`?` : ""} The roles are: \`coordinator\`, \`technical\`, \`communication\`.`,
    roleTaken: (role: string, who: string) =>
      `${who} already has the role ${role}. The coordinator can reassign it: \`role <role> @person\`. If ${who} cannot be reached, someone with a role takes over with a reason: \`role <role> takeover <reason>\`.`,
    takeoverNotAllowed: (cmd: string) =>
      `Taking over is for those who already have a role (or who reported the incident). Take a role first: \`${cmd}\`.`,
    takeoverReason: (cmd: string) => `Please give a reason, it is recorded, e.g. \`${cmd} not reachable for 20 minutes\`.`,
    roleAssignOthers: (coord: string, free?: string) =>
      `Only the coordinator (${coord}) can assign other people. ${free ? `You can take a free role yourself: \`role ${ROLE_EN[free] ?? free}\`.` : "All roles are taken; `status` shows who has which."}`,
    noRoleToConfirm: (asked: string[], free: string[], phoneCmd?: string, phoneBy?: string, asId?: string, asName?: string) =>
      [
        "There is no role waiting for your confirmation.",
        asked.length ? `Asked: ${asked.join(", ")}.` : "",
        asId ? `At the terminal, confirm as ${asName ?? asId}: \`@${asId}: ok role\`.` : "",
        phoneCmd
          ? phoneBy
            ? `Reached them by phone? Then the coordinator (${phoneBy}) enters them: \`${phoneCmd}\`.`
            : `Reached them by phone? Then enter them yourself: \`${phoneCmd}\`.`
          : "",
        free.length ? `Take a free role: ${free.map((c) => `\`${c}\``).join(", ")}.` : "",
        "Who has what: `status`.",
      ]
        .filter(Boolean)
        .join(" "),
    roleConfirmedByOther: (role: string, who: string) =>
      `${who} has confirmed ${role} in the meantime. The coordinator can reassign: \`role <role> handover @person <reason>\`.`,
    handoverIncomplete: (role: string, target?: string) =>
      `Please give a person and a reason, e.g. \`role ${ROLE_EN[role] ?? role} handover ${target ?? "@Petra"} shift change\`.`,
    handoverNotAllowed: (role: string, holder: string, coord: string) =>
      `${holder !== "" ? `${holder} (holds ${role}) or ` : ""}the coordinator (${coord}) can hand it over.`,
    mentionUnknown: (given: string) => `Who do you mean by “${given}”? Please mention the person with @, e.g. \`role technical @name\`.`,
    taskNrMissing: (verb: string) =>
      `Which task? Please give its number, e.g. \`${verb === "überspringen" ? "skip 3 <reason>" : `${VERB_EN[verb] ?? verb} 3`}\`. The numbers are in front of the tasks.`,
    cardWhich: (verb: string, nrs: number[]) =>
      `Which task? ${nrs.slice(0, -1).join(", ")} and ${nrs.at(-1)} are still open on this card. Please give its number, e.g. \`${VERB_EN[verb] ?? verb} ${nrs[0]}\`.`,
    taskUnknown: (nr: number, max: number) => `There is no task ${nr} here (1–${max}). Overview: \`status\`.`,
    taskInactive: (nr: number) => `Task ${nr} does not apply to this emergency (yet). Overview: \`status\`.`,
    taskNotYours: (nr: number, role: string, holder: string) =>
      `Task ${nr} belongs to the role ${role} (${holder}). Only that person or the coordinator can confirm it. Your open tasks: \`status\`.`,
    taskRoleFree: (nr: number, role: string, cmd: string) =>
      `Task ${nr} belongs to the role ${role}, which nobody has taken yet. Take it first: \`${cmd}\`.`,
    taskAlready: (nr: number, state: string) => `Task ${nr} is already ${state}.`,
    skipReason: (nr: number) => `Please give a reason for skipping, e.g. \`skip ${nr} we have no Wi-Fi\`.`,
    noteEmpty: "What should be noted? For example: `note Server taken off the network at 9:10`.",
    answerMissing: "Please give the number and the answer, e.g. `answer 2 yes` or `answer 1 today 8:30`.",
    answerUnknown: (ref: string) =>
      `There is no question “${ref}”. The numbers are in front of the questions (e.g. \`answer 2 yes\`, \`answer L1 …\`).`,
    answerYesNo: (nr: string) => `Please answer yes, no or unclear, e.g. \`answer ${nr} yes\`.`,
    answerTime: (nr: string) =>
      `I can't read that time. Examples: \`answer ${nr} 8:30\`, \`answer ${nr} yesterday 17:45\`, \`answer ${nr} 2 hours ago\`.`,
    answerNotAllowed: "Only people who hold a role can answer. Take a role first, e.g. `role technical`.",
    exportNotAllowed: "Only people who hold a role can export. Take a role first, e.g. `role technical`.",
    onlyCoordinator: (what: string, coord: string) =>
      `Only the coordinator (${coord}) can ${what}. Please ask them; \`status\` shows where things stand.`,
    advanceBlocked: (items: string) =>
      `Important tasks still open: ${items}. Finish them first, or move on with a reason: \`next <reason>\`.`,
    closeNotYet: (phase: string) =>
      `The emergency is in the phase ${phase}. Normally you use \`next\` until the review. Close right away only with a reason, e.g. \`close false alarm, virus scanner was wrong\`.`,
    closeBlocked: (items: string) => `Still open before closing: ${items}. Finish them, or close with a reason: \`close <reason>\`.`,
    closeDuties: (items: string[]) =>
      `Not closed yet, reporting duties are open:\n${items.map((x) => `• ${x}`).join("\n")}\nAfter closing, the bot reminds of no deadline any more. Answer first (\`answer <number> yes|no\`) or get the report done (\`done <number>\`). Once it is decided, close with a reason, e.g. \`close reports settled with data protection, see timeline\`.`,
    levelUnknown: (given: string) => `“${given}” is not a level. The levels are: \`disruption\`, \`emergency\`, \`crisis\`, \`disaster\`.`,
    templateUnknown: (given: string, list: string) => `There is no template “${given}” here. Available: ${list}.`,
    typeMissing: "Which kind of emergency do you want to practise? For example: `/notfall drill ransomware`.",
    alreadyOpen: (id: string) => `${id} is already running in this thread. Please report another emergency outside this thread.`,
    alreadyOpenChat: (id: string) =>
      `${id} is already running in this chat. Please report another emergency in another chat or channel, or close ${id} first with \`close\`.`,
    internal:
      "That did not work (internal error). Your input is not lost: please send it again. If the problem stays, call your IT service provider.",
    deliveryFailed: (what: string, code: string) =>
      `❗ A message could not be delivered (${code}): “${what}”. Please check the permissions and the channel.`,
    handbookUnavailable:
      "The emergency handbook cannot be created here. On the server: `notfallbot handbuch --lang en --out handbook.pdf`.",
  },
  /** The command line (`notfallbot …`): usage mistakes and what the commands print. */
  cli: {
    langUnknown: (given: string) => `--lang takes de or en (not "${given}").`,
    configHasErrors: "The organisation file has mistakes:",
    noConfigFile: "No organisation file found. Copy a template: cp examples/praxis.yaml notfall.config.yaml",
    tenantNeedsFolder: "--tenant needs NOTFALL_TENANTS=FOLDER (a folder with one organisation file per tenant).",
    tenantRequired: (known: string[]) =>
      `NOTFALL_TENANTS is set: name the tenant with --tenant NAME (${known.join(", ") || "no .yaml files in the folder"}).`,
    tenantUnknown: (tenant: string, folder: string, known: string[]) =>
      `There is no tenant "${tenant}" in ${folder} (there: ${known.join(", ") || "no .yaml files"}). The tenant is the file name without .yaml.`,
    whereTenant: (database: string, tenant: string) => `${database}, tenant ${tenant}`,
    databaseUnreachable: (reason: string) => `Cannot reach the database: ${reason}`,
    exportWhich: "Which incident? Example: notfallbot export NF-2026-0001 --lang en",
    incidentNotFound: (id: string, where: string) => `Incident ${id} not found in ${where}.`,
    keywords: "keywords",
    matchEmpty: 'Please give a description, e.g. notfallbot playbooks --match "laptop stolen" --lang en',
    /** `playbooks --match`: the matcher's ranking explained (src/core/match/explain.ts). */
    match: {
      opens: (id: string) => `opens: ${id}`,
      asks: (ids: string) => `asks between: ${ids}`,
      none: "recognises nothing (menu of all types of emergency)",
      cue: { id: "id", title: "title", trigger: "trigger", anzeichen: "sign" },
      coverage: (cue: string, text: string, percent: number) => `${cue} "${text}" at ${percent} %`,
      words: (words: string) => `words: ${words}`,
      guessOnly: "(guessed only: a typo or an unknown part of a word)",
      against: (words: string) => `against: ${words}`,
    },
  },
  chainProblem: {
    renumbered: (n: number, seq: number) => `entry ${n}: number ${seq} instead of ${n} (deleted or reordered)`,
    link: (n: number) => `entry ${n}: the link to the previous entry does not match`,
    content: (n: number) => `entry ${n}: the content was changed`,
  },
  storage: {
    notPostgres:
      "DATABASE_URL must start with postgres:// or postgresql://, e.g. DATABASE_URL=postgres://notfall:secret@db.example:5432/notfall. For SQLite leave DATABASE_URL unset and set --db PATH or NOTFALL_DB.",
    bothSet: (db: string) =>
      `--db ${db} and DATABASE_URL are both set: either SQLite (--db) or PostgreSQL (DATABASE_URL). Leave one of them out.`,
    urlUnreadable: "PostgreSQL (DATABASE_URL unreadable)",
    connectionLost: "PostgreSQL connection lost",
  },
  tenants: {
    folderUnreadable: (dir: string, code: string) => `NOTFALL_TENANTS: folder ${dir} not readable (${code}).`,
    badName: (name: string) => `NOTFALL_TENANTS: ${name} skipped: file names only of a–z, 0–9, - and _ (e.g. practice-smith.yaml).`,
    duplicate: (name: string, id: string) => `NOTFALL_TENANTS: ${name} skipped: ${id} exists already as .yaml.`,
    issue: (id: string, issue: string) => `Tenant ${id}: ${issue}`,
    loaded: (id: string, file: string, again: boolean) => `Tenant ${id} ${again ? "read again" : "loaded"} (${file}).`,
    removed: (id: string) => `Tenant ${id} removed (file gone).`,
    coveredTwice: (chat: string, first: string, second: string) =>
      `NOTFALL_TENANTS: ${chat} is named by ${first} and ${second}; it stays with ${first}.`,
    reloadFailed: "NOTFALL_TENANTS: the folder could not be read again.",
  },
  ops: {
    noAdapter:
      "No chat service configured. Set e.g. SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (Slack, one workspace; many workspaces: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET), MICROSOFT_APP_ID (Teams) or MATRIX_HOMESERVER_URL (Matrix). Details: README.md",
    databaseUnreachable: (postgres: boolean, message: string) =>
      `Database unreachable or cannot be migrated (${postgres ? "check DATABASE_URL" : "check --db / NOTFALL_DB"}): ${message}`,
    cannotListen: (where: string, code: string) =>
      `notfallbot cannot listen on ${where} (${code}). Please check HOST (an address of this machine, e.g. 127.0.0.1 or 0.0.0.0) and PORT.`,
    listening: (url: string, platforms: string, loopback: boolean) =>
      `notfallbot listens on ${url} (${platforms}), ${
        loopback
          ? "reachable from this machine only (reverse proxy in front); all interfaces: HOST=0.0.0.0"
          : "reachable from other machines – a TLS reverse proxy belongs in front; loopback only: HOST=127.0.0.1"
      }`,
    database: (description: string, tenants: number | undefined, dir: string | undefined, owner: string | undefined) =>
      `Database: ${description}${dir ? `, ${tenants ?? 0} tenants from ${dir}` : ""}${owner ? ` (process ${owner})` : ""}`,
    exiting: (why: string) => `${why} – notfallbot exits`,
    adapterStopFailed: (platform: string) => `Adapter ${platform} did not stop cleanly`,
    requestRefused: (what: string, reason: string) => `Request refused: ${what} (${reason})`,
    moreRefused: (n: number, what: string) => `${n} more requests refused: ${what}`,
    deliveryNotRecorded: "A delivery could not be recorded",
    outboxUnreadable: "The outbox could not be read",
    deliveryRetry: (code: string) => `Delivery will be retried (${code})`,
    deliveryFailed: (code: string) => `Delivery failed for good (${code})`,
    timerFailed: "A timer could not be handled",
    deliveryFailureNotRecorded: "A failed delivery could not be recorded",
    handlingFailed: "Error while handling an event",
    saveConflict: "Saving conflicted three times",
    refusedElsewhere: (button: boolean, id: string | undefined, by: string) =>
      `Refused: ${button ? "button" : "command"} for ${id ?? "(invalid id)"} from ${by}, the incident does not run there`,
    noTenantMore: (n: number) => ` (${n} more such events since the last line)`,
    noTenant: (platform: string, tenant: string, channel: string) =>
      `No tenant for ${platform} ${tenant} (${channel}): event dropped. Add an organisation file with covers.${platform}`,
    timerNoTenant: (id: string, tenant: string) => `Timer ${id} belongs to no known tenant (${tenant})`,
    timersUnreadable: "Due timers could not be read",
    eventFailed: "An event could not be handled",
    deliveryIdsPruned: (n: number) => `${n} old delivery ids deleted`,
    deliveryIdsNotPruned: "Delivery ids could not be deleted",
    leasesNotReturned: "Leases could not be returned",
    roleAcquired: "role acquired",
    roleLost: (why: string) => `role lost (${why})`,
    roleStopped: "stopped",
    roleStarting: (role: string, why: string, platform: string) => `${role}: ${why}, ${platform} starting`,
    roleStopping: (role: string, why: string, platform: string) => `${role}: ${why}, ${platform} stopping`,
    roleSwitchFailed: (role: string, platform: string) => `${role}: ${platform} could not switch`,
    roleStandby: (role: string) => `Standby: ${role} runs in another process`,
    roleStartFailed: (role: string, platform: string, seconds: number) =>
      `${role}: ${platform} does not start; the role goes to another process for ${seconds} s`,
    roleNotReleased: "A role could not be released",
    roleUncheckable: (role: string) => `${role}: cannot check the role`,
  },
  diagram: {
    generated: (id: string) => `Playbook ${id}: generated from the XState machine and the tasks (src/machines/diagram.ts)`,
    noTasks: "no tasks",
    tasks: (n: number) => `${n} ${n === 1 ? "task" : "tasks"}`,
    critical: (n: number) => `${n} important`,
    conditional: (n: number) => `${n} only under a condition`,
    phaseDone: "important tasks done",
    advance: "next",
    close: "close",
    reason: "reason",
    closeReason: "reason",
    argument: "detail",
    condition: "condition",
    target: (d: string) => `target ${d}`,
    onlyIf: (c: string) => `only if ${c}`,
    /** A question in a condition: its number, as people answer it in the chat (the id is a German word). */
    question: (_id: string, nr: number) => `question ${nr}`,
    answered: (q: string) => `${q} answered`,
    levelFrom: (level: string) => `level ${level} or higher`,
    and: " and ",
    config: { nis2: "NIS2 in the organisation file", insurer: "cyber insurer entered", praxis: "medical practice" },
    startsAfter: (title: string) => `starts when ${title} is met`,
    fromAware: (cond: string) => `runs from awareness${cond ? `, as soon as ${cond}` : ""}`,
    startsWhen: (cond: string) => (cond ? `starts as soon as ${cond}` : "starts at the declaration"),
    byDefault: (q: string, value: string) => ` (as a precaution from the declaration, default ${q} = ${value})`,
    metBy: (nrs: string) => `, met by task ${nrs}`,
    asap: "without undue delay",
    sideExits: (advance: string, close: string) =>
      `From every phase ${advance} also with open important tasks (logged), ${close}, e.g. false alarm`,
    deadlines: "Deadlines – duration, what starts them, what meets them",
    months: (n: number) => `${n} ${n === 1 ? "month" : "months"}`,
    days: (n: number) => `${n} ${n === 1 ? "day" : "days"}`,
  },
  /** Mistakes in the organisation file (`notfall.config.yaml`), each with what to write instead. */
  config: {
    help: "Every field with examples: docs/configuration.md · Templates: examples/praxis.yaml, examples/kmu.yaml",
    fileMissing: "File not found. Create one from a template: cp examples/praxis.yaml notfall.config.yaml",
    fileIsFolder: "That is a folder, not a file. Please give the path to the YAML file.",
    fileUnreadable: (code: string) => `Cannot read the file (${code}).`,
    fileEmpty: "The file is empty. Create one from a template: cp examples/praxis.yaml notfall.config.yaml",
    /** What was left out when a section at the very top of the file is broken. */
    fileStart: "(start of the file)",
    unknownField: (key: string, hint: string) => `Unknown field "${key}". ${hint}`,
    meant: (guess: string) => `Did you mean "${guess}"?`,
    belongsIn: (key: string, sections: string[]) => `"${key}" belongs in a section: ${sections.join(", ")}`,
    allowedHere: (keys: string[]) => `Allowed here: ${keys.join(", ")}.`,
    notAllowed: (value: string, allowed: string[]) => `${value} is not allowed here. Write ${allowed.map((v) => `"${v}"`).join(" or ")}.`,
    kindHint: ` ("praxis" = medical, dental or therapy practice, "kmu" = company)`,
    localeHint: " (language of the bot's texts)",
    priorityRange: (value: string) => `Priority ${value} does not work. Whole numbers from 1 to 99 are allowed (1 = restore first).`,
    empty: "Must not be empty. Enter a value or delete the line.",
    badFormat: (value: string) => `${value} does not have the expected format.`,
    notFields: (hint: string) => `The file must consist of fields (${hint}), not a list or a single text. Template: examples/praxis.yaml`,
    required: (field: string) => `Required field missing. Please add "${field}:".`,
    emptySection: "The section is empty. Add entries indented below it, or delete the line.",
    noValue: "No value given. Add a value or delete the line.",
    phoneQuotes: (field: string, example: string) =>
      `Please write phone numbers in quotes: ${field}: "${example}". Without quotes YAML reads a number, and leading zeros are lost.`,
    notYesNo: (value: string, field: string) => `${value} is not a yes/no value. Write ${field}: true (yes) or ${field}: false (no).`,
    notWholeNumber: (found: string) => `Expected a whole number, found ${found}. Priority: 1 = restore first, 2 = next, and so on.`,
    notList: (found: string, hint: string) => `Expected a list, found ${found}. Each entry starts with a dash: ${hint}`,
    notSection: (found: string, keys: string[]) =>
      `Expected a section with indented fields${keys.length ? ` (${keys.map((k) => `${k}:`).join(", ")})` : ""}, found ${found}.`,
    notText: (found: string, field: string, value: string) =>
      `Expected a text, found ${found}. Tip: put the value in quotes, e.g. ${field}: "${value}".`,
    notExpected: (expected: string, found: string) => `Expected ${expected}, found ${found}.`,
    /** A value as quoted in a message ("a list", "the number 3" …). */
    value: {
      empty: "an empty value",
      list: "a list",
      text: (s: string) => `the text "${s}"`,
      boolean: (b: string) => `the yes/no value ${b}`,
      number: (n: string) => `the number ${n}`,
      section: "a section with fields",
    },
    phone: (example: string) =>
      `Not a phone number. Only digits, spaces, + at the start, - / and brackets, e.g. "${example}". Notes belong in a field of their own (e.g. hours).`,
    email: 'Not an email address. Example: "it-emergency@example.com".',
    url: 'Not a web address. Please start with https://, e.g. "https://www.example.com/report".',
    durationUnit: (n: string) => `${n} has no unit. Write e.g. ${n}h (hours), ${n} days or ${n}min.`,
    notDuration: (s: string) => `"${s}" is not a duration. Write e.g. 4h, 30min, 1 day, 2 days or PT4H.`,
    slackId: (s: string) =>
      `"${s}" is not a Slack member ID. It starts with U or W, e.g. "U04ABC123" (in Slack: profile → ⋮ → copy member ID).`,
    teamsId: (s: string) =>
      `"${s}" is not a Teams account. Write the sign-in address (e.g. "petra@example.com") or the object ID from Entra ID (e.g. "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d").`,
    matrixId: (s: string) => `"${s}" is not a Matrix ID. It has the form "@name:server", e.g. "@petra:example.com".`,
    consoleName: (s: string) =>
      `"${s}" does not work as a name in the terminal. One word of letters, digits, . _ -, e.g. "petra" (typed as @petra: …).`,
    confirmTooLong: (s: string) =>
      `${s} is too long: in an emergency nobody waits that long for an answer. At most 60 min; 5 min is usual.`,
    systemTwice: (name: string, first: number) => `System "${name}" appears twice (also entry ${first}). Please delete one entry.`,
    unknownContact: (name: string, known: string[]) =>
      `No contact "${name}" under contacts:. Write the name exactly as under contacts: name: or add the person there (with a phone number). ${
        known.length
          ? `Known: ${known
              .slice(0, 8)
              .map((n) => `"${n}"`)
              .join(", ")}${known.length > 8 ? " …" : ""}.`
          : "Nobody is under contacts: yet."
      }`,
    deputyTwice: (name: string) => `"${name}" is already named further up in this role. Please name another person as deputy.`,
    /** Indentation, in the words of the messages below: "at the very left", "with 2 spaces". */
    spaces: (n: number) => (n === 0 ? "at the very left (no spaces)" : n === 1 ? "with 1 space" : `with ${n} spaces`),
    tab: "The line is indented with a tab. YAML allows spaces only.",
    tabFix: (want: number) => `Replace the tab with ${want} spaces (like the line above).`,
    tabs: (lines: string, more: boolean) =>
      `The file is indented with tabs (lines ${lines}${more ? " …" : ""}). YAML allows spaces only. In the editor choose "convert tabs to spaces", 2 spaces per level.`,
    dashSpace: (fixed: string) => `A space is missing after the dash: "${fixed}".`,
    colon: (fixed: string) => `The colon after the field name is missing: "${fixed}".`,
    itemIndent: (here: string, above: string) =>
      `This list entry starts ${here}, the entries above ${above}. All entries of a list start exactly below each other with "- ".`,
    fieldIndent: (here: string, key: string, above: string) =>
      `This line starts ${here}, the field above${key ? ` (${key}:)` : ""} ${above}. Fields of a section or entry stand exactly below each other; a new entry starts with "- ".`,
  },
  playbook: {
    errors: (n: number) => `${n} errors in the playbooks:`,
    unknownError: "Unknown error",
    folderMissing: "Folder with playbooks not found.",
    noPlaybooks: "No playbooks (*.yaml) in this folder.",
    idNotFileName: (id: string, fileId: string) => `"${id}" does not match the file name. The id must be "${fileId}".`,
    unknownFragment: (id: string, known: string[]) =>
      `There is no building block "${id}" in playbooks/shared/.${known.length ? ` Available: ${known.join(", ")}` : ""}`,
    required: (field: string) => `Required field missing. Please add "${field}:".`,
    unknownField: (key: string, hint: string) => `Unknown field "${key}". ${hint}`,
    meant: (guess: string) => `Did you mean "${guess}"?`,
    allowed: (list: string[]) => `Allowed: ${list.join(", ")}`,
    notA: {
      role: "not a role",
      phase: "not a phase",
      level: "not an escalation level",
      min_level: "not an escalation level",
      raise_to: "not an escalation level",
      audience: "not an audience",
      kind: "not a kind of question",
      config: "not a switch of the organisation file",
      from: "not a starting point for a deadline",
    } as Record<string, string>,
    wrongValue: (value: string, notA: string | undefined, allowed: string[]) =>
      `${value} ${notA ? `is ${notA}` : "is not allowed here"}. Allowed: ${allowed.join(", ")}`,
    notFields: "The file must consist of fields (id:, title:, …), not of a list or a single text.",
    typeName: {
      string: "a text",
      boolean: "true or false",
      number: "a number",
      array: 'a list (lines starting with "- ")',
      object: "a section with fields (name: value)",
    } as Record<string, string>,
    expected: (expected: string, found: string, quoteTip: boolean) =>
      `Expected ${expected}, found ${found}.${quoteTip ? ' Tip: put the value in quotes, e.g. "yes".' : ""}`,
    textOrLanguages: (found: string) => `Expected a text or "de:" (German) with an optional "en:" (English), found ${found}.`,
    minEntries: (n: number) => `Needs at least ${n} ${n === 1 ? "entry" : "entries"}.`,
    notEmpty: "Must not be empty.",
    minChars: (n: number) => `Needs at least ${n} characters.`,
    tooSmall: (n: string) => `Too small (at least ${n}).`,
    tooLong: (n: string) => `Too long: at most ${n} characters, so that it fits on one line.`,
    tooBig: (n: string) => `Too big (at most ${n}).`,
    badId: (value: string) => `${value} is not a valid id. Only lower-case letters, digits and hyphens, e.g. "disconnect-network".`,
    badFormat: (value: string) => `${value} does not have the expected format.`,
    duration: "Expected an ISO 8601 duration such as PT15M, PT4H, P3D or P1M",
    nameEn: "Only lower-case letters, digits and hyphens, e.g. police or breach-record",
    lowercaseId: "Only lower-case letters, digits and hyphens",
    rankMax: "At most 99. The rank orders the kinds of emergency in the handbook: 1 comes first.",
    rankWhole: "A whole number expected, e.g. 1 (first in the handbook), 2 or 3.",
    idNotFile: (id: string, fileId: string) => `"${id}" does not match the file name. The id must be "${fileId}" (like the file).`,
    noun: { question: "Question", task: "Task", template: "Template", deadline: "Deadline", review: "Review question" },
    duplicateId: (noun: string, id: string, where: string) => `${noun} "${id}" exists already (${where}). Please choose another id.`,
    awarenessTimeOnly: "Only a time question (kind: time) can set the moment of awareness.",
    awarenessTwice: (where: string) => `Only one question may set the moment of awareness; ${where} does already.`,
    raiseYesNo: "raise_to works only with yes/no questions (kind: yesno).",
    raiseNotAbove: (to: string, base: string) => `"${to}" is not above this playbook's base level "${base}".`,
    levelNotAbove: (level: string, base: string) => `"${level}" is not above the base level "${base}"; describe only higher levels here.`,
    answerNeedsQuestion: 'A condition on an answer needs "question:" with the id of the question.',
    unknownRef: (noun: string, id: string, guess: string | undefined, known: string[] | undefined) =>
      `${noun} "${id}" does not exist.${guess ? ` Did you mean "${guess}"?` : known ? ` Available: ${known.join(", ")}` : ""}`,
    answerOnlyYesNo: (id: string, time: boolean) =>
      `Conditions on answers work only with yes/no questions; "${id}" is a ${time ? "time" : "free-text"} question.`,
    notYesNoAnswer: (a: string, allowed: readonly string[]) =>
      `"${a}" is not an answer to a yes/no question. Allowed: ${allowed.join(", ")}`,
    notYesNoQuestion: (id: string) => `"${id}" is not a yes/no question; only questions with kind: yesno work here.`,
    selfReference: "A question cannot refer to itself.",
    ownAnswer: "A question cannot depend on its own answer.",
    impliesYesNo: "implies works only with yes/no questions (kind: yesno).",
    zielCriticalOnly: 'A target time ("ziel:") exists only for critical tasks. Please set "critical: true" or leave out "ziel:".',
    zielZero: (ziel: string) => `"${ziel}" is zero minutes. Please give a time that can be reached, e.g. PT5M (5 minutes) or PT1H.`,
    phaseWithoutTask: (phase: string) => `The phase "${phase}" has no task. Every phase needs at least one.`,
    appliesWhenAlone: 'applies_when describes the condition "when:"; without "when:" please leave it out.',
    afterNeeded: 'With "from: deadline", "after:" must name the deadline after which this one starts.',
    afterOnlyFromDeadline: '"after:" only works with "from: deadline".',
    afterSelf: "A deadline cannot start after itself.",
    afterCircle: (after: string, id: string) => `Circle: "${after}" itself waits (through other deadlines) for "${id}".`,
    remindNeedsWithin: 'Reminders before the end need a time limit "within:". Without "within" the deadline is "without delay".',
    triggerForm: (fixed: string) => `Please write triggers in lower case and without extra spaces: "${fixed}"`,
    triggerCommand: (trigger: string, word: string) =>
      `"${trigger}" starts with a command word of /notfall (${word}). Please phrase it differently.`,
    triggerTwice: (trigger: string, prev: number) => `Trigger "${trigger}" is already in triggers[${prev}].`,
    fillerOnly: (text: string) => `"${text}" consists of filler words only. Please describe what one sees, e.g. "mouse moves by itself".`,
    symptomTwice: (text: string, prev: number) => `Sign "${text}" is already in anzeichen[${prev}] (same words).`,
    englishMissing:
      "The English version is missing (en:). This playbook already has English texts; without en: --lang en would show German here. Write the text as de: with en: below it.",
    placeholdersDiffer: (missing: string[], extra: string[]) =>
      `The English version fills other placeholders than the German.${missing.length ? ` Missing: ${missing.join(", ")}.` : ""}${extra.length ? ` Only in English: ${extra.join(", ")}.` : ""}`,
    nameEnTaken: (name: string, where: string) => `The English name "${name}" belongs to ${where} already.`,
    nameEnIsId: (name: string, where: string) => `"${name}" is already the id of another template (${where}).`,
    symptomAcross: (text: string, id: string, at: string) =>
      `Note: sign "${text}" is also in the playbook "${id}" (${at}). Whoever reports it is then asked which one is meant. Better describe it more precisely in one playbook.`,
    triggerAcross: (trigger: string, id: string, at: string) =>
      `Trigger "${trigger}" is also in the playbook "${id}" (${at}). Each trigger may be in one playbook only.`,
    placeholderNoQuestion: (name: string, id: string, guess: string | undefined) =>
      `Placeholder {{${name}}}: question "${id}" does not exist.${guess ? ` Did you mean {{${guess}}}?` : ""}`,
    placeholderUnknown: (name: string, guess: string | undefined) =>
      `Unknown placeholder {{${name}}}.${guess ? ` Did you mean {{${guess}}}?` : " Allowed are org.…, incident.…, role.… and answer.<question>."}`,
  },
  /** YAML syntax mistakes (organisation file and playbooks), after the parser's own words in brackets. */
  yaml: {
    unknownAnchor: "Reference (*name) to an anchor that does not exist.",
    badIndent: "The indentation is wrong. Fields on the same level need the same number of spaces at the start of the line.",
    tabAsIndent: "Tab used for indentation. Please use spaces only.",
    duplicateKey: "This field appears twice in the same section. Please delete one of them.",
    missingChar: "A character is missing, e.g. a closing quote or bracket.",
    joinedLines:
      'This line was joined with the next one. Usually the next line is indented too far, or a text contains ": " without quotes.',
    blockAsKey: "There is a block where a field name is expected. Is a colon missing?",
    unexpectedToken: "Unexpected character. Please put texts with a colon, # or quotes in quotes.",
    badScalarStart: "A text must not start with this character. Please put the text in quotes.",
    badEscape: "Invalid control character (\\) in a text in double quotes.",
    multipleDocs: (organisation: boolean) =>
      `Several YAML documents (---) in one file. A file holds exactly one ${organisation ? "organisation" : "playbook"}.`,
    tooManyAliases: "Too many references (*name) to anchors (&name). Please write the contents out directly.",
    colonInText: 'A text contains ": " (a colon with a space). Please put the whole text in quotes.',
    itemIndent:
      'This line is indented differently from the fields above. Fields of an entry stand exactly below each other; a new entry starts with "- ".',
    other: "YAML syntax error.",
    fileMissing: "File not found",
  },
  whatAdvance: "move to the next phase",
  whatEscalate: "change the level",
  whatClose: "close the emergency",
  handbookDone: (where: string) => `📘 Emergency handbook created: ${where}. Print it and keep it next to the phone.`,
};
