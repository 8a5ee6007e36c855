// The shared queue: three lists, updated when the live connection says a case changed
// (polled every 2.5 s while it is down, every 30 s as a safety net while it is up), live
// waiting times, claim buttons, and a banner (plus the tab title) when a new S or P1 case
// starts waiting.
"use strict";

(() => {
  const { api, el, badge, flagList, notify, errorText, label } = HH;
  const POLL_MS = 2500;
  const SAFETY_POLL_MS = 30000;
  const STATUSES = ["waiting", "caseworker", "closed"];
  const URGENT = ["S", "P1"];
  const STORE = "huurhulp-console-urgent";
  const BASE_TITLE = "Huurhulp console";
  const notice = document.getElementById("notice");
  const banner = document.getElementById("urgent-banner");
  const lists = {};
  const OPENED_AT = Date.now();
  let clockOffset = 0;          // server time minus local time
  let offline = false;

  // Urgent cases seen waiting at the last poll, and those not yet acknowledged. Kept for the
  // browser tab's session, so a case that arrived while a case page was open still alerts.
  const stored = JSON.parse(sessionStorage.getItem(STORE) || "null");
  let seen = stored ? new Set(stored.seen) : null;
  const pending = new Map((stored ? stored.pending : []).map((id) => [id, null]));
  let bannerKey = "";

  const now = () => Date.now() + clockOffset;

  function save() {
    sessionStorage.setItem(STORE, JSON.stringify({ seen: [...(seen || [])], pending: [...pending.keys()] }));
  }

  function acknowledge(id) {
    if (id === undefined) pending.clear(); else pending.delete(id);
    save();
    renderBanner();
  }

  function trackUrgent(waiting) {
    const urgent = waiting.filter((c) => URGENT.includes(c.priority));
    const ids = new Set(urgent.map((c) => c.id));
    for (const c of urgent) {
      // Before the first poll of this session, "new" means: started waiting after the page opened.
      const isNew = seen ? !seen.has(c.id) : HH.parseTime(c.waiting_since) > OPENED_AT + clockOffset;
      if (isNew || pending.has(c.id)) pending.set(c.id, c);
    }
    for (const id of [...pending.keys()]) if (!ids.has(id)) pending.delete(id);   // claimed or gone
    seen = ids;
    save();
    renderBanner();
  }

  function caseLine(c) {
    const summary = c.summary || {};
    const where = summary.municipality || summary.postcode;
    return `${c.priority} – ${label(HH.STAGES, c.stage)}${where && typeof where === "string" ? ", " + where : ""}`;
  }

  function renderBanner() {
    const cases = [...pending.values()].filter(Boolean);
    const key = cases.map((c) => c.id).join(",");
    document.title = cases.length ? `(${cases.length}) ${BASE_TITLE}` : BASE_TITLE;
    if (key === bannerKey) return;          // do not make screen readers repeat the alert
    bannerKey = key;
    banner.replaceChildren();
    banner.hidden = !cases.length;
    if (!cases.length) return;
    const list = el("ul");
    for (const c of cases) {
      list.append(el("li", {},
        el("strong", { text: "Nieuwe dringende zaak: " + caseLine(c) }), " ",
        el("a", { href: `/console/cases/${c.id}`, class: "button-link", onclick: () => acknowledge(c.id),
          text: `Open zaak ${c.id}` })));
    }
    banner.append(list, el("button", { type: "button", class: "secondary", text: "Gezien",
      onclick: () => acknowledge() }));
  }

  function listFor(status) {
    if (lists[status]) return lists[status];
    const container = document.querySelector(`.cases[data-status=${status}]`);
    const timeHeader = status === "closed" ? "Uitkomst" : "Wacht sinds";
    const headers = ["Prioriteit", "Fase", "Taal", "Kanaal", "Signalen", timeHeader, "Behandeld door", "Acties"];
    const tbody = el("tbody");
    const table = el("table", { class: "case-table" },
      el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))), tbody);
    const empty = el("p", { class: "muted", text: "Geen zaken.", hidden: true });
    container.replaceChildren(table, empty);
    lists[status] = { table, tbody, empty, headers, rows: new Map() };
    return lists[status];
  }

  function buildRow(c, status, headers) {
    const summary = c.summary || {};
    const where = [summary.municipality, summary.postcode].filter((v) => typeof v === "string" || typeof v === "number");
    const cells = [
      badge(c.priority, false),
      [el("span", { text: label(HH.STAGES, c.stage) }),
        where.length ? el("span", { class: "sub", text: [...new Set(where.map(String))].join(" ") }) : null],
      label(HH.LANGUAGES, c.language),
      label(HH.CHANNELS, c.channel),
      flagList(c.flags),
      status === "closed"
        ? label({ ...HH.OUTCOMES, ...HH.SYSTEM_OUTCOMES }, c.outcome)
        : el("span", { "data-since": c.waiting_since, title: HH.formatDateTime(c.waiting_since) }),
      HH.claimantName(c) || "—",
      actions(c, status),
    ];
    const row = el("tr", { "data-testid": "case-row", "data-case-id": c.id, "data-priority": c.priority || "none",
      "data-status": status, class: `prio-row-${c.priority || "none"}` });
    cells.forEach((content, i) => {
      const cell = el(i === 0 ? "th" : "td", { "data-label": headers[i], scope: i === 0 ? "row" : null });
      cell.append(el("div", { class: "cell" }, ...[].concat(content)));
      row.append(cell);
    });
    return row;
  }

  function actions(c, status) {
    const box = el("div", { class: "actions" },
      el("a", { href: `/console/cases/${c.id}`, class: "button-link", "data-testid": "open-case",
        onclick: () => acknowledge(c.id) }, "Open", el("span", { class: "visually-hidden", text: ` zaak ${c.id}` })));
    if (status === "waiting") {
      const button = el("button", { type: "button", class: "primary", "data-testid": "claim-button" },
        "Neem over", el("span", { class: "visually-hidden", text: ` zaak ${c.id}` }));
      button.addEventListener("click", () => claim(c, button));
      box.append(button);
    }
    return box;
  }

  function renderList(status, cases) {
    const list = listFor(status);
    const keep = new Map();
    cases.forEach((c, index) => {
      const key = JSON.stringify(c);
      const old = list.rows.get(c.id);
      const row = old && old.key === key ? old.row : buildRow(c, status, list.headers);
      if (old && old.row !== row) old.row.replaceWith(row);
      if (list.tbody.children[index] !== row) list.tbody.insertBefore(row, list.tbody.children[index] || null);
      keep.set(c.id, { row, key });
    });
    for (const [id, old] of list.rows) if (!keep.has(id)) old.row.remove();
    list.rows = keep;
    list.table.hidden = !cases.length;
    list.empty.hidden = !!cases.length;
    document.querySelector(`[data-count=${status}]`).textContent = `(${cases.length})`;
  }

  function tick() {
    for (const node of document.querySelectorAll("[data-since]")) {
      const since = HH.parseTime(node.dataset.since);
      node.textContent = since ? HH.formatDuration(now() - since) : "—";
    }
  }

  async function refresh() {
    const results = await Promise.all(STATUSES.map((s) => api("GET", `/api/console/cases?status=${s}`)));
    const serverNow = HH.parseTime(results[0].now);
    if (serverNow) clockOffset = serverNow - Date.now();
    results.forEach((data, i) => renderList(STATUSES[i], data.cases || []));
    trackUrgent(results[0].cases || []);
    tick();
    if (offline) { offline = false; notify(notice, ""); }
  }

  async function poll() {
    try {
      await refresh();
    } catch (error) {
      if (error.status !== 401) { offline = true; notify(notice, "Bijwerken lukt niet: " + errorText(error), "error"); }
    }
  }

  const updates = HH.poller(poll, () => (HH.live.state === "live" ? SAFETY_POLL_MS : POLL_MS));

  async function claim(c, button) {
    button.disabled = true;
    try {
      await api("POST", `/api/console/cases/${c.id}/claim`);
      acknowledge(c.id);
      notify(notice, `Je nam zaak ${c.id} over.`, "ok");
      await refresh();
      const link = document.querySelector(`[data-testid=queue-caseworker] [data-case-id="${c.id}"] a`);
      if (link) link.focus();
    } catch (error) {
      button.disabled = false;
      notify(notice, error.status === 409 ? "Een collega nam deze zaak al over." : errorText(error), "error");
      try { await refresh(); } catch { /* the next poll retries */ }
    }
  }

  HH.initPage().then(() => {
    updates.soon();
    // A new message changes nothing in the lists; every other change may.
    HH.live.connect({ onChange: (change) => { if (change.what !== "message") updates.soon(); },
      onState: () => updates.soon() });
    setInterval(tick, 1000);
  }).catch((error) => {
    if (error.status !== 401) notify(notice, errorText(error), "error");
  });
})();
