// The agents' Inbox: partners handed to a person, oldest first, refreshed every few
// seconds from GET {assistUrl}/webhooks/agent/handoffs. A conversation shows its
// transcript, the rule result and PartnerDesk's drafts (the partner's language with the
// English beside them); "Use draft" puts one in the reply box; Send and Resolve call the
// agent API. Everything from the server is put on the page as text (textContent).
(function inbox() {
  "use strict";
  var settings = window.PARTNERDESK || {};
  var api = (settings.assistUrl || window.location.origin) + "/webhooks/agent/handoffs";
  var kept = window.PartnerDeskStorage; // web/shared/storage.js: token and name
  var shared = window.PartnerDeskPage; // web/shared/page.js
  var byId = shared.byId;
  var setText = shared.setText;
  var percent = shared.percent;
  var NAME_KEY = "partnerdesk.agentName";
  var REFRESH_MS = 4000;
  var TIMEOUT_MS = 20000;
  var LANGUAGES = { en: "English", ko: "Korean" };
  var CHANNELS = { socketio: "web chat", slack: "Slack", rest: "REST" };
  var REASONS = {
    asked: "asked for a person",
    thumbs_down: "after a 👎 on an answer",
    fallbacks: "after two questions PartnerDesk could not answer"
  };
  var WHO = { partner: "Partner", bot: "PartnerDesk" };

  var tokenField = byId("token");
  var nameField = byId("agent-name");
  var replyText = byId("reply-text");
  var sendButton = byId("send");
  var resolveButton = byId("resolve");
  var state = { handoffs: [], selected: null, shown: {}, timer: null, polling: false, now: 0 };

  function explain(status, detail) {
    var said = detail ? " (" + detail + ")" : "";
    if (status === 401) {
      return "The agent API refused the access token" + said + ". Enter the token the server " +
        "has in PARTNERDESK_ASSIST_TOKEN; leave it empty only in local development.";
    }
    if (status === 404) {
      return "That handoff is gone" + said + ".";
    }
    if (status === 409 || status === 400 || status === 422 || status === 413) {
      return detail || "The agent API did not accept that (HTTP " + status + ").";
    }
    if (status === 503) {
      return "The server is not ready" + said + ". Try again in a moment.";
    }
    return "The agent API answered with an error (HTTP " + status + ")" + said + ".";
  }

  // fetch() with the token; resolves to the JSON body, rejects with a readable Error.
  function call(path, method, body) {
    var headers = { "Content-Type": "application/json" };
    var token = tokenField.value.trim();
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(api + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: controller.signal,
      credentials: "omit",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          return data;
        }
        var error = new Error(explain(response.status, data && data.error));
        error.status = response.status;
        throw error;
      });
    }, function (error) {
      throw new Error(error.name === "AbortError"
        ? "The agent API did not answer within " + TIMEOUT_MS / 1000 + " s."
        : "Could not reach the agent API at " + api + ". Check that the Rasa server is " +
          "running and allows this page's origin (PARTNERDESK_WEB_ORIGINS).");
    }).finally(function () {
      window.clearTimeout(timer);
    });
  }

  function duration(seconds) {
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) {
      return "under a minute";
    }
    if (minutes < 60) {
      return minutes + " min";
    }
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function seconds(iso) {
    return Date.parse(iso) / 1000;
  }

  function clock(iso) {
    var date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function stateText(handoff) {
    if (handoff.status === "active") {
      return "active · " + (handoff.agent || "");
    }
    return "waiting " + duration(state.now - seconds(handoff.created_at));
  }

  function lastPartnerLine(handoff) {
    var lines = handoff.transcript.filter(function (line) { return line.from === "partner"; });
    return lines.length ? lines[lines.length - 1].text : "";
  }

  function renderQueue() {
    var list = byId("queue");
    var template = byId("queue-item");
    // The queue is rebuilt at every refresh: a keyboard user's place in it is kept.
    var focused = list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    list.replaceChildren();
    state.handoffs.forEach(function (handoff) {
      var item = template.content.firstElementChild.cloneNode(true);
      var button = item.querySelector("button");
      button.dataset.id = handoff.id;
      button.setAttribute("aria-current", String(handoff.id === state.selected));
      item.querySelector(".language").textContent = handoff.language.toUpperCase();
      item.querySelector(".state").textContent = stateText(handoff);
      item.querySelector(".waited").textContent = CHANNELS[handoff.channel] || handoff.channel;
      var preview = item.querySelector(".preview");
      preview.textContent = lastPartnerLine(handoff);
      preview.lang = handoff.language;
      button.addEventListener("click", function () { select(handoff.id); });
      list.appendChild(item);
      if (handoff.id === focused) {
        button.focus();
      }
    });
    byId("queue-empty").hidden = state.handoffs.length > 0;
    byId("inbox-count").textContent = state.handoffs.length ? "(" + state.handoffs.length + ")" : "";
    document.title = (state.handoffs.length ? "(" + state.handoffs.length + ") " : "") +
      "Inbox · PartnerDesk";
  }

  function renderTranscript(handoff) {
    var list = byId("transcript");
    list.replaceChildren();
    handoff.transcript.forEach(function (line) {
      var item = document.createElement("li");
      item.className = "line from-" + line.from;
      var head = document.createElement("span");
      head.className = "who";
      head.textContent = (line.from === "agent" ? line.agent : WHO[line.from]) + " · " +
        clock(line.at);
      var text = document.createElement("p");
      text.className = "said";
      text.textContent = line.text;
      if (line.from !== "agent") {
        text.lang = handoff.language;
      }
      item.append(head, text);
      list.appendChild(item);
    });
    list.scrollTop = list.scrollHeight;
  }

  function renderDrafts(handoff) {
    var rule = handoff.rule_result;
    byId("handoff-rule").hidden = !(rule && rule.explanation);
    var ruleText = byId("handoff-rule-text");
    ruleText.textContent = rule && rule.explanation ? rule.explanation : "";
    ruleText.lang = handoff.language;
    var list = byId("handoff-drafts");
    var template = byId("handoff-draft");
    list.replaceChildren();
    byId("drafts-title").hidden = !handoff.suggestions.length;
    handoff.suggestions.forEach(function (draft, index) {
      var card = template.content.firstElementChild.cloneNode(true);
      card.classList.toggle("is-low", Boolean(draft.low_confidence));
      card.dataset.faqId = draft.faq_id;
      card.querySelector(".rank").textContent = "#" + (index + 1);
      card.querySelector(".title").textContent = draft.title;
      card.querySelector(".title").lang = handoff.language;
      card.querySelector(".confidence").textContent = percent(draft.confidence);
      card.querySelector(".low").hidden = !draft.low_confidence;
      var partnerVersion = card.querySelector(".partner-version");
      partnerVersion.textContent = draft.reply;
      partnerVersion.lang = handoff.language;
      var english = card.querySelector(".english-version");
      english.hidden = handoff.language === "en";
      english.textContent = handoff.language === "en" ? "" : draft.reply_en;
      var citation = draft.citation || {};
      var link = card.querySelector(".citation");
      link.textContent = "Source: " + (citation.section || "FAQ");
      if (/^https?:\/\//i.test(citation.url || "")) {
        link.href = citation.url;
      }
      card.querySelector(".use").addEventListener("click", function () {
        replyText.value = draft.reply;
        replyText.focus();
        replyText.setSelectionRange(replyText.value.length, replyText.value.length);
      });
      list.appendChild(card);
    });
  }

  function renderConversation() {
    var handoff = state.handoffs.find(function (h) { return h.id === state.selected; });
    byId("conversation").hidden = !handoff;
    if (!handoff) {
      return;
    }
    byId("conversation-title").textContent = "Partner " + handoff.conversation_id.slice(0, 12) +
      " · " + (LANGUAGES[handoff.language] || handoff.language) + " · " +
      (CHANNELS[handoff.channel] || handoff.channel);
    byId("conversation-facts").textContent = stateText(handoff) + " · " +
      (REASONS[handoff.reason] || handoff.reason) + " · since " + clock(handoff.created_at);
    // Unchanged parts are left alone, so the agent's place on the page stays put.
    var transcript = JSON.stringify(handoff.transcript);
    if (state.shown.id !== handoff.id || state.shown.transcript !== transcript) {
      renderTranscript(handoff);
    }
    var drafts = JSON.stringify([handoff.suggestions, handoff.rule_result]);
    if (state.shown.id !== handoff.id || state.shown.drafts !== drafts) {
      renderDrafts(handoff);
    }
    state.shown = { id: handoff.id, transcript: transcript, drafts: drafts };
  }

  function select(id) {
    if (state.selected !== id) {
      replyText.value = "";
      setText("reply-status", "");
      setText("reply-error", "");
    }
    state.selected = id;
    renderQueue();
    renderConversation();
  }

  function refresh() {
    if (state.polling) {
      return Promise.resolve();
    }
    state.polling = true;
    return call("", "GET").then(function (data) {
      state.handoffs = data.handoffs || [];
      state.now = seconds(data.now) || Date.now() / 1000;
      setText("inbox-error", "");
      setText("inbox-status", "Updated " + clock(data.now) + "; refreshes by itself.");
      if (state.selected && !state.handoffs.some(function (h) { return h.id === state.selected; })) {
        state.selected = null;
      }
      if (!state.selected && state.handoffs.length) {
        state.selected = state.handoffs[0].id;
      }
      renderQueue();
      renderConversation();
      schedule();
    }, function (error) {
      setText("inbox-error", error.message);
      setText("inbox-status", "");
      if (error.status !== 401) {
        schedule(); // a 401 waits for a new token
      }
    }).finally(function () {
      state.polling = false;
    });
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(refresh, REFRESH_MS);
  }

  function act(path, body, done) {
    setText("reply-error", "");
    sendButton.disabled = resolveButton.disabled = true;
    return call("/" + state.selected + path, "POST", body).then(done, function (error) {
      setText("reply-error", error.message);
      setText("reply-status", "");
    }).finally(function () {
      sendButton.disabled = resolveButton.disabled = false;
      refresh();
    });
  }

  function send(event) {
    event.preventDefault();
    var agent = nameField.value.trim();
    if (!replyText.value.trim()) {
      setText("reply-error", "Write a reply first, or use a draft.");
      return;
    }
    if (!agent) {
      setText("reply-error", "Enter your name first: the partner sees it with your reply.");
      nameField.focus();
      return;
    }
    kept.write("localStorage", NAME_KEY, agent);
    act("/reply", { text: replyText.value, agent: agent }, function (answer) {
      replyText.value = "";
      setText("reply-status", answer.delivered ? "Sent: the partner has it."
        : "Sent and stored: the partner gets it when they are back in the chat.");
    });
  }

  function resolve() {
    act("/resolve", null, function () {
      setText("reply-status", "Resolved: PartnerDesk answers this partner again.");
      state.selected = null;
    });
  }

  function start() {
    kept.saveToken(tokenField.value);
    setText("inbox-status", "Loading the Inbox…");
    refresh();
  }

  nameField.value = kept.read("localStorage", NAME_KEY);
  byId("reply-form").addEventListener("submit", send);
  resolveButton.addEventListener("click", resolve);
  replyText.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      byId("reply-form").requestSubmit();
    }
  });
  // The Inbox opens once there is a token (typed, or kept by this tab); in local
  // development, where none is needed, Enter in the empty field opens it.
  tokenField.addEventListener("change", start);
  tokenField.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      start();
    }
  });
  var keptToken = kept.readToken();
  if (keptToken) {
    tokenField.value = keptToken;
    start();
  } else {
    setText("inbox-status", "Enter the access token to open the Inbox (Enter in the empty " +
      "field in local development).");
  }
})();
