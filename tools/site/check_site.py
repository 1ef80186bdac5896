#!/usr/bin/python3
"""Check the built cnnlab site the way a reader meets it.

    /usr/bin/python3 tools/site/check_site.py build/release/docs/html [--screenshots DIR] [--only PAGE ...]

Static pass, over every HTML file:
  * every internal link (href) and every image or script (src) must name a file that exists, and a
    link's #fragment must name an id or anchor in the target page;
  * no page may load a script, stylesheet or image from the network (the site is offline).

Browser pass (Debian's chromium, headless, driven through the DevTools protocol over a pipe, so only
the standard library is needed): the html directory is served on 127.0.0.1 and every page is opened;
after MathJax has finished,
  * no JavaScript error: no uncaught exception and no console.error while the page loads;
  * every <img> must have loaded (naturalWidth > 0);
  * every formula must have been typeset: no MathJax error, as many rendered formulas as TeX sources,
    and no raw TeX (\\f$, \\f[, \\(, \\[, $$, \\begin{) left in the prose (code listings excepted);
  * no HTML tag shown as text (`<tt>…</tt>` where Doxygen escaped Markdown it did not render), and no
    Doxygen `\\ilinebr` marker anywhere (a table it could not parse);
  * a full-height screenshot of the page is saved into the screenshots folder.

Exit status 0 when nothing failed, 1 otherwise; every failure is printed as "page: problem".
"""

import argparse
import base64
import fcntl
import functools
import html.parser
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

RAW_TEX_MARKERS = ("\\f$", "\\f[", "\\f]", "\\(", "\\[", "$$", "\\begin{")
# An HTML tag shown as text: Markdown that Doxygen escaped instead of rendering (`code` in a heading, say).
LITERAL_TAG = re.compile(r"</?(?:tt|code|em|strong|b|i|br|sup|sub|span|div|a|p|table|td|tr)\b[^<>]{0,80}>")
EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "javascript:", "data:", "ftp:", "file:")


# ----------------------------------------------------------------------------------------------
# Static pass


class PageParser(html.parser.HTMLParser):
    """Collects the links, resources and anchors of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []      # href of <a>, <area>
        self.resources = []  # (tag, url) of img/script src, link href
        self.anchors = set()
        self.ilinebr = False  # the text holds Doxygen's internal "\\ilinebr"

    def handle_data(self, data):
        if "\\ilinebr" in data:
            self.ilinebr = True

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.anchors.add(a[key])
        if tag in ("a", "area") and a.get("href"):
            self.links.append(a["href"])
        elif tag in ("img", "script", "iframe") and a.get("src"):
            self.resources.append((tag, a["src"]))
        elif tag == "link" and a.get("href"):
            self.resources.append((tag, a["href"]))


@functools.lru_cache(maxsize=None)
def parse_page(path):
    parser = PageParser()
    parser.feed(pathlib.Path(path).read_text(encoding="utf-8", errors="replace"))
    return parser


def is_external(url):
    return url.lower().startswith(EXTERNAL_SCHEMES) or url.startswith("//")


def check_static(root, pages):
    """Broken internal links, missing images/scripts, network resources. Returns a list of failures."""
    failures = []
    for page in pages:
        name = page.relative_to(root).as_posix()
        parsed = parse_page(str(page))
        # Doxygen's own line-break marker left in the output: Markdown it could not parse (a table
        # cell holding `\|` twice in code, say) spilled the rest of the table into one cell.
        if parsed.ilinebr:
            failures.append(f"{name}: Doxygen's internal marker \\ilinebr shown on the page (Markdown it could not parse)")
        for tag, url in parsed.resources:
            if is_external(url):
                if url.lower().startswith(("http:", "https:", "ftp:", "//")):
                    failures.append(f"{name}: <{tag}> loads {url} from the network (the site must work offline)")
                continue
            target = resolve(page, url)
            if target is not None and not target.exists():
                failures.append(f"{name}: <{tag}> refers to a missing file {url}")
        for url in parsed.links:
            if is_external(url):
                continue
            path_part, _, fragment = url.partition("#")
            target = resolve(page, path_part) if path_part else page
            if target is None:
                continue
            if not target.exists():
                failures.append(f"{name}: broken link {url} (no file {target.relative_to(root) if target.is_relative_to(root) else target})")
            elif fragment and target.suffix == ".html" and urllib.parse.unquote(fragment) not in parse_page(str(target)).anchors:
                failures.append(f"{name}: broken link {url} (no anchor #{fragment} in {target.name})")
    return failures


def resolve(page, url):
    path = urllib.parse.unquote(url.split("?", 1)[0].split("#", 1)[0])
    if not path:
        return None
    return (page.parent / path).resolve()


# ----------------------------------------------------------------------------------------------
# Browser pass: Chromium's DevTools protocol over --remote-debugging-pipe (JSON messages separated by NUL)


class Browser:
    def __init__(self, chromium, width):
        self.profile = tempfile.mkdtemp(prefix="cnnlab-site-chromium-")
        # Chromium reads commands from fd 3 and writes replies to fd 4. Move the pipe ends above 4
        # first, so that putting one on 3 cannot overwrite the other.
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        child_read = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_write = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)
        flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank",
        ]

        def child_fds():
            os.dup2(child_read, 3)
            os.dup2(child_write, 4)

        self.process = subprocess.Popen([chromium, *flags], pass_fds=(3, 4), preexec_fn=child_fds,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        os.close(child_read)
        os.close(child_write)
        self._buffer = b""
        self._next_id = 0
        self._events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.page_channel = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", in_page=True)
        self.call("Runtime.enable", in_page=True)
        self.width = width
        self.set_viewport(900)

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method, params=None, in_page=False, timeout=60):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if in_page:
            message["sessionId"] = self.page_channel
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method:
                    return self._events.pop(i)
            self._events.append(self._read_message(deadline))

    def evaluate(self, expression, timeout=60):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, in_page=True, timeout=timeout)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text", "exception"))
        return result["result"].get("value")

    def page_errors(self):
        """The page's JavaScript errors since it was opened: uncaught exceptions and console.error calls."""
        errors = []
        for event in self._events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        return errors

    def set_viewport(self, height):
        self.call("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": int(height),
                                                         "deviceScaleFactor": 1, "mobile": False}, in_page=True)

    def open(self, url):
        self._events.clear()
        self.set_viewport(900)
        self.call("Page.navigate", {"url": url}, in_page=True)
        self.wait_event("Page.loadEventFired")

    def screenshot(self, path, max_height):
        # Doxygen's tree view scrolls the page inside div#doc-content: grow the window until the
        # whole content fits, then capture it in one image.
        height = self.evaluate("""(() => {
            const content = document.getElementById('doc-content');
            const top = content ? content.getBoundingClientRect().top : 0;
            const inner = content ? content.scrollHeight : 0;
            return Math.max(document.documentElement.scrollHeight, top + inner + 40);
        })()""")
        self.set_viewport(min(max(900, height), max_height))
        self.evaluate("new Promise(r => { window.dispatchEvent(new Event('resize')); setTimeout(r, 300); })")
        data = self.call("Page.captureScreenshot", {"format": "png"}, in_page=True)["data"]
        path.write_bytes(base64.b64decode(data))


# Runs in the page: waits for MathJax 2 to finish, then reports what a reader would see.
INSPECT_PAGE = r"""
new Promise(resolve => {
  const report = () => {
    const sources = document.querySelectorAll('script[type^="math/tex"]').length;
    const rendered = document.querySelectorAll(
      '.MathJax, .MathJax_Display, .MathJax_CHTML, .MathJax_SVG, mjx-container').length;
    const errors = Array.from(document.querySelectorAll('.MathJax_Error, .merror, [data-mjx-error], mjx-merror'))
      .map(e => e.textContent.trim()).slice(0, 5);
    const jaxErrors = (window.MathJax && MathJax.Hub && MathJax.Hub.getAllJax)
      ? MathJax.Hub.getAllJax().filter(j => j.texError).map(j => j.originalText).slice(0, 5) : [];
    const images = Array.from(document.images).map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}));
    // The text a reader sees as prose: code listings may show TeX legitimately (doc comments in
    // source views), and MathJax keeps each formula's TeX in a <script>, so leave both out; an
    // <iframe>'s fallback text (Doxygen's "This browser is not able to show SVG") is never shown.
    let text = '';
    if (document.body) {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll('script, style, pre, code, iframe, div.fragment, .MathJax_Preview').forEach(e => e.remove());
      text = copy.textContent;
    }
    resolve({title: document.title, sources, rendered, errors, jaxErrors, images, text,
             mathjax: !!(window.MathJax && MathJax.Hub)});
  };
  if (window.MathJax && MathJax.Hub && MathJax.Hub.Queue) {
    MathJax.Hub.Queue(() => setTimeout(report, 50));
  } else {
    setTimeout(report, 50);
  }
})
"""


def check_in_browser(browser, base_url, root, pages, shots, max_height):
    failures = []
    for page in pages:
        name = page.relative_to(root).as_posix()
        if not page.is_file():
            failures.append(f"{name}: no such page")
            continue
        try:
            browser.open(base_url + urllib.parse.quote(name))
            info = browser.evaluate(INSPECT_PAGE, timeout=120)
        except Exception as error:  # a page that does not load is a failure, not a crash
            failures.append(f"{name}: could not be opened in chromium ({error})")
            continue
        for error in browser.page_errors():
            failures.append(f"{name}: JavaScript error: {error.splitlines()[0][:160] if error else '(no message)'}")
        for image in info["images"]:
            if not image["ok"]:
                failures.append(f"{name}: image {image['src']} did not load")
        has_tex = info["sources"] > 0 or any(m in info["text"] for m in RAW_TEX_MARKERS)
        if has_tex and not info["mathjax"]:
            failures.append(f"{name}: has formulas but MathJax did not load")
        if info["sources"] and info["rendered"] < info["sources"]:
            failures.append(f"{name}: {info['sources']} formulas but only {info['rendered']} rendered by MathJax")
        for error in info["errors"] + info["jaxErrors"]:
            failures.append(f"{name}: MathJax error in formula: {error[:120]}")
        for marker in RAW_TEX_MARKERS:
            position = info["text"].find(marker)
            if position >= 0:
                context = info["text"][max(0, position - 40):position + 60].replace("\n", " ")
                failures.append(f"{name}: raw TeX {marker!r} left in the text: …{context}…")
                break
        tag = LITERAL_TAG.search(info["text"])
        if tag:
            context = info["text"][max(0, tag.start() - 40):tag.end() + 40].replace("\n", " ")
            failures.append(f"{name}: HTML tag {tag.group(0)!r} shown as text: …{context}…")
        if shots:
            out = shots / (name.replace("/", "__").removesuffix(".html") + ".png")
            try:
                browser.screenshot(out, max_height)
            except Exception as error:
                failures.append(f"{name}: screenshot failed ({error})")
    return failures


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", type=pathlib.Path, help="the built site, e.g. build/release/docs/html")
    parser.add_argument("--screenshots", type=pathlib.Path, help="save a PNG per page here (default: <html>/../site-screenshots)")
    parser.add_argument("--only", nargs="*", default=None, help="open only these pages in the browser (the static pass checks all)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1280, help="window width in pixels")
    parser.add_argument("--max-height", type=int, default=16000, help="cap on a screenshot's height")
    parser.add_argument("--no-browser", action="store_true", help="static checks only")
    args = parser.parse_args()

    root = args.html.resolve()
    if not (root / "index.html").exists():
        print(f"check_site: no index.html in {root} (build the docs target first)", file=sys.stderr)
        return 2
    pages = sorted(p for p in root.rglob("*.html") if "mathjax" not in p.relative_to(root).parts)
    failures = check_static(root, pages)
    print(f"check_site: static pass over {len(pages)} pages: {len(failures)} problems")

    if not args.no_browser:
        shots = (args.screenshots or root.parent / "site-screenshots").resolve()
        shots.mkdir(parents=True, exist_ok=True)
        browse = [root / p for p in args.only] if args.only else pages
        server = serve(root)
        browser = Browser(args.chromium, args.width)
        try:
            started = time.monotonic()
            browser_failures = check_in_browser(browser, f"http://127.0.0.1:{server.server_port}/", root, browse,
                                                shots, args.max_height)
        finally:
            browser.close()
            server.shutdown()
        print(f"check_site: browser pass over {len(browse)} pages in {time.monotonic() - started:.0f} s: "
              f"{len(browser_failures)} problems; screenshots in {shots}")
        failures += browser_failures

    for failure in failures:
        print(f"  FAIL {failure}")
    print("check_site: " + ("OK" if not failures else f"{len(failures)} problems"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
