"""Does a customer's post after a brand's redirect only confirm the hand-off?

"Done", "DM sent", "I've sent you a DM", "check your DMs", "will do": the customer is
following the brand to the private channel, not asking anything new, so the post is not
an unanswered request (status `handoff`, docs/redirects.md). Anything that adds a
complaint, a question or new content ("I did, no reply yet", "sent, but why ...?") is not.
"""

from __future__ import annotations

import html
import re

# What confirms: having sent, done, followed, or agreeing to do it, in seven languages.
CONFIRM = re.compile("|".join([
    # en
    r"\b(?:i|we)\s+(?:already\s+|just\s+)?(?:dm|pm|inbox|message|messaged|e-?mailed|called)\b",
    r"\bsen[dt]\s+(?:you\s+|u\s+)?(?:a\s+|the\s+|my\s+)?(?:dm|pm|message|e-?mail)",
    r"\bdone\b", r"\bsent\b", r"\bsending\b", r"\bdm'?e?d\b", r"\bdm\s+sent\b", r"\bjust\s+did\b",
    r"\bi\s+did\b", r"\bi\s+have\b", r"\bfollowed\b", r"\bwill\s+do\b", r"\bi\s+will\b",
    r"\bi'?ll\s+do\b",
    r"\bmessaged\b", r"\breplied\b", r"\bresponded\b", r"\bsubmitted\b", r"\bfilled\b",
    r"\bcompleted\b", r"\bcheck\s+(?:your\s+|the\s+|my\s+)?(?:dms?|inbox|messages?)\b",
    r"\bsure\b", r"\bok(?:ay)?\b", r"\bcool\b", r"\bgot\s+it\b", r"\bon\s+it\b",
    r"\bi\s+sure\s+can\b",
    r"\bi\s+can\b", r"\bspoke\s+(?:with|to)\b", r"\breturn\s+your\s+call\b",
    r"\bput\s+in\s+a\s+request\b", r"\bnot\s+yet\s+but\s+i\s+will\b", r"\banytime\b",
    r"\bwhenever\b",
    r"✔|✅|👍",
    # de / fr / es / it / nl / pt
    r"\berledigt\b", r"\bgesendet\b", r"\bgeschickt\b", r"\bgemacht\b", r"\bc'est\s+fait\b",
    r"\benvoy[ée]e?\b", r"\bfait\b", r"\bhecho\b", r"\blisto\b", r"\benviad[oa]\b",
    r"\bte\s+escrib[íi]\b",
    r"\bfatto\b", r"\binviat[oa]\b", r"\bti\s+ho\s+scritto\b", r"\bgedaan\b", r"\bverstuurd\b",
    r"\bverzonden\b", r"\bfeito\b", r"\benviei\b", r"\bmandei\b", r"\bpronto\b",
]))
# What makes it more than a confirmation: a question, a "but", a complaint about waiting.
NOT_ONLY = re.compile("|".join([
    r"\?", r"\bbut\b", r"\bstill\b", r"\bno\s+(?:one|response|reply|answer)\b", r"\bnobody\b",
    r"\bno-?one\b",
    r"\bhaven'?t\b", r"\bhasn'?t\b", r"\bnot\s+(?:heard|received|get|got|working|helpful)\b",
    r"\bnot\s+sure\b", r"\bshould\b", r"\b(?:did|do|does|has|have|was|is)\s+not\b",
    r"\b(?:wasn|isn|aren|weren)'?t\b",
    r"\bdidn'?t\b", r"\bdon'?t\b", r"\bcan'?t\b", r"\bwon'?t\b", r"\bagain\b", r"\bwhy\b",
    r"\balready\s+(?:did|done|tried|spoke|called)\b.{0,40}\b(?:no|not|nothing|useless)\b",
    r"\bweeks?\b", r"\bdays?\s+ago\b", r"\bfix\b", r"\brefund\b", r"\bworst\b", r"\bterrible\b",
    r"\baber\b", r"\bnoch\s+(?:nicht|immer)\b", r"\bmais\b", r"\btoujours\s+pas\b", r"\bpero\b",
    r"\btodav[íi]a\b", r"\bma\b", r"\bancora\b", r"\bmaar\b", r"\bnog\s+steeds\b", r"\bmas\b",
    r"\bainda\b",
]))
# Words allowed around the confirmation without making it new content.
_SMALL = re.compile("|".join([
    r"\b(?:hi|hello|hey|thanks?|thank\s+you|thx|ty|please|pls|plz|great|awesome|perfect|"
    r"yes|yep|yeah|ok(?:ay)?|cool|just|now|all|the|a|an|it|that|this|you|u|ya|guys|y'all|"
    r"to|your|my|me|i|i'?ve|i'?m|have|has|been|already|so|much|for|help|details|info|"
    r"information|dm|dms|message|messages|direct|private|request|form|email|e-mail|number|"
    r"with|and|over|via|in|on|as|asked|requested|too|again|team|thx|again|can|do|did|will|"
    r"check|it|out|look|forward|reply|appreciate|hope|soon)\b",
]))
_NOISE = re.compile(r"https?://\S+|(?<![\w@])@\w+|__\w+__|[\d()+:/-]{7,}")
MAX_OTHER_WORDS = 6  # words beyond the confirmation and small talk before it is new content


def is_handoff_confirmation(text: str) -> bool:
    """True when a customer post only confirms moving to the private channel the brand
    asked for ("Done", "DM sent", "I've sent you a DM", "will do, thanks"). Pass the text of
    a post written by the same customer after the brand's redirect in the same thread; the
    function does not check that context itself."""
    body = html.unescape(text).replace("\u2019", "'").replace("\u2018", "'").lower()
    body = _NOISE.sub(" ", body).strip()
    if not CONFIRM.search(body) or NOT_ONLY.search(body):
        return False
    rest = _SMALL.sub(" ", CONFIRM.sub(" ", body))
    return len(re.findall(r"[^\W\d_]+", rest)) <= MAX_OTHER_WORDS
