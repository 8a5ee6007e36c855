/*! Huurhulp web widget. AGPL-3.0-or-later. Embed with one line:
  <script src="https://GATEWAY/widget.js" data-language="nl" data-color="#0b5cad" defer></script>
  Plain JS, no dependencies, no build step; everything lives in a Shadow DOM. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || customElements.get("huurhulp-widget")) return;
  customElements.define("huurhulp-widget", class extends HTMLElement {});

  // Strings: nl fr en tr ar pl ro uk. Keys: open, title, label, placeholder, send, typing,
  // fresh (new conversation), close, offline, error, notSent, tooLong, you, caseworker, unread, hint,
  // then the menu: menu, download, erase, eraseAsk, eraseYes, eraseNo, erased, none (no conversation).
  // eraseYes and eraseNo are the gateway's buttons (bot/locales), erased the first sentence of its reply.
  var T = {
    nl: ["Chat met Huurhulp", "Huurhulp", "Je bericht", "Typ je bericht…", "Verstuur", "Huurhulp typt…",
      "Nieuw gesprek", "Sluiten", "Geen verbinding. We proberen opnieuw…", "Er ging iets mis. Probeer opnieuw.",
      "Niet verstuurd:", "Je bericht is te lang. Verstuur het in delen.", "Jij", "Hulpverlener", "nieuw bericht",
      "Stel hier je vraag over je huur of je woning.",
      "Meer",
      "Download mijn gesprek",
      "Verwijder mijn gesprek",
      "Dit hele gesprek verwijderen, ook bij de hulpverleners? Dat kan niet ongedaan worden.",
      "Ja, verwijder alles",
      "Nee, bewaren",
      "Je gesprek is verwijderd.",
      "Er is nog geen gesprek."],
    fr: ["Discuter avec Huurhulp", "Huurhulp", "Votre message", "Écrivez votre message…", "Envoyer",
      "Huurhulp écrit…", "Nouvelle conversation", "Fermer", "Pas de connexion. Nouvel essai en cours…",
      "Un problème est survenu. Réessayez.", "Non envoyé :", "Votre message est trop long. Envoyez-le en plusieurs parties.",
      "Vous", "Intervenant·e", "nouveau message", "Posez ici votre question sur votre loyer ou votre logement.",
      "Plus",
      "Télécharger ma conversation",
      "Supprimer ma conversation",
      "Supprimer toute cette conversation, aussi chez les intervenants ? C'est définitif.",
      "Oui, tout supprimer",
      "Non, garder",
      "Votre conversation a été supprimée.",
      "Il n'y a pas encore de conversation."],
    en: ["Chat with Huurhulp", "Huurhulp", "Your message", "Type your message…", "Send", "Huurhulp is typing…",
      "New conversation", "Close", "No connection. Trying again…", "Something went wrong. Please try again.",
      "Not sent:", "Your message is too long. Send it in parts.", "You", "Caseworker", "new message",
      "Ask your question about your rent or your home here.",
      "More",
      "Download my conversation",
      "Delete my conversation",
      "Delete this whole conversation, for the caseworkers too? This cannot be undone.",
      "Yes, delete everything",
      "No, keep it",
      "Your conversation has been deleted.",
      "There is no conversation yet."],
    tr: ["Huurhulp ile sohbet", "Huurhulp", "Mesajınız", "Mesajınızı yazın…", "Gönder", "Huurhulp yazıyor…",
      "Yeni sohbet", "Kapat", "Bağlantı yok. Yeniden deneniyor…", "Bir sorun oluştu. Lütfen tekrar deneyin.",
      "Gönderilmedi:", "Mesajınız çok uzun. Parçalar halinde gönderin.", "Siz", "Danışman", "yeni mesaj",
      "Kira veya eviniz hakkındaki sorunuzu buraya yazın.",
      "Daha fazla",
      "Sohbetimi indir",
      "Sohbetimi sil",
      "Bu sohbetin tamamı danışmanlarda da silinsin mi? Bu geri alınamaz.",
      "Evet, hepsini sil",
      "Hayır, sakla",
      "Sohbetiniz silindi.",
      "Henüz bir sohbet yok."],
    ar: ["تحدّث مع Huurhulp", "Huurhulp", "رسالتك", "اكتب رسالتك…", "إرسال", "Huurhulp يكتب…",
      "محادثة جديدة", "إغلاق", "لا يوجد اتصال. نحاول مرة أخرى…", "حدث خطأ. حاول مرة أخرى.",
      "لم تُرسَل:", "رسالتك طويلة جدًا. أرسلها على أجزاء.", "أنت", "الأخصائي الاجتماعي", "رسالة جديدة",
      "اكتب هنا سؤالك عن الإيجار أو مسكنك.",
      "المزيد",
      "تنزيل محادثتي",
      "حذف محادثتي",
      "حذف هذه المحادثة بالكامل، لدى المرشدين أيضًا؟ لا يمكن التراجع عن ذلك.",
      "نعم، احذف كل شيء",
      "لا تحذف",
      "تم حذف محادثتكم.",
      "لا توجد محادثة بعد."],
    pl: ["Czat z Huurhulp", "Huurhulp", "Twoja wiadomość", "Wpisz wiadomość…", "Wyślij", "Huurhulp pisze…",
      "Nowa rozmowa", "Zamknij", "Brak połączenia. Próbujemy ponownie…", "Coś poszło nie tak. Spróbuj ponownie.",
      "Nie wysłano:", "Wiadomość jest za długa. Wyślij ją w częściach.", "Ty", "Pracownik socjalny",
      "nowa wiadomość", "Zadaj tutaj pytanie o czynsz lub mieszkanie.",
      "Więcej",
      "Pobierz moją rozmowę",
      "Usuń moją rozmowę",
      "Usunąć całą tę rozmowę, także u pracowników socjalnych? Tego nie da się cofnąć.",
      "Tak, usuń wszystko",
      "Nie, zachowaj",
      "Twoja rozmowa została usunięta.",
      "Nie ma jeszcze rozmowy."],
    ro: ["Discută cu Huurhulp", "Huurhulp", "Mesajul tău", "Scrie mesajul tău…", "Trimite", "Huurhulp scrie…",
      "Conversație nouă", "Închide", "Nu există conexiune. Încercăm din nou…", "Ceva nu a mers. Încearcă din nou.",
      "Nu a fost trimis:", "Mesajul este prea lung. Trimite-l în mai multe părți.", "Tu", "Asistent social",
      "mesaj nou", "Pune aici întrebarea ta despre chirie sau locuință.",
      "Mai mult",
      "Descărcați conversația",
      "Ștergeți conversația",
      "Ștergeți toată conversația, și la asistenții sociali? Nu se poate anula.",
      "Da, șterge tot",
      "Nu, păstrează",
      "Conversația dumneavoastră a fost ștearsă.",
      "Nu există încă o conversație."],
    uk: ["Чат з Huurhulp", "Huurhulp", "Ваше повідомлення", "Напишіть повідомлення…", "Надіслати",
      "Huurhulp друкує…", "Нова розмова", "Закрити", "Немає з'єднання. Пробуємо ще раз…",
      "Щось пішло не так. Спробуйте ще раз.", "Не надіслано:", "Повідомлення задовге. Надішліть його частинами.",
      "Ви", "Соціальний працівник", "нове повідомлення", "Поставте тут запитання про оренду чи житло.",
      "Більше",
      "Завантажити мою розмову",
      "Видалити мою розмову",
      "Видалити всю розмову, також у соціальних працівників? Це не можна скасувати.",
      "Так, видалити все",
      "Ні, зберегти",
      "Вашу розмову видалено.",
      "Розмови ще немає."]
  };
  var KEYS = "open title label placeholder send typing fresh close offline error notSent tooLong you caseworker unread hint menu download erase eraseAsk eraseYes eraseNo erased none".split(" ");
  var POLL_MS = 3000, SAFETY_POLL_MS = 30000, MAX_BACKOFF_MS = 30000, PAGE = 200;

  var data = script.dataset;
  var gateway = (data.gateway || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var api = gateway + "/api/web/conversations";
  var KEY = "huurhulp-widget:" + gateway;
  var color = /^#([0-9a-f]{3}){1,2}$/i.test(data.color || "") ? data.color : "#0b5cad";
  var chosen = known(data.language);
  var conv = load(), lang, s;
  var seen = {}, sock = null, live = false, tries = 0, retryTimer, pollTimer, syncing = null, again = false, syncs = 0;
  var busy = false, noticeKind = "", settled = !conv;  // settled: the stored history is shown

  function known(code) { code = (code || "").toLowerCase().split("-")[0]; return T[code] ? code : ""; }
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch (e) { return null; } }
  function save() { try { if (conv) localStorage.setItem(KEY, JSON.stringify(conv)); else localStorage.removeItem(KEY); } catch (e) { /* private mode */ } }
  function str(key) { return T[lang][KEYS.indexOf(key)]; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // Colours: text on the brand colour is black or white, whichever contrasts more.
  function luminance(hex) {
    if (hex.length === 4) hex = "#" + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3];
    return [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }).reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  var lum = luminance(color), onWhite = 1.05 / (lum + 0.05);
  var on = onWhite >= (lum + 0.05) / 0.05 ? "#fff" : "#000", ink = onWhite >= 4.5 ? color : "#1a1a1a";

  var CSS = ":host{all:initial}" +
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:15px;line-height:1.4}" +
    "button{cursor:pointer;font-weight:600}" +
    ":focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".launcher{position:fixed;bottom:16px;right:16px;z-index:2147483000;display:flex;align-items:center;gap:8px;" +
    "padding:12px 18px;border:0;border-radius:999px;background:var(--c);color:var(--on);box-shadow:0 2px 10px rgba(0,0,0,.3)}" +
    ".left .launcher{right:auto;left:16px}.launcher svg{width:22px;height:22px;fill:currentColor}" +
    ".dot{width:10px;height:10px;border-radius:50%;background:#d4001a;box-shadow:0 0 0 2px #fff}" +
    ".panel{position:fixed;bottom:84px;right:16px;z-index:2147483001;width:380px;max-width:calc(100vw - 32px);" +
    "height:580px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;color:#1a1a1a;" +
    "border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.3);overflow:hidden}" +
    ".left .panel{right:auto;left:16px}[hidden]{display:none!important}" +
    ".head{display:flex;align-items:center;gap:4px;padding:6px 6px 6px 14px;background:var(--c);color:var(--on)}" +
    "[dir=rtl] .head{padding:6px 14px 6px 6px}" +
    "h2{flex:1;margin:0;font-size:17px;font-weight:700}" +
    ".head button{background:none;color:inherit;border:1px solid transparent;border-radius:6px;padding:6px 8px}" +
    ".head button:hover{border-color:currentColor}.x{font-size:22px;line-height:1;padding:2px 10px}" +
    ".hint{margin:12px 14px 0;color:#444}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}" +
    ".msg{max-width:88%;align-self:flex-start}.tenant{align-self:flex-end}" +
    ".bubble{margin:0;padding:8px 12px;border-radius:14px;background:#eef0f3;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".tenant .bubble{background:var(--c);color:var(--on)}.caseworker .bubble{background:#fff3c4}" +
    ".system .bubble{background:#fff;border:1px solid #c9ced6}" +
    ".pending .bubble{opacity:.75}.bubble a{color:inherit}" +
    ".name{margin:0 4px 2px;font-size:13px;color:#444}" +
    ".choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}" +
    ".choices button{border:1px solid var(--ink);color:var(--ink);background:#fff;border-radius:999px;padding:6px 12px;text-align:start}" +
    ".choices button:hover{background:#f0f4fa}" +
    ".typing{margin:0 14px 6px;color:#444;display:flex;align-items:center;gap:8px}" +
    ".typing i{width:7px;height:7px;border-radius:50%;background:#666;animation:b 1s infinite alternate}" +
    ".typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}" +
    "@keyframes b{to{opacity:.2;transform:translateY(-3px)}}" +
    ".notice{margin:0 14px 6px;padding:6px 10px;border-radius:6px;background:#fdecea;color:#8a0010}" +
    ".notice.ok{background:#e7f4ea;color:#0b4f1b}" +
    ".more{font-size:20px;line-height:1;padding:2px 10px}" +
    ".menu{position:absolute;top:50px;right:8px;z-index:1;display:flex;flex-direction:column;min-width:230px;padding:4px;" +
    "background:#fff;color:#1a1a1a;border:1px solid #c9ced6;border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.25)}" +
    "[dir=rtl] .menu{right:auto;left:8px}" +
    ".menu button{background:none;border:0;border-radius:6px;padding:10px 12px;text-align:start;color:#1a1a1a}" +
    ".menu button:hover,.menu button:focus{background:#eef0f3}" +
    ".confirm{margin:0 14px 8px;padding:10px;border:1px solid #c9ced6;border-radius:8px;background:#fff}" +
    ".confirm p{margin:0 0 8px}.confirm div{display:flex;flex-wrap:wrap;gap:6px}" +
    ".confirm button{border:1px solid var(--ink);border-radius:999px;padding:6px 12px;background:#fff;color:var(--ink)}" +
    ".confirm .danger{background:#a4001a;border-color:#a4001a;color:#fff}" +
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}" +
    "input{flex:1;min-width:0;padding:10px;border:1px solid #767676;border-radius:8px;font-size:16px;color:#1a1a1a;background:#fff}" +
    "form button{border:0;border-radius:8px;padding:10px 14px;background:var(--c);color:var(--on)}" +
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "@media (max-width:480px){.panel,.left .panel{inset:0;width:auto;height:auto;max-width:none;max-height:none;border-radius:0}}" +
    "@media (prefers-reduced-motion:reduce){.typing i{animation:none}}";

  // DOM --------------------------------------------------------------------------------
  var host = document.createElement("huurhulp-widget");
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();  // not blocked by a host page's style-src CSP
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", "", CSS));
  }
  var wrap = el("div", data.position === "left" ? "left" : "");
  wrap.style.setProperty("--c", color);
  wrap.style.setProperty("--on", on);
  wrap.style.setProperty("--ink", ink);
  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "hh-panel");
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
  var launcherText = launcher.appendChild(el("span"));
  var dot = launcher.appendChild(el("span", "dot"));
  var dotText = dot.appendChild(el("span", "sr"));
  dot.hidden = true;

  var panel = el("section", "panel");
  panel.id = "hh-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "hh-title");
  var header = panel.appendChild(el("div", "head"));
  var title = header.appendChild(el("h2"));
  title.id = "hh-title";
  var more = header.appendChild(el("button", "more", "⋮"));  // the menu: a copy, erasure
  more.setAttribute("aria-haspopup", "menu");
  more.setAttribute("aria-expanded", "false");
  more.setAttribute("aria-controls", "hh-menu");
  var fresh = header.appendChild(el("button"));
  var closer = header.appendChild(el("button", "x", "×"));
  more.type = fresh.type = closer.type = "button";
  var menu = panel.appendChild(el("div", "menu"));
  menu.id = "hh-menu";
  menu.setAttribute("role", "menu");
  menu.hidden = true;
  var downloadItem = menu.appendChild(el("button"));
  var eraseItem = menu.appendChild(el("button"));
  [downloadItem, eraseItem].forEach(function (item) { item.type = "button"; item.setAttribute("role", "menuitem"); item.tabIndex = -1; });
  var hint = panel.appendChild(el("p", "hint"));
  var log = panel.appendChild(el("div", "log"));
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-labelledby", "hh-title");
  log.tabIndex = 0;  // a scrollable region must be reachable by keyboard
  var typing = panel.appendChild(el("p", "typing"));
  typing.setAttribute("role", "status");
  typing.innerHTML = "<i></i><i></i><i></i>";
  var typingText = typing.appendChild(el("span"));
  typing.hidden = true;
  var notice = panel.appendChild(el("p", "notice"));
  notice.setAttribute("role", "alert");
  notice.hidden = true;
  var confirmBox = panel.appendChild(el("div", "confirm"));  // "delete everything?" yes / no
  confirmBox.setAttribute("role", "alertdialog");
  confirmBox.setAttribute("aria-describedby", "hh-confirm");  // named in setLanguage
  confirmBox.hidden = true;
  var confirmText = confirmBox.appendChild(el("p"));
  confirmText.id = "hh-confirm";
  var confirmRow = confirmBox.appendChild(el("div"));
  var eraseYes = confirmRow.appendChild(el("button", "danger"));
  var eraseNo = confirmRow.appendChild(el("button"));
  eraseYes.type = eraseNo.type = "button";
  var form = panel.appendChild(el("form"));
  var label = form.appendChild(el("label", "sr"));
  var input = form.appendChild(el("input"));
  input.id = label.htmlFor = "hh-input";
  input.autocomplete = "off";
  input.setAttribute("enterkeyhint", "send");
  var sendButton = form.appendChild(el("button"));
  sendButton.type = "submit";
  wrap.appendChild(launcher);
  wrap.appendChild(panel);
  root.appendChild(wrap);

  function setLanguage(code) {
    lang = code;
    panel.lang = launcher.lang = code;
    panel.dir = launcher.dir = code === "ar" ? "rtl" : "ltr";
    launcherText.textContent = str("open");
    dotText.textContent = str("unread");
    title.textContent = data.title || str("title");
    fresh.textContent = str("fresh");
    more.setAttribute("aria-label", str("menu"));
    more.title = str("menu");
    downloadItem.textContent = str("download");
    eraseItem.textContent = str("erase");
    confirmBox.setAttribute("aria-label", str("erase"));
    confirmText.textContent = str("eraseAsk");
    eraseYes.textContent = str("eraseYes");
    eraseNo.textContent = str("eraseNo");
    closer.setAttribute("aria-label", str("close"));
    closer.title = str("close");
    hint.textContent = str("hint");
    typingText.textContent = str("typing");
    label.textContent = str("label");
    input.placeholder = str("placeholder");
    sendButton.textContent = str("send");
    if (noticeKind === "offline") say(str("offline"), "offline");
    [].forEach.call(log.querySelectorAll(".sr[data-who]"), function (who) {
      who.textContent = speaker(who.dataset.who, who.dataset.name) + ": ";
    });
  }

  // The conversation's language wins once the API reports a change (or when the page chose none).
  function noteLanguage(code) {
    code = known(code);
    if (!code || !conv) return;
    var before = conv.language;
    conv.language = code;
    if ((before && before !== code) || !chosen) conv.ui = code;
    save();
    if (conv.ui && conv.ui !== lang) setLanguage(conv.ui);
  }

  function say(text, kind) {
    noticeKind = text ? kind || "error" : "";
    notice.textContent = text || "";
    notice.className = noticeKind === "ok" ? "notice ok" : "notice";
    notice.hidden = !text;
  }
  function clearOffline() { if (noticeKind === "offline" && navigator.onLine !== false) say(""); }

  // Opening and closing -------------------------------------------------------------------
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    dot.hidden = true;
    input.focus();
    log.scrollTop = log.scrollHeight;
  }
  function close() {
    closeMenu(false);
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closer.addEventListener("click", close);
  wrap.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || panel.hidden) return;
    event.stopPropagation();
    if (!menu.hidden) closeMenu(true);
    else if (!confirmBox.hidden) cancelErase();
    else close();
  });
  function reset() {  // forget the conversation on this device (the gateway keeps it unless erased)
    confirmBox.hidden = true;
    stop();
    conv = null;
    save();
    setLive(false);
    seen = {};
    log.textContent = "";
  }
  fresh.addEventListener("click", function () {
    reset();
    hint.hidden = false;
    say("");
    if (!chosen) setLanguage(known(navigator.language) || "nl");
    else setLanguage(chosen);
    input.focus();
  });

  // The menu: a copy of the conversation, and erasing it ------------------------------------
  function openMenu() {
    menu.hidden = false;
    more.setAttribute("aria-expanded", "true");
    downloadItem.focus();
  }
  function closeMenu(focusButton) {
    menu.hidden = true;
    more.setAttribute("aria-expanded", "false");
    if (focusButton) more.focus();
  }
  more.addEventListener("click", function () { if (menu.hidden) openMenu(); else closeMenu(true); });
  menu.addEventListener("keydown", function (event) {  // two items: every arrow moves to the other
    if (/^(Arrow(Up|Down)|Home|End)$/.test(event.key)) {
      event.preventDefault();
      (root.activeElement === downloadItem ? eraseItem : downloadItem).focus();
    } else if (event.key === "Tab") {
      closeMenu(false);
    }
  });
  panel.addEventListener("click", function (event) {
    if (!menu.hidden && !menu.contains(event.target) && !more.contains(event.target)) closeMenu(false);
  });

  function noConversation() {
    closeMenu(true);
    if (!conv) say(str("none"), "ok");
    return !conv;
  }
  downloadItem.addEventListener("click", function () {
    if (noConversation()) return;
    var current = conv;
    fetch(api + "/" + current.id + "/export", { headers: { Authorization: "Bearer " + current.token } })
      .catch(function () { throw { status: 0 }; })
      .then(function (response) {
        if (!response.ok) throw { status: response.status };
        return response.blob();
      })
      .then(function (blob) {  // saved by the browser as a file; nothing leaves the device
        var link = el("a");
        link.href = URL.createObjectURL(blob);
        link.download = "huurhulp-" + new Date().toISOString().slice(0, 10) + ".txt";
        root.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 30000);
      })
      .catch(function (error) {
        if (error.status === 0) return say(str("offline"), "offline");
        forget(error);
        say(str("error"));
      });
  });

  eraseItem.addEventListener("click", function () {
    if (noConversation()) return;
    say("");
    confirmBox.hidden = false;
    eraseNo.focus();  // the safe answer first
  });
  function cancelErase() {
    confirmBox.hidden = true;
    more.focus();
  }
  eraseNo.addEventListener("click", cancelErase);
  eraseYes.addEventListener("click", function () {
    var current = conv;
    if (!current) return cancelErase();
    eraseYes.disabled = true;
    call("DELETE", "/" + current.id)
      .then(function () { erased(); }, function (error) {
        if (error.status === 404) return erased();  // already gone (another tab)
        say(error.status === 0 ? str("offline") : error.message || str("error"), error.status === 0 ? "offline" : "");
      })
      .finally(function () { eraseYes.disabled = false; });
  });

  // The conversation no longer exists (erased here, in the chat, or in another tab): forget it.
  function erased(text) {
    reset();
    hint.hidden = false;
    say(text || str("erased"), "ok");
    input.focus();
  }

  // Rendering (the stored history is the truth; every message has an id) -------------------
  function speaker(author, name) {
    return author === "tenant" ? str("you") : author === "caseworker" ? name || str("caseworker") : str("title");
  }

  function fill(node, text) {  // text, with http(s) links made clickable; never markup
    var parts = text.split(/(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'"])/);
    for (var i = 0; i < parts.length; i++) {
      if (i % 2) {
        var link = node.appendChild(el("a", "", parts[i]));
        link.href = parts[i];
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      } else if (parts[i]) {
        node.appendChild(document.createTextNode(parts[i]));
      }
    }
  }

  function bubble(author, text, name) {
    var item = el("div", "msg " + author);
    if (author === "caseworker") item.appendChild(el("p", "name", name || str("caseworker"))).setAttribute("aria-hidden", "true");
    var body = item.appendChild(el("p", "bubble"));
    var who = body.appendChild(el("span", "sr", speaker(author, name) + ": "));
    who.dataset.who = author;
    if (name) who.dataset.name = name;
    body.dir = "auto";
    fill(body, text);
    return item;
  }

  function render(message) {
    if (seen[message.id]) return false;
    seen[message.id] = true;
    hint.hidden = true;
    var item = null;
    if (message.author === "tenant") {  // adopt the bubble shown while sending
      var pending = log.querySelector(".pending");
      if (pending && pending.dataset.text === message.text) { item = pending; item.classList.remove("pending"); }
    }
    if (!item) {
      item = bubble(message.author, message.text || "", message.author_name);
      if (message.buttons && message.buttons.length) {
        var row = item.appendChild(el("div", "choices"));
        message.buttons.forEach(function (choice) {
          var button = row.appendChild(el("button", "", choice.title));
          button.type = "button";
          button.addEventListener("click", function () { send(choice.title, choice.payload); });
        });
      }
    }
    item.dataset.id = message.id;
    var next = null;  // keep id order, whatever order messages arrive in
    for (var node = log.lastElementChild; node && (node.classList.contains("pending") || +node.dataset.id > message.id); node = node.previousElementSibling) next = node;
    log.insertBefore(item, next);
    showLatestChoices();
    log.scrollTop = log.scrollHeight;
    return true;
  }

  // Only the buttons after the tenant's last message are still a choice.
  function showLatestChoices() {
    var rows = log.querySelectorAll(".choices"), tenants = log.querySelectorAll(".tenant");
    var lastTenant = tenants[tenants.length - 1];
    [].forEach.call(rows, function (row) {
      row.hidden = !!lastTenant && !!(row.parentNode.compareDocumentPosition(lastTenant) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
  }

  // The API --------------------------------------------------------------------------------
  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (conv) headers.Authorization = "Bearer " + conv.token;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .catch(function () { throw { status: 0 }; })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (response.ok) return json;
          var error = json.error || {};
          throw { status: response.status, code: error.code, message: error.message, max: error.max_chars };
        });
      });
  }

  function start() {
    if (conv) return Promise.resolve();
    var create = function (body) { return call("POST", "", body); };
    return create(chosen ? { language: chosen } : {})
      .catch(function (error) {  // a language the bot does not speak yet: the UI still can
        if (error.code === "unsupported_language") return create({});
        throw error;
      })
      .then(function (made) {
        conv = { id: made.conversation_id, token: made.token, last: 0 };
        noteLanguage(made.language);
        save();
        setLive(false);
        connect();
        poll();
      });
  }

  function forget(error) {  // the gateway no longer knows this conversation
    if (error.status === 401 || error.status === 404) reset();
  }

  function sync() {
    if (!conv) return Promise.resolve();
    if (syncing) { again = true; return syncing; }
    var current = conv, no = ++syncs;
    syncing = call("GET", "/" + current.id + "/messages?after=" + current.last)
      .then(function (page) {
        if (conv !== current) return;
        page.messages.forEach(function (message) {
          if (render(message)) unread(message);
          current.last = Math.max(current.last, message.id);
        });
        [].forEach.call(log.querySelectorAll(".pending[data-sent]"), function (node) {
          if (+node.dataset.sent < no) node.remove();  // stored, but its text was changed by the gateway
        });
        save();
        clearOffline();
        if (page.messages.length >= PAGE) again = true;
        else settled = true;
      })
      .finally(function () {
        syncing = null;
        if (again) { again = false; sync().catch(function () {}); }
      });
    return syncing;
  }

  function unread(message) {  // a dot on the closed chat button for news from the bot or a person
    if (settled && panel.hidden && message.author !== "tenant") dot.hidden = false;
  }

  function failed(error) {
    if (error.status === 0) return say(str("offline"), "offline");
    forget(error);
    var text = error.code === "text_too_long" || error.status === 413
      ? str("tooLong") + (error.max ? " (max. " + error.max + ")" : "")
      : error.message || str("error");
    say(str("notSent") + " " + text);
  }

  function send(text, payload, typed) {
    if (busy) return false;
    busy = true;
    say("");
    var item = bubble("tenant", text);
    item.className += " pending";
    item.dataset.text = text;
    log.appendChild(item);
    hint.hidden = true;
    showLatestChoices();
    log.scrollTop = log.scrollHeight;
    typing.hidden = false;
    start()
      .then(function () {
        var body = { text: text };
        if (payload) body.payload = payload;
        return call("POST", "/" + conv.id + "/messages", body);
      })
      .then(function (result) {
        if (result.mode === "erased") {  // "verwijder mijn gesprek", then yes
          var told = result.replies && result.replies[0];
          return erased(told && told.text);
        }
        item.dataset.sent = syncs;
        noteLanguage(result.language);
        return sync().catch(function () {});
      }, function (error) {
        item.remove();
        showLatestChoices();
        if (typed) input.value = input.value ? typed + " " + input.value : typed;  // never lose it
        failed(error);
        input.focus();
      })
      .finally(function () { busy = false; typing.hidden = true; });
    return true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text && send(text, null, input.value)) input.value = "";
  });
  log.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".choices button")) input.focus();
  });

  // Live updates: a WebSocket, polling while it is down, reconnects with backoff ------------
  function connect() {
    clearTimeout(retryTimer);
    if (!conv || sock) return;
    var current = conv, ready = false;
    var socket = sock = new WebSocket(gateway.replace(/^http/, "ws") + "/api/web/conversations/" + current.id + "/ws");
    socket.onopen = function () { socket.send(JSON.stringify({ token: current.token, after: current.last })); };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "ready") {
        ready = true;
        setLive(true);
        tries = 0;
        clearOffline();
        poll();
      } else if (frame.type === "message" && frame.message) {
        var isNew = render(frame.message);
        if (!ready) {  // the backlog is complete after our cursor
          current.last = Math.max(current.last, frame.message.id);
          save();
        } else {
          sync().catch(function () {});  // live pushes skip bot replies: fetch the rest
        }
        if (isNew) unread(frame.message);
      } else if (frame.type === "erased") {
        erased();
      } else if (frame.type === "error") {
        socket.close();
      }
    };
    socket.onclose = function () {
      if (sock !== socket) return;
      sock = null;
      setLive(false);
      retry();
      if (ready) poll();  // from the slow safety poll back to polling every few seconds
    };
  }

  function setLive(on) {  // data-connection on the host element: live, polling, or none yet
    live = on;
    host.setAttribute("data-connection", on ? "live" : conv ? "polling" : "none");
  }

  function retry() {
    clearTimeout(retryTimer);
    var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, tries++)) * (0.5 + Math.random() / 2);
    retryTimer = setTimeout(connect, delay);
  }

  function poll() {
    clearTimeout(pollTimer);
    if (!conv) return;
    pollTimer = setTimeout(function () {
      sync().catch(function (error) { if (error.status === 0) say(str("offline"), "offline"); else forget(error); })
        .then(poll);
    }, live ? SAFETY_POLL_MS : POLL_MS);
  }

  function stop() {  // detach at once: a dead connection may take long to report its close
    clearTimeout(retryTimer);
    clearTimeout(pollTimer);
    var socket = sock;
    sock = null;
    setLive(false);
    if (socket) { socket.onmessage = socket.onclose = null; socket.close(); }
  }

  window.addEventListener("offline", function () {
    say(str("offline"), "offline");
    if (sock) { stop(); retry(); poll(); }
  });
  window.addEventListener("online", function () {
    tries = 0;
    if (!conv) clearOffline();
    connect();
    sync().catch(function () {});
  });

  // Start --------------------------------------------------------------------------------
  setLanguage((conv && conv.ui) || chosen || (conv && known(conv.language)) || known(navigator.language) || "nl");
  function mount() {
    document.body.appendChild(host);
    setLive(false);
    if (!conv) return;
    var current = conv;
    current.last = 0;  // render the whole stored history
    sync()
      .then(function () { connect(); poll(); }, function (error) {
        if (error.status === 0) { say(str("offline"), "offline"); connect(); poll(); } else forget(error);
      })
      .catch(function () {});
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
