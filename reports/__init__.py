"""Reports: results.json rendered as HTML with evidence, JUnit XML, Cucumber JSON and Markdown."""

from reports.render import Written, render_report, write_all

__all__ = ["Written", "render_report", "write_all"]
