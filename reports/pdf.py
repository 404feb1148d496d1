"""Print a rendered HTML report to PDF with a real Chromium (Playwright): A4, page numbers.

The report's print stylesheet keeps tables rows, key figures and charts whole across page
breaks (`break-inside: avoid`); Chromium's footer template adds "page N of M". The browser
executable is passed in by the CLI (from REPLYAUDIT_CHROMIUM, else /usr/bin/chromium when
present); with None, Playwright's own Chromium is used, so `playwright install chromium`
is all a user's machine needs.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import files
from benchmarks.errors import ReplyauditError

# Headless, no sandbox (containers run as root), and no background traffic of its own.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

FOOTER = (
    '<div style="width:100%; font-size:8px; color:#5d6878; padding:0 12mm; '
    'font-family: sans-serif; display:flex; justify-content:space-between;">'
    '<span class="title"></span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
    "</div>"
)


class PdfError(ReplyauditError, RuntimeError):
    """Chromium could not be started or could not print; the message says what to do."""


def chromium_executable(configured: str | None) -> str | None:
    """The browser to print with: `configured` if set, else Debian's, else Playwright's (None).

    Raises PdfError when `configured` names a file that does not exist.
    """
    if configured:
        if not Path(configured).is_file():
            raise PdfError(f"REPLYAUDIT_CHROMIUM={configured} is not a file: point it at a "
                           "Chromium executable, or unset it to use Playwright's own browser")
        return configured
    return str(DEFAULT_CHROMIUM) if DEFAULT_CHROMIUM.is_file() else None


def print_pdf(html_file: Path, pdf_file: Path, executable: str | None = None) -> Path:
    """Print `html_file` to `pdf_file` (A4, backgrounds, page numbers); returns the PDF path.

    Only the report file itself is loaded: every other request is refused, so printing
    never touches the network even if a report were to reference something outside.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    target = html_file.resolve().as_uri()
    try:
        with files.replacing(pdf_file) as temporary, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                                 args=list(CHROMIUM_ARGS))
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url == target else route.abort())
                page.goto(target, wait_until="load")
                page.emulate_media(media="print")
                page.pdf(path=str(temporary), format="A4", print_background=True,
                         display_header_footer=True, header_template="<span></span>",
                         footer_template=FOOTER,
                         margin={"top": "14mm", "bottom": "16mm", "left": "12mm",
                                 "right": "12mm"})
            finally:
                browser.close()
    except PlaywrightError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise PdfError(f"Chromium could not print the PDF: {first}. Install a browser with "
                       "`playwright install chromium` or set REPLYAUDIT_CHROMIUM.") from None
    return pdf_file
