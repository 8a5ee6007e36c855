// Shared helpers of the caseworker console: API calls, Dutch labels, safe DOM building.
// Text from the API is only ever set with textContent / text nodes, never parsed as HTML.
"use strict";

(() => {
  let csrfToken = "";
  let me = null;

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message || code || `HTTP ${status}`);
      this.status = status;
      this.code = code || "";
    }
  }

  function loginUrl() {
    const here = location.pathname + location.search;
    return here.startsWith("/console") && here !== "/console"
      ? "/console/login?next=" + encodeURIComponent(here)
      : "/console/login";
  }

  // fetch with the session cookie, the CSRF header on every non-GET, JSON in and out;
  // 401 sends the caseworker to the login page.
  async function api(method, path, body, retried = false) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
    const response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch { data = null; }
    }
    if (response.status === 401) {
      location.assign(loginUrl());
      throw new ApiError(401, "not_logged_in", "Niet aangemeld.");
    }
    const error = data && data.error ? data.error : {};
    if (response.status === 403 && error.code === "csrf_failed" && !retried) {
      await loadMe();                       // the session got a new token: fetch it, try once more
      return api(method, path, body, true);
    }
    if (!response.ok) throw new ApiError(response.status, error.code, error.message);
    return data;
  }

  // Every page starts here: who is logged in, the CSRF token, the header and logout.
  async function loadMe() {
    const data = await api("GET", "/api/console/me");
    csrfToken = data.csrf_token || "";
    me = data.caseworker || {};
    return me;
  }

  async function initPage() {
    const caseworker = await loadMe();
    const name = document.querySelector("[data-role=me-name]");
    if (name) name.textContent = caseworker.display_name || caseworker.username || "";
    const logout = document.querySelector("[data-testid=logout-button]");
    if (logout) {
      logout.addEventListener("click", async () => {
        logout.disabled = true;
        try { await api("POST", "/api/console/logout"); } catch { /* leave anyway */ }
        location.assign("/console/login");
      });
    }
    return caseworker;
  }

  // el("p", {class: "x", text: "..."}, child, "text") builds a node; strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (typeof value === "function") node.addEventListener(key.replace(/^on/, ""), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const PRIORITIES = ["S", "P1", "P2", "P3", "P4", "none"];
  const STAGES = {
    crisis: "Crisis",
    locked_out: "Al uit de woning",
    eviction_scheduled: "Uithuiszetting gepland",
    judgment: "Vonnis",
    court: "Dagvaarding / zitting",
    formal_notice: "Ingebrekestelling",
    arrears: "Huurachterstand",
    payment_worry: "Zorgen over betalen",
    none: "Geen signaal",
  };
  const LANGUAGES = {
    nl: "Nederlands", fr: "Frans", en: "Engels", tr: "Turks",
    ar: "Arabisch", pl: "Pools", ro: "Roemeens", uk: "Oekraïens",
  };
  const CHANNELS = { web: "Webchat", webchat: "Webchat", telegram: "Telegram" };
  const STATUSES = { bot: "Bij de bot", waiting: "Wachtend", caseworker: "In behandeling", closed: "Afgesloten" };
  const FLAGS = { children: "Kinderen", health: "Gezondheid", health_problems: "Gezondheid", income_loss: "Inkomensverlies" };
  const OUTCOMES = {
    referred_ocmw: "Doorverwezen naar OCMW",
    referred_caw: "Doorverwezen naar CAW",
    referred_legal_aid: "Doorverwezen naar juridische bijstand",
    mediation: "Bemiddeling",
    fonds: "Fonds ter bestrijding van uithuiszettingen",
    payment_plan: "Afbetalingsplan afgesproken",
    resolved: "Opgelost",
    no_response: "Geen reactie",
  };
  // Outcomes the gateway sets itself (erasure by the tenant, the retention purge): shown
  // on a closed case, never offered in the close menu.
  const SYSTEM_OUTCOMES = {
    erased: "Gewist op vraag van de huurder",
    expired: "Gewist na de bewaartermijn",
  };
  const HANDOFF_REASONS = {
    requested: "Huurder vroeg een medewerker",
    consent: "Intake afgerond, huurder gaf toestemming",
    triage: "Dringend volgens triage",
    crisis: "Crisis",
    bot_unavailable: "Bot niet beschikbaar",
  };

  const label = (table, value) => (value in table ? table[value] : value || "—");

  function triageReason(code) {
    const what = { hearing: "zitting", eviction: "uithuiszetting" };
    let m;
    if ((m = /^signal_(\w+)$/.exec(code))) return "Signaal: " + label(STAGES, m[1]).toLowerCase();
    if ((m = /^(hearing|eviction)_within_(\d+)_days$/.exec(code))) return `Datum ${what[m[1]]} binnen ${m[2]} dagen`;
    if ((m = /^(hearing|eviction)_date_in_past$/.exec(code))) return `Datum ${what[m[1]]} ligt in het verleden`;
    if ((m = /^(hearing|eviction)_date_implies_(\w+)$/.exec(code))) return `Datum ${what[m[1]]} bekend`;
    if (code === "judgment_served_implies_judgment") return "Vonnis betekend";
    if (code === "arrears_months_from_euros") return "Maanden achterstand berekend uit bedrag";
    if (code === "arrears_amount_implies_arrears") return "Achterstand opgegeven";
    if (code === "arrears_unknown") return "Achterstand onbekend";
    if ((m = /^arrears_([\d.]+)_months_or_more$/.exec(code))) return `Achterstand ${m[1]} maanden of meer`;
    if ((m = /^arrears_under_([\d.]+)_months$/.exec(code))) return `Achterstand minder dan ${m[1]} maanden`;
    return code;
  }

  // Timestamps without an offset are taken as UTC.
  function parseTime(iso) {
    if (!iso) return null;
    const text = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes("T") ? iso : iso + "Z";
    const date = new Date(text);
    return isNaN(date) ? null : date;
  }

  const timeFormat = new Intl.DateTimeFormat("nl-BE", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Brussels" });
  const clockFormat = new Intl.DateTimeFormat("nl-BE", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Brussels" });
  const dayFormat = new Intl.DateTimeFormat("nl-BE", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const isoDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Brussels" });  // YYYY-MM-DD
  const euro = new Intl.NumberFormat("nl-BE", { style: "currency", currency: "EUR", maximumFractionDigits: 2 });

  function formatDateTime(iso) {
    const date = parseTime(iso);
    return date ? timeFormat.format(date) : "—";
  }

  // A <time> element showing only the hour for today, else date and hour.
  function timeElement(iso) {
    const date = parseTime(iso);
    if (!date) return el("time", { text: "" });
    const today = isoDay.format(new Date()) === isoDay.format(date);
    return el("time", { datetime: date.toISOString(), title: timeFormat.format(date),
      text: today ? clockFormat.format(date) : timeFormat.format(date) });
  }

  // "12 s", "3 min", "1 u 5 min", "2 d 3 u"
  function formatDuration(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return `${hours} u ${minutes % 60} min`;
    return `${Math.floor(hours / 24)} d ${hours % 24} u`;
  }

  // A calendar date "2026-12-01" as "1 december 2026 (over 5 dagen)".
  function formatDay(value) {
    const date = new Date(value + "T00:00:00Z");
    if (isNaN(date)) return String(value);
    const days = Math.round((date - new Date(isoDay.format(new Date()) + "T00:00:00Z")) / 86400000);
    const when = days === 0 ? "vandaag" : days === 1 ? "morgen" : days === -1 ? "gisteren"
      : days > 0 ? `over ${days} dagen` : `${-days} dagen geleden`;
    return `${dayFormat.format(date)} (${when})`;
  }

  const ANSWERS = { unknown: "Weet niet", skipped: "Overgeslagen" };
  const HELP = { ocmw: "OCMW", caw: "CAW", ocmw_and_caw: "OCMW en CAW", none: "Niemand", other: "Andere" };

  // An intake answer in Dutch.
  function formatAnswer(key, value) {
    if (value === null || value === undefined || value === "") return "Niet gevraagd";
    if (value === true) return "Ja";
    if (value === false) return "Nee";
    if (value in ANSWERS) return ANSWERS[value];
    if (key.endsWith("_date") && /^\d{4}-\d\d-\d\d$/.test(value)) return formatDay(value);
    if ((key === "arrears_euros" || key === "monthly_rent") && typeof value === "number") return euro.format(value);
    if (key === "arrears_months" && typeof value === "number") return `${String(value).replace(".", ",")} maanden`;
    if (key === "help_involved" && value in HELP) return HELP[value];
    if (Array.isArray(value)) return value.join(", ");
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  // The priority as a coloured badge that always shows its text; `spoken` adds "Prioriteit"
  // for screen readers where no label or column header says it.
  function badge(priority, spoken = true) {
    const p = PRIORITIES.includes(priority) ? priority : "none";
    return el("span", { class: `badge prio-${p}`, "data-priority": p },
      spoken ? el("span", { class: "visually-hidden", text: "Prioriteit " }) : null, p === "none" ? "geen" : p);
  }

  function flagList(flags) {
    const list = el("ul", { class: "flags", "aria-label": "Signalen" });
    for (const flag of flags || []) {
      list.append(el("li", { class: "flag", "data-flag": flag, text: label(FLAGS, flag) }));
    }
    if (!list.children.length) list.append(el("li", { class: "muted", text: "geen" }));
    return list;
  }

  // claimed_by is a display name; an object {username, display_name} is accepted too.
  const claimantName = (c) => (c.claimed_by && typeof c.claimed_by === "object"
    ? c.claimed_by.display_name || c.claimed_by.username : c.claimed_by) || "";

  function notify(node, text, kind) {
    node.textContent = text || "";
    node.dataset.kind = kind || "info";
  }

  function errorText(error) {
    if (error instanceof ApiError) {
      if (error.status === 429) return "Te veel verzoeken. Wacht even en probeer opnieuw.";
      if (error.status === 404) return "Deze zaak bestaat niet (meer).";
      if (error.status === 422) return "Dat lukt niet: " + (error.message || error.code);
      return `Er ging iets mis (${error.status}). Probeer opnieuw.`;
    }
    return "Geen verbinding met de server. Probeer opnieuw.";
  }

  // Runs `task` again `delay()` ms after each run; `soon()` runs it at once (a call during a
  // run makes exactly one more run right after it, so no change is missed and a burst costs
  // one extra request), `later()` after `delay()`. `task` returning false stops the poller.
  function poller(task, delay) {
    let timer = null;
    let running = false;
    let again = false;
    let stopped = false;
    async function run() {
      if (stopped) return;
      if (running) { again = true; return; }
      clearTimeout(timer);
      timer = null;
      running = true;
      let result;
      try { result = await task(); } catch { result = undefined; }
      running = false;
      if (result === false) { stopped = true; return; }
      if (again) { again = false; run(); return; }
      timer = setTimeout(run, delay());
    }
    return { soon: run, later: () => { clearTimeout(timer); timer = setTimeout(run, delay()); } };
  }

  // Live updates over one WebSocket (/api/console/live, the session cookie logs it in).
  // Frames only say what changed ({type: "change", what, conversation_id, case_id?}); the
  // page re-fetches through the API. While the socket is down the page polls as before and
  // the socket reconnects with backoff (1 s doubling to 30 s, jittered; at once when the
  // browser is back online). <body data-connection="live|polling"> shows which is in use.
  const LIVE_PATH = "/api/console/live";
  const BACKOFF_MS = [1000, 30000];
  const SILENCE_MS = 70000;       // the server pings every 25 s: silence this long means dead
  const SESSION_ENDED = 4401;
  const live = {
    state: "polling",
    connect({ onChange, onState }) {
      let socket = null;
      let attempt = 0;
      let retryTimer = null;
      let watchdog = null;
      const setState = (next) => {
        document.body.dataset.connection = next;
        if (next === live.state) return;
        live.state = next;
        if (onState) onState(next);
      };
      const retry = () => {
        clearTimeout(retryTimer);
        const base = Math.min(BACKOFF_MS[1], BACKOFF_MS[0] * 2 ** attempt);
        attempt += 1;
        retryTimer = setTimeout(open, base / 2 + Math.random() * base / 2);
      };
      const heard = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => { if (socket) socket.close(); }, SILENCE_MS);
      };
      function open() {
        clearTimeout(retryTimer);
        if (socket) return;
        if (typeof WebSocket !== "function") return;          // polling only
        let ws;
        try {
          ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + LIVE_PATH);
        } catch { retry(); return; }
        socket = ws;
        heard();
        ws.onmessage = (message) => {
          heard();
          let frame;
          try { frame = JSON.parse(message.data); } catch { return; }
          if (frame.type === "ready") { attempt = 0; setState("live"); }
          else if (frame.type === "change" && onChange) onChange(frame);
        };
        ws.onclose = (event) => {
          if (socket !== ws) return;
          socket = null;
          clearTimeout(watchdog);
          setState("polling");
          // The session ended: the next API call sends the caseworker to the login page.
          if (event.code === SESSION_ENDED) { loadMe().then(retry, () => {}); return; }
          retry();
        };
      }
      window.addEventListener("online", () => { if (!socket) { attempt = 0; open(); } });
      setState("polling");
      open();
    },
  };

  window.HH = {
    api, ApiError, initPage, poller, live, claimantName, el, badge, flagList, notify, errorText, label, triageReason,
    parseTime, formatDateTime, formatDuration, formatAnswer, timeElement,
    PRIORITIES, STAGES, LANGUAGES, CHANNELS, STATUSES, OUTCOMES, SYSTEM_OUTCOMES, HANDOFF_REASONS,
    get me() { return me; },
  };
})();
