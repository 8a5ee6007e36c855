"""The embeddable web widget: its script, a demo host page, and CORS for the web chat API.

A site embeds the widget with one line, ``<script src="https://<gateway>/widget.js" ...>``;
the widget then calls ``/api/web`` from the site's origin. Only ``/api/web`` answers
cross-origin requests (the console's cookie-based API never does), and only for the
origins in ``HUURHULP_WIDGET_ORIGINS``. The web chat API uses per-conversation bearer
tokens and no cookies, so allowing any origin (``*``, the default) exposes nothing that
curl could not already reach.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

WIDGET_DIR = Path(__file__).resolve().parent.parent / "static" / "widget"
WIDGET_JS = WIDGET_DIR / "widget.js"
DEMO_HTML = WIDGET_DIR / "demo.html"
API_PREFIX = "/api/web"

router = APIRouter(tags=["web widget"])


@router.get("/widget.js", include_in_schema=False)
async def widget_script() -> FileResponse:
    """The widget; any site may load it (it is public, like any script)."""
    return FileResponse(
        WIDGET_JS,
        media_type="text/javascript; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=300",
            "Access-Control-Allow-Origin": "*",  # lets hosts use crossorigin/SRI on the tag
            "X-Content-Type-Options": "nosniff",
        },
    )


def _demo_template() -> tuple[str, str]:
    """The demo page and a CSP hash of its one inline style block."""
    page = DEMO_HTML.read_text(encoding="utf-8")
    match = re.search(r"<style>(.*?)</style>", page, re.S)
    style = match.group(1) if match else ""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return page, f"'sha256-{digest}'"


@router.get("/widget-demo", include_in_schema=False)
async def widget_demo(request: Request) -> HTMLResponse:
    """A host page showing the one-line embed, under a strict Content-Security-Policy."""
    page, style_hash = _demo_template()
    base = str(request.base_url).rstrip("/")
    page = page.replace("{{GATEWAY}}", html.escape(base, quote=True))
    csp = (
        "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; "
        f"style-src {style_hash}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return HTMLResponse(page, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


class WebApiCors:
    """CORS for ``/api/web`` only, plus the same origin check on its WebSocket handshakes.

    Browsers do not apply CORS to WebSockets but do send ``Origin``; a handshake from an
    origin that is not allowed (and is not the gateway itself) is refused with 403.
    """

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.origins = origins
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],  # DELETE: the tenant erases their conversation
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await self.cors(scope, receive, send)
        elif scope["type"] == "websocket" and not self.origin_allowed(scope):
            await send({"type": "websocket.close", "code": 1008})
        else:
            await self.app(scope, receive, send)

    def origin_allowed(self, scope: Scope) -> bool:
        """Whether a WebSocket handshake's ``Origin`` may use the API."""
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        origin = headers.get("origin")
        if origin is None or "*" in self.origins or origin in self.origins:
            return True
        return bool(origin.partition("://")[2] == headers.get("host"))
