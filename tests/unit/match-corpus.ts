/**
 * How people really declare an emergency: the corpus for the matcher (tests/unit/match-corpus.test.ts).
 *
 * How it was written: from each playbook's **title and summary** only (and, where marked `Quelle`, the wording of
 * the three source documents in shared/domain/sources/), as practice staff and employees of small firms would type
 * after `/notfall` on a phone in a hurry: lower case, typos, no umlauts, half sentences, English words, brand names.
 * The playbooks' `triggers:` and `anzeichen:` were not consulted while writing it, and no phrase here was copied
 * into a playbook afterwards: a failure here is fixed in the matcher or by a symptom people really report, never by
 * adding the test sentence as a trigger. Some phrasings coincide with a trigger because that is how people say it
 * ("wasserschaden", "ceo fraud"); most do not.
 *
 * Twenty phrasings per incident type (240), plus a table of phrasings that are genuinely ambiguous and must ask.
 */

/** Playbook id → everyday phrasings that mean this incident type. */
export const CORPUS: Readonly<Record<string, readonly string[]>> = {
  verschluesselung: [
    "dateien lassen sich nicht mehr öffnen",
    "alle dateien heißen jetzt .locked",
    "auf dem bildschirm steht wir sollen in bitcoin zahlen",
    "ransomware!!",
    "Erpresserbrief auf allen PCs",
    "word dokumente gehen nicht auf, alle haben so eine komische endung",
    "unsere daten wurden verschlüsselt",
    "verschluesselungstrojaner im netz",
    "Anzeige „Rechner wurde verschlüsselt“", // Quelle: Handeln bei IT-Sicherheitsvorfällen, 3.5
    "lösegeld forderung auf dem server",
    "alle dateinamen sind verändert und in jedem ordner liegt eine textdatei mit anweisungen",
    "ransom note auf dem bildschirm",
    "kann keine datei mehr öffnen, alles verschlüsselt",
    "verschlüselt alles",
    "praxisserver verschluesselt, pvs startet nicht",
    "crypto trojaner",
    "bildschirm rot mit countdown und bitcoin adresse",
    "fotos und pdfs haben alle die endung .crypt",
    "Verschlüsselung von Daten auf Endgeräten und Servern", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Kap. 1
    "wir wurden gehackt und alles ist verschlüsselt",
  ],
  datenabfluss: [
    "patientendaten an falsche adresse gemailt",
    "befund an den falschen patienten geschickt",
    "arztbrief versehentlich an falsche praxis gefaxt",
    "kundendaten im internet aufgetaucht",
    "unsere kundenliste wird im darknet verkauft",
    "kollegin hat beim gehen kundendaten auf einen stick gezogen",
    "datenschutzpanne",
    "data breach",
    "email mit allen kundenadressen im cc statt bcc verschickt",
    "der onedrive link mit den patientenakten war öffentlich",
    "jemand hat unsere patientenakten kopiert",
    "unberechtigter Zugriff auf personenbezogene Daten", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Kap. 1
    "unerlaubtes Kopieren von Betriebsgeheimnissen", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Kap. 1
    "laborwerte an falschen empfaenger geschickt",
    "dsgvo vorfall, brief mit diagnosen ging an die falsche person",
    "daten geleakt",
    "ex mitarbeiter hat die kundendatei mitgenommen",
    "dropbox ordner mit patientendaten war für alle sichtbar",
    "gehaltsliste aus versehen an alle mitarbeiter gemailt",
    "hacker haben unsere daten veröffentlicht",
  ],
  "email-konto": [
    "hab auf einen link in der mail geklickt und mein passwort eingegeben",
    "outlook verschickt mails die ich nicht geschrieben hab",
    "kunden bekommen komische mails von unserer adresse",
    "Patienten melden sich wegen seltsamer E-Mails, angeblich von uns", // Quelle: Handeln bei IT-Sicherheitsvorfällen, 3.3
    "email passwort wurde geändert, komme nicht mehr rein",
    "phising mail, zugangsdaten eingegeben",
    "mein postfach ist gehackt",
    "microsoft 365 konto übernommen",
    "fremde weiterleitungsregel im postfach entdeckt",
    "auf einer gefälschten anmeldeseite das passwort eingetippt",
    "email account compromised",
    "spam geht von unserem konto raus",
    "jemand hat sich aus russland in mein mailkonto eingeloggt",
    "kollegin hat auf einer fake seite ihre login daten eingegeben",
    "gmx konto gehackt",
    "e mail account gekapert",
    "unbekannte anmeldung bei outlook",
    "bin auf eine phishing mail reingefallen",
    "im gesendet ordner liegen mails die keiner geschrieben hat",
    "passwort auf gefakter microsoft seite eingegeben",
  ],
  fernwartung: [
    "maus bewegt sich von alleine",
    "jemand steuert meinen pc",
    "teamviewer fenster ging auf und jemand war drin",
    "anydesk verbindung die keiner kennt",
    "angeblich microsoft support angerufen, hab zugriff gegeben",
    "fernzugriff von fremden",
    "der cursor klickt von selbst rum",
    "remote zugriff durch unbekannte",
    "falscher techniker am telefon, ich hab ein programm installiert",
    "Fernwartungszugriff durch unberechtigte Personen", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Kap. 1
    "bildschirm wird ferngesteuert",
    "ein unbekannter hat sich auf den empfangs pc geschaltet",
    "fenster öffnen sich von allein und die maus fährt rum",
    "hotline hat mich gebeten quicksupport zu installieren",
    "jemand ist über den zugang vom dienstleister rein, war aber nicht der dienstleister",
    "teamviewer sitzung offen, niemand von uns",
    "remote desktop zugriff von außen",
    "pc macht dinge allein, mauszeiger wandert",
    "support anruf, danach konnte der auf meinen rechner",
    "unberechtigter fernzugriff auf den praxis pc",
  ],
  schadsoftware: [
    "virenscanner schlägt alarm",
    "defender hat was gefunden",
    "antivirus meldet bedrohung",
    "firewall meldet angriff",
    "trojaner gefunden auf dem pc",
    "Warnmeldung des Virenscanners", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Kap. 2
    "sophos meldet malware",
    "virus auf dem laptop",
    "hab einen anhang geöffnet und jetzt kommt eine virenwarnung",
    "programme stürzen ständig ab, vielleicht ein virus", // Quelle: Handeln bei IT-Sicherheitsvorfällen, 3.3
    "windows sicherheit: bedrohung erkannt",
    "eset hat einen wurm blockiert",
    "virenschutz hat eine datei in quarantäne verschoben",
    "komische popups und virenwarnung",
    "malware alert",
    "kaspersky warnt",
    "rechner infiziert",
    "firewall blockiert verdächtige verbindungen",
    "spyware gefunden",
    "avira meldet einen fund",
  ],
  sicherheitsluecke: [
    "bsi warnung zu unserer firewall",
    "im radio kam, dass die fritzbox eine lücke hat",
    "hersteller vom pvs schreibt, wir sollen sofort updaten",
    "kritische schwachstelle in exchange",
    "newsletter der kvwl warnt vor einer luecke im konnektor",
    "sicherheitslücke in outlook laut heise",
    "notfall patch vom hersteller",
    "zero day im vpn",
    "lücke in unserer software gemeldet",
    "sicherheitsupdate muss dringend eingespielt werden",
    "cert warnung",
    "vulnerability in fortinet",
    "cve für unser nas",
    "Berichte in den Medien über eine Sicherheitslücke", // Quelle: Handeln bei IT-Sicherheitsvorfällen, 3.1
    "Informationen des Herstellers: kritisches Update", // Quelle: Handeln bei IT-Sicherheitsvorfällen, 3.2
    "log4j bei uns betroffen?",
    "schwachstelle im router laut bsi",
    "hersteller warnt wegen sicherheitsproblem",
    "sicherheitsluecke im drucker",
    "presse berichtet über angriffe auf eine lücke im praxisprogramm",
  ],
  serverausfall: [
    "praxisserver startet nicht mehr",
    "server tot",
    "pvs startet nicht",
    "festplatte im server klackert",
    "raid meldet fehler, platte defekt",
    "praxissoftware hängt bei allen",
    "datev geht nicht, server nicht erreichbar",
    "nas ausgefallen",
    "server piept und fährt nicht hoch",
    "warenwirtschaft läuft nicht mehr",
    "hardware defekt am server",
    "server abgestürzt",
    "Rechner starten nicht, anmelden geht auch nicht", // Quelle: Handeln bei IT-Sicherheitsvorfällen, 3.5
    "bluescreen auf dem server",
    "kein zugriff auf laufwerk s, server weg",
    "server überhitzt",
    "netzteil vom server kaputt",
    "pvs down",
    "daten verloren nach serverabsturz",
    "Hardwareausfall", // Quelle: Was ist ein IT-Notfallplan?
  ],
  stromausfall: [
    "strom ist weg",
    "kein strom in der praxis",
    "stromausfall im ganzen viertel",
    "sicherung raus, alles dunkel",
    "usv piept dauernd",
    "power outage",
    "licht aus, pcs aus",
    "stromversorgung unterbrochen",
    "blackout in der ganzen stadt",
    "der fi ist rausgeflogen",
    "notstrom akku läuft, wie lange noch?",
    "stadtwerke sagen stromausfall bis heute abend",
    "strom ausgefallen",
    "stromausfal",
    "kein saft mehr, alles aus",
    "Stromausfälle", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Einleitung
    "bagger hat das stromkabel durchtrennt",
    "usv alarm, batterie leer",
    "strom flackert, server ging aus",
    "großflächige versorgungsprobleme elektrizität", // Quelle: 10 Goldene Regeln, Katastrophe
  ],
  "brand-wasser": [
    "es brennt",
    "rauch im serverraum",
    "wasser tropft auf den server",
    "rohrbruch im keller wo der server steht",
    "feuer in der praxis",
    "brandmelder geht los",
    "überschwemmung nach starkregen",
    "wasserschaden im büro",
    "serverschrank steht unter wasser",
    "kabelbrand",
    "Ein Brand im Serverraum", // Quelle: 10 Goldene Regeln, Notfall
    "feuerwehr ist da, alle draußen",
    "schmorgeruch aus dem technikraum",
    "heizung ausgelaufen, wasser im technikraum",
    "hochwasser im erdgeschoss",
    "decke tropft über dem server",
    "fire in the office",
    "überall löschwasser",
    "hat nachts gebrannt, alles verrußt",
    "leitungswasser im serverraum",
  ],
  "internet-ti": [
    "internet geht nicht",
    "kein internet seit heute morgen",
    "konnektor offline",
    "kartenlesegerät geht nicht",
    "e-rezept geht nicht raus",
    "kim mails kommen nicht an",
    "fritzbox blinkt rot",
    "versichertenkarte kann nicht eingelesen werden",
    "ti ist gestört",
    "telekom störung, kein netz",
    "m365 geht nicht, cloud ausfall",
    "wlan weg",
    "router kaputt",
    "egk lesen geht nicht",
    "eau verschicken klappt nicht",
    "cloud nicht erreichbar",
    "dsl ausgefallen",
    "telematik geht nicht",
    "internet und telefon weg",
    "gematik störung",
  ],
  geraeteverlust: [
    "laptop im zug vergessen",
    "handy geklaut",
    "diensthandy verloren",
    "tablet weg",
    "usb stick mit patientendaten verloren",
    "ehba verloren",
    "einbruch, rechner gestohlen",
    "notebook aus dem auto gestohlen",
    "smc-b karte fehlt",
    "heilberufsausweis ist weg",
    "iphone verloren",
    "laptop aus auto geklaut",
    "externe festplatte mit backup verschwunden",
    "praxisausweis nicht mehr auffindbar",
    "handy im taxi liegen lassen",
    "physischer Diebstahl von Datenträgern", // Quelle: Handeln bei IT-Sicherheitsvorfällen, Einleitung
    "mein dienstlaptop ist weg",
    "lost my phone",
    "einbrecher haben pcs mitgenommen",
    "usb stick verloren",
  ],
  "ceo-fraud": [
    "rechnung mit neuer iban",
    "chef schreibt ich soll sofort was überweisen",
    "geld an betrüger überwiesen",
    "lieferant hat angeblich eine neue bankverbindung",
    "fake mail vom geschäftsführer wegen zahlung",
    "ceo fraud",
    "überweisung an falsches konto",
    "betrüger haben sich als chef ausgegeben",
    "zahlungsaufforderung war gefälscht",
    "bankdaten in der rechnung geändert",
    "dringende überweisung vom chef per whatsapp",
    "gefälschte rechnung bezahlt",
    "fake president",
    "kontoänderung per mail bekommen, schon bezahlt",
    "buchhaltung hat an eine falsche iban gezahlt",
    "auf die chef masche reingefallen",
    "15000 euro an falsches konto",
    "anruf vom angeblichen chef, wir sollen geld überweisen",
    "payment fraud",
    "betrug mit einer rechnung",
  ],
};

/**
 * Phrasings that fit two or more types equally well: the bot must ask, never open. `among` lists types a fair
 * reader would consider; at least one of them must be among the offered candidates.
 */
export const AMBIGUOUS: readonly { text: string; among: readonly string[] }[] = [
  { text: "daten verloren", among: ["serverausfall", "geraeteverlust", "datenabfluss"] },
  { text: "alles weg", among: ["serverausfall", "verschluesselung", "geraeteverlust"] },
  { text: "nach dem brand meldet der virenscanner alarm", among: ["brand-wasser", "schadsoftware"] },
  { text: "mail mit neuer iban, und ich hab dort mein passwort eingegeben", among: ["email-konto", "ceo-fraud"] },
  { text: "server geht nicht, strom war kurz weg", among: ["serverausfall", "stromausfall"] },
  { text: "internet weg und server aus", among: ["internet-ti", "serverausfall"] },
  { text: "gehackt", among: ["email-konto", "fernwartung", "verschluesselung", "schadsoftware"] },
  { text: "hackerangriff", among: ["verschluesselung", "schadsoftware", "fernwartung", "email-konto"] },
  { text: "es geht nichts mehr", among: ["serverausfall", "stromausfall", "internet-ti"] },
  { text: "komische mail bekommen", among: ["email-konto", "ceo-fraud", "schadsoftware"] },
  { text: "telefon geht nicht", among: ["internet-ti", "stromausfall"] },
  { text: "wasser und strom weg", among: ["brand-wasser", "stromausfall"] },
  { text: "handy gehackt", among: ["email-konto", "fernwartung", "schadsoftware", "geraeteverlust"] },
  { text: "rechner ist so langsam", among: ["schadsoftware", "serverausfall"] },
  { text: "verdächtige e-mail", among: ["email-konto", "ceo-fraud", "schadsoftware"] },
  { text: "cyberangriff", among: ["verschluesselung", "schadsoftware", "fernwartung", "email-konto"] },
];

/**
 * Fresh phrasings (issue 11, "Done when"): three per type, written in session 3 from the playbook titles, before
 * that session changed the matcher, and not tuned afterwards. Honest caveat: the writer had read the cue lists
 * earlier in the session (not while writing). How they fared when written: 23 opened right, 8 asked with the right
 * type first, 1 opened wrong ("jemand … fotografiert" opened remote access: fixed in the matcher, "jemand" now says
 * who, not what), 3 asked without the right type, 1 unmatched. Those that still miss stay here as they are: they
 * need words no playbook has ("weitergegeben", "gepostet", "Altpapier", "irgendwer klickt").
 */
export const FRESH: Readonly<Record<string, readonly string[]>> = {
  verschluesselung: [
    "hacker wollen geld sonst bleiben unsere daten gesperrt",
    "auf jedem rechner ein fenster: ihre dateien wurden verschlüsselt",
    "excel sagt datei beschädigt, überall, und ein text wie man bezahlen soll",
  ],
  datenabfluss: [
    "praktikantin hat röntgenbilder in whatsapp gruppe gepostet",
    "befunde im altpapier gelandet, nicht geschreddert",
    "jemand hat die patientenliste fotografiert und weitergegeben",
  ],
  "email-konto": [
    "mein mail passwort geht nicht mehr und kollegen kriegen spam von mir",
    "hab mich auf einer seite angemeldet die aussah wie unser webmail",
    "im postfach sind regeln die ich nicht angelegt habe",
  ],
  fernwartung: [
    "irgendwer klickt auf meinem bildschirm herum",
    "anrufer von microsoft hat jetzt zugriff auf meinen pc",
    "fremde sitzung im teamviewer protokoll",
  ],
  schadsoftware: ["norton hat einen trojaner gemeldet", "pc voller werbefenster, virus?", "die firewall schlägt an wegen einem angriff"],
  sicherheitsluecke: [
    "heise schreibt über eine kritische lücke in unserem vpn",
    "hersteller mail: dringend patchen",
    "das bsi warnt vor unserem druckermodell",
  ],
  serverausfall: [
    "unser server macht keinen mucks mehr",
    "praxisprogramm startet bei keinem rechner",
    "festplatte vom server tot, raid degraded",
  ],
  stromausfall: [
    "alles duster, kein licht und kein pc",
    "netzbetreiber hat den strom abgestellt",
    "stromausfall seit 10 minuten, usv hält noch",
  ],
  "brand-wasser": ["im serverraum qualmt es", "leitung geplatzt, serverraum nass", "brandalarm im gebäude, wir müssen raus"],
  "internet-ti": [
    "keine verbindung zum internet, telekom hotline überlastet",
    "e-rezepte lassen sich nicht signieren, konnektor rot",
    "cloud praxissoftware lädt nicht, internet tot",
  ],
  geraeteverlust: [
    "mein firmenlaptop wurde aus dem auto gestohlen",
    "der usb stick mit der datensicherung ist weg",
    "praxis handy irgendwo liegen gelassen",
  ],
  "ceo-fraud": [
    "angebliche mail vom chef, wir sollen 20.000 euro ins ausland überweisen",
    "lieferant sagt er hat das geld nie bekommen, iban war falsch",
    "betrüger hat sich als unser geschäftsführer ausgegeben",
  ],
};
