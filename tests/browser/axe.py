"""axe-core, from the project's npm development dependencies, run in the
page under test. It is evaluated through the browser's debugging protocol,
which the page's Content Security Policy does not govern, so the app's CSP
stays as strict as it is served: nothing is injected as a script tag."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

# Serious and critical violations fail a page; minor and moderate ones are
# left to a person's judgement.
FAILING_IMPACTS = ("serious", "critical")

RUN = """async (impacts) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 8).map((node) => node.target.join(" ")),
    }));
}"""


@cache
def axe_source():
    path = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
    return path.read_text(encoding="utf-8")


def axe_violations(page):
    """The page's serious and critical accessibility violations, each as
    "rule (impact): help — elements"."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = page.evaluate(RUN, list(FAILING_IMPACTS))
    return [
        f"{item['rule']} ({item['impact']}): {item['help']} — {json.dumps(item['targets'], ensure_ascii=False)}"
        for item in found
    ]
