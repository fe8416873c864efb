// "PartnerDesk is typing…" while an answer is on its way (botfront/rasa-webchat#337).
//
// Shown when the partner sends a message (a new .rw-from-client group), after a short
// beat so that instant answers don't flash it; hidden when the answer arrives
// (`bot_uttered`; the widget then shows its own short typing beat) or when the server says
// the turn ended without one (`turn_done` {"answered": false}, see
// partnerdesk/channels/socketio_turns.py). A turn without an answer means the conversation
// is paused (a person is taking over, issue 12's handoff): the indicator then stays off
// until PartnerDesk itself answers again; messages from a person (`metadata.agent`) don't
// turn it back on. A ceiling hides it if nothing comes at all.
(function typingIndicator(global) {
  "use strict";
  var SHOW_AFTER_MS = 300;
  var GIVE_UP_MS = 30000;
  var korean = /^ko\b/i.test(navigator.language || "");
  var label = korean ? "PartnerDesk가 답변을 작성하고 있습니다…" : "PartnerDesk is typing…";
  var paused = false;
  var showTimer = null;
  var hideTimer = null;
  var clientMessages = 0;
  var element = null;

  function indicator() {
    if (!element) {
      element = document.createElement("div");
      element.className = "pd-typing";
      element.setAttribute("role", "status");
      var dots = document.createElement("span");
      dots.className = "pd-typing-dots";
      dots.setAttribute("aria-hidden", "true");
      dots.innerHTML = "<span></span><span></span><span></span>";
      var text = document.createElement("span");
      text.className = "pd-typing-text";
      text.textContent = label;
      element.appendChild(dots);
      element.appendChild(text);
    }
    return element;
  }

  function show() {
    var messages = document.getElementById("rw-messages");
    if (paused || !messages) return;
    messages.insertAdjacentElement("afterend", indicator());
    global.clearTimeout(hideTimer);
    hideTimer = global.setTimeout(hide, GIVE_UP_MS);
  }

  function hide() {
    global.clearTimeout(showTimer);
    global.clearTimeout(hideTimer);
    if (element && element.parentNode) element.parentNode.removeChild(element);
  }

  function sent() {
    if (paused) return;
    global.clearTimeout(showTimer);
    showTimer = global.setTimeout(show, SHOW_AFTER_MS);
  }

  function countClientMessages() {
    var count = document.querySelectorAll("#rw-messages .rw-from-client").length;
    if (count > clientMessages) sent();
    clientMessages = count;
  }

  new MutationObserver(countClientMessages)
    .observe(document.body, { childList: true, subtree: true });

  global.PartnerDeskTyping = {
    socketEvents: {
      bot_uttered: function (message) {
        hide();
        if (!(message && message.metadata && message.metadata.agent)) paused = false;
      },
      turn_done: function (turn) {
        if (turn && turn.answered === false) {
          paused = true;
          hide();
        }
      }
    },
    isPaused: function () { return paused; }
  };
})(window);
