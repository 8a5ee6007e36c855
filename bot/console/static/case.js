// One case: summary, intake answers, the transcript (updated when the live connection says
// this conversation changed; polled every 2 s while it is down, every 30 s as a safety net
// while it is up), reply with canned replies, internal notes, and claim / transfer /
// release / close.
"use strict";

(() => {
  const { api, el, badge, flagList, notify, errorText, label, claimantName } = HH;
  const POLL_MS = 2000;
  const SAFETY_POLL_MS = 30000;
  const $ = (id) => document.getElementById(id);
  const caseId = location.pathname.replace(/\/+$/, "").split("/").pop();
  const notice = $("notice");
  const transcript = $("transcript");
  const replyText = $("reply-text");
  const replySend = document.querySelector("[data-testid=reply-send]");
  const claimButton = $("claim-button");

  const INTAKE = [
    ["hearing_date", "Datum zitting"],
    ["eviction_date", "Datum uithuiszetting"],
    ["judgment_served_date", "Vonnis betekend op"],
    ["arrears_months", "Achterstand (maanden)"],
    ["arrears_euros", "Achterstand (euro)"],
    ["monthly_rent", "Huur per maand"],
    ["children", "Kinderen"],
    ["income_loss", "Inkomensverlies"],
    ["health_problems", "Gezondheidsproblemen"],
    ["municipality", "Gemeente"],
    ["postcode", "Postcode"],
    ["help_involved", "OCMW/CAW betrokken"],
    ["handoff_consent", "Toestemming doorgeven"],
  ];
  const AUTHORS = { tenant: "Huurder", bot: "Huurhulp (bot)", caseworker: "Medewerker", system: "Systeem" };

  let current = null;           // the case as last received
  let caseKey = "";
  let lastId = 0;
  let version = 0;              // bumped by every action, so an older poll answer cannot undo it
  let sending = false;
  let caseworkers = [];
  let cannedFor = null;
  const shown = new Set();


  function isMine(c) {
    if (!c || c.status !== "caseworker") return false;
    const me = HH.me || {};
    if (c.claimed_by_username) return c.claimed_by_username === me.username;
    if (c.claimed_by && typeof c.claimed_by === "object") return c.claimed_by.username === me.username;
    return c.claimed_by === me.display_name;
  }

  function fact(list, term, ...value) {
    list.append(el("dt", { text: term }), el("dd", {}, ...value));
  }

  function renderCase(c) {
    const key = JSON.stringify(c);
    if (key === caseKey) return;
    caseKey = key;
    current = c;
    document.title = `Zaak ${c.id} (${c.priority || "geen"}) – Huurhulp console`;
    $("case-title").textContent = `Zaak ${c.id}`;
    const status = $("case-status");
    status.textContent = label(HH.STATUSES, c.status);
    status.dataset.status = c.status;

    const summary = $("summary");
    summary.replaceChildren();
    fact(summary, "Prioriteit", badge(c.priority, false));
    fact(summary, "Fase", label(HH.STAGES, c.stage));
    fact(summary, "Taal", label(HH.LANGUAGES, c.language));
    fact(summary, "Kanaal", label(HH.CHANNELS, c.channel));
    const live = c.status === "waiting" || c.status === "caseworker";
    fact(summary, "Wacht sinds", HH.formatDateTime(c.waiting_since),
      live ? el("span", { class: "sub" }, "(", el("span", { "data-since": c.waiting_since }), ")") : null);
    fact(summary, "Behandeld door", claimantName(c) || "—");
    fact(summary, "Reden", label(HH.HANDOFF_REASONS, c.reason));
    fact(summary, "Signalen", flagList(c.flags));
    if (c.reasons && c.reasons.length) {
      fact(summary, "Triage", el("ul", { class: "plain" }, ...c.reasons.map((r) => el("li", { text: HH.triageReason(r) }))));
    }
    if (c.outcome) fact(summary, "Uitkomst", label({ ...HH.OUTCOMES, ...HH.SYSTEM_OUTCOMES }, c.outcome));

    const intake = $("intake");
    intake.replaceChildren();
    const answers = c.summary || {};
    for (const [name, term] of INTAKE) {
      const value = answers[name];
      const missing = value === null || value === undefined || value === "";
      fact(intake, term, el("span", { class: missing ? "muted" : null, text: HH.formatAnswer(name, value) }));
    }
    renderControls();
    tick();
    loadCanned(c.language);
  }

  function renderControls() {
    const c = current;
    const mine = isMine(c);
    const waiting = c.status === "waiting";
    replyText.disabled = !mine;
    replySend.disabled = !mine || sending;
    for (const button of document.querySelectorAll("[data-testid=canned-reply]")) button.disabled = !mine;
    claimButton.hidden = !waiting;
    claimButton.disabled = false;
    const who = claimantName(c);
    $("reply-state").textContent = {
      waiting: "Deze zaak wacht op een medewerker. Neem ze over om de huurder te antwoorden.",
      caseworker: mine ? "Jij behandelt deze zaak." : `In behandeling bij ${who || "een collega"}. Alleen die collega kan antwoorden.`,
      closed: "Deze zaak is afgesloten.",
      bot: "Het gesprek is terug bij de bot.",
    }[c.status] || "";

    const select = $("transfer-select");
    const others = caseworkers.filter((cw) => cw.username !== (HH.me || {}).username);
    const chosen = select.value;
    select.replaceChildren(...(others.length
      ? others.map((cw) => el("option", { value: cw.username, text: cw.display_name || cw.username }))
      : [el("option", { value: "", text: "Geen collega's beschikbaar" })]));
    if (others.some((cw) => cw.username === chosen)) select.value = chosen;
    select.disabled = !mine || !others.length;
    document.querySelector("[data-testid=transfer-button]").disabled = select.disabled;
    $("release-button").disabled = !mine;
    const canClose = mine || waiting;
    for (const id of ["close-outcome", "close-note"]) $(id).disabled = !canClose;
    document.querySelector("[data-testid=close-button]").disabled = !canClose;
  }

  function messageNode(m) {
    const author = m.author in AUTHORS ? m.author : "system";
    const name = author === "caseworker" ? m.author_name || AUTHORS.caseworker
      : author === "system" || author === "bot" ? AUTHORS[author] : AUTHORS.tenant;
    const node = el("div", { class: `msg msg-${author} msg-${m.direction === "in" ? "in" : "out"}`,
      "data-testid": "message", "data-author": author, "data-message-id": m.id },
      el("p", { class: "meta" }, el("span", { class: "author", text: name }), " · ", HH.timeElement(m.created_at)),
      el("p", { class: "text", dir: "auto", text: m.text || "" }));
    const buttons = (m.buttons || []).map((b) => (b && typeof b === "object" ? b.title || b.payload : b)).filter(Boolean);
    if (buttons.length) {
      node.append(el("ul", { class: "msg-buttons", "aria-label": "Knoppen die de huurder zag" },
        ...buttons.map((title) => el("li", { text: title }))));
    }
    if (m.attachment) node.append(attachmentNode(m));
    return node;
  }

  // A photo or document the tenant sent (Telegram), fetched through the console's own route.
  function attachmentNode(m) {
    const url = `/api/console/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(m.id)}`;
    if (m.attachment.kind === "photo") {
      return el("a", { class: "attachment", href: url, target: "_blank", rel: "noopener", "data-testid": "attachment" },
        el("img", { src: url, alt: "Foto van de huurder", loading: "lazy" }));
    }
    return el("a", { class: "attachment", href: url, download: m.attachment.file_name || "", "data-testid": "attachment" },
      `Document openen${m.attachment.file_name ? ": " + m.attachment.file_name : ""}`);
  }

  function addMessages(messages, forceScroll) {
    const nearBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 120;
    let added = false;
    for (const m of messages || []) {
      if (shown.has(m.id)) continue;
      shown.add(m.id);
      if (Number(m.id) > lastId) lastId = Number(m.id);
      transcript.append(messageNode(m));
      added = true;
    }
    if (!transcript.children.length) transcript.append(el("p", { class: "muted empty", text: "Nog geen berichten." }));
    else if (added) transcript.querySelector(".empty")?.remove();
    if (added && (forceScroll || nearBottom)) transcript.scrollTop = transcript.scrollHeight;
  }

  function renderNotes(notes) {
    $("notes").replaceChildren(...notes.map(noteNode));
    if (!notes.length) $("notes").append(el("li", { class: "muted empty", text: "Nog geen notities." }));
  }

  function noteNode(n) {
    return el("li", { class: "note", "data-note-id": n.id },
      el("p", { class: "meta" }, el("span", { class: "author", text: n.author_name || "Medewerker" }), " · ",
        HH.timeElement(n.created_at)),
      el("p", { class: "text", text: n.text || "" }));
  }

  async function loadCanned(language) {
    if (cannedFor === language) return;
    cannedFor = language;
    const list = $("canned-list");
    try {
      const data = await api("GET", `/api/console/canned-replies?language=${encodeURIComponent(language || "nl")}`);
      const used = data.language || language;
      $("h-canned").textContent = `Standaardantwoorden (${label(HH.LANGUAGES, used)})`;
      list.replaceChildren(...(data.replies || []).map((r) =>
        el("button", { type: "button", class: "chip", "data-testid": "canned-reply", "data-reply-id": r.id,
          title: r.text, text: r.title, onclick: () => insertReply(r.text) })));
      renderControls();
    } catch (error) {
      cannedFor = null;
      if (error.status !== 401) list.replaceChildren(el("p", { class: "muted", text: "Standaardantwoorden laden lukt niet." }));
    }
  }

  function insertReply(text) {
    if (replyText.disabled) return;
    const { selectionStart: start, selectionEnd: end, value } = replyText;
    if (!value.trim()) {
      replyText.value = text;
    } else {
      const before = value.slice(0, start);
      const glue = before && !before.endsWith("\n") ? "\n" : "";
      replyText.setRangeText(glue + text, start, end, "end");
    }
    replyText.focus();
  }

  function tick() {
    for (const node of document.querySelectorAll("[data-since]")) {
      const since = HH.parseTime(node.dataset.since);
      node.textContent = since ? HH.formatDuration(Date.now() - since) : "";
    }
  }

  async function load() {
    const data = await api("GET", `/api/console/cases/${encodeURIComponent(caseId)}`);
    caseworkers = data.caseworkers || [];
    caseKey = "";               // colleagues may have changed: redraw the controls
    renderCase(data.case);
    addMessages(data.messages, true);
    renderNotes(data.notes || []);
  }

  async function poll() {
    const started = version;
    try {
      const data = await api("GET", `/api/console/cases/${encodeURIComponent(caseId)}/messages?after=${lastId}`);
      addMessages(data.messages);
      if (data.case && started === version) renderCase(data.case);
      if (notice.dataset.kind === "offline") notify(notice, "");
    } catch (error) {
      if (error.status === 404) { notify(notice, errorText(error), "error"); return false; }
      if (error.status !== 401) notify(notice, "Bijwerken lukt niet. Nieuwe poging…", "offline");
    }
    return true;
  }

  const updates = HH.poller(poll, () => (HH.live.state === "live" ? SAFETY_POLL_MS : POLL_MS));

  // A change of this case, or of its conversation (messages, a later case of the same tenant).
  function concernsThisCase(change) {
    return String(change.case_id) === caseId || (current && change.conversation_id === current.conversation_id);
  }

  // Runs a state-changing request; the answer's case replaces the shown one.
  async function act(button, request, success) {
    version += 1;
    if (button) button.disabled = true;
    try {
      const data = await request();
      if (data && data.case) renderCase(data.case);
      if (success) notify(notice, success, "ok");
      return data || {};
    } catch (error) {
      if (error.status === 409) {
        notify(notice, error.code === "already_claimed" && button === claimButton
          ? "Een collega nam deze zaak al over." : "Dat kan niet meer: de zaak is intussen gewijzigd.", "error");
        version += 1;
        await load().catch(() => {});
      } else if (error.status !== 401) {
        notify(notice, errorText(error), "error");
      }
      return null;
    } finally {
      if (button) button.disabled = false;
      if (current) renderControls();
    }
  }

  const post = (path, body) => () => api("POST", `/api/console/cases/${encodeURIComponent(caseId)}/${path}`, body);

  claimButton.addEventListener("click", async () => {
    const data = await act(claimButton, post("claim"), "Je behandelt nu deze zaak.");
    if (data) replyText.focus();
  });

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = replyText.value.trim();
    if (!text) { notify(notice, "Typ eerst een bericht.", "error"); replyText.focus(); return; }
    sending = true;
    const data = await act(replySend, post("messages", { text }));
    sending = false;
    renderControls();
    if (data && data.message) {
      addMessages([data.message], true);
      replyText.value = "";
      notify(notice, "");
      replyText.focus();
    }
  });

  replyText.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("reply-form").requestSubmit();
    }
  });

  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = $("note-text");
    const text = field.value.trim();
    if (!text) { notify(notice, "Typ eerst een notitie.", "error"); field.focus(); return; }
    const data = await act(document.querySelector("[data-testid=note-add]"), post("notes", { text }), "Notitie bewaard.");
    if (data && data.note) {
      $("notes").querySelector(".empty")?.remove();
      $("notes").append(noteNode(data.note));
      field.value = "";
    }
  });

  $("transfer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const select = $("transfer-select");
    const name = select.selectedOptions[0] ? select.selectedOptions[0].textContent : "";
    if (!select.value || !window.confirm(`Zaak ${caseId} overdragen aan ${name}?`)) return;
    await act(document.querySelector("[data-testid=transfer-button]"),
      post("transfer", { to: select.value }), `Zaak overgedragen aan ${name}.`);
  });

  $("release-button").addEventListener("click", async () => {
    if (!window.confirm("Het gesprek gaat terug naar de bot. De huurder praat dan weer met de bot. Doorgaan?")) return;
    await act($("release-button"), post("release"), "Het gesprek is terug bij de bot.");
  });

  $("close-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const outcome = $("close-outcome").value;
    if (!outcome) { notify(notice, "Kies eerst een uitkomst.", "error"); $("close-outcome").focus(); return; }
    if (!window.confirm(`Zaak ${caseId} afsluiten met uitkomst „${label(HH.OUTCOMES, outcome)}”?`)) return;
    const note = $("close-note").value.trim();
    const data = await act(document.querySelector("[data-testid=close-button]"),
      post("close", note ? { outcome, note } : { outcome }), "De zaak is afgesloten.");
    if (data) {
      $("close-note").value = "";
      await load().catch(() => {});     // the closing note may now be among the notes
    }
  });

  $("close-outcome").replaceChildren(el("option", { value: "", text: "Kies een uitkomst…" }),
    ...Object.entries(HH.OUTCOMES).map(([value, text]) => el("option", { value, text })));

  if (!/^\d+$/.test(caseId)) {
    notify(notice, "Deze zaak bestaat niet.", "error");
    return;
  }
  HH.initPage()
    .then(load)
    .then(() => {
      updates.later();
      HH.live.connect({ onChange: (change) => { if (concernsThisCase(change)) updates.soon(); },
        onState: () => updates.soon() });
      setInterval(tick, 1000);
    })
    .catch((error) => { if (error.status !== 401) notify(notice, errorText(error), "error"); });
})();
