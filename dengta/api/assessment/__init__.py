"""Frameworks and assessments over the API: the assessment app's services, selectors,
permission decisions and report data, exactly as the pages use them.

Status codes, the same on every assessment endpoint:

- 401 without credentials; 404 when the assessment is not visible to the caller (an outsider cannot tell a
  hidden assessment from a missing one: an enterprise sees its own, an authority its jurisdiction, a provider
  its diagnoses, an expert their assignments);
- 403 when the caller sees it but their role may not take the step; ``detail`` is the permission rule's
  reason;
- 400 when the request is invalid — including any change to the answers of an assessment that is no longer a
  draft (the row is not touched);
- 409 when the assessment's state does not allow the step: submitting or signing off twice, a report before it
  is scored, a second correction. A client that retries a submit after a lost response gets 409 and knows
  the first one went through. (Declaring no conflict of interest again is harmless: 200, nothing changes.)

Every number that is not a count is a decimal string ("46.925", "0.7"), never a float.
"""

from dengta.api.assessment.frameworks import FrameworkViewSet
from dengta.api.assessment.views import AssessmentViewSet

__all__ = ["AssessmentViewSet", "FrameworkViewSet"]
