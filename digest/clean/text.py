"""The text cleaner: keep the report, drop the page around it, and say why.

Scraped pages and pasted reports arrive as lines. Each block (a line, or a
hard-wrapped paragraph joined back together) is classified by small,
readable rules into "report" or a drop with a reason code (docs/clean.md).
Then the page is read as zones:

    header (menus, title, byline, date)  |  report  |  trailer (related, footer)

The report zone is the longest run of paragraph-like blocks ("anchors": real
sentences with ordinary function words). Everything before it is header,
everything after it is trailer; short blocks inside it are headings or debris.
Metadata lines (title, byline, dateline) are moved into `meta`, not lost.
Finally `segments.find_appended` cuts a tail that is not part of the report.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from digest.clean import metadata
from digest.clean.segments import find_appended
from digest.types import Dropped

__all__ = ["TextResult", "clean_text", "REASONS"]

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
    "dateline": "the date line (moved to metadata)",
    "heading": "a subheading inside the report (headings are not sentences)",
    "markup": "leftover HTML tags",
    "appended": "a segment appended after the report that is not part of it",
    "duplicate": "a block repeated earlier in the page",
    "advert": "advertising and affiliate disclosures",
    "fragment": "short debris that is neither a sentence nor a heading",
    "bio": "a note about the author after the report",
    "boilerplate": "menus and banners found by HTML structure, from the HTML path",
}


@dataclass(frozen=True)
class TextResult:
    """What clean_text found: the report's paragraphs, what it dropped and why, and metadata."""

    paragraphs: tuple[str, ...]
    dropped: tuple[Dropped, ...]
    meta: dict[str, str] = field(default_factory=dict, hash=False)


# ---------------------------------------------------------------------------
# Vocabulary. Keys are compared case-folded, with bullets and edge punctuation removed.

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

_RELATED_HEADINGS = re.compile(
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
    r"leggi\s+anche|articoli\s+correlati|potrebbe\s+interessarti|à\s+lire\s+aussi|lire\s+aussi)$",
    re.I,
)
# "Read more: <another headline>" as a single line inside or after the report.
_RELATED_INLINE = re.compile(
    r"^(?:read\s+(?:more|also)|see\s+also|related|more|lesen\s+sie\s+(?:auch|mehr)|auch\s+interessant|"
    r"mehr\s+zum\s+thema|leggi\s+anche|lire\s+aussi|zum\s+thema)\s*[:»>|–—-]\s*\S",
    re.I,
)
# The link label under a teaser's summary.
_READ_MORE_LABELS = {
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
_COMMENTS_HEADINGS = re.compile(
    r"^(?:\d+\s+)?(?:comments?|kommentare?|leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|"
    r"schreibe(?:n\s+sie)?\s+(?:einen\s+kommentar|eine\s+antwort)|ihre\s+meinung|diskussion|diskutieren\s+sie\s+mit|"
    r"so\s+können\s+sie\s+kommentieren|(?:letzte|neueste)\s+kommentare|recent\s+comments|leserkommentare|"
    r"\d+\s+(?:responses|antworten|reaktionen)|what\s+do\s+you\s+think|was\s+meinen\s+sie|"
    r"\d+\s+(?:antworten|kommentare|comments|responses|replies|thoughts)\s+(?:zu|to|on|auf|for)\b.*|"
    r"we\s+ask\s+that\s+comments.*|comments\s+are\s+(?:closed|moderated).*|kommentare\s+sind\s+geschlossen.*|"
    r"join\s+the\s+(?:discussion|conversation)|commenti|commentaires)(?:\s*\(\d+\))?$",
    re.I,
)

# Moderation notes and prompts around a comment form.
_COMMENT_POLICY = re.compile(
    r"\b(?:comments?\s+(?:are|may\s+be|will\s+be)\s+(?:moderated|republished|pre-?moderated)|"
    r"e-?mail\s+address(?:es)?\s+will\s+not\s+be\s+published|(?:try\s+to|possible\s+to)\s+publish\s+(?:all\s+)?comments|"
    r"we\s+want\s+to\s+hear\s+what\s+you\s+think|commenting\s+policy|"
    r"ihre\s+e-mail-adresse\s+wird\s+nicht\s+veröffentlicht|kommentare\s+werden\s+moderiert)\b",
    re.I,
)
# A note about the author after the report: "Jane Doe is a senior writer for ...", "X writes about ...".
_AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+)(?:\s+[A-Z][\w.'’-]+){0,3}\s+(?i:"
    r"is\s+(?:a|an|the)\s+(?:[\w&,'’-]+\s+){0,5}?(?:writer|journalist|reporter|editor|author|columnist|correspondent|"
    r"contributor|professor|fellow|founder|co-founder|consultant|blogger|developer|engineer|researcher|analyst|producer)s?\b|"
    r"writes\s+(?:about|for|on)\b|covers\s+\w|has\s+(?:worked|written)\s+(?:as|for|about)\b|is\s+the\s+author\s+of\b|"
    r"(?:ist|war)\s+(?:\w+\s+){0,3}(?:redakteur|redakteurin|autor|autorin|journalist|journalistin|korrespondent|korrespondentin)\b)"
)
_BREADCRUMB_SEP = re.compile(r"\s+(?:»|›|>|/|\||::)\s+")
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
_CATEGORY_LINE = re.compile(
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
    r"unsubscribe\s+at\s+any\s+time|download\s+our\s+(?:[\w-]+\s+){0,3}apps?\b|"
    r"download\s+the\s+(?:[\w-]+\s+){0,4}apps?\s+(?:for|on|from)\s+(?:ios|android|iphone|the\s+app\s+store|google\s+play))",
    re.I,
)
_SUBSCRIBE_WEAK = re.compile(
    r"\b(?:subscribe|subscription|newsletter|abonnieren|abonnement|abo|sign\s+up|follow\s+us|folgen\s+sie\s+uns|podcast)\b",
    re.I,
)

_ADVERT = re.compile(
    r"\b(?:advertising\s+disclosure|we\s+may\s+(?:receive|earn)\s+(?:compensation|a\s+commission)|affiliate[- ]links?|"
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
    r"google\s+privacy\s+policy\s+and\s+terms\s+of\s+service\s+apply|you(?:'re|’re|\s+are)\s+(?:running|using)\s+an?\s+ad\s*-?blocker)\b",
    re.I,
)

# Footer lines that no report sentence contains.
_FOOTER = re.compile(
    r"(?:©|\(c\)\s*\d{4}|^copyright\b|\bcopyright\s*(?:©|\(c\)|\d{4})|\ball\s+rights\s+reserved\b|"
    r"\balle\s+rechte\s+vorbehalten\b|tutti\s+i\s+diritti\s+riservati|tous\s+droits\s+réservés|"
    r"\b(?:vat|ust|mwst)[\s.-]*(?:id|number|no|nr|ident)|\bp\.?\s?iva\b|partita\s+iva|\bust-?idnr|"
    r"registration\s+number|registernummer|handelsregister|\bhrb\s*\d|registered\s+(?:office|newspaper)|"
    r"press\s+register|\bshare\s+capital|stammkapital|capitale\s+sociale|geschäftsführ(?:er|ung)\s*:|"
    r"vertretungsberechtigt|verantwortlich\s+(?:für\s+den\s+inhalt|i\.\s*s\.\s*d)|\bv\.i\.s\.d\.p|\bissn\b)",
    re.I,
)
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
    r"\bexterne[rn]?\s+inhalt|\bexternal\s+content\b|um\s+(?:diesen|den)\s+inhalt\s+(?:zu\s+sehen|anzuzeigen)|"
    r"inhalt\s+(?:laden|anzeigen|aktivieren)|load\s+(?:tweet|content|embed)|embedded\s+content|"
    r"(?:tweet|post|beitrag)\s+(?:anzeigen|laden)",
    re.I,
)
_TWEET_END = re.compile(
    r"(?:pic\.twitter\.com/\w+|\(@\w{1,30}\)\s+\S+\s+\d{1,2},?\s+\d{4}|\(@\w{1,30}\)\s+\d{1,2}\.?\s+\S+\s+\d{4})"
)

# Code and shell lines: a prompt or keyword at the start, a call, an assignment, braces.
_CODE = re.compile(
    r"^(?:>>>|\.\.\.\s|\$\s|#\s*include|import\s+\w|from\s+[\w.]+\s+import|def\s+\w|class\s+\w+[:(]|return\b|sudo\s|"
    r"pip\s+install|npm\s|apt(?:-get)?\s+install|git\s+\w)"
    r"|\w\([^()]*\)\s*(?:[:;{]|$)|^[\w.\[\]'\"-]+\s*(?:[+*/-]?=|==|:=|=>|->)\s*\S|[{};]\s*$|^\s*[}\])]|^\[[^\]]*[\"'\d][^\]]*\]$"
)
_TAG = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s+[^<>]*?)?/?>|<!--.*?-->|</?[a-zA-Z][a-zA-Z0-9-]*\s+[a-z-]+=\"[^\"]*\"[^<>]*$"
)
_BULLET = re.compile(r"^\s*(?:[•·▪▸►‣◦∙*+]|-(?=\s)|–(?=\s)|\d{1,2}[.)](?=\s))\s*")
_TRAILING_SHARE = re.compile(r"(?<=[.!?\"”“»'’)])\s+(?:share|teilen|tweet)\s*$", re.I)
_TERMINAL = re.compile(r"[.!?…:;]['\"”“’»«)\]]*$")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)['\"”’»)\]]*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]['\"”’»)]*\s+['\"“„«(]?[A-ZÄÖÜ0-9]")

# Function words: running prose is full of them; menus and teaser titles are not.
_STOPWORDS = set(
    """
    the a an and or but of to in on at for with by from as is are was were be been being has have had do does did
    that this these those it its he she they we you i his her their our not no will would can could should may might
    than then there here which who whom what when where why how also after before about over into out up more most
    said says if so such only just all any some other new one two
    der die das den dem des ein eine einer eines einem einen und oder aber nicht kein keine ist sind war waren wird
    werden wurde wurden hat haben hatte hatten sein seine ihre ihr ihm ihn sie er es wir ich du man mit von zu zum zur
    im in am an auf aus bei nach vor für über unter durch gegen ohne um als wie auch noch schon nur sehr so dass daß
    wenn weil denn doch sich dies diese dieser dieses jetzt dann hier da wo was wer bis seit mehr sowie laut
    le la les un une des du et ou est sont été il elle ils nous vous que qui dans pour par sur avec pas plus
    il lo gli i una di da e è sono per con non che del della nel nella al alla
    el los las y o es son en por para con no que del al se lo
    """.split()
)


# Zone tuning (checked on the dev pages, see docs/clean.md): chrome blocks allowed between two
# prose blocks of one report, and how big the first prose run must be, relative to the biggest.
_MAX_GAP = 8
_FIRST_RUN_SHARE = 0.4
# A paragraph this long after a "Related"/"Read also" box means the article goes on.
_RESUME_WORDS = 20
# Short sentences just above or below the report that are taken into it (see _extend_run).
_EXTEND_BLOCKS = 3
# An author note is looked for among this many last kept blocks.
_BIO_WINDOW = 5


@dataclass
class _Block:
    text: str
    gap_before: int  # blank lines before this block in the source
    bullet: bool
    markup: str = ""  # tags removed from this block
    reason: str | None = None  # drop reason, None while undecided / kept
    kind: str = ""  # "body" | "heading" after the zone pass
    strong: bool = False  # reason came from a specific rule (not a zone default)
    share_tail: str = ""  # a " Share" button label cut off the end of the block


# ---------------------------------------------------------------------------


def clean_text(text: str, *, title: str | None = None, trusted: bool = False) -> TextResult:
    """Classify the blocks of scraped or pasted text; keep the report's paragraphs.

    `title`, when the caller already knows it, is removed from the text as `title`.
    `trusted=True` says the text is already an article body (WordPress content,
    trafilatura's output, a JSON record): no header or trailer zone is cut, only
    blocks that a rule names (share, related, embed, ...) are dropped.
    Works on any web-page text (English, German, ...), not only on the seeds.
    """
    meta: dict[str, str] = {}
    blocks = _split_blocks(_normalise(text))
    extra: list[tuple[int, Dropped]] = []  # drops cut out of kept blocks (prefixes, " Share")

    for block in blocks:
        _classify(block)

    _mark_zones(blocks, trusted)
    _find_title(blocks, title, meta)
    _find_byline_and_date(blocks, meta, extra)
    _mark_embeds(blocks)
    _mark_duplicates(blocks)
    _mark_author_bio(blocks)
    outlet = _find_outlet(blocks)
    if outlet:
        meta["outlet"] = outlet

    kept_index = [i for i, b in enumerate(blocks) if b.reason is None]
    start = find_appended(
        [blocks[i].text for i in kept_index], [blocks[i].kind == "heading" for i in kept_index], topic_shift=not trusted
    )
    if start is not None:
        for i in kept_index[start:]:
            blocks[i].reason = "appended"
    for block in blocks:
        if block.reason is None and block.kind == "heading":
            block.reason = "heading"

    paragraphs: list[str] = []
    dropped: list[tuple[int, Dropped]] = list(extra)
    for i, block in enumerate(blocks):
        if block.reason is None:
            if block.markup:
                dropped.append((i, Dropped("markup", block.markup)))
            paragraphs.append(block.text)
        else:
            dropped.append((i, Dropped(block.reason, block.text)))
        if block.share_tail:
            dropped.append((i, Dropped("share", block.share_tail)))
    dropped.sort(key=lambda item: item[0])
    return TextResult(tuple(paragraphs), tuple(d for _, d in dropped), meta)


# ---------------------------------------------------------------------------
# Reading the text into blocks.


def _normalise(text: str) -> str:
    """Undo HTML entities, odd spaces and line endings; why: scraped text carries all of them."""
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\u2009\u200a\t]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    return text


def _split_blocks(text: str) -> list[_Block]:
    """Lines become blocks; hard-wrapped lines of one paragraph are joined back together."""
    groups: list[tuple[int, list[str]]] = []
    gap = 0
    current: list[str] = []
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            if current:
                groups.append((gap, current))
                current = []
                gap = 0
            gap += 1
            continue
        current.append(line)
    if current:
        groups.append((gap, current))

    blocks: list[_Block] = []
    for gap, lines in groups:
        for j, line in enumerate(_unwrap(lines)):
            markup = " ".join(m.group(0) for m in _TAG.finditer(line))
            stripped = re.sub(r"\s+", " ", _TAG.sub(" ", line)).strip() if markup else line
            share = _TRAILING_SHARE.search(stripped)
            share_tail = ""
            if share and len(_words(stripped)) > 3:
                share_tail = share.group(0).strip()
                stripped = stripped[: share.start()].rstrip()
            bullet = bool(_BULLET.match(stripped))
            if bullet:
                stripped = _BULLET.sub("", stripped, count=1)
            block = _Block(stripped, gap if j == 0 else 0, bullet, markup, share_tail=share_tail)
            if not _WORD.search(stripped):
                block.reason = "markup" if markup else "fragment"
                block.strong = bool(markup)
                block.text = line
            blocks.append(block)
    return blocks


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines that are one paragraph wrapped at a fixed width (plain-text e-mail style)."""
    if len(lines) < 2:
        return lines
    lengths = [len(x) for x in lines[:-1]]
    widest = max(lengths)
    wrapped = (
        len(lines) >= 3
        and 50 <= widest <= 100
        and sum(1 for n in lengths if n >= 0.7 * widest) >= 0.8 * len(lengths)
        and not any(_BULLET.match(x) for x in lines)
        and any(x[:1].islower() for x in lines[1:])  # wrapped prose continues mid-sentence somewhere
    )
    out: list[str] = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        soft = (len(prev) >= 50 and line[:1].islower() and not _TERMINAL.search(prev)) or (
            prev.endswith("-") and line[:1].islower()
        )
        if wrapped or soft:
            out[-1] = prev[:-1] + line if prev.endswith("-") and line[:1].islower() else prev + " " + line
        else:
            out.append(line)
    return out


# ---------------------------------------------------------------------------
# Rules for one block.


def _key(text: str) -> str:
    text = text.casefold().strip()
    text = re.sub(r"^[\W_]+|[\W_]+$", "", text)
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _stopword_ratio(words: list[str]) -> float:
    if not words:
        return 0.0
    return sum(1 for w in words if w.casefold() in _STOPWORDS) / len(words)


def _is_share(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s/|,·•()\[\]:]+", text.casefold()) if t]
    if not tokens or len(tokens) > 14:
        return False
    if not any(t in _SHARE_CORE for t in tokens):
        return False
    return all(t in _SHARE_CORE or t in _SHARE_FILLER or t.isdigit() for t in tokens)


def _classify(block: _Block) -> None:
    """Give a block a drop reason by its own content, or leave it undecided."""
    if block.reason:
        return
    text = block.text
    key = _key(text)
    words = _words(text)
    n = len(words)
    sentence_like = bool(_TERMINAL.search(text)) and n >= 8

    def drop(reason: str) -> None:
        block.reason = reason
        block.strong = True

    if key in _NAV_EXACT or _LANGUAGE_SWITCH.match(text):
        return drop("navigation")
    if _BREADCRUMB_HOME.match(text) or (len(_BREADCRUMB_SEP.findall(text)) >= 2 and not sentence_like):
        return drop("navigation")
    if n <= 30 and _TRANSLATOR.search(text):
        return drop("translator")
    if n <= 40 and _EMBED.search(text):
        return drop("embed")
    if _TAGS.match(text):
        return drop("tags")
    if _RELATED_HEADINGS.match(key) or (n <= 25 and _RELATED_INLINE.match(text)):
        return drop("related")
    if _COMMENTS_HEADINGS.match(key) or (n <= 40 and _COMMENT_POLICY.search(text)):
        return drop("comments")
    if _is_share(text):
        return drop("share")
    if n <= 60 and _CONSENT.search(text):
        return drop("consent")
    if n <= 45 and _ADVERT.search(text):
        return drop("advert")
    if n <= 45 and (_CAPTION.search(text) or _CAPTION_CREDIT.search(text)):
        return drop("caption")
    if n <= 90 and _POSITION_MARKER.search(text):
        return drop("caption")
    if n <= 35 and _TRAILING_CREDIT.search(text):
        return drop("caption")
    if key in _FOOTER_EXACT or (
        n <= 30
        and (_FOOTER.search(text) or (not sentence_like and (_ADDRESS.search(text) or _FOOTER_LINKS.search(text))))
    ):
        return drop("footer")
    if (n <= 35 and _SUBSCRIBE_STRONG.search(text)) or (n <= 8 and not sentence_like and _SUBSCRIBE_WEAK.search(text)):
        return drop("subscribe")
    if n <= 25 and not _TERMINAL.search(text) and _ENDS_WITH_DATE.search(text) and not metadata.is_dateline(text):
        return drop("caption")


def _is_anchor(block: _Block, prose_language: bool) -> bool:
    """A block that reads as report prose: a real sentence with ordinary function words."""
    if block.reason is not None:
        return False
    words = _words(block.text)
    if len(words) < 10:
        return False
    ends = bool(_TERMINAL.search(block.text)) or len(_SENTENCE_END.findall(block.text)) >= 1
    if not ends:
        return False
    if _ELLIPSIS_END.search(block.text) and len(words) < 45:
        return False  # teaser snippets are cut off with "..."
    return not (prose_language and _stopword_ratio(words) < 0.12)


def _is_heading(text: str) -> bool:
    words = _words(text)
    if not 2 <= len(words) <= 25 or sum(1 for w in words if len(w) >= 3) < len(words) / 2:
        return False
    first = text.lstrip("\"'“„«‘(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    return not (text.rstrip().endswith((".", ",", ";")) and not text.rstrip().endswith("..."))


# ---------------------------------------------------------------------------
# Zones: header | report | trailer.


def _mark_zones(blocks: list[_Block], trusted: bool = False) -> None:
    all_words = [w for b in blocks for w in _words(b.text)]
    prose_language = _stopword_ratio(all_words) >= 0.08

    # A "Related posts" or comments heading opens a zone that lasts until the report resumes.
    zone_reason: str | None = None
    anchors_seen = 0
    for i, block in enumerate(blocks):
        if block.reason in ("related", "comments") and _is_section_heading(block.text):
            # A comments link above the report ("Leave a reply") opens nothing.
            if block.reason == "related" or anchors_seen >= 2:
                zone_reason = block.reason
            continue
        if zone_reason is None and _is_anchor(block, prose_language):
            anchors_seen += 1
        if zone_reason is None:
            continue
        if (
            zone_reason == "related"
            and _is_anchor(block, prose_language)
            and _report_resumes(blocks, i, prose_language)
        ):
            zone_reason = None
            continue
        if block.reason is None:
            block.reason = zone_reason

    anchors = [i for i, b in enumerate(blocks) if _is_anchor(b, prose_language)]
    if trusted:
        anchors = [i for i, b in enumerate(blocks) if b.reason is None]
        if not anchors:
            return
        start, end = anchors[0], anchors[-1]
    elif not anchors:
        # No prose at all: keep sentence-like blocks, drop the rest as debris.
        for block in blocks:
            if block.reason is None and not (_TERMINAL.search(block.text) and len(_words(block.text)) >= 4):
                block.reason = "navigation" if block.bullet or len(_words(block.text)) <= 3 else "fragment"
        return

    else:
        start, end = _main_run(blocks, anchors)
        start, end = _extend_run(blocks, start, end, prose_language)
        start = _take_standfirst(blocks, start)

    # Header: everything above the report is page chrome unless a later pass claims it as metadata.
    for block in blocks[:start]:
        if block.reason is None:
            block.reason = "navigation"
            block.kind = "header"

    # Report zone: prose is kept, headings are marked, debris is dropped.
    for block in blocks[start : end + 1]:
        if block.reason is not None:
            continue
        words = _words(block.text)
        if block.bullet and len(words) <= 2:
            block.reason = "navigation"
        elif _TERMINAL.search(block.text) and len(words) >= 3 and not _ELLIPSIS_END.search(block.text):
            block.kind = "body"
        elif words and re.search(r"\w[!?]['\"”’»)]*$", block.text) and not block.bullet:
            block.kind = "body"  # "Surprise!", "Why?": a short exclamation or question between paragraphs
        elif re.match(r"^(?:by|von)\s", block.text, re.I) and metadata.parse_byline(block.text):
            block.reason = "byline"  # a second author line inside the report ("By Nada Tawfik, BBC News")
        elif _is_heading(block.text) and not block.bullet:
            block.kind = "heading"
        elif len(words) >= 12 and _stopword_ratio(words) >= 0.12 or block.bullet and len(words) >= 3:
            block.kind = "body"
        elif _is_code(block.text):
            block.kind = "body"  # an example quoted in a report about software
        elif _CATEGORY_LINE.match(block.text):
            block.reason = "tags"
        elif trusted:
            block.kind = "body"
        else:
            block.reason = "fragment"

    # Trailer: related teasers, footers and menus. The reason follows the last section seen.
    trailer_reason = "navigation"
    for block in blocks[end + 1 :]:
        if block.reason in ("related", "footer", "comments"):
            trailer_reason = block.reason
        elif block.reason is None:
            block.reason = "navigation" if block.bullet else trailer_reason


def _is_section_heading(text: str) -> bool:
    key = _key(text)
    return bool(_RELATED_HEADINGS.match(key) or _COMMENTS_HEADINGS.match(key))


def _report_resumes(blocks: list[_Block], i: int, prose_language: bool) -> bool:
    """After a 'Related' box, the report goes on only if solid prose follows at once.

    Readers' comments never end: a comments zone runs to the end of the page.
    """
    following = [b for b in blocks[i : i + 4] if b.reason is None][:3]
    if len(_words(blocks[i].text)) >= _RESUME_WORDS and not _is_teaser_summary(blocks, i):
        return True  # one solid paragraph: the box was a teaser inside the article
    if len(following) >= 2 and all(_is_anchor(b, prose_language) for b in following[:2]):
        if sum(len(_words(b.text)) for b in following[:2]) >= 50:
            return True
        return len(following) == 3 and _is_anchor(following[2], prose_language)
    return False


def _is_code(text: str) -> bool:
    """A line of program code or shell: reports about software quote it between their paragraphs."""
    return bool(_CODE.search(text))


def _reads_as_content(block: _Block) -> bool:
    """A short block that reads like part of a text (a short sentence, a line introducing an
    example, a line of code), not like a menu entry or link label."""
    text = block.text
    if _ELLIPSIS_END.search(text):
        return False
    words = _words(text)
    if _TERMINAL.search(text) and len(words) >= 2:
        return True
    return _is_code(text)


def _gap_weight(block: _Block) -> int:
    """How much a block between two prose blocks speaks for a break in the report.

    Blocks explained by a specific rule (captions, share buttons), bylines and datelines sit
    inside reports all the time, and so do short sentences, example lines and code: none of
    them counts. Unexplained short lines (menu entries, link labels) do.
    """
    if block.strong or _reads_as_content(block):
        return 0
    if metadata.is_dateline(block.text) or metadata.parse_byline(block.text) is not None:
        return 0
    return 1


def _extend_run(blocks: list[_Block], start: int, end: int, prose_language: bool) -> tuple[int, int]:
    """Widen the report by the short sentences just around it.

    A lead too short to be an anchor above the first paragraph ("What happened:"), or a
    closing sentence ("I hope you like it.") below the last one, is part of the report;
    the first menu entry or link label on the way out stops the widening. Below the report
    only full stops and "!" count: "Want more?" and "Share this:" are prompts.
    Blocks explained by a rule (share, captions, dates, bylines) are stepped over.
    """

    def reads_as_sentence(block: _Block, ends: str, min_words: int) -> bool:
        text = block.text.rstrip("'\"”“’»«)] ")
        words = _words(block.text)
        if block.reason is not None or len(words) < min_words or not text.endswith(tuple(ends)):
            return False
        if _ELLIPSIS_END.search(block.text):
            return False
        return not prose_language or _stopword_ratio(words) >= 0.1

    def step_over(block: _Block) -> bool:
        return block.strong or metadata.is_dateline(block.text) or metadata.parse_byline(block.text) is not None

    i, taken = start - 1, 0
    while i >= 0 and taken < _EXTEND_BLOCKS:
        if step_over(blocks[i]):
            i -= 1
            continue
        if not reads_as_sentence(blocks[i], ".!:", 5):
            break
        start, taken = i, taken + 1
        i -= 1
    i, taken = end + 1, 0
    while i < len(blocks) and taken < _EXTEND_BLOCKS:
        if step_over(blocks[i]):
            i += 1
            continue
        if not reads_as_sentence(blocks[i], ".!", 4):
            break
        end, taken = i, taken + 1
        i += 1
    return start, end


def _take_standfirst(blocks: list[_Block], start: int) -> int:
    """Move the report's start up to a standfirst: the summary line under the headline.

    It is a sentence without the final full stop, so it is no anchor; it is told from the
    headline by coming after another headline-like line (the title stays metadata).
    """
    i = start - 1
    while i >= 0 and (blocks[i].strong or metadata.is_dateline(blocks[i].text)):
        i -= 1
    if i < 1:
        return start
    block = blocks[i]
    words = _words(block.text)
    if block.reason is not None or block.bullet or len(words) < 8 or _ELLIPSIS_END.search(block.text):
        return start
    if _stopword_ratio(words) < 0.15:
        return start
    for above in blocks[max(0, i - 4) : i]:
        if above.reason is None and not above.bullet and len(_words(above.text)) >= 4 and _is_heading(above.text):
            return i
    return start


def _is_teaser_summary(blocks: list[_Block], i: int) -> bool:
    """A paragraph followed by a "Read more" link is the summary of another article."""
    for block in blocks[i + 1 : i + 4]:
        if block.reason in ("share", "fragment", "markup"):
            continue
        return _key(block.text) in _READ_MORE_LABELS
    return False


def _main_run(blocks: list[_Block], anchors: list[int]) -> tuple[int, int]:
    """The run of anchors with the most words, allowing short gaps of chrome between them.

    Blocks already explained by a specific rule (captions, bylines, share buttons)
    do not count as a gap: they sit inside reports all the time.
    """
    runs: list[list[int]] = [[anchors[0]]]
    for a, b in zip(anchors, anchors[1:]):
        gap = sum(_gap_weight(blk) for blk in blocks[a + 1 : b])
        if gap > _MAX_GAP:
            runs.append([b])
        else:
            runs[-1].append(b)
    # The report comes first on a page: take the first run that is nearly as big as the
    # biggest, so that a long sidebar or a comment thread below does not win.
    sizes = [sum(len(_words(blocks[i].text)) for i in run) for run in runs]
    best = next(run for run, size in zip(runs, sizes) if size >= _FIRST_RUN_SHARE * max(sizes))
    return best[0], best[-1]


# ---------------------------------------------------------------------------
# Metadata lines: title, byline, dateline.


def _find_title(blocks: list[_Block], title: str | None, meta: dict[str, str]) -> None:
    """Mark the headline as `title` (and remember it). A known title wins; else the page's own."""
    found = title.strip() if title else None
    if found is None:
        found = _title_from_page(blocks)
    if not found:
        return
    meta["title"] = found
    wanted = _key(found)
    for block in blocks:
        if _key(block.text) == wanted and (block.reason is None or block.reason in ("navigation", "fragment")):
            block.reason = "title"
            block.kind = ""


def _title_from_page(blocks: list[_Block]) -> str | None:
    """A breadcrumb's last crumb repeated as a line, else the last heading-like line above the report."""
    for i, block in enumerate(blocks):
        if block.reason == "navigation" and _BREADCRUMB_SEP.search(block.text):
            crumb = _BREADCRUMB_SEP.split(block.text)[-1].strip()
            if len(_words(crumb)) >= 3 and any(_key(b.text) == _key(crumb) for b in blocks[i + 1 : i + 6]):
                return crumb
    first_report = next((i for i, b in enumerate(blocks) if b.reason is None), None)
    if first_report is None:
        return None
    for block in reversed(blocks[:first_report]):
        if block.kind != "header" or block.bullet:
            continue
        words = _words(block.text)
        if (
            len(words) >= 4
            and _is_heading(block.text)
            and not metadata.is_dateline(block.text)
            and metadata.parse_byline(block.text) is None
        ):
            return block.text
    return None


def _find_byline_and_date(blocks: list[_Block], meta: dict[str, str], extra: list[tuple[int, Dropped]]) -> None:
    """Bylines and datelines in the header or the first lines of the report become metadata."""
    first_report = next((i for i, b in enumerate(blocks) if b.reason is None), len(blocks))
    title_at = next((i for i, b in enumerate(blocks) if b.reason == "title"), -1)
    top = first_report + 6  # a byline/date often sits just below the standfirst
    date_candidates: list[tuple[int, str]] = []
    for i, block in enumerate(blocks[:top]):
        if block.reason not in (None, "navigation", "fragment", "tags", "byline"):
            continue
        if block.reason is None and block.kind == "body":
            found = metadata.split_dateline_prefix(block.text)
            if found is not None and "published" not in meta:
                when, prefix, rest = found
                meta["published"] = when.isoformat()
                extra.append((i, Dropped("dateline", prefix)))
                block.text = rest
            if len(_words(block.text)) > 16:
                continue
        author = metadata.parse_byline(block.text)
        if author is not None:
            meta.setdefault("author", author)
            block.reason = "byline"
            block.kind = ""
            continue
        if metadata.is_dateline(block.text):
            block.reason = "dateline"
            block.kind = ""
            date_candidates.append((i, block.text))
            continue
        if block.reason == "navigation" and _CATEGORY_LINE.match(block.text) and i > title_at >= 0:
            block.reason = "tags"
    if "published" not in meta and date_candidates:
        after_title = [c for c in date_candidates if c[0] > title_at] or date_candidates
        found = metadata.find_date(after_title[0][1])
        if found is not None:
            meta["published"] = found[0].isoformat()


_OUTLET_CLAIM = re.compile(
    r"^(?P<name>[A-Z][\w.&' -]{1,40}?)\s+is\s+a\s+registered\s+(?:newspaper|magazine|trademark|news)"
    r"|^(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[-–,]?\s*(?P<name2>[A-Z][\w.&' -]{1,40}?)\s*(?:[.,|]|$)",
    re.I,
)
_COMPANY_SUFFIX = re.compile(
    r"\b(?:s\.?p\.?a|s\.?r\.?l|gmbh|ag|ltd|inc|llc|plc|corp|co\.?\s*kg|se|sa|nv|bv)\b\.?", re.I
)


def _find_outlet(blocks: list[_Block]) -> str | None:
    """The site's name as a footer states it ("Eunews is a registered newspaper", "© 2024 Der Spiegel")."""
    for block in blocks:
        if block.reason != "footer":
            continue
        match = _OUTLET_CLAIM.search(block.text)
        if not match:
            continue
        name = (match.group("name") or match.group("name2") or "").strip(" -–,.")
        if name and not _COMPANY_SUFFIX.search(name) and 1 <= len(name.split()) <= 4 and not name[:1].isdigit():
            return name
    return None


# ---------------------------------------------------------------------------
# Embeds and duplicates.


def _sentence_keys(text: str) -> set[str]:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return {_key(p.replace("’", "'")) for p in parts if len(_words(p)) >= 4}


def _mark_embeds(blocks: list[_Block]) -> None:
    """A tweet embed ends with its attribution; the lines just above it are the tweet's text.

    They belong to the embed when an unusual gap (two or more blank lines) joins them
    to it, or when they repeat sentences the report already quoted.
    """
    # `earlier` (the sentences of the kept blocks above the one looked at) is kept as counts
    # updated in passing, not rebuilt for every block: rebuilding it made a long text with
    # many embeds take minutes (issue 15). Each block is walked back over at most once.
    earlier: Counter[str] = Counter()
    keys: dict[int, set[str]] = {}

    def keys_of(k: int) -> set[str]:
        if k not in keys:
            keys[k] = _sentence_keys(blocks[k].text)
        return keys[k]

    for i, block in enumerate(blocks):
        if block.reason == "embed" and _TWEET_END.search(block.text):
            j = i
            while j > 0:
                prev = blocks[j - 1]
                if prev.reason is not None or prev.kind == "heading":
                    break
                own = keys_of(j - 1)
                earlier.subtract(own)  # now: the kept blocks before prev
                repeats = {k for k in own if earlier[k] > 0}
                if blocks[j].gap_before >= 2 or repeats:
                    prev.reason = "embed"
                    j -= 1
                else:
                    earlier.update(own)
                    break
        if block.reason is None:
            earlier.update(keys_of(i))


def _mark_author_bio(blocks: list[_Block]) -> None:
    """A short note about the author among the last kept blocks is not part of the report."""
    kept = [b for b in blocks if b.reason is None and b.kind != "heading"]
    for block in kept[-_BIO_WINDOW:]:
        if len(_words(block.text)) <= 70 and _AUTHOR_BIO.match(block.text):
            block.reason = "bio"


def _mark_duplicates(blocks: list[_Block]) -> None:
    """A kept block seen before (same words) is a duplicate, e.g. a standfirst shown twice."""
    seen: set[str] = set()
    for block in blocks:
        key = _key(block.text)
        if len(key) < 20:
            continue
        if block.reason is None and key in seen:
            block.reason = "duplicate"
        seen.add(key)
