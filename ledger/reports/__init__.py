"""Reports: compute a report as data, then render it (html, md, json) and plot it (matplotlib)."""
