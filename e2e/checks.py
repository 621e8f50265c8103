"""Each page a journey visits is checked at a desktop and a phone width: axe-core's WCAG 2.0,
2.1 and 2.2 A and AA rules, and no sideways scrolling; a screenshot of each is kept.

Problems are collected rather than raised, so one run lists every one of them; the conftest
fails the journey at its end if any were found.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT / "e2e-artifacts"
WIDTHS = (1280, 320)
HEIGHT = 900
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))
  }));
}"""

_WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"

#: The outermost elements reaching past the window's right edge, to say what makes it scroll.
_TOO_WIDE = """() => {
  const edge = window.innerWidth;
  const wide = [...document.body.querySelectorAll("*")].filter(
    el => el.getBoundingClientRect().right > edge + 1);
  const outermost = wide.filter(el => !wide.includes(el.parentElement));
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].slice(0, 2).map(c => "." + c).join("");
  return outermost.slice(0, 4).map(
    el => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


@dataclass
class PageChecks:
    """The problems found on the pages one journey visited."""

    journey: str
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def __call__(self, page, name: str) -> None:
        """Check the page as it is now at each width (the viewport is put back afterwards)."""
        self.pages.append(name)
        where = f"{name} ({_path(page.url)})"
        original = page.viewport_size
        try:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                self._check_width(page, name, where, width)
        finally:
            page.set_viewport_size(original)

    def _check_width(self, page, name: str, where: str, width: int) -> None:
        page.screenshot(path=str(self.screenshot_path(name, width)), full_page=True)
        scroll_width, inner_width = page.evaluate(_WIDTHS)
        if scroll_width > inner_width:
            self.problems.append(
                f"{where} at {width} px: scrolls sideways "
                f"(the page is {scroll_width} px wide in a {inner_width} px window); too wide: "
                + ", ".join(page.evaluate(_TOO_WIDE))
            )
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(_RUN_AXE, AXE_TAGS):
            targets = "; ".join(violation["targets"])
            self.problems.append(
                f"{where} at {width} px: axe {violation['id']} ({violation['impact']}): "
                f"{violation['help']}. On: {targets}"
            )

    def screenshot_path(self, name: str, width: int) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        number = len(self.pages)
        return ARTIFACTS / self.journey / f"{number:02d}-{slug}-{width}.png"

    def report(self) -> str:
        lines = [f"{len(self.problems)} problems on the pages of {self.journey}:"]
        return "\n".join(lines + [f"  - {problem}" for problem in self.problems])


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url) or "/"
