"""Customer-care cues in the seven handled languages, as features of the post-class model.

Each cue is one feature whatever the language, so a weight learned from English posts
("still", "refund", "can't") carries over to the same cue in German, French, Spanish,
Italian, Dutch or Portuguese ("immer noch", "remboursement", "no puedo"). The word lists are
hand-written from the decision rules in data/RULES.md; docs/statistics.md says how many real
posts per language exist to check them on (few outside English).
"""

from __future__ import annotations

import re


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


# Something fails, is missing, late, wrong or charged: the core of a complaint.
PROBLEM = _words(
    # en
    r"problems?", r"issues?", r"errors?", r"broken", r"bug(?:gy|s)?", r"glitch\w*", r"crash\w*",
    r"fail\w*", r"not working", r"doesn'?t work", r"won'?t", r"can'?t", r"cannot", r"couldn'?t",
    r"unable", r"outages?", r"down", r"wrong", r"missing", r"lost", r"stuck", r"keeps?",
    r"froze", r"freez\w*", r"hacked", r"overcharg\w*", r"damaged", r"disconnect\w*",
    r"cancell?ed", r"delay\w*", r"late", r"slow", r"locked", r"declined", r"drain\w*",
    # de
    r"problem\w*", r"fehler", r"kaputt", r"funktioniert nicht", r"geht nicht", r"abgelehnt",
    r"storniert", r"verspätet", r"verspätung", r"nicht möglich", r"unzustellbar", r"gesperrt",
    # fr
    r"problème", r"pb", r"erreur", r"marche pas", r"fonctionne pas", r"bloqué", r"retard",
    r"annulé", r"plante", r"cassé", r"impossible",
    # es
    r"problema", r"error", r"no funciona", r"no puedo", r"roto", r"retraso", r"cancelad[oa]",
    r"no ha llegado", r"no llega", r"bloquead[oa]",
    # it
    r"errore", r"non funziona", r"guasto", r"ritardo", r"non riesco", r"bloccat[oa]",
    r"annullat[oa]",
    # nl
    r"probleem", r"storing", r"werkt niet", r"kapot", r"vertraging", r"geannuleerd",
    r"lukt niet", r"geblokkeerd",
    # pt
    r"erro", r"não funciona", r"não consigo", r"atraso", r"não foi possível", r"quebrad[oa]",
    r"bloquead[oa]")
# Time passing without a fix: waiting, again, still, no answer.
WAITING = _words(
    r"wait\w*", r"hold", r"still", r"again", r"yet", r"hours?", r"days?", r"weeks?",
    r"months?", r"no (?:reply|response|answer|one)", r"haven'?t", r"hasn'?t", r"never",
    r"noch immer", r"immer noch", r"wieder", r"warte\w*", r"toujours", r"encore",
    r"attend\w*", r"todavía", r"aún", r"otra vez", r"de nuevo", r"esperando", r"ancora",
    r"di nuovo", r"aspett\w*", r"nog steeds", r"weer", r"wacht\w*", r"ainda", r"de novo")
MONEY = _words(
    r"refund\w*", r"money", r"charg\w*", r"paid", r"pay(?:ing|ment)?", r"bill\w*",
    r"credit", r"fees?", r"compensation", r"geld", r"\w*erstattung", r"rembours\w*", r"argent",
    r"reembols\w*", r"dinero", r"cobr\w*", r"rimbors\w*", r"soldi", r"terugbetal\w*",
    r"dinheiro")
NEGATION = _words(
    r"not", r"no", r"never", r"nothing", r"nobody", r"none", r"\w+n'?t", r"nicht", r"kein\w*",
    r"nie", r"pas", r"jamais", r"rien", r"nunca", r"nada", r"non", r"mai", r"niente", r"niet",
    r"geen", r"nooit", r"não")
ANGER = _words(
    r"worst", r"terrible", r"awful", r"horrible", r"ridiculous", r"disgrace\w*",
    r"disgust\w*", r"pathetic", r"useless", r"rubbish", r"shame\w*", r"unacceptable",
    r"frustrat\w*", r"annoy\w*", r"disappoint\w*", r"fed up", r"sucks?", r"joke", r"wtf",
    r"fuck\w*", r"shit\w*", r"damn", r"crap", r"poor", r"rude", r"scam\w*", r"steal\w*",
    r"fuming", r"seriously", r"unbelievable",
    r"schlecht\w*", r"unverschämt", r"katastroph\w*", r"ärger\w*", r"enttäusch\w*", r"nul",
    r"honte", r"inadmissible", r"scandal\w*", r"déçu\w*", r"vergüenza", r"pésim[oa]",
    r"decepcion\w*", r"vergogna", r"pessim[oa]", r"delus[oa]", r"schande", r"slecht\w*",
    r"teleurgesteld", r"vergonha", r"péssim[oa]")
# Praise words used to mean the opposite: "thanks for nothing", "love waiting 2 hours".
SARCASM = re.compile(
    r"thanks? (?:a lot |so much )?for (?:nothing|the \d+|making)"
    r"|(?:love|loving|great|fantastic|brilliant|awesome|nice|wonderful|thrilled)\W+(?:\w+\W+){0,3}"
    r"(?:wait\w*|delay\w*|another|again|hold|late|hours?|stuck)"
    r"|#\w*(?:fail|sucks|nothanks|worst)\w*|\bwell done\b|\bgood job\b|\bcheers for\b"
    r"|danke für nichts|merci pour rien|gracias por nada|grazie per niente|bedankt voor niets"
    r"|obrigad[oa] por nada|🙄|🤦|😡|😤|🤬|😠|😒|😑|😩", re.IGNORECASE)
PRAISE = _words(
    r"thanks?", r"thank you", r"thx", r"ty", r"great", r"awesome", r"amazing", r"excellent",
    r"love[ds]?", r"best", r"brilliant", r"fantastic", r"wonderful", r"perfect", r"superb",
    r"kudos", r"shout ?out", r"s/o", r"appreciated?", r"helpful", r"happy", r"delighted",
    r"impressed", r"danke", r"super", r"toll", r"klasse", r"merci", r"génial", r"parfait",
    r"gracias", r"genial", r"excelente", r"grazie", r"ottimo", r"perfetto", r"bedankt",
    r"geweldig", r"obrigad[oa]", r"ótimo", r"perfeito")
PRAISE_EMOJI = re.compile(r"[❤😍👍😊🙌👏😀😁😃🥰💙💜💗😘🎉]")
# A hand-off: the customer did what the brand asked ("done, sent you a DM").
HANDOFF = _words(
    r"dm'?d", r"dm(?:ed)?", r"direct message", r"sent", r"done", r"will do", r"followed",
    r"following", r"private message", r"pm", r"mp", r"privado", r"privat\w*", r"privé")
HELP = _words(
    r"help", r"please", r"pls", r"plz", r"kindly", r"assist\w*", r"advise", r"hilfe", r"bitte",
    r"aide[rz]?", r"svp", r"s'il vous pla[iî]t", r"ayuda", r"por favor", r"aiuto",
    r"per favore", r"helpen", r"alsjeblieft", r"ajuda")
QUESTION_OPENING = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hallo|bonjour|salut|hola|ciao|buongiorno|olá|oi)\b\W*)?"
    r"(?:can|could|do|does|did|is|are|will|would|should|how|what|what's|when|where|which|who|"
    r"why|any|anyone|kann|können|gibt|wie|was|wann|wo|warum|ist|sind|habt|est-ce|comment|"
    r"quand|où|pourquoi|quel\w*|puis-je|pouvez|c[oó]mo|cu[aá]ndo|d[oó]nde|qu[eé]|puedo|"
    r"pueden|hay|come|quando|dove|perché|posso|potete|hoe|wat|wanneer|waar|waarom|kunnen|"
    r"como|onde|porque|podem)\b", re.IGNORECASE)
UPDATE = _words(
    r"any (?:update|news)\w*", r"updates?", r"status", r"eta", r"how long", r"when will",
    r"wann", r"quand", r"cuándo", r"quando", r"wanneer")
ACKNOWLEDGEMENT = re.compile(
    r"^\W*(?:ok|okay|yes|yep|yeah|no|nope|done|sure|will do|got it|cool|alright|sent|i did|"
    r"i just|dm|ja|nein|oui|non|sí|si|vale|claro|nee|sim|não)\b", re.IGNORECASE)

COUNTED = {"problem": PROBLEM, "waiting": WAITING, "money": MONEY, "negation": NEGATION,
           "anger": ANGER, "sarcasm": SARCASM, "praise": PRAISE, "praise_emoji": PRAISE_EMOJI,
           "handoff": HANDOFF, "help": HELP, "update": UPDATE}


_MENTION = re.compile(r"(?<![\w@])[.]?@\w+")
_LEADING_MENTIONS = re.compile(r"^\W*(?:[.]?@\w+\W*)+")
_URL = re.compile(r"https?://\S+")


def layout_features(raw: str) -> dict[str, float]:
    """How a raw post is laid out, which normalising throws away: a reply opens with the
    @handles it answers ("@AmazonHelp Done"), a public post names the brand inside or at the
    end ("Love flying @SouthwestAir"), a chain of many handles is chatter (#mincepiewars),
    and details the brand asked for are mostly digits."""
    body = _URL.sub(" ", _MENTION.sub(" ", raw))
    words = body.split()
    letters = sum(1 for c in body if c.isalpha())
    digits = sum(1 for c in body if c.isdigit())
    leading = _LEADING_MENTIONS.match(raw) is not None
    return {"layout:reply": float(leading), "layout:public": float(not leading),
            "layout:many_handles": float(len(_MENTION.findall(raw)) >= 3),
            "layout:link": float(_URL.search(raw) is not None),
            "layout:digits": min(2 * digits / (letters + digits + 1), 1.0),
            "layout:shouting": float(sum(w.isupper() and len(w) > 2 for w in words) >= 2),
            "layout:tiny": float(len(words) <= 2)}


def cue_features(text: str) -> dict[str, float]:
    """Cue name -> value in [0, 1] for a normalised post (see features.normalise)."""
    found = {name: min(len(pattern.findall(text)), 3) / 3 for name, pattern in COUNTED.items()}
    words = len(text.split())
    trouble = any(found[k] > 0 for k in ("problem", "anger", "sarcasm", "waiting"))
    asks = "?" in text or QUESTION_OPENING.match(text) is not None
    found.update({
        "question_mark": float("?" in text),
        "exclamation": float("!" in text),
        "question_opening": float(QUESTION_OPENING.match(text) is not None),
        "acknowledgement": float(ACKNOWLEDGEMENT.match(text) is not None),
        "length": min(words, 40) / 40,
        "short": float(words <= 6),
        "empty": float(words == 0),
        "asks_without_trouble": float(asks and not trouble),
        "asks_with_trouble": float(asks and trouble),
        "positive_without_trouble": float(found["praise"] + found["praise_emoji"] > 0
                                          and not trouble and found["negation"] == 0),
        "neutral": float(not trouble and not asks and found["praise"] == 0),
    })
    return {f"cue:{name}": value for name, value in found.items()}
