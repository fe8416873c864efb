// Starts the rasa-webchat widget on the support page, talking to Rasa's socket.io
// channel at window.PARTNERDESK.socketUrl (from /config.js; empty: this page's origin).
(function startChat() {
  "use strict";
  var settings = window.PARTNERDESK || {};
  var socketUrl = settings.socketUrl || window.location.origin;
  var korean = /^ko\b/i.test(navigator.language || "");
  window.WebChat.default({
    selector: "#partnerdesk-chat",
    // Sent once when a new conversation starts, so the widget never sends an empty message.
    initPayload: "/greet",
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    // The first message's language when its text tells none (a bare date, an emoji).
    customData: { locale: navigator.language || "en" },
    title: "PartnerDesk",
    subtitle: korean ? "MPN 혜택 FAQ 도우미" : "MPN benefits FAQ assistant",
    inputTextFieldHint: korean ? "질문을 입력하세요…" : "Ask about MPN benefits…",
    showMessageDate: false,
    // The widget's default pause before each message grows to 3 s with its length;
    // answers are ready at once, so show them after a short "typing" beat.
    customMessageDelay: function () { return 300; },
    // Keeps the conversation (and its session id) across reloads of this tab.
    params: { storage: "session" }
  }, null);
})();
