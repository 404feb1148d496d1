"""Word and link cues the reply classifier looks for, by channel and language.

English cues were written from reading real brand replies (TWCS, the dev half of
tests/fixtures/replies/); the German, French, Spanish, Italian, Dutch and Portuguese cues
are how care teams usually phrase the same requests, written from knowledge of those
languages and checked only on the handful of real non-English replies in the sample
(docs/redirects.md, "Accuracy"). Every pattern runs on text that `normalise` in
`benchmarks.replies` has lower-cased and in which links, e-mail addresses and phone numbers
are already replaced by the tokens below.
"""

from __future__ import annotations

import re

# Tokens `normalise` puts in place of what it recognised.
DM_LINK = "zdmlinkz"  # a link that opens a private-message composer
FORM_LINK = "zformlinkz"  # a link whose path names a contact form, chat or ticket page
URL = "zurlz"  # any other link (t.co links are opaque, so most links end up here)
EMAIL = "zemailz"  # an e-mail address, or TWCS's anonymised "__email__"
PHONE = "zphonez"  # a phone number

# Links that open a private conversation rather than a page.
DM_LINK_RE = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:twitter\.com|x\.com)/(?:messages/compose|"
    r"direct_messages/create|messages)\S*|https?://(?:www\.)?(?:m\.me|ig\.me|wa\.me|t\.me)/\S*|"
    r"https?://(?:www\.)?(?:messenger\.com/t|instagram\.com/direct|api\.whatsapp\.com/send|"
    r"web\.whatsapp\.com/send)\S*", re.IGNORECASE)
# Contact pages, chats and forms, by the words their paths use in the seven languages.
FORM_LINK_RE = re.compile(
    r"https?://\S*?/\S*?(?:contact|kontakt|contacto|contatti|contato|contatto|chat|"
    r"webform|form(?:ular|ulaire|ulario|ulier)?\b|feedback|complaint|beschwerde|reclama|"
    r"klacht|ticket|support-request|case/new)\S*", re.IGNORECASE)
ANY_URL_RE = re.compile(r"https?://\S+|\b(?:www\.)\S+", re.IGNORECASE)
EMAIL_RE = re.compile(r"__email__|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
# 7+ digits written as a phone number: 1-800-..., 0800 042 0800, +44 20 ..., (706)614-7640.
# Runs of digits without separators stay out (order and tracking numbers look like that).
PHONE_RE = re.compile(
    r"(?<![\w*])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)\s?|\d{1,5}[\s.-])(?:\d{2,5}[\s.-]){0,3}"
    r"\d{3,5}(?![\w*])|\b1-?8\d\d-?[a-z]{7}\b|\b(?:0800|0844|0845|0870|0330|0333|0344)\d{6,7}\b")
MIN_PHONE_DIGITS = 7


def _any(*parts: str) -> re.Pattern[str]:
    # Case-sensitive on purpose: the text is lower-cased already, and IGNORECASE makes
    # these long alternations two to three times slower.
    return re.compile("|".join(f"(?:{p})" for p in parts))


# --- private message -----------------------------------------------------------------------
DM = _any(
    DM_LINK,
    # en
    r"\bdm'?s?\b", r"\bdm'?e?d\b", r"\bdming\b", r"\bd\.m\.", r"direct[\s-]?messag",
    r"private[\s-]?messag", r"(?:via|by|in|a|through|over|us a|me a)\s+pm\b",
    r"\binbox\s+(?:us|me)\b", r"\bmessage\s+(?:us|me)\b",
    r"\bsen[dt]\s+(?:us|me|you)\s+(?:a|an)?\s*(?:quick\s+|private\s+)?message",
    r"check\s+your\s+(?:private\s+)?messages", r"\b(?:join|meet)\s+(?:us|me)\s+(?:back\s+)?in\b",
    r"\bfollow\s+(?:us|back)\b.{0,20}\b(?:and|&|so)\b", r"\bprivately\b",
    r"(?:private|secure|secured)\s+(?:chat|channel)", r"\bin\s+private\b",
    r"(?:clicking|click|tap|tapping)\s+(?:on\s+)?(?:my|our)\s+(?:face|picture|photo|avatar)",
    r"(?:click|tap)\s+.?message.?\s+at the top",
    # de
    r"direktnachricht", r"private?n?\s+nachricht", r"\bpn\b", r"pers[öo]nliche?n?\s+nachricht",
    r"schreib(?:e|t)?\s+(?:uns|mir)\s+(?:eine\s+|per\s+)?(?:dm|pn|nachricht)",
    # fr
    r"message\s+priv[ée]", r"\ben\s+mp\b", r"\bpar\s+mp\b", r"\bun\s+mp\b", r"\ben\s+priv[ée]\b",
    r"messagerie\s+priv[ée]e", r"\bmessage\s+direct",
    # es / pt
    r"mensaje\s+(?:directo|privado)", r"mensajes\s+directos", r"\bpor\s+(?:privado|md|dm)\b",
    r"\bun\s+md\b", r"\bpor\s+inbox\b", r"mensage[mn]s?\s+(?:direta|privada|direct)",
    r"\bno\s+(?:privado|inbox|direct)\b", r"\bpor\s+mp\b", r"\bnos\s+chame\s+no\s+direct\b",
    # it
    r"messaggi?o?\s+(?:privat|dirett)[oi]", r"\bin\s+(?:privato|dm)\b", r"\bscrivici\s+in\s+dm\b",
    # nl
    r"priv[ée]\s*bericht", r"direct\s+bericht", r"persoonlijk\s+bericht", r"\bpb\b",
)

# --- e-mail --------------------------------------------------------------------------------
EMAIL_CUE = _any(
    rf"{EMAIL}",
    # en
    r"\be-?mail\s+(?:us|me|our|the\s+\w+\s+team)\b",
    r"\b(?:send|drop|write)\s+(?:us\s+|me\s+)?(?:an?\s+)?e-?mail\b",
    r"(?:check|see)\s+(?:your|the)\s+(?:e-?mail|inbox|junk|spam)",
    r"(?:replied|responded|reply|respond|sent|get\s+back\s+to\s+you|follow(?:ed)?\s+up|"
    r"be\s+in\s+touch|reach(?:ed)?\s+out)\s+(?:to\s+you\s+)?(?:via|by|through|over)\s+e-?mail",
    r"(?:reply|respond|revert)\s+(?:to|there|on)\s+(?:the\s+)?(?:e-?mail|there)",
    r"(?:reviewing|received)\s+your\s+e-?mail", r"(?:via|by)\s+e-?mail\b",
    r"e-?mail\s+(?:account|address)\s+associated",
    # de
    r"(?:per|via)\s+e-?mail", r"schreib(?:e|t)?\s+(?:uns|mir)\s+(?:eine\s+)?e-?mail",
    r"e-?mail\s+an\s+uns", r"postfach",
    # fr
    r"(?:par|un)\s+(?:e-?mail|courriel|mail)", r"[ée]crivez-nous",
    # es / pt / it
    r"(?:por|un|al|via)\s+(?:correo|e-?mail)", r"escr[íi]benos",
    r"(?:envie|mande)-?nos\s+um\s+e-?mail",
    r"scrivici\s+(?:una\s+)?(?:e-?mail|mail)", r"(?:via|per)\s+e-?mail",
    # nl
    r"\bmail\s+(?:ons|naar)\b", r"stuur\s+ons\s+een\s+e-?mail",
)

# --- phone ---------------------------------------------------------------------------------
PHONE_CUE = _any(
    rf"{PHONE}",
    # en
    r"\bcall\s+(?:us|our|the\s+\w+\s+(?:team|line|desk|centre|center))\b",
    r"\bgive\s+(?:us|me)\s+a\s+(?:call|ring)",
    r"\b(?:ring|phone)\s+(?:us|our)\b", r"\b(?:please|kindly)\s+call\b",
    r"\b(?:call|phone|ring)\s+(?:you|u)\b", r"\bgive\s+you\s+a\s+call", r"\bcall[\s-]?back\b",
    r"return\s+(?:my|our)\s+call", r"(?:by|via|over\s+the)\s+(?:tele)?phone\b",
    r"(?:ring|phone)\s+or\s+chat", r"best\s+time\s+to\s+(?:call|reach|contact)",
    r"(?:contact|phone|good)\s+(?:phone\s+)?number\s+where\s+you\s+can\s+be\s+reached",
    r"\bcall\s+me\b.{0,3}\s+(?:option|button)", r"\bhotline\b", r"missed\s+your\s+call",
    r"\bspeak\s+with\s+(?:you|someone)\s+(?:by|on)\s+the\s+phone",
    r"\bphone\s+(?:support|team|line)\b", r"\bsupport\s+line\b",
    r"\bcall\s+centre\b|\bcall\s+center\b",
    # de
    r"\bruf(?:en)?\s+(?:sie\s+)?(?:uns|mich)\b.{0,30}\ban\b", r"\banrufen\b", r"\btelefonisch\b",
    r"r[üu]ckruf",
    # fr
    r"appelez[\s-]nous", r"\bvous\s+rappeler\b", r"\bpar\s+t[ée]l[ée]phone\b", r"joindre\s+au",
    # es
    r"ll[áa]manos", r"\bllamar(?:nos|te)\b", r"por\s+tel[ée]fono", r"te\s+llamamos",
    # it
    r"chiamaci", r"\bchiamare\s+il\b", r"\bti\s+chiamiamo\b", r"per\s+telefono", r"numero\s+verde",
    # nl
    r"\bbel\s+(?:ons|met)\b", r"\bbellen\b", r"telefonisch",
    # pt
    r"lig(?:ue|ar)\s+(?:para|pro)\b", r"\bligamos\b", r"por\s+telefone",
)

# --- web: contact form, chat, support site ------------------------------------------------
# Verbs of handing over, which need a link (or "chat"/"form") next to them to be a redirect.
WEB_VERB = _any(
    # en
    r"send\s+us\s+a\s+note", r"\breach\s+(?:out\s+)?(?:to\s+)?(?:us|our|them|me|the|my)\b",
    r"\breach\s+(?:out|us)\b", r"\bcontact\s+(?:us|our|them|the|me)\b", r"get\s+in\s+touch",
    r"\bconnect(?:ing)?\s+with\s+(?:us|our)\b", r"\bwrite\s+to\s+us\b", r"\btell\s+us\s+more\b",
    r"\bshare\s+(?:more|this|your\s+details|some|the\s+details)\b",
    r"\bprovide\s+(?:us\s+with\s+)?(?:some|more|your|additional)?\s*(?:details|feedback|info)",
    r"\bshare\s+more\s+here", r"\bsend\s+us\s+(?:your|the|more|as\s+many|some)?\s*(?:details|info)",
    r"\bprovide\s+(?:your|us\s+your)\s+(?:contact|order|account)", r"let\s+our\s+team\s+know",
    r"\bfollow\s+up\s+here",
    r"\bfill\s+(?:in|out)\b", r"\bsubmit\b", r"\bmake\s+a\s+report\b",
    r"\breport\s+(?:this|it)\s+(?:to|here|at|via)",
    r"\bleave\s+(?:your\s+|us\s+)?feedback", r"feedback\s+(?:here|at|below)",
    r"love\s+to\s+hear\s+your\s+feedback",
    r"\bcontinue\s+(?:our|the|this)\s+conversation\s+there",
    r"use\s+the\s+following\s+link\s+to\s+reach", r"secure\s+link\s+provided",
    r"shared\s+your\s+details\s+on\s+the\s+link", r"details\s+through\s+the\s+(?:secure\s+)?link",
    r"(?:look\s+into|address)\s+this.{0,40}\bhere\b", r"\bupdate\s+that\s+by\s+connecting",
    r"schauen\s+wir.{0,60}an\b",
    # de
    r"melde\s+dich", r"kontaktiere\s+uns", r"wende\s+dich\s+an",
    r"[üu]ber\s+(?:dieses|das)\s+formular",
    # fr
    r"contactez[\s-]nous", r"remplissez", r"via\s+ce\s+formulaire",
    # es / pt
    r"contacta\s+con", r"cont[áa]ctanos", r"ponte\s+en\s+contacto", r"entre\s+em\s+contato",
    r"fale\s+conosco", r"preencha",
    # it
    r"contattaci", r"compila", r"mettiti\s+in\s+contatto",
    # nl
    r"neem\s+contact\s+op", r"vul\s+.{0,20}\s+in\b",
)
WEB_DIRECT = _any(
    FORM_LINK, r"\blive\s?chat", r"\bweb\s?chat",
    r"\bchat\s+(?:team|support|with\s+us|in\s+with\s+us)",
    r"\bweb\s+form\b", r"\bcontact\s+form\b", r"\bsupport\s+form\b", r"\bonline\s+form\b",
    r"\bour\s+forums?\b", r"\bchat\s+(?:here|at)\b",
    # a link sent earlier in the thread: "confirm sharing your details through the secure link"
    r"\bsecure\s+link\b",
    r"\blink\s+(?:provided|shared|sent|given)\s+(?:to\s+you\s+)?(?:earlier|before|above)",
    r"\b(?:details|info)\s+(?:on|through|via|using)\s+the\s+link\b", r"\blink\s+from\s+above\b",
    r"kontaktformular", r"formulaire\s+de\s+contact", r"formulario\s+de\s+contacto",
    r"modulo\s+di\s+contatto", r"contactformulier", r"formul[áa]rio\s+de\s+contato",
)
# A link close enough to a verb above: within this many characters before it, or after it
# up to the end of its sentence and of a next sentence that only points at a link
# ("Contacta con Servicio al Cliente. Lo puedes hacer a través del siguiente enlace: <link>").
WEB_LINK_WINDOW = 120

# --- other: in-app support, "contact us directly" with no channel named -------------------
OTHER = _any(
    r"\bin-?app\b", r"\b(?:through|via|in)\s+the\s+\w+\s+app\b(?!\s+store)",
    r"off\s+social\s+media",
    r"contact\s+(?:us|them)\s+directly", r"approach\s+the\s+support\s+team",
    r"return\s+to\s+our\s+chat",
    r"in\s+der\s+app", r"dans\s+l'application", r"en\s+la\s+app", r"nell'app", r"in\s+de\s+app",
    r"no\s+app\b",
)

# --- what makes a cue a mere option rather than the reply's main action -------------------
# "DM us if you need more", "Should you need assistance, DM ...", "Send a DM if you ever need
# us". Polite requests ("if you could DM us ...") are not options.
OPTIONAL = _any(
    # "if" only when it makes help conditional ("if you need more", "if that doesn't
    # help"); "if you can't recover it, please reach out" is a request.
    r"\bif\s+(?:you\s+)?(?:ever|still|need|require|want\s+(?:more|further|to\s+(?:chat|discuss|talk))|"
    r"have\s+(?:any|further|more|other|additional)|would\s+like\s+(?:more|further|to\s+discuss|help)|"
    r"are\s+(?:still|having)|'re\s+(?:still|having)|experience|run\s+into)",
    r"\bif\s+(?:that|this|those|these|it|the\s+steps|they)\s+(?:doesn't|don't|didn't|does\s+not|"
    r"do\s+not|still|won't|fail)", r"\bif\s+(?:there's\s+)?(?:anything|something)\b",
    r"\bif\s+(?:needed|necessary)\b", r"\bif\s+no\s+(?:change|luck|improvement)\b",
    r"\bshould\s+you\b", r"\bwhenever\b",
    r"\bany\s?time\b", r"\bin\s+case\b", r"\bfeel\s+free\b", r"\byou\s+can\s+(?:also|always)\b",
    r"\balternatively\b", r"\bif\s+you\s+(?:ever|still)\b", r"\byou\s+can\s+reach\b",
    r"\bfalls\b", r"\bwenn\s+(?:du|sie|ihr)\s+(?:noch|weitere)",
    r"\bbei\s+(?:weiteren\s+)?fragen\b", r"\bjederzeit\b",
    r"\bsi\s+(?:vous|tu)\s+avez?\b", r"n'h[ée]sitez\s+pas", r"\bsi\s+necesitas\b", r"no\s+dudes",
    r"\ben\s+caso\s+de\b", r"\bse\s+(?:hai|avete)\s+bisogno\b", r"non\s+esitare",
    r"\bals\s+je\s+nog\b",
    r"\bmocht\b", r"aarzel\s+niet", r"\bcaso\s+(?:precise|tenha)\b", r"n[ãa]o\s+hesite",
    r"qualquer\s+d[úu]vida",
)
# Words that cancel a cue just before it: "we can't contact passengers by email".
NEGATION = re.compile(r"\b(?:not|unable|can't|cannot|won't|don't|no\s+longer|never|nicht|"
                      r"kein|pas|no\s+podemos|non\s+possiamo|niet|n[ãa]o\s+podemos)\b"
                      r"[^.,;:!?]{0,40}$"
                      # asking whether the customer already did: "have you contacted us?"
                      r"|\b(?:have|did|were|has)\s+(?:you|they|she|he)\b[^.,;:!?]{0,30}$")
# A clause that states a condition is not an answer ("if you'd like to cancel, ...").
CONDITION = re.compile(r"^\W*(?:if|should|when|once|in\s+case|falls|wenn|si|se|als|mocht|caso)\b")
# Words in a contact verb's own sentence that point at a link wherever it stands.
POINTER_IN_SENTENCE = re.compile(r"\b(?:this|the|following)\s+link\b|\blink\s+below\b|"
                                 r"\b(?:siguiente|seguinte|seguente)\s+(?:enlace|link)\b|"
                                 r"\bfolgenden?\s+link\b|\blien\s+ci-dessous\b")
# The sentence after a contact verb still holds its link when it only points at one:
# "Contacta con Servicio al Cliente. Lo puedes hacer a través del siguiente enlace: <link>".
POINTER = re.compile(r"^\W*(?:zurlz|zformlinkz)\W*$|\b(?:link|enlace|here|below|following|"
                     r"aqu[íi]|hier|ici|qui|aqui|onderstaande|seguinte|siguiente|seguente)\b")

# Clauses that carry no answer: greetings, thanks, apologies, empathy, offers to help,
# signatures. A reply made only of these and a redirect is a redirect.
FILLER = _any(
    r"^\W*$", r"^\W*(?:hi|hello|hey|hiya|dear|good\s+(?:morning|afternoon|evening|day)|hola|hallo|"
    r"bonjour|ciao|ol[áa]|oi|buongiorno|hoi|guten\s+tag|moin)\b",
    r"\b(?:thank|thanks|thx|ty|cheers|danke|merci|gracias|grazie|bedankt|obrigad)",
    r"\b(?:sorry|apolog|regret|oh\s+no|uh\s+oh|yikes|ouch|hmm|oops|not\s+good|no\s+fun|bummer|"
    r"entschuldig|leider|tut\s+(?:uns|mir)\s+leid|d[ée]sol[ée]|lo\s+sentimos|lamentamos|lamento|"
    r"ci\s+dispiace|spiacent|excuses|vervelend|desculp|sinto\s+muito)",
    r"\b(?:frustrat|inconvenien|disappoint|concern|troubl|odd|strange|not\s+right|"
    r"doesn't\s+(?:sound|look)|shouldn't|not\s+(?:what|the\s+experience)|never\s+(?:like|want)|"
    r"understand|hear\s+you|we\s+know\s+how|important\s+to\s+us|let\s+(?:us|me)\s+know)",
    r"\b(?:help|assist|look\s+into|looking\s+into|take\s+a\s+(?:closer\s+|further\s+|better\s+)?look|"
    r"dig|sorted|fixed|taken\s+care|make\s+(?:it|this|things)\s+right|turn\s+(?:this|things)\s+around|"
    r"get\s+started|go\s+from\s+there|continue\s+(?:there|from\s+there)|check\s+(?:this|it)\s+out|"
    r"helfen|aider|ayudar|aiutar|helpen|ajudar)",
    r"^\W*(?:\^|\*|-|~|–|/)\s*\w+\W*$",
)
