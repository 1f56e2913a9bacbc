"""Text that is never a claim: calls to action addressed to the reader, and page furniture
(copyright, photo credits, bylines, related links)."""

from __future__ import annotations

import re

# A call to action speaks to the reader in the imperative ("Sign up for our newsletter") or
# points at the page itself ("this article", "click here"); furniture names its own kind.
_READER_ADDRESS = re.compile(
    r"^\W*(?:sign up|subscribe|follow|share|click|tap|read|download|join|register|listen|watch|donate|support"
    r"|get|don't miss|never miss|want|like this|enjoyed|leave|tell us|let us know|see also|more from|related"
    r"|sponsored|advertisement|continue reading|already a subscriber)\b"
    r".*\b(?:us|our|this|here|now|more|newsletter|free|below|story|article|app|today|email|inbox)\b",
    re.IGNORECASE)
_FURNITURE = re.compile(
    r"\b(?:subscribe|newsletter|click here|read more|follow us|share this|share on|share your|comments? below"
    r"|leave a comment|comments are closed|join the conversation|copyright|all rights reserved|photo(?:graph)?s? ?:"
    r"|photo by|image:|credit:|getty images|reporting by|editing by|additional reporting|writing by"
    r"|this article (?:was|has been) (?:amended|updated|corrected)|correction:|terms of (?:use|service)"
    r"|privacy policy|cookie policy|download (?:our|the) app|sign in to|log in to|min read)\b|©",
    re.IGNORECASE)
_RELATED = re.compile(r"^\W*(?:related|read also|see also|more on this|recommended|most read|trending)\b\W*:?",
                      re.IGNORECASE)


def is_boilerplate(text: str) -> bool:
    """A call to action or page furniture: never drafted, whatever its verbs."""
    return bool(_FURNITURE.search(text) or _READER_ADDRESS.search(text) or _RELATED.match(text))
