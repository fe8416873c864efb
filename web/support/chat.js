// Starts the rasa-webchat widget on the support page, talking to Rasa's socket.io
// channel at window.PARTNERDESK.socketUrl (from /config.js; empty: this page's origin).
(function startChat() {
  "use strict";
  var settings = window.PARTNERDESK || {};
  var socketUrl = settings.socketUrl || window.location.origin;
  var korean = /^ko\b/i.test(navigator.language || "");
  var agentRole = korean ? "상담원" : "Support agent";

  // Markdown's special characters in a name are shown as themselves.
  function markdownText(text) {
    return String(text).replace(/[\\`*_{}\[\]()#+\-.!<>|~]/g, "\\$&");
  }

  // A reply from a person (bot_uttered with metadata {"agent": name}) is shown with the
  // agent's name as a label on its first line; scripts/setup-web makes the widget call
  // this with each bot message before it drops the metadata.
  window.PARTNERDESK_BOT_MESSAGE = function (message) {
    var agent = message && message.metadata && message.metadata.agent;
    if (typeof agent !== "string" || !agent.trim() || typeof message.text !== "string") {
      return message;
    }
    return {
      text: "**" + markdownText(agent.trim()) + "** · " + agentRole + "\n\n" + message.text,
      customCss: { style: "class", css: "pd-agent" }
    };
  };

  window.WebChat.default({
    selector: "#partnerdesk-chat",
    // Sent once when a new conversation starts, so the widget never sends an empty message.
    // It names the browser's language: a ko-KR browser is greeted in Korean. Later messages
    // are read in the language they are written in (the language slot).
    initPayload: "/greet" + JSON.stringify({ language: korean ? "ko" : "en" }),
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    title: "PartnerDesk",
    subtitle: korean ? "MPN 혜택 FAQ 도우미" : "MPN benefits FAQ assistant",
    inputTextFieldHint: korean ? "질문을 입력하세요…" : "Ask about MPN benefits…",
    showMessageDate: false,
    // The widget's default pause before each message grows to 3 s with its length;
    // answers are ready at once, so show them after a short "typing" beat.
    customMessageDelay: function () { return 300; },
    // "typing…" while an answer is on its way (typing.js).
    onSocketEvent: window.PartnerDeskTyping ? window.PartnerDeskTyping.socketEvents : {},
    // Keeps the conversation (and its session id) across reloads of this tab.
    params: { storage: "session" }
  }, null);
})();
