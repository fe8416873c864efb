// The agent page: asks the reply assistant (POST {assistUrl}/webhooks/assist/suggest)
// for ranked drafts and shows them. Everything from the server or the agent is put on
// the page as text (textContent), never as HTML.
(function agentPage() {
  "use strict";
  var settings = window.PARTNERDESK || {};
  var assistUrl = (settings.assistUrl || window.location.origin) + "/webhooks/assist/suggest";
  var kept = window.PartnerDeskStorage; // web/shared/storage.js: the token of this tab
  var shared = window.PartnerDeskPage; // web/shared/page.js
  var byId = shared.byId;
  var setText = shared.setText;
  var percent = shared.percent;
  var TIMEOUT_MS = 20000;
  var DRAFTS = 3;
  var LANGUAGE_NAMES = { en: "English", ko: "Korean" };
  var DATE_FIELDS = ["purchase_date", "anniversary_date", "activation_date"];

  var form = byId("ask");
  var message = byId("message");
  var tokenField = byId("token");
  var suggestButton = byId("suggest");
  var main = document.querySelector("main"); // aria-busy while a request is out
  var shown = null; // {answer, view}: the last answer and the language shown
  var latestRequest = 0;

  function saveToken() {
    kept.saveToken(tokenField.value);
  }

  function requestBody() {
    var body = { text: message.value, top: DRAFTS };
    DATE_FIELDS.forEach(function (name) {
      var value = byId(name).value; // "" or YYYY-MM-DD
      if (value) {
        body[name] = value;
      }
    });
    return body;
  }

  function errorMessage(status, detail) {
    var said = detail ? " (" + detail + ")" : "";
    if (status === 401) {
      return "The reply assistant refused the access token" + said + ". Enter the token the " +
        "server has in PARTNERDESK_ASSIST_TOKEN; leave it empty only in local development.";
    }
    if (status === 413) {
      return "The message is too long for the reply assistant" + said + ". Shorten it.";
    }
    if (status === 400 || status === 422) {
      return "The reply assistant did not accept the request" + said + ".";
    }
    if (status === 503) {
      return "The reply assistant is not ready" + said + ". Try again in a moment.";
    }
    return "The reply assistant answered with an error (HTTP " + status + ")" + said + ".";
  }

  function readError(response) {
    return response.json().then(function (body) {
      return body && typeof body.error === "string" ? body.error : "";
    }, function () {
      return "";
    });
  }

  function ask(event) {
    event.preventDefault();
    if (!message.value.trim()) {
      showError("Paste the partner's message first.");
      message.focus();
      return;
    }
    saveToken();
    var requestId = ++latestRequest;
    var headers = { "Content-Type": "application/json" };
    var token = tokenField.value.trim();
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    showError("");
    setText("status", "Asking the reply assistant…");
    suggestButton.disabled = true;
    main.setAttribute("aria-busy", "true");
    fetch(assistUrl, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(requestBody()),
      signal: controller.signal,
      credentials: "omit",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      if (response.ok) {
        return response.json();
      }
      return readError(response).then(function (detail) {
        throw new Error(errorMessage(response.status, detail));
      });
    }).then(function (answer) {
      if (requestId === latestRequest) {
        showAnswer(answer);
      }
    }).catch(function (error) {
      if (requestId !== latestRequest) {
        return;
      }
      if (error.name === "AbortError") {
        showError("The reply assistant did not answer within " + TIMEOUT_MS / 1000 + " s.");
      } else if (error instanceof TypeError) {
        showError("Could not reach the reply assistant at " + assistUrl + ". Check that the " +
          "Rasa server is running and allows this page's origin (PARTNERDESK_WEB_ORIGINS).");
      } else {
        showError(error.message);
      }
    }).then(function () {
      window.clearTimeout(timer);
      if (requestId === latestRequest) {
        suggestButton.disabled = false;
        main.setAttribute("aria-busy", "false");
      }
    });
  }

  function showError(text) {
    setText("error", text);
    if (text) {
      setText("status", "");
      byId("result").hidden = true;
    }
  }

  // The shown text of a draft: the partner's language, or the English version.
  function draftText(suggestion, view, answer) {
    return view === answer.language ? suggestion.reply : suggestion.reply_en;
  }

  function showAnswer(answer) {
    var suggestions = (answer.suggestions || []).slice().sort(function (a, b) {
      return b.confidence - a.confidence;
    });
    shown = { answer: answer, suggestions: suggestions, view: answer.language };
    var rule = answer.rule_result;
    byId("fallback").hidden = !answer.fallback;
    byId("rule").hidden = !(rule && rule.explanation);
    var explanation = byId("rule-explanation");
    explanation.textContent = rule && rule.explanation ? rule.explanation : "";
    explanation.lang = answer.language;
    var name = LANGUAGE_NAMES[answer.language] || answer.language;
    byId("language").textContent = "(the partner wrote in " + name + ")";
    setText("status", suggestions.length ? "" : "The reply assistant has no drafts for this.");
    byId("result").hidden = false;
    renderDrafts();
  }

  function renderDrafts() {
    var answer = shown.answer;
    var list = byId("drafts");
    var template = byId("draft-card");
    list.replaceChildren();
    ["en", "ko"].forEach(function (lang) {
      var button = byId("show-" + lang);
      // English messages get English drafts only: there is no Korean version to show.
      var available = lang === "en" || answer.language === lang;
      button.disabled = !available;
      button.title = available ? "" : "The partner wrote in English: no Korean draft";
      button.setAttribute("aria-pressed", String(shown.view === lang));
    });
    shown.suggestions.forEach(function (suggestion, index) {
      var card = template.content.firstElementChild.cloneNode(true);
      var text = draftText(suggestion, shown.view, answer);
      card.classList.toggle("is-low", Boolean(suggestion.low_confidence));
      card.dataset.faqId = suggestion.faq_id;
      card.querySelector(".rank").textContent = "#" + (index + 1);
      card.querySelector(".title").textContent = suggestion.title;
      card.querySelector(".title").lang = answer.language;
      card.querySelector(".confidence").textContent = percent(suggestion.confidence);
      card.querySelector(".low").hidden = !suggestion.low_confidence;
      var body = card.querySelector(".draft-text");
      body.textContent = text;
      body.lang = shown.view;
      var citation = suggestion.citation || {};
      var link = card.querySelector(".citation");
      link.textContent = "Source: " + (citation.section || "FAQ");
      link.lang = answer.language;
      if (/^https?:\/\//i.test(citation.url || "")) {
        link.href = citation.url;
        link.title = citation.url;
      }
      card.querySelector(".copy").addEventListener("click", function (event) {
        copy(text, event.currentTarget, body);
      });
      list.appendChild(card);
    });
  }

  function switchLanguage(event) {
    var lang = event.currentTarget.dataset.lang;
    if (shown && shown.view !== lang) {
      shown.view = lang;
      renderDrafts();
    }
  }

  // Copies with the Clipboard API, else with a hidden text area and execCommand.
  function copy(text, button, source) {
    var done = function () { flash(button, "Copied", true); };
    var failed = function () {
      var range = document.createRange();
      range.selectNodeContents(source); // selected: the agent can press Ctrl+C
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      flash(button, "Press Ctrl+C", false);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        return copyWithTextArea(text) ? done() : failed();
      });
    } else if (copyWithTextArea(text)) {
      done();
    } else {
      failed();
    }
  }

  function copyWithTextArea(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
    return copied;
  }

  function flash(button, label, ok) {
    button.textContent = label;
    button.classList.toggle("is-copied", ok);
    window.setTimeout(function () {
      button.textContent = "Copy";
      button.classList.remove("is-copied");
    }, 2000);
  }

  tokenField.value = kept.readToken();
  tokenField.addEventListener("change", saveToken);
  form.addEventListener("submit", ask);
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  byId("show-en").addEventListener("click", switchLanguage);
  byId("show-ko").addEventListener("click", switchLanguage);
})();
