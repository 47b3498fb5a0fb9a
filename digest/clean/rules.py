"""The rule table: every rule the cleaner drops a block by, in one place.

Each rule is a row (reason, pattern, limit): the reason code it gives (see
REASONS), the pattern it looks for, and the most words a block may have for
the rule to apply. A rule about chrome words only holds for short blocks: "the
newsletter reported" or "a copyright dispute" in a report sentence is kept,
because the block is long. Some rules also step aside for blocks that read as
a sentence, or that report speech ("said", "told").

One classifier (`reason_for`) reads the table, for blocks of an HTML page
(clean/html.py, where the verdict is also one of the learned model's features)
and for lines of text (clean/text.py) alike. The zone logic of the text
cleaner uses some of the same vocabularies (section headings, bylines' names);
they are defined here too, so that no pattern exists twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from digest.clean import metadata
from digest.clean.vocabulary import unspaced_chars

__all__ = ["Rule", "RULES", "REASONS", "reason_for", "block_key", "word_count"]

# Every reason code the cleaner can give, with what it means (also in docs/clean.md).
REASONS: dict[str, str] = {
    "navigation": "menus, section lists, breadcrumbs, language switchers, site chrome above the report",
    "related": "'Related posts', 'Read more' and teasers of other articles",
    "footer": "copyright, company, registration and address lines, legal links",
    "share": "share buttons and social-media debris",
    "tags": "tag and category lists",
    "subscribe": "newsletter, subscription, follow and app prompts",
    "comments": "reader comments, comment prompts and moderation notes",
    "consent": "cookie and consent banners, reCAPTCHA and ad-blocker notices",
    "caption": "photo captions and credits",
    "embed": "embedded tweets/posts and their duplicated text",
    "translator": "translation credits",
    "title": "the headline (moved to metadata)",
    "byline": "the author line (moved to metadata)",
    "dateline": "the date line, wire dateline or outlet line (moved to metadata)",
    "markup": "leftover HTML tags",
    "appended": "a segment appended after the report that is not part of it",
    "duplicate": "a block repeated earlier in the page",
    "advert": "advertising and affiliate disclosures",
    "fragment": "short debris that is neither a sentence nor a heading",
    "bio": "a note about the author after the report",
    "boilerplate": "page furniture found by the page's structure or the block model, reading-time and update stamps",
}

# ---------------------------------------------------------------------------

_NAV_EXACT = {
    "no result",
    "view all result",
    "view all results",
    "menu",
    "main menu",
    "hauptmenü",
    "navigation",
    "toggle navigation",
    "open menu",
    "close menu",
    "menü",
    "menü öffnen",
    "menü schließen",
    "search",
    "suche",
    "suchen",
    "search for",
    "type your search",
    "home",
    "homepage",
    "startseite",
    "start",
    "skip to content",
    "skip to main content",
    "zum inhalt springen",
    "direkt zum inhalt",
    "zum inhalt",
    "login",
    "log in",
    "logout",
    "anmelden",
    "abmelden",
    "sign in",
    "register",
    "registrieren",
    "my account",
    "mein konto",
    "close",
    "schließen",
    "back",
    "zurück",
    "back to top",
    "nach oben",
    "next",
    "previous",
    "weiter",
    "vorherige",
    "nächste",
    "load more",
    "mehr laden",
    "show more",
    "mehr anzeigen",
    "more",
    "mehr",
    "sections",
    "rubriken",
    "ressorts",
    "all sections",
    "other sections",
    "altre sezioni",
    "latest",
    "neueste",
    "aktuell",
    "top",
    "video",
    "videos",
    "audio",
    "podcast",
    "podcasts",
    "gallery",
    "galerie",
    "bildergalerie",
    "e-paper",
    "epaper",
    "archive",
    "archiv",
    "english",
    "deutsch",
    "italiano",
    "français",
    "español",
    "en",
    "de",
    "it",
    "fr",
    "es",
    "advertisement",
    "anzeige",
    "werbung",
    "sponsored",
    "ad",
    "pause",
    "play",
    "mute",
    "weather",
    "wetter",
    "cancel",
    "abbrechen",
    "ok",
    "accept",
    "akzeptieren",
    "loading",
    "lädt",
    "wird geladen",
    "print",
    "page",
    "seite",
    "rss",
    "contents",
    "inhalt",
    "inhaltsverzeichnis",
    "table of contents",
    "beitrags-navigation",
    "post navigation",
    "artikel-navigation",
    "antworten",
    "reply",
    "melden",
    "report",
}

_FOOTER_EXACT = {
    "about us",
    "about",
    "über uns",
    "contact",
    "contacts",
    "contact us",
    "kontakt",
    "impressum",
    "imprint",
    "privacy",
    "privacy policy",
    "datenschutz",
    "datenschutzerklärung",
    "cookie policy",
    "cookies",
    "cookie settings",
    "cookie-einstellungen",
    "terms",
    "terms of use",
    "terms of service",
    "agb",
    "nutzungsbedingungen",
    "advertise",
    "advertising",
    "mediadaten",
    "jobs",
    "karriere",
    "careers",
    "sitemap",
    "accessibility",
    "barrierefreiheit",
    "faq",
    "hilfe",
    "help",
    "legal",
    "legal notice",
    "disclaimer",
    "haftungsausschluss",
    "letters to the editor",
    "leserbriefe",
    "abo",
    "abonnement",
    "redaktion",
    "editorial team",
    "team",
    "partner",
    "partners",
    "newsroom",
    "presse",
    "press",
}

_SHARE_CORE = {
    "share",
    "shares",
    "sharing",
    "tweet",
    "teilen",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "telegram",
    "pinterest",
    "reddit",
    "xing",
    "flipboard",
    "email",
    "e-mail",
    "mail",
    "print",
    "drucken",
    "kopieren",
    "copy",
    "copied",
    "kopiert",
    "merken",
    "speichern",
    "save",
    "bluesky",
    "threads",
    "mastodon",
    "messenger",
    "pocket",
    "comment",
    "comments",
    "kommentar",
    "kommentare",
    "sms",
    "instagram",
    "youtube",
    "tiktok",
    "rss",
    "feed",
    "like",
    "likes",
    "gefällt",
}
_SHARE_FILLER = {
    "x",
    "on",
    "auf",
    "via",
    "per",
    "the",
    "this",
    "that",
    "article",
    "artikel",
    "post",
    "page",
    "seite",
    "diesen",
    "dieses",
    "den",
    "die",
    "story",
    "link",
    "to",
    "with",
    "mit",
    "a",
    "an",
    "und",
    "and",
    "or",
    "oder",
    "us",
    "uns",
    "follow",
    "folgen",
    "send",
    "senden",
    "gift",
    "verschenken",
    "teilen:",
    "share:",
    "now",
    "jetzt",
    "options",
    "optionen",
    "close",
    "schließen",
    "more",
    "mehr",
    "in",
    "bei",
    "e",
    "f",
    "g",
    "p",
    "m",
    "0",
    "i",
    "news",
    "mir",
    "wird",
    "geladen",
    "loading",
    "lädt",
    "sie",
    "dies",
    "teile",
    "beitrag",
    "condividi",
    "partager",
    "compartir",
}

RELATED_HEADINGS = re.compile(
    r"^(?:related(?:\s+(?:posts?|articles?|stories|news|content|topics|coverage|reading))?|"
    r"read\s+(?:more|also|next)|see\s+also|more\s+(?:on\s+this|stories|news|from|articles|about|in)\b.*|"
    r"(?:you\s+(?:may|might)\s+also\s+(?:like|be\s+interested(?:\s+in)?|enjoy))|recommended(?:\s+for\s+you)?|"
    r"most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|latest\s+(?:news|stories|articles|posts)|"
    r"top\s+(?:stories|news|articles)|editor'?s\s+picks?|recent\s+posts|popular\s+posts|"
    r"lesen\s+sie\s+(?:auch|mehr|weiter)|auch\s+interessant|mehr\s+zum\s+thema|mehr\s+(?:aus|zu|von)\s+.*|"
    r"das\s+könnte\s+(?:sie|dich)\s+auch\s+interessieren|weitere\s+(?:artikel|nachrichten|themen|beiträge|meldungen)|"
    r"meistgelesen(?:e)?(?:\s+artikel)?|meist\s+gelesen|empfehlungen|empfohlene\s+artikel|ähnliche\s+(?:artikel|beiträge)|"
    r"verwandte\s+(?:artikel|beiträge|themen)|neueste\s+(?:artikel|beiträge)|aktuelle\s+(?:nachrichten|artikel)|"
    r"top-?(?:artikel|themen|news)|zum\s+thema|passend\s+(?:dazu|zum\s+thema)|"
    r"leggi\s+anche|articoli\s+correlati|potrebbe\s+interessarti|per\s+saperne\s+di\s+più|à\s+lire\s+aussi|lire\s+aussi|"
    r"pour\s+approfondir|otras\s+noticias|(?:noticias|artículos)\s+relacionad[oa]s|für\s+(?:dich|sie)\s+empfohlen|"
    r"artikel\s+zum\s+thema|mehr\s+themen|(?:infórmate|informate|entérate)\s+más)$",
    re.I,
)
# "Read more: <another headline>" as a single line inside or after the report.
_RELATED_INLINE = re.compile(
    r"^(?:read\s+(?:more|also)|see\s+also|related|more|lesen\s+sie\s+(?:auch|mehr)|auch\s+interessant|"
    r"mehr\s+zum\s+thema|leggi\s+anche|lire\s+aussi|zum\s+thema)\s*[:»>|–—-]\s*\S",
    re.I,
)
# The link label under a teaser's summary.
READ_MORE_LABELS = {
    "read more",
    "continue reading",
    "read the full story",
    "read full story",
    "read full article",
    "read article",
    "learn more",
    "find out more",
    "more",
    "weiterlesen",
    "mehr lesen",
    "lesen sie weiter",
    "zum artikel",
    "mehr",
    "leggi di più",
    "continua a leggere",
    "lire la suite",
    "leer más",
    "seguir leyendo",
}
COMMENTS_HEADINGS = re.compile(
    r"^(?:\d+\s+)?(?:comments?|kommentare?|leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|"
    r"(?:schreibe|hinterlasse)(?:n\s+sie)?\s+(?:einen\s+kommentar|eine\s+antwort)|vos\s+réactions|ihre\s+meinung|diskussion|diskutieren\s+sie\s+mit|"
    r"so\s+können\s+sie\s+kommentieren|(?:letzte|neueste)\s+kommentare|recent\s+comments|leserkommentare|"
    r"\d+\s+(?:responses|antworten|reaktionen)|what\s+do\s+you\s+think|was\s+meinen\s+sie|"
    r"(?:\d+|one|no)\s+(?:antworten|kommentare|comments?|responses?|repl(?:y|ies)|thoughts?)\s+(?:zu|to|on|auf|for)\b.*|"
    r"we\s+ask\s+that\s+comments.*|comments\s+are\s+(?:closed|moderated).*|kommentare\s+sind\s+geschlossen.*|"
    r"join\s+the\s+(?:discussion|conversation)|commenti|commentaires)(?:\s*\(\d+\))?$",
    re.I,
)

# Moderation notes and prompts around a comment form.
_COMMENT_POLICY = re.compile(
    r"\b(?:comments?\s+(?:are|may\s+be|will\s+be)\s+(?:moderated|republished|pre-?moderated)|"
    r"e-?mail\s+address(?:es)?\s+will\s+not\s+be\s+published|(?:try\s+to|possible\s+to)\s+publish\s+(?:all\s+)?comments|"
    r"we\s+want\s+to\s+hear\s+what\s+you\s+think|commenting\s+policy|"
    r"ihre\s+e-mail-adresse\s+wird\s+nicht\s+veröffentlicht|kommentare\s+werden\s+moderiert|"
    r"(?:this\s+site|diese\s+(?:web)?seite|diese\s+website)\s+(?:uses|verwendet|nutzt)\s+akismet)\b",
    re.I,
)
# The signature line of a reader's comment, repeated down a thread: "27. Jun, 2012 / Rand says:",
# "Makali wrote:", and the buttons under each comment ("Reply", "[Reply]", "Report abuse").
COMMENT_SIGNATURE = re.compile(
    r"^(?:#?\d{1,4}[.)]?\s+)?\S.{0,80}?\s(?:says|said|wrote|writes|sagt|schreibt|a\s+écrit|dice|disse)\s*(?:\.\.\.|…)?:\s*$",
    re.I,
)
# A commenter's name line with the comment's date and time: "Tim Worstall 11.06.12 at 11:06 am",
# "48 Tyler October 28, 2012 at 3:19 pm" (an article's own "Updated ..." or "Posted ..." stamp is not one).
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zäé]*\.?"
COMMENT_STAMP = re.compile(
    r"^(?!(?:updated|posted|published|last|zuletzt|aktualisiert|veröffentlicht)\b)(?:#?\d{1,4}[.)]?\s+)?[^\W\d_].{0,60}?\s"
    r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|"
    + _MONTH
    + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\.?\s+"
    + _MONTH
    + r",?\s+\d{4})"
    r",?\s*(?:at|@|um|à|-|,)?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|uhr|h)?$",
    re.I,
)
# A comment count opening a thread: "Comments (408)", "53 comments… read them below or add one".
COMMENT_COUNT = re.compile(
    r"^(?:(?:comments?|kommentare?|commentaires?|responses|replies|antworten)\s*[:(]?\s*\d+\)?|"
    r"\d+\s+(?:comments?|kommentare?|commentaires?|responses|replies|antworten))\b",
    re.I,
)
COMMENT_BUTTON = re.compile(
    r"^(?:reply|antworten|répondre|responder|rispondi|report\s+(?:abuse|comment)|reply\s+to\s+(?:this\s+)?comment)$",
    re.I,
)
# A note about the author after the report: "Jane Doe is a senior writer for ...", "X writes about ...".
AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+)(?:\s+[A-Z][\w.'’-]+){0,3}\s+(?i:"
    r"is\s+(?:a|an|the)\s+(?:[\w&,'’-]+\s+){0,5}?(?:writer|journalist|reporter|editor|author|columnist|correspondent|"
    r"contributor|professor|fellow|founder|co-founder|consultant|blogger|developer|engineer|researcher|analyst|producer)s?\b|"
    r"writes\s+(?:about|for|on)\b|covers\s+\w|has\s+(?:worked|written)\s+(?:as|for|about)\b|is\s+the\s+author\s+of\b|"
    r"(?:ist|war)\s+(?:\w+\s+){0,3}(?:redakteur|redakteurin|autor|autorin|journalist|journalistin|korrespondent|korrespondentin)\b)"
)
BREADCRUMB_SEP = re.compile(r"\s+(?:»|›|>|/|\||::)\s+")
_BREADCRUMB_HOME = re.compile(
    r"^(?:home|startseite|start|homepage|accueil|inicio|news|nachrichten)\s*(?:»|›|>|/|\|)", re.I
)
_LANGUAGE_SWITCH = re.compile(r"^(?:[a-z]{2}\s+[A-Z]{2,3}|[A-Z]{2}(?:\s*[|/·]\s*[A-Z]{2})+)$")

_TRANSLATOR = re.compile(
    r"\b(?:(?:english|german|italian|french|spanish|deutsche|englische)\s+version\s+by|translat(?:ed|ion)\s+(?:by|from|service)|"
    r"machine[- ]translat|übersetz(?:t|ung)\s+(?:von|aus|durch)|aus\s+dem\s+\w+en\s+übersetzt|"
    r"traduzione\s+(?:di|a\s+cura)|traduit\s+(?:par|de)|traducido\s+por)\b",
    re.I,
)
_TAGS = re.compile(
    r"^(?:tags?|schlagw[oö]rte?|stichw[oö]rter|themen|topics?|filed\s+under|posted\s+in|kategorien?|categories|category|"
    r"rubrik|ressort|keywords?|argomenti|mots-clés)\s*[:|]",
    re.I,
)
CATEGORY_LINE = re.compile(
    r"^(?:in|posted\s+in|filed\s+in|veröffentlicht\s+in|unter)\s+[A-ZÄÖÜ][\w &'-]*(?:,\s*[A-ZÄÖÜa-z][\w &'-]*)*$"
)

_SUBSCRIBE_STRONG = re.compile(
    r"\b(?:subscribe\s+(?:to|now|for|here|today)|sign\s+up\s+(?:for|to|now|here)|enter\s+your\s+e-?mail|"
    r"your\s+e-?mail\s+address|get\s+(?:our|the)\s+\w*\s*newsletter|newsletter\s+(?:abonnieren|bestellen|anmeldung)|"
    r"jetzt\s+(?:abonnieren|anmelden|registrieren|testen|lesen\s+mit)|melden\s+sie\s+sich\s+(?:jetzt\s+)?(?:für|zum)|"
    r"ihre\s+e-mail-adresse|e-mail-adresse\s+eingeben|abonnieren\s+sie|iscriviti|abonnez-vous|"
    r"already\s+a\s+subscriber|bereits\s+abonnent|weiterlesen\s+mit|read\s+the\s+full\s+story\s+with|"
    r"unlock\s+(?:this|full)|mit\s+\w+\+?\s+weiterlesen|"
    r"follow\s+(?:us|[\w.@]+(?:\s+[\w.@]+)?)\s+on\s+(?:twitter|facebook|instagram|x|linkedin|telegram|threads|bluesky)|"
    r"folgen\s+sie\s+(?:uns|\w+)\s+(?:auf|bei)\s+(?:twitter|facebook|instagram|x|linkedin|telegram|whatsapp)|"
    r"join\s+(?:us|our|the)\b.{0,40}\b(?:telegram|whatsapp|channel|newsletter|community)|delivered\s+to\s+(?:your|their)\s+inbox|"
    r"first-time\s+subscribers|auto[- ]renew|support\s+(?:our|independent)\s+journalism|"
    r"unterstützen\s+sie\s+(?:uns|unabhängigen\s+journalismus)|benachrichtigung(?:en)?\s+aktivieren|"
    r"push-?(?:nachrichten|benachrichtigungen|notifications)|(?:jetzt\s+)?diesen\s+artikel\s+(?:lesen|freischalten)|"
    r"(?:gleich|jetzt)\s+(?:können\s+sie\s+)?weiterlesen|qualitätsjournalismus|jetzt\s+(?:\w+\s+)?(?:testen|sichern|freischalten)|"
    r"(?:continue|keep)\s+reading\s+(?:with|for)|subscribe\s+to\s+(?:continue|read)|no\s+spam\b|"
    r"(?:receive|get)\s+(?:our|the)\s+(?:\w+\s+){0,2}newsletter|(?:straight|directly|right)\s+(?:to|in|into)\s+your\s+inbox|"
    r"never\s+miss\s+(?:the\s+latest|a\s+(?:story|thing|post|beat))|by\s+signing\s+up,?\s+(?:you|i)\s+agree|"
    r"unsubscribe\s+at\s+any\s+time|cancel\s+(?:at\s+)?any\s*time|cancela\s+cuando\s+quieras|jederzeit\s+kündbar|"
    r"registrieren\s+und\s+weiterlesen|wykup\s+(?:dostęp|prenumerat)|"
    r"(?:receive|get)\s+(?:a|our)\s+(?:daily|weekly)\s+(?:list|e-?mail|digest|roundup|newsletter)|in\s+(?:deinen|ihren)\s+posteingang|we\s+rely\s+on\s+(?:your|readers?['’]?)\s+support|download\s+our\s+(?:[\w-]+\s+){0,3}apps?\b|"
    r"download\s+the\s+(?:[\w-]+\s+){0,4}apps?\s+(?:for|on|from)\s+(?:ios|android|iphone|the\s+app\s+store|google\s+play))",
    re.I,
)
_SUBSCRIBE_WEAK = re.compile(
    r"\b(?:subscribe|subscription|newsletter|abonnieren|abonnement|abo|sign\s+up|follow\s+us|folgen\s+sie\s+uns|podcast)\b",
    re.I,
)

_ADVERT = re.compile(
    r"\b(?:advertising\s+disclosure|we\s+may\s+(?:receive|earn)\s+(?:compensation|an?\s+(?:affiliate\s+)?commission)|is\s+supported\s+by\s+its\s+audience|affiliate[- ]links?|"
    r"(?:this|dieser)\s+(?:post|beitrag|artikel)\s+(?:contains|enthält)\s+(?:affiliate|werbung)|sponsored\s+content|"
    r"paid\s+(?:post|content)|anzeige\s*[-–:])",
    re.I,
)
_CONSENT = re.compile(
    r"\b(?:we\s+use\s+cookies|this\s+(?:website|site)\s+uses\s+cookies|cookie\s+policy|"
    r"wir\s+verwenden\s+cookies|diese\s+(?:website|seite)\s+(?:verwendet|nutzt)\s+cookies|"
    r"(?:akzeptieren|zustimmen)\s+und\s+weiter|accept\s+(?:all\s+)?cookies|alle\s+akzeptieren|"
    r"consent\s+preferences|tracking\s+(?:und|and)\s+cookies|javascript\s+(?:is\s+)?(?:disabled|deaktiviert)|"
    r"bitte\s+aktivieren\s+sie\s+javascript|please\s+enable\s+javascript|"
    r"(?:disable|turn\s+off|deaktivieren\s+sie)\s+(?:your\s+|ihren\s+)?(?:ad\s*-?blocker|werbeblocker)|ad\s*-?blocker\s+(?:detected|erkannt)|"
    r"was\s+passiert\s+mit\s+meinen\s+daten|datenschutzeinstellungen|privacy\s+settings|manage\s+(?:cookies|consent)|"
    r"(?:this|the|these)\s+cookies?\s+(?:is|are)\s+(?:set|used|installed|native)|cookies?\s+(?:werden|helfen)\s+(?:verwendet|dabei)|"
    r"cookielawinfo|cookie\s+consent\s+plugin|set\s+by\s+(?:the\s+)?gdpr|protected\s+by\s+recaptcha|"
    r"google\s+privacy\s+policy\s+and\s+terms\s+of\s+service\s+apply|"
    r"(?:korzystamy|używamy)\s+(?:z\s+)?(?:plików\s+)?cookies|za\s+pomocą\s+(?:plików\s+)?cookies|"
    r"(?:utilizamos|usamos)\s+(?:las\s+)?cookies|nous\s+utilisons\s+(?:des\s+)?cookies|utilizziamo\s+(?:i\s+)?cookie|"
    r"we\s+respect\s+your\s+privacy|wir\s+respektieren\s+(?:deine|ihre)\s+privatsphäre|you(?:'re|’re|\s+are)\s+(?:running|using)\s+an?\s+ad\s*-?blocker)\b",
    re.I,
)

# Footer lines that no report sentence contains.
_FOOTER = re.compile(
    r"(?:©|\(c\)\s*\d{4}|\bcopyright\s*(?:©|\(c\)|\d{4})|\ball\s+rights\s+reserved\b|"
    r"\balle\s+rechte\s+vorbehalten\b|tutti\s+i\s+diritti\s+riservati|tous\s+droits\s+réservés|"
    r"\b(?:vat|ust|mwst)[\s.-]*(?:id|number|no|nr|ident)|\bp\.?\s?iva\b|partita\s+iva|\bust-?idnr|"
    r"registration\s+number|registernummer|handelsregister|\bhrb\s*\d|registered\s+(?:office|newspaper)|"
    r"press\s+register|\bshare\s+capital|stammkapital|capitale\s+sociale|geschäftsführ(?:er|ung)\s*:|"
    r"vertretungsberechtigt|verantwortlich\s+(?:für\s+den\s+inhalt|i\.\s*s\.\s*d)|\bv\.i\.s\.d\.p|\bissn\b)",
    re.I,
)
# The site's licence line, even when it is a sentence ("All content is licensed under a Creative Commons ...").
_LICENCE = re.compile(
    r"\b(?:licen[cs]ed|lizenziert|veröffentlicht|stehen|steht|published)\s+under\b.{0,40}\b(?:creative\s+commons|cc[- ]by)"
    r"|\b(?:unter|under)\s+(?:der|einer|a|the)\s+(?:lizenz\s+)?(?:creative\s+commons|cc[- ]by)",
    re.I,
)
# The data-protection notice under a comment form names the controller of personal data.
_DATA_CONTROLLER = re.compile(
    r"\badministratorem\s+(?:\w+\s+){0,2}danych(?:\s+osobowych)?\s+jest|"
    r"\bwyrażam\s+zgodę\s+na\s+przetwarzanie|\bi\s+(?:agree|consent)\s+to\s+the\s+processing\s+of\s+my\b|"
    r"\b(?:ich\s+willige\s+ein|ich\s+stimme\s+zu),?\s+dass\s+meine\s+(?:personenbezogenen\s+)?daten|\bthe\s+(?:data\s+)?controller\s+(?:of|for)\s+"
    r"(?:your\s+)?personal\s+data\s+is|\bverantwortlich(?:er|e\s+stelle)\s+(?:im\s+sinne\s+der\s+dsgvo|für\s+die\s+"
    r"(?:daten)?verarbeitung)",
    re.I,
)
# The author presenting themselves under the report ("Ich bin Christoph, ... Autor dieses Artikels").
_AUTHOR_SELF = re.compile(
    r"\b(?:ich\s+bin|i\s+am|i['’]m)\s+[A-ZÄÖÜ]\w+\b.{0,100}\b(?:autor(?:in)?|author|writer)\s+(?:dieses|of\s+this)\s+"
    r"(?:artikels|beitrags|blogs|article|post|blog)\b",
    re.I,
)
# A line opening with the bare word "Copyright" ("Copyright Guardian News & Media"): a footer
# unless it reads as a report sentence ("Copyright lawyers said ..."); the marked forms
# ("©", "Copyright 2024", "All rights reserved") are in _FOOTER and hold anyway.
_COPYRIGHT_WORD = re.compile(r"^copyright\b", re.I)
# Legal links: footer only on a line that is not a sentence.
_FOOTER_LINKS = re.compile(
    r"(?:privacy\s+policy|datenschutzerklärung|datenschutzhinweise|cookie\s+(?:policy|settings)|cookie-einstellungen|"
    r"terms\s+(?:of|and)\s+(?:use|service|conditions)|nutzungsbedingungen|powered\s+by|amtsgericht|"
    r"registered\s+(?:in|company|trademark)|creative\s+commons|lizenziert\s+unter|licensed\s+under)",
    re.I,
)
_ADDRESS = re.compile(
    r"\b(?:via|viale|piazza|corso|straße|strasse|str\.|street|st\.|road|rd\.|avenue|ave\.|platz|weg|allee|gasse|"
    r"ring|damm|ufer|rue|calle|plaza|boulevard|blvd\.?)\s*\d+[a-z]?\b.*\b\d{4,5}\b"
    r"|\b\d{4,5}\s+[A-ZÄÖÜ][a-zäöüß]+.*\b(?:via|straße|strasse|str\.|street|platz|weg|allee)\b"
    r"|\b(?:tel|telefon|phone|fax)\.?\s*:?\s*\+?[\d ()/-]{6,}",
    re.I,
)

_CAPTION = re.compile(
    r"\((?:photo|foto|fotos|bild|bilder|image|picture|credit|ph)s?\b[^)]*\)\s*$|"
    r"^(?:photo|foto|fotos|bild|bilder|image|picture|credit|credits|bildquelle|quelle|grafik|illustration|"
    r"photograph|fotografie|titelbild|symbolbild|archivbild|beitragsbild|header-?bild)\s*(?:by|von)?\s*[:|©]|"
    r"(?:symbolbild|archivbild|symbolfoto|archivfoto)\b",
    re.I,
)
_AGENCY = (
    r"(?:getty\s*images|afp|reuters|dpa|ap\s+photo|associated\s+press|imago(?:\s+images)?|picture[- ]alliance|"
    r"shutterstock|epa(?:-efe)?|keystone|anadolu|xinhua|istock(?:photo)?|unsplash|ansa|efe|sputnik|tass|"
    r"pool|ddp|kna|epd|bloomberg|zuma|sopa|nurphoto|alamy|adobe\s*stock|pixabay|wikimedia|wikipedia)"
)
_AGENCY_WORDS = (
    "getty",
    "afp",
    "reuters",
    "dpa",
    "ap photo",
    "associated press",
    "imago",
    "picture",
    "shutterstock",
    "epa",
    "keystone",
    "anadolu",
    "xinhua",
    "istock",
    "unsplash",
    "ansa",
    "efe",
    "sputnik",
    "tass",
    "pool",
    "ddp",
    "kna",
    "epd",
    "bloomberg",
    "zuma",
    "sopa",
    "nurphoto",
    "alamy",
    "adobe",
    "pixabay",
    "wikimedia",
    "wikipedia",
)
_CAPTION_CREDIT = re.compile(
    r"(?:[/|©]\s*(?:[\w.-]+\s+){0,3}" + _AGENCY + r"\b|\(\s*(?:[^()]{0,60}[/,;:]\s*)?" + _AGENCY + r"[^()]{0,30}\)\s*$|"
    r"\b" + _AGENCY + r"\s*/\s*[A-Z])",
    re.I,
)
# "(3rd R)", "(L)", "(links)": who stands where in a photo.
# A credit at the end of a caption line: "... Foto: Ingo Schneider", "... Photo: Jane Doe / AFP".
_TRAILING_CREDIT = re.compile(r"\b(?:foto|fotos|photo|photos|bild|image|credit)\s*:\s*[\w .,/&|©()-]{2,60}$", re.I)
_POSITION_MARKER = re.compile(
    r"\(\d(?:st|nd|rd|th)\s+(?:from\s+)?(?:l|r|left|right)\)|\((?:left|right|centre|center|links|rechts|mitte)\)"
    r"|\([LR]\).*\([LR]\)",
    re.I,
)
_ENDS_WITH_DATE = re.compile(
    r",\s*(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}\.?\s+[A-Za-zä]+\.?\s+\d{4}|[A-Za-z]+\s+\d{1,2},?\s+\d{4})$"
)

_EMBED = re.compile(
    r"pic\.twitter\.com/\w+|\b(?:t\.co|x\.com|twitter\.com)/\w+/status|"
    r"[—–-]\s*[^()\n]{1,80}\(@\w{1,30}\)\s+(?:[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}|\d{1,2}\.?\s+[A-Za-zä]+\.?\s+\d{4})|"
    r"\ba\s+post\s+shared\s+by\b|\bein\s+beitrag\s+geteilt\s+von\b|view\s+this\s+post\s+on\s+instagram|"
    r"diesen\s+beitrag\s+auf\s+instagram\s+ansehen|watch\s+on\s+youtube|auf\s+youtube\s+ansehen|"
    r"\bexterne[rn]?\s+inhalt|empfohlener\s+redaktioneller\s+inhalt|\bexternal\s+content\b|um\s+(?:diesen|den)\s+inhalt\s+(?:zu\s+sehen|anzuzeigen)|"
    r"inhalt\s+(?:laden|anzeigen|aktivieren)|load\s+(?:tweet|content|embed)|embedded\s+content|"
    r"(?:tweet|post|beitrag)\s+(?:anzeigen|laden)",
    re.I,
)
TWEET_END = re.compile(
    r"(?:pic\.twitter\.com/\w+|\(@\w{1,30}\)\s+\S+\s+\d{1,2},?\s+\d{4}|\(@\w{1,30}\)\s+\d{1,2}\.?\s+\S+\s+\d{4})"
)

# Code and shell lines: a prompt or keyword at the start, a call, an assignment, braces.
CODE = re.compile(
    r"^(?:>>>|\.\.\.\s|\$\s|#\s*include|import\s+\w|from\s+[\w.]+\s+import|def\s+\w|class\s+\w+[:(]|return\b|sudo\s|"
    r"pip\s+install|npm\s|apt(?:-get)?\s+install|git\s+\w)"
    r"|\w\([^()]*\)\s*(?:[:;{]|$)|^[\w.\[\]'\"-]+\s*(?:[+*/-]?=|==|:=|=>|->)\s*\S|[{};]\s*$|^\s*[}\])]|^\[[^\]]*[\"'\d][^\]]*\]$"
)
MARKUP_TAG = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s+[^<>]*?)?/?>|<!--.*?-->|</?[a-zA-Z][a-zA-Z0-9-]*\s+[a-z-]+=\"[^\"]*\"[^<>]*$"
)
BULLET = re.compile(r"^\s*(?:[•·▪▸►‣◦∙*+]|-(?=\s)|–(?=\s)|\d{1,2}[.)](?=\s))\s*")
TRAILING_SHARE = re.compile(r"(?<=[.!?\"”“»'’)])\s+(?:share|teilen|tweet)\s*$", re.I)
TERMINAL = re.compile(r"[.!?…:;。！？؟]['\"”“’»«)\]」』]*$")
ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)['\"”’»)\]]*$")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?]['\"”’»)]*\s+['\"“„«(]?[A-ZÄÖÜ0-9]")


# Patterns the HTML path brought (other languages, other phrasings); each adds what the ones above miss.
_SHARE_LABEL = re.compile(
    r"^(?:share|tweet|e-?mail|print|teilen|partager|compartir|condividi|udostępnij)\s+(?:this|on|via|per|sur|en|dies(?:en)?|den)\b"
    r"|^(?:like|gefällt\s+mir|bewerten|rate|rating|vote)(?:\s+this)?\s*(?::.*)?$",
    re.I,
)
_COMMENT_LABEL = re.compile(
    r"^(?:\d+\s+(?:comments?|kommentare?|commentaires?|comentarios?|komentarze?)|(?:leave|post|add|write)\s+an?\s+(?:comment|reply)|"
    r"(?:kommentar|antwort)\s+(?:schreiben|verfassen|hinterlassen))\b",
    re.I,
)
_READING_TIME = re.compile(
    r"^(?:\d+\s*(?:min(?:ute)?s?\.?|minuten)\s+(?:read|lesezeit|lesen|de\s+lecture|de\s+lectura)|(?:reading\s+time|lesezeit|lesedauer)\b)",
    re.I,
)
_UPDATED = re.compile(
    r"^(?:last\s+(?:updated|modified)|updated|zuletzt\s+(?:aktualisiert|geändert)|letzte\s+(?:änderung|aktualisierung)|"
    r"mis\s+à\s+jour|actualizado|aktualizacja)\b(?:\s*:\s*$|\s*:?\s*(?:on\s+|am\s+|le\s+|el\s+)?[\w.,]*\s?\d.{0,40}$)",
    re.I,
)
# "Read also: ...", "Lesen Sie auch", "À lire aussi" in the languages we read.
_RELATED_LEAD_WORDS = r"""(?:
      (?:read|see)\ (?:also|more|next|this)\b | related(?:\ (?:coverage|reading|links?|topics?))?\s*: | more\ on\ this | you\ (?:may|might)\ also\ like
    | (?:lesen|lies)\ (?:sie\ )?(?:auch|mehr|weiter|hier) | auch\ lesen | weiterlesen | auch\ interessant | mehr\ zum\ thema | das\ könnte\ (?:sie|dich)\ (?:auch\ )?interessieren
    | weitere\ (?:artikel|beiträge|nachrichten)\ zum\ thema | ähnliche\ (?:artikel|beiträge) | zum\ weiterlesen | passend\ dazu | mehr\ (?:dazu|lesen)\b
    | (?:à\ )?lire\ (?:aussi|également|la\ suite) | voir\ aussi | sur\ le\ même\ sujet | pour\ (?:aller\ plus\ loin|lire\ la\ suite)
    | (?:lee|lea|leer|ver|vea)\ (?:también|más|además) | (?:te|le)\ puede\ (?:interesar|gustar) | puedes\ ver | (?:leia|veja)\ (?:também|mais)
    | (?:leggi|vedi)\ (?:anche|tutto) | czytaj\ (?:też|także|więcej|dalej) | zobacz\ (?:też|także|więcej) | dowiedz\ się\ więcej
    )"""
_RELATED_LEAD = re.compile("^" + _RELATED_LEAD_WORDS + r"(?:\s*[:|»›–—-]|$|(?=[^.!?…:]*$))", re.I | re.X)
# With a colon or guillemet after the lead, the line is a teaser even when the headline after it
# ends like a sentence ("Czytaj też: Czy Rosja go użyje?", "À lire aussi » Quel est votre profil ?").
_RELATED_LEAD_MARKED = re.compile("^" + _RELATED_LEAD_WORDS + r"\s*[:»›]\s*\S", re.I | re.X)
_CALL_TO_ACTION = re.compile(
    r"""(?:
      \b(?:abonnieren|abonniere|abonnez|suscr[ií]bete|iscriviti|zapisz\ się|subskrypc)
    | \b(?:download|lade|télécharge[zr]?|descarga)\b.{0,40}\b(?:app|apps)\b
    | \b(?:enjoyed|enjoy)\ (?:reading\ )?this\ (?:post|article)
    | \b(?:support\ us|unterstütze\ uns|unterstützen\ sie\ uns|become\ a\ (?:member|patron))\b
    | \b(?:you\ are\ not\ logged\ in|sie\ sind\ (?:aktuell\ )?nicht\ eingeloggt|must\ be\ logged\ in)\b
    | ^(?:sie\ lesen|du\ liest)\ gerne?\ [\w.-]+\s*\?
    | \b(?:müssen\ sie|musst\ du)\ (?:eingeloggt|angemeldet)\ sein\b | \bdu\ musst\ eingeloggt\ sein\b
    | \b(?:click\ here|klicken\ sie\ (?:hier|auf))\b
    | \b(?:tell\ us\ what\ you\ think|have\ your\ say|what\ you\ think\ about\ this\ (?:article|story))\b
    )""",
    re.I | re.X,
)
_FOLLOW = re.compile(
    r"\b(?:follow|folgen?|folge|suivez|síguenos|seguinos|seguici|obserwuj|join|únete|rejoignez|tritt)\b.{0,60}"
    r"(?:\b(?:twitter|facebook|instagram|telegram|tiktok|youtube|linkedin|threads|bluesky|mastodon|whatsapp|social\s+media|channel|kanal|canal)\b|@\w)",
    re.I,
)
# WordPress-style links to the neighbouring posts: "Previous post <headline>", "Nächster Beitrag ...".
_POST_NAVIGATION = re.compile(
    r"^(?:(?:previous|next|older|newer)\s+(?:post|article|story|entry)|(?:vorheriger|voriger|nächster)\s+(?:beitrag|artikel)|"
    r"(?:artículo|entrada)\s+(?:anterior|siguiente)|(?:article|billet)\s+(?:précédent|suivant)|"
    r"articolo\s+(?:precedente|successivo)|(?:poprzedni|następny)\s+(?:artykuł|wpis))\b",
    re.I,
)
# The line under a blog post that files it and links its author's other posts.
_POST_FOOTER = re.compile(
    r"^(?:this\s+entry\s+was\s+posted\s+in|dieser\s+eintrag\s+wurde\s+(?:am\s+.{1,40}\s+)?veröffentlicht\s+in|"
    r"(?:posted|eingestellt|publicado)\s+(?:by|von|por)\s+.{1,40}\s+(?:at|um|a\s+las?)\s+\d{1,2}[:.]\d{2}\b)"
    r"|\bbookmark\s+the\s+permalink\b|\b(?:view|see)\s+all\s+posts\s+by\b|\b(?:zeige\s+)?alle\s+beiträge\s+von\s+\S+\s*\S*$",
    re.I,
)
# Feedback and share prompts under an article: "Was this article helpful?", "Möchten Sie den Artikel teilen?".
_FEEDBACK = re.compile(
    r"^(?:was\s+this\s+(?:article|post|page|story)\s+(?:helpful|useful)|did\s+you\s+(?:find|like)\s+this\s+(?:article|post)|"
    r"(?:war|ist)\s+(?:dieser|der)\s+(?:artikel|beitrag)\s+(?:hilfreich|nützlich)|"
    r"hat\s+(?:ihnen|dir)\s+(?:dieser|der)\s+(?:artikel|beitrag)\s+gefallen|(?:dieser|der)\s+(?:artikel|beitrag)\s+gefällt\s+(?:ihnen|dir)|"
    r"(?:teile|teilen\s+sie)\s+(?:diesen|den)\s+(?:artikel|beitrag)|"
    r"(?:möchten\s+sie|willst\s+du|möchtest\s+du)\s+(?:den|diesen)\s+(?:artikel|beitrag)\s+teilen|"
    r"(?:te\s+)?(?:ha\s+resultado|fue)\s+útil\s+(?:este|el)\s+artículo)\b",
    re.I,
)
# The heading of the author box after the report.
_AUTHOR_BOX = re.compile(
    r"about\s+the\s+author|über\s+(?:den\s+autor|die\s+autorin)|zur\s+(?:autorin|person)|sobre\s+el\s+autor|"
    r"(?:à\s+)?propos\s+de\s+l['’]auteur|o\s+autorze|l['’]autore"
)
_FIGURE_LABEL = re.compile(r"^(?:figure|fig\.|abbildung|abb\.|grafik|chart|tabelle)\s*\d+\s*[:.]", re.I)
_CAPTION_BY = re.compile(r"^(?:(?:photo|foto|image|picture|pic|video)s?\s+(?:by|von|par|de)|fot\.)\s+\S+[^.!?]*$", re.I)
_COPYRIGHT_OPENING = re.compile(r"^(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4}))", re.I)
_BREADCRUMB = re.compile(r"(?:\s(?:»|›|>|/|\||::)\s.*){2}")
_REPORTED_SPEECH = re.compile(
    r"\b(?:said|says|told|wrote|writes|according\s+to|sagte|sagt|erklärte|schrieb|a\s+déclaré|a\s+dit|dijo|afirmó)\b",
    re.I,
)


def _words_pattern(words: set[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _share_pattern() -> re.Pattern[str]:
    """A block made of share-button words only ("Share on X", "Facebook Twitter E-Mail"), at least one of them a core word.

    Words and separators alternate in one way only, so the match never backtracks far.
    """
    sep = r"[\s/|,·•()\[\]:]"
    core = "|".join(re.escape(w) for w in sorted(_SHARE_CORE, key=len, reverse=True))
    word = "|".join(re.escape(w) for w in sorted(_SHARE_CORE | _SHARE_FILLER, key=len, reverse=True))
    return re.compile(rf"^(?=(?:.*?{sep})?(?:{core})(?:{sep}|$)){sep}*(?:{word}|\d+)(?:{sep}+(?:{word}|\d+))*{sep}*$")


# ---------------------------------------------------------------------------
# The table.


@dataclass(frozen=True)
class Rule:
    """Give `reason` to a block of at most `limit` words that `pattern` finds.

    `on="key"`: the pattern must match the whole block, case-folded and without edge
    punctuation or bullets (menu labels). `not_sentence`: the rule steps aside for a
    block that reads as a sentence (ends like one, 8 words or more). `not_reported`:
    it steps aside when the block reports speech ("said", "told").
    """

    reason: str
    pattern: re.Pattern[str]
    limit: int
    on: Literal["text", "key", "lower"] = "text"
    not_sentence: bool = False
    not_reported: bool = False
    # A cheap necessary condition: the pattern can only match a block whose lower-cased
    # text holds one of these strings (and a digit, with needs_digit). It only saves time.
    guard: tuple[str, ...] = ()
    needs_digit: bool = False

    def __post_init__(self) -> None:
        guard = re.compile("|".join(re.escape(g) for g in self.guard)) if self.guard else None
        object.__setattr__(self, "_guard", guard)

    def may_match(self, lowered: str) -> bool:
        """The guard: False only when the pattern cannot match."""
        guard = self._guard  # type: ignore[attr-defined]
        return guard is None or guard.search(lowered) is not None


RULES: tuple[Rule, ...] = (
    # Menus, breadcrumbs, language switchers.
    Rule("navigation", _words_pattern(_NAV_EXACT), 4, on="key"),
    Rule("navigation", _LANGUAGE_SWITCH, 4),
    Rule("navigation", _BREADCRUMB_HOME, 40),
    Rule("navigation", _POST_NAVIGATION, 25, not_sentence=True),
    Rule("navigation", _BREADCRUMB, 40, not_sentence=True, guard=(" » ", " › ", " > ", " / ", " | ", " :: ")),
    Rule(
        "translator", _TRANSLATOR, 30, guard=("version", "translat", "übersetz", "traduzione", "traduit", "traducido")
    ),
    Rule(
        "embed",
        _EMBED,
        40,
        guard=(
            "twitter.com",
            "t.co/",
            "x.com/",
            "(@",
            "shared",
            "geteilt",
            "instagram",
            "youtube",
            "inhalt",
            "external",
            "load",
            "embedded",
            "anzeigen",
            "laden",
        ),
    ),
    Rule("tags", _TAGS, 200),
    # Headings of related-article boxes and one-line teasers.
    Rule("related", RELATED_HEADINGS, 12, on="key"),
    Rule("related", _RELATED_INLINE, 25),
    Rule("related", _RELATED_LEAD, 14, not_sentence=True),
    Rule("related", _RELATED_LEAD_MARKED, 25),
    Rule("comments", COMMENTS_HEADINGS, 16, on="key"),
    Rule(
        "comments",
        _COMMENT_POLICY,
        40,
        guard=("comment", "e-mail", "email", "publish", "hear what", "kommentare", "veröffentlicht", "akismet"),
    ),
    Rule("comments", _COMMENT_LABEL, 8),
    Rule("share", _share_pattern(), 14, on="lower"),
    Rule("share", _SHARE_LABEL, 10, not_sentence=True),
    Rule("share", _FEEDBACK, 16),
    Rule("tags", _POST_FOOTER, 30, not_reported=True),
    Rule(
        "consent",
        _CONSENT,
        60,
        guard=(
            "cookie",
            "akzeptieren",
            "zustimmen",
            "consent",
            "tracking",
            "javascript",
            "blocker",
            "daten",
            "privacy",
            "recaptcha",
            "gdpr",
            "privatsphäre",
        ),
    ),
    Rule(
        "advert",
        _ADVERT,
        50,
        not_reported=True,
        guard=("advertising", "we may", "affiliate", "contains", "enthält", "sponsored", "paid", "anzeige", "audience"),
    ),
    # Captions and photo credits.
    Rule(
        "caption",
        _CAPTION,
        45,
        not_reported=True,
        guard=("(", "photo", "foto", "bild", "image", "picture", "credit", "quelle", "grafik", "illustration"),
    ),
    Rule("caption", _CAPTION_CREDIT, 45, guard=_AGENCY_WORDS),
    Rule("caption", _POSITION_MARKER, 90, guard=("(",)),
    Rule("caption", _TRAILING_CREDIT, 35, guard=("foto", "photo", "bild", "image", "credit")),
    Rule("caption", _FIGURE_LABEL, 35),
    Rule("caption", _CAPTION_BY, 13),
    # Footers: copyright, company and legal lines.
    Rule("footer", _words_pattern(_FOOTER_EXACT), 4, on="key"),
    Rule(
        "footer",
        _FOOTER,
        30,
        guard=(
            "©",
            "(c)",
            "copyright",
            "rights",
            "rechte",
            "diritti",
            "droits",
            "vat",
            "ust",
            "mwst",
            "iva",
            "registration",
            "register",
            "hrb",
            "capital",
            "capitale",
            "geschäftsführ",
            "vertretungsberechtigt",
            "verantwortlich",
            "v.i.s.d.p",
            "issn",
        ),
    ),
    Rule("footer", _COPYRIGHT_OPENING, 65),
    Rule("footer", _LICENCE, 35, not_reported=True, guard=("creative commons", "cc-by", "cc by")),
    Rule("footer", _COPYRIGHT_WORD, 30, not_sentence=True, not_reported=True, guard=("copyright",)),
    Rule(
        "footer",
        _ADDRESS,
        30,
        not_sentence=True,
        needs_digit=True,
        guard=(
            "via",
            "piazza",
            "corso",
            "stra",
            "str.",
            "street",
            "st.",
            "road",
            "rd.",
            "avenue",
            "ave.",
            "platz",
            "weg",
            "allee",
            "gasse",
            "ring",
            "damm",
            "ufer",
            "rue",
            "calle",
            "plaza",
            "boulevard",
            "blvd",
            "tel",
            "phone",
            "fax",
        ),
    ),
    Rule(
        "footer",
        _FOOTER_LINKS,
        30,
        not_sentence=True,
        guard=(
            "privacy",
            "datenschutz",
            "cookie",
            "terms",
            "nutzungsbedingungen",
            "powered by",
            "amtsgericht",
            "registered",
            "creative commons",
            "lizenziert",
            "licensed",
        ),
    ),
    # Prompts to subscribe, follow, download, click.
    Rule(
        "subscribe",
        _SUBSCRIBE_STRONG,
        35,
        guard=(
            "subscri",
            "sign up",
            "e-mail",
            "email",
            "newsletter",
            "jetzt",
            "melden sie",
            "abonn",
            "iscriviti",
            "weiterlesen",
            "full story",
            "unlock",
            "follow",
            "folgen",
            "join",
            "inbox",
            "renew",
            "journalism",
            "unterstützen",
            "benachrichtigung",
            "push",
            "artikel",
            "reading",
            "spam",
            "never miss",
            "signing up",
            "download",
            "cancel",
            "kündbar",
            "posteingang",
            "rely on",
            "wykup",
            "daily",
            "weekly",
        ),
    ),
    Rule("subscribe", _SUBSCRIBE_WEAK, 8, not_sentence=True),
    Rule(
        "share",
        _FOLLOW,
        35,
        not_reported=True,
        guard=(
            "twitter",
            "facebook",
            "instagram",
            "telegram",
            "tiktok",
            "youtube",
            "linkedin",
            "threads",
            "bluesky",
            "mastodon",
            "whatsapp",
            "social media",
            "channel",
            "kanal",
            "canal",
            "@",
        ),
    ),
    Rule(
        "subscribe",
        _CALL_TO_ACTION,
        35,
        not_reported=True,
        guard=(
            "abonn",
            "suscr",
            "iscriviti",
            "zapisz",
            "subskrypc",
            "app",
            "enjoy",
            "support us",
            "unterstütze",
            "become a",
            "logged in",
            "eingeloggt",
            "angemeldet",
            "gern",
            "click here",
            "klicken sie",
            "tell us",
            "your say",
            "what you think",
        ),
    ),
    Rule("bio", _AUTHOR_BOX, 4, on="key"),
    Rule("bio", _AUTHOR_SELF, 80, guard=("autor", "author", "writer")),
    Rule("consent", _DATA_CONTROLLER, 200, guard=("danych", "controller", "verantwortlich", "processing", "daten")),
    Rule("boilerplate", _READING_TIME, 8),
    Rule("boilerplate", _UPDATED, 10),
)


# The rules that apply to a block of n words (their limit is n or more), in table order:
# most blocks are past most limits, and the table is read for every block of every page.
_RULES_BY_WORDS: tuple[tuple[Rule, ...], ...] = tuple(
    tuple(rule for rule in RULES if rule.limit >= n) for n in range(max(rule.limit for rule in RULES) + 1)
)
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


def block_key(text: str) -> str:
    """A block as menus are compared: case-folded, edge punctuation and bullets off, spaces single."""
    text = text.casefold().strip()
    text = _EDGE_PUNCTUATION.sub("", text)
    return _SPACES.sub(" ", text)


def word_count(text: str) -> int:
    """Words, counting two characters of an unspaced script (Chinese, Japanese) as one."""
    return len(WORD.findall(text)) + unspaced_chars(text) // 2


def reason_for(text: str) -> str | None:
    """The reason of the first rule in RULES that applies to this block, or None."""
    text = " ".join(text.split())
    n = word_count(text)
    key: str | None = None
    lower: str | None = None
    sentence: bool | None = None
    reported: bool | None = None
    low = text.lower()
    digit: bool | None = None
    for rule in _RULES_BY_WORDS[n] if n < len(_RULES_BY_WORDS) else ():
        guard = rule._guard  # type: ignore[attr-defined]  # (may_match, without the call)
        if guard is not None and guard.search(low) is None:
            continue
        if rule.needs_digit:
            digit = any(c.isdigit() for c in text) if digit is None else digit
            if not digit:
                continue
        if rule.on == "key":
            key = block_key(text) if key is None else key
            if not rule.pattern.fullmatch(key):
                continue
        elif rule.on == "lower":
            lower = text.casefold() if lower is None else lower
            if not rule.pattern.match(lower):
                continue
        elif not rule.pattern.search(text):
            continue
        if rule.not_sentence:
            sentence = (bool(TERMINAL.search(text)) and n >= 8) if sentence is None else sentence
            if sentence:
                continue
        if rule.not_reported:
            reported = bool(_REPORTED_SPEECH.search(text)) if reported is None else reported
            if reported:
                continue
        return rule.reason
    # A short line ending in a date after a comma ("X and Y in Seoul, 4/11/24") is a caption.
    if (
        n <= 25
        and not TERMINAL.search(text)
        and _ENDS_WITH_DATE.search(text)
        and not metadata.is_dateline(text)
        and metadata.outlet_and_date(text) is None
    ):
        return "caption"
    return None
