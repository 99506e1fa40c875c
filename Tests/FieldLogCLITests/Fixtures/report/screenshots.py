#!/usr/bin/env python3
"""Screenshots of a `fieldlog report html` page, one PNG per chart, with headless Chromium.

Usage: screenshots.py REPORT.html OUTPUT-PREFIX   (writes OUTPUT-PREFIX-header.png,
OUTPUT-PREFIX-<chart>.png). docs/img/report-*.png are made this way from the fixture journal
that make-journal.sh builds.
"""
import os
import re
import subprocess
import sys
import tempfile

page = open(sys.argv[1], encoding="utf-8").read()
prefix = sys.argv[2]
head = page[: page.index("<body>")]
parts = {"header": re.search(r"<header>.*?</header>", page, re.S).group(0)}
for match in re.finditer(r'<section id="([a-z-]+)">.*?</section>', page, re.S):
    parts[match.group(1)] = match.group(0)
with tempfile.TemporaryDirectory() as folder:
    for name, html in parts.items():
        height = 420
        svg = re.search(r'<svg[^>]*width="([\d.]+)" height="([\d.]+)"', html)
        if svg:
            width, svg_height = float(svg.group(1)), float(svg.group(2))
            height = int(svg_height * min(1, 776 / width)) + 330
        path = os.path.join(folder, name + ".html")
        with open(path, "w", encoding="utf-8") as out:
            out.write(head + "<body>" + html + "</body></html>")
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={prefix}-{name}.png", f"--window-size=840,{height}",
             "file://" + path],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        print(f"{prefix}-{name}.png")
