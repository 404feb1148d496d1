"""Is a brand reply a public answer or a redirect to a private channel, and which channel.

Definitions and measured accuracy: docs/redirects.md. The cues are in `cues.py`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from benchmarks.replies import cues

KINDS = ("public", "redirect")
CHANNELS = ("dm", "email", "phone", "web", "other")
# When one reply names several channels the first one it asks for wins ("call us or DM
# us" is phone); "other" (a channel-less "contact us directly") only when nothing else.
_SPECIFIC = ("dm", "email", "phone", "web")

_MENTION = re.compile(r"(?<![\w@])@\w+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|(?<=\))\s+(?=[A-Z])")
_CLAUSE = re.compile(r"[.!?;:]+\s*|,\s+|\s+(?:and|but|or|&)\s+|\s+[-–—]\s+")
_WORD = re.compile(r"[^\W\d_]+")
_SIGNATURE = re.compile(r"(?:\s[\^*~]\s?\w+|\s[-–/]\s?\w+\.?)\s*(?:\d/\d|\(\d/\d\))?\s*$")


@dataclass(frozen=True)
class ReplyKind:
    """What a brand reply does: `kind` public or redirect; `channel` for redirects."""

    kind: str  # one of KINDS
    channel: str | None = None  # one of CHANNELS when kind == "redirect", else None


PUBLIC = ReplyKind("public")


def normalise(text: str) -> str:
    """Lower-cased reply with mentions dropped and links, e-mail addresses and phone
    numbers replaced by the tokens in `cues` (DM composer links, contact-form links, other
    links, addresses, numbers)."""
    out = html.unescape(text).replace("\u2019", "'").replace("\u2018", "'")
    out = cues.DM_LINK_RE.sub(f" {cues.DM_LINK} ", out)
    out = cues.FORM_LINK_RE.sub(f" {cues.FORM_LINK} ", out)
    out = cues.ANY_URL_RE.sub(f" {cues.URL} ", out)
    out = cues.EMAIL_RE.sub(f" {cues.EMAIL} ", out)
    out = _MENTION.sub(" ", out)
    out = cues.PHONE_RE.sub(_phone_token, out)
    out = _SIGNATURE.sub("", out)
    return re.sub(r"[ \t]+", " ", out).strip().lower()


def _phone_token(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    letters = match.group(0).count("-") and any(ch.isalpha() for ch in match.group(0))
    return f" {cues.PHONE} " if digits >= cues.MIN_PHONE_DIGITS or letters else match.group(0)


@dataclass(frozen=True)
class _Cue:
    at: int
    channel: str
    optional: bool
    by_verb: bool = False  # a verb of contact next to a link, no channel named


def classify_reply(text: str) -> ReplyKind:
    """Classify one brand reply (any of the seven languages in `cues`).

    A reply is a redirect when moving the conversation elsewhere is its main action:
    it asks for (or reports) a private message, an e-mail, a call, a contact form or chat,
    or another private channel. A redirect offered as an option ("DM us if you need
    more", "should you need help, call ...") only counts when the rest of the reply carries
    no answer. Returns `ReplyKind("public")` or `ReplyKind("redirect", channel)`.
    """
    norm = normalise(text)
    found = _cues(norm)
    if not found:
        return PUBLIC
    firm = [c for c in found if not c.optional]
    if not firm and _has_answer(norm):
        return PUBLIC
    chosen = firm or found
    # A channel the reply names beats "reach us here: <link>", which only says where.
    named = [c for c in chosen if c.channel in _SPECIFIC and not c.by_verb]
    specific = [c for c in chosen if c.channel in _SPECIFIC]
    return ReplyKind("redirect", min(named or specific or chosen, key=lambda c: c.at).channel)


def _cues(norm: str) -> list[_Cue]:
    found: list[_Cue] = []
    start = 0
    sentences = _SENTENCE.split(norm)
    for i, sentence in enumerate(sentences):
        at = norm.find(sentence, start)
        start = max(at, start)
        following = sentences[i + 1] if i + 1 < len(sentences) else ""
        if not cues.POINTER.search(following):
            following = ""
        for channel, pattern in (("dm", cues.DM), ("email", cues.EMAIL_CUE),
                                 ("phone", cues.PHONE_CUE), ("web", cues.WEB_DIRECT),
                                 ("other", cues.OTHER)):
            for m in pattern.finditer(sentence):
                if not cues.NEGATION.search(sentence[:m.start()]):
                    found.append(_Cue(start + m.start(), channel, _optional(sentence, m.start())))
                    break
        for m in cues.WEB_VERB.finditer(sentence):
            before = sentence[max(0, m.start() - cues.WEB_LINK_WINDOW):m.start()]
            window = before + sentence[m.start():] + " " + following
            if cues.POINTER_IN_SENTENCE.search(sentence[m.start():]):
                # "reach out to me at this link. Thanks! <link>": the link may come later
                window += " " + norm[start + len(sentence):]
            if ((cues.URL in window or cues.FORM_LINK in window)
                    and not cues.NEGATION.search(sentence[:m.start()])):
                found.append(_Cue(start + m.start(), "web", _optional(sentence, m.start()),
                                  by_verb=True))
                break
    return found


def _optional(sentence: str, at: int) -> bool:
    """A cue is an option when its own clause says so ("DM us if you need more") or the
    clause before it opens with a condition ("Should you need help, DM ...")."""
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(sentence)] + [len(sentence)]
    for i in range(len(bounds) - 1):
        if bounds[i] <= at < bounds[i + 1]:
            own = sentence[bounds[i]:bounds[i + 1]]
            before = sentence[bounds[i - 1]:bounds[i]] if i else ""
            after = sentence[bounds[i + 1]:bounds[i + 2]] if i + 2 < len(bounds) else ""
            after = after.replace(cues.URL, "").replace(cues.FORM_LINK, "")
            # "call us on <number> or email <address>": the option covers both
            alternative = before.endswith(" or ") and cues.OPTIONAL.search(before)
            return bool(alternative) or any(
                cues.OPTIONAL.search(part) and (part is own or cues.CONDITION.search(part))
                for part in (own, before, after))
    return False


def _has_answer(norm: str) -> bool:
    """True when some clause of the reply is neither a redirect cue nor filler (greeting,
    thanks, apology, empathy, an offer to help, a signature): that clause answers."""
    for clause in _CLAUSE.split(norm):
        words = _WORD.findall(clause.replace(cues.URL, " "))
        if (len(words) < 3 or _is_cue_clause(clause) or cues.FILLER.search(clause)
                or cues.OPTIONAL.search(clause) or cues.CONDITION.search(clause)):
            continue
        return True
    return bool(re.search(rf"{cues.URL}", norm)) and not _every_link_is_a_redirect(norm)


def _is_cue_clause(clause: str) -> bool:
    return any(p.search(clause) for p in (cues.DM, cues.EMAIL_CUE, cues.PHONE_CUE,
                                          cues.WEB_DIRECT, cues.OTHER, cues.WEB_VERB))


def _every_link_is_a_redirect(norm: str) -> bool:
    """False when a link stands in a sentence of its own words that is not a redirect
    ("Try these steps: <link>"); a bare link after a redirect sentence belongs to it."""
    for sentence in _SENTENCE.split(norm):
        if (cues.URL in sentence and _WORD.findall(sentence.replace(cues.URL, " "))
                and not _is_cue_clause(sentence)):
            return False
    return True
