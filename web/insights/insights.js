// The Insights page: asks the agent API (GET {assistUrl}/webhooks/agent/insights and
// /insights/unanswered) for a period's outcomes and shows them, with Chart.js served from
// this server. Everything from the server is put on the page as text (textContent).
(function insightsPage() {
  "use strict";
  var settings = window.PARTNERDESK || {};
  var base = (settings.assistUrl || window.location.origin) + "/webhooks/agent/insights";
  var kept = window.PartnerDeskStorage; // web/shared/storage.js: the token of this tab
  var byId = window.PartnerDeskPage.byId; // web/shared/page.js
  var TIMEOUT_MS = 60000;
  var OUTCOMES = ["resolved", "unanswered", "abandoned", "escalated", "chit_chat"];
  var RATED = ["resolved", "unanswered", "abandoned", "escalated"];
  var LABELS = {
    resolved: "Resolved", unanswered: "Unanswered", abandoned: "Abandoned",
    escalated: "Escalated", chit_chat: "Chit-chat"
  };
  var NAMES = {
    en: "English", ko: "Korean", rest: "REST", socketio: "Web chat (socket.io)", slack: "Slack"
  };
  var style = window.getComputedStyle(document.documentElement);
  var COLOURS = {};
  OUTCOMES.forEach(function (name) {
    COLOURS[name] = style.getPropertyValue("--" + name).trim() || "#888";
  });

  var form = byId("period");
  var tokenField = byId("token");
  var showButton = byId("show");
  var main = document.querySelector("main");
  var chart = null;
  var serverToday = null; // the last day of the server's default period (its time zone)
  var latest = 0;

  function setText(id, text) {
    byId(id).textContent = text;
  }

  function saveToken() {
    kept.saveToken(tokenField.value);
  }

  function headers() {
    var token = tokenField.value.trim();
    return token ? { Authorization: "Bearer " + token } : {};
  }

  // "YYYY-MM-DD" plus n days, computed on the calendar (no time zone involved).
  function addDays(day, n) {
    var parts = day.split("-").map(Number);
    var date = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + n));
    return date.toISOString().slice(0, 10);
  }

  function query(extra) {
    var params = new URLSearchParams(extra || {});
    if (byId("from").value && byId("to").value) {
      params.set("since", byId("from").value);
      params.set("until", addDays(byId("to").value, 1));
    }
    params.set("idle_minutes", byId("idle").value.trim());
    return "?" + params.toString();
  }

  function errorMessage(status, detail) {
    var said = detail ? " (" + detail + ")" : "";
    if (status === 401) {
      return "The server refused the access token" + said + ". Enter the token the server has " +
        "in PARTNERDESK_ASSIST_TOKEN; leave it empty only in local development.";
    }
    if (status === 400) {
      return "The server did not accept the period" + said + ".";
    }
    if (status === 503) {
      return "The insights are not available right now" + said + ". Try again in a moment.";
    }
    return "The server answered with an error (HTTP " + status + ")" + said + ".";
  }

  function get(path, extra) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(base + path + query(extra), {
      headers: headers(), signal: controller.signal, credentials: "omit",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      if (response.ok) {
        return response;
      }
      return response.json().then(function (body) {
        return body && typeof body.error === "string" ? body.error : "";
      }, function () {
        return "";
      }).then(function (detail) {
        throw new Error(errorMessage(response.status, detail));
      });
    }).catch(function (error) {
      if (error.name === "AbortError") {
        throw new Error("The server did not answer within " + TIMEOUT_MS / 1000 + " s.");
      }
      if (error instanceof TypeError) {
        throw new Error("Could not reach the server at " + base + ". Check that the Rasa " +
          "server is running and allows this page's origin (PARTNERDESK_WEB_ORIGINS).");
      }
      throw error;
    }).finally(function () {
      window.clearTimeout(timer);
    });
  }

  function showError(text) {
    byId("error").textContent = text;
    byId("error").hidden = !text;
  }

  function validate() {
    var from = byId("from").value;
    var to = byId("to").value;
    var idle = byId("idle").value.trim();
    if ((from && !to) || (!from && to)) {
      return "Choose both days of the period, or use a quick period.";
    }
    if (from && to && from > to) {
      return "The first day must not be after the last day.";
    }
    if (!/^[0-9]{1,5}$/.test(idle) || Number(idle) > 10080) {
      return "Idle minutes must be a whole number from 0 to 10080.";
    }
    return "";
  }

  function load(event) {
    if (event) {
      event.preventDefault();
    }
    var problem = validate();
    if (problem) {
      showError(problem);
      return;
    }
    saveToken();
    showError("");
    var request = ++latest;
    setText("status", "Counting the conversations…");
    showButton.disabled = true;
    main.setAttribute("aria-busy", "true");
    var groups = get("/unanswered").then(function (r) { return r.json(); });
    groups.catch(function () {}); // handled below, once the numbers are shown
    get("").then(function (r) { return r.json(); }).then(function (answer) {
      if (request !== latest) {
        return null;
      }
      showInsights(answer);
      setText("status", "Grouping the unanswered questions…");
      return groups.then(function (found) {
        if (request === latest) {
          showGroups(found);
          setText("status", "");
        }
      }, function (error) {
        if (request === latest) {
          setText("groups-text", error.message);
          setText("status", "");
        }
      });
    }).catch(function (error) {
      if (request === latest) {
        setText("status", "");
        showError(error.message);
        byId("result").hidden = true;
      }
    }).then(function () {
      if (request === latest) {
        showButton.disabled = false;
        main.setAttribute("aria-busy", "false");
      }
    });
  }

  function percent(value) {
    return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + "%";
  }

  function number(value) {
    return Number(value).toLocaleString("en-US");
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) {
      return "– (no reply yet)";
    }
    if (seconds < 90) {
      return Math.round(seconds) + " s";
    }
    if (seconds < 5400) {
      return Math.round(seconds / 60) + " min";
    }
    return (seconds / 3600).toFixed(1) + " h";
  }

  function total(counts) {
    return OUTCOMES.reduce(function (sum, name) { return sum + counts[name]; }, 0);
  }

  function rated(counts) {
    return RATED.reduce(function (sum, name) { return sum + counts[name]; }, 0);
  }

  function showInsights(answer) {
    var counts = answer.conversations;
    var days = answer.days;
    if (!serverToday && !form.dataset.asked) {
      serverToday = days[days.length - 1].date;
    }
    byId("from").value = days[0].date;
    byId("to").value = days[days.length - 1].date;
    byId("idle").value = String(answer.period.idle_minutes);
    setText("period-text", days[0].date + " to " + days[days.length - 1].date + " (" +
      answer.period.time_zone + "), " + days.length + " days; a question left unanswered " +
      "counts as abandoned after " + answer.period.idle_minutes + " minutes.");
    setText("count-total", number(total(counts)));
    setText("count-rated", number(rated(counts)) + " with a question");
    OUTCOMES.forEach(function (name) {
      setText("count-" + name, number(counts[name]));
    });
    RATED.forEach(function (name) {
      var all = rated(counts);
      setText("share-" + name, all ? percent(counts[name] / all) + " of them" : "–");
    });
    setText("deflection", percent(answer.deflection_rate));
    var votes = answer.by_faq.reduce(function (sum, entry) {
      return sum + entry.helpful + entry.not_helpful;
    }, 0);
    setText("csat", percent(answer.csat));
    setText("csat-votes", votes ? "👍 share of " + number(votes) + " ratings" : "no ratings yet");
    setText("handoffs-count", number(answer.handoffs.count));
    setText("median-reply", duration(answer.handoffs.median_first_reply_s));
    showDays(days);
    showSplit("by-language", answer.by_language);
    showSplit("by-channel", answer.by_channel);
    showFaqs(answer.by_faq);
    setText("groups-text", "");
    byId("groups").textContent = "";
    byId("result").hidden = false;
  }

  function cell(row, text, header) {
    var element = document.createElement(header ? "th" : "td");
    if (header) {
      element.scope = header;
    }
    element.textContent = text;
    row.appendChild(element);
    return element;
  }

  function showDays(days) {
    var labels = days.map(function (day) { return day.date; });
    var datasets = OUTCOMES.map(function (name) {
      return {
        label: LABELS[name], backgroundColor: COLOURS[name], stack: "outcomes",
        data: days.map(function (day) { return day[name]; })
      };
    });
    if (chart) {
      chart.destroy();
    }
    chart = new window.Chart(byId("days-chart"), {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: { maxTicksLimit: 14, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
    var table = byId("days-table");
    var head = table.tHead.rows[0];
    while (head.cells.length > 1) {
      head.deleteCell(1);
    }
    OUTCOMES.forEach(function (name) { cell(head, LABELS[name], "col"); });
    var body = table.tBodies[0];
    body.textContent = "";
    days.forEach(function (day) {
      var row = body.insertRow();
      cell(row, day.date, "row");
      OUTCOMES.forEach(function (name) { cell(row, String(day[name])); });
    });
  }

  function showSplit(id, split) {
    var table = byId(id);
    table.tHead.textContent = "";
    var head = table.tHead.insertRow();
    cell(head, "", "col");
    OUTCOMES.forEach(function (name) { cell(head, LABELS[name], "col"); });
    cell(head, "Deflection", "col");
    cell(head, "", "col");
    var body = table.tBodies[0];
    body.textContent = "";
    Object.keys(split).forEach(function (key) {
      var counts = split[key];
      var row = body.insertRow();
      row.dataset.key = key;
      cell(row, NAMES[key] || key, "row");
      OUTCOMES.forEach(function (name) {
        cell(row, number(counts[name])).dataset.outcome = name;
      });
      var all = rated(counts);
      cell(row, all ? percent(counts.resolved / all) : "–").dataset.outcome = "deflection";
      var bar = document.createElement("div");
      bar.className = "bar";
      bar.setAttribute("aria-hidden", "true");
      var sum = total(counts);
      OUTCOMES.forEach(function (name) {
        if (sum && counts[name]) {
          var part = document.createElement("span");
          part.className = name;
          part.style.width = (100 * counts[name] / sum) + "%";
          bar.appendChild(part);
        }
      });
      cell(row, "").appendChild(bar);
    });
  }

  function showFaqs(entries) {
    var body = byId("faq-table").tBodies[0];
    body.textContent = "";
    entries.forEach(function (entry) {
      var row = body.insertRow();
      row.dataset.faq = entry.faq_id;
      cell(row, entry.faq_id, "row");
      cell(row, number(entry.answers));
      cell(row, number(entry.helpful));
      cell(row, number(entry.not_helpful));
      var votes = entry.helpful + entry.not_helpful;
      cell(row, votes ? percent(entry.helpful / votes) : "not rated");
    });
    byId("faq-empty").hidden = entries.length > 0;
  }

  function showGroups(found) {
    var list = byId("groups");
    list.textContent = "";
    var text = "Every question was answered.";
    if (found.questions) {
      text = number(found.questions) + " unanswered questions in " +
        number(found.groups.length) + " groups, biggest first";
      if (found.grouped < found.questions) {
        text += " (the latest " + number(found.grouped) + " grouped)";
      }
      text += ".";
    }
    setText("groups-text", text);
    found.groups.forEach(function (group) {
      var item = document.createElement("li");
      var question = document.createElement("span");
      question.className = "question";
      question.textContent = group.question;
      item.appendChild(question);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = "× " + group.count + " · " + Object.keys(group.languages).map(
        function (key) { return (NAMES[key] || key) + " " + group.languages[key]; }
      ).join(", ");
      item.appendChild(meta);
      if (group.wordings.length) {
        var wordings = document.createElement("ul");
        wordings.className = "wordings";
        group.wordings.forEach(function (wording) {
          var line = document.createElement("li");
          line.textContent = wording;
          wordings.appendChild(line);
        });
        item.appendChild(wordings);
      }
      list.appendChild(item);
    });
  }

  function download(kind) {
    showError("");
    setText("status", "Preparing the " + kind.toUpperCase() + " file…");
    get("/conversations", { format: kind }).then(function (response) {
      var disposition = response.headers.get("Content-Disposition") || "";
      var name = (/filename="([^"]+)"/.exec(disposition) || [])[1] || "conversations." + kind;
      return response.blob().then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
        setText("status", "Saved " + name + ".");
      });
    }).catch(function (error) {
      setText("status", "");
      showError(error.message);
    });
  }

  function preset(event) {
    var days = Number(event.target.dataset.days);
    var today = serverToday || new Date().toISOString().slice(0, 10);
    byId("to").value = today;
    byId("from").value = addDays(today, 1 - days);
    form.dataset.asked = "1";
    load();
  }

  tokenField.value = kept.readToken();
  tokenField.addEventListener("change", saveToken);
  form.addEventListener("submit", function (event) {
    form.dataset.asked = "1";
    load(event);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".presets button"), function (button) {
    button.addEventListener("click", preset);
  });
  byId("export-csv").addEventListener("click", function () { download("csv"); });
  byId("export-json").addEventListener("click", function () { download("json"); });
  window.addEventListener("beforeprint", function () {
    if (chart) {
      chart.resize();
    }
  });
  window.addEventListener("afterprint", function () {
    if (chart) {
      chart.resize();
    }
  });
  if (tokenField.value) {
    load();
  } else {
    setText("status", "Enter the access token (empty in local development) and press Show.");
  }
})();
