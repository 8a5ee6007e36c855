// The login form: POST the credentials, then go to the queue (or the page that sent us here).
"use strict";

(() => {
  const form = document.getElementById("login-form");
  const username = document.getElementById("username");
  const password = document.getElementById("password");
  const error = document.getElementById("login-error");
  const submit = form.querySelector("[data-testid=login-submit]");

  // Only our own console pages are allowed as a destination (no open redirect).
  function destination() {
    const next = new URLSearchParams(location.search).get("next") || "";
    return /^\/console(\/[\w\-/]*)?$/.test(next) && !next.startsWith("/console/login") ? next : "/console";
  }

  function fail(text) {
    error.textContent = text;
    password.value = "";
    password.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.value.trim() || !password.value) {
      error.textContent = "Vul je gebruikersnaam en wachtwoord in.";
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    try {
      const response = await fetch("/api/console/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ username: username.value.trim(), password: password.value }),
      });
      if (response.ok) {
        location.assign(destination());
        return;
      }
      if (response.status === 401) fail("Gebruikersnaam of wachtwoord klopt niet.");
      else if (response.status === 429) fail("Te veel mislukte pogingen. Wacht een minuut en probeer opnieuw.");
      else fail("Aanmelden lukt nu niet. Probeer later opnieuw.");
    } catch {
      fail("Geen verbinding met de server. Probeer opnieuw.");
    } finally {
      submit.disabled = false;
    }
  });

  username.focus();
})();
