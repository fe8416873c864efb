// Accessibility around the rasa-webchat widget (WCAG 2.1 AA), without changing its bundle.
// The widget renders without names on its icon buttons, its answer buttons are <div>s that
// a keyboard cannot reach, and new messages are not announced. This script adds, whenever
// the widget renders (a MutationObserver; React keeps attributes it does not manage):
//   - names on the launcher, close and send buttons, and on the message box (button-name);
//   - aria-expanded / aria-controls on the launcher;
//   - role="log" + aria-live="polite" on the messages, so screen readers read each new
//     message (SC 4.1.3), and a label on the widget's region;
//   - role="button" + tabindex on the answer buttons, pressed with Enter or Space;
//   - focus into the message box when the chat opens, back to the launcher when it closes,
//     and Escape to close;
//   - the "Add to calendar" links download the .ics file in place.
// Focus outlines and colours are in support.css. Each fix is listed in README ("Web chat").
(function accessibleChat(global) {
  "use strict";
  var korean = /^ko\b/i.test(navigator.language || "");
  var words = korean ? {
    open: "PartnerDesk 채팅 열기", close: "채팅 닫기", send: "보내기",
    message: "질문 입력", log: "PartnerDesk 대화", chat: "PartnerDesk 채팅"
  } : {
    open: "Open the PartnerDesk chat", close: "Close the chat", send: "Send",
    message: "Your question", log: "Conversation with PartnerDesk", chat: "PartnerDesk chat"
  };
  var wasOpen = false;

  function set(element, name, value) {
    if (element && element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function apply() {
    var root = document.getElementById("rasaWebchatPro");
    if (!root) return;
    var container = root.querySelector(".rw-widget-container");
    var open = !!(container && container.classList.contains("rw-chat-open"));
    set(root, "role", "region");
    set(root, "aria-label", words.chat);
    each("#rasaWebchatPro .rw-launcher", function (button) {
      set(button, "aria-label", open ? words.close : words.open);
      set(button, "aria-expanded", String(open));
      set(button, "aria-controls", "rw-messages");
    });
    each("#rasaWebchatPro .rw-close-button", function (button) {
      set(button, "aria-label", words.close);
    });
    each("#rasaWebchatPro .rw-send", function (button) { set(button, "aria-label", words.send); });
    each("#rasaWebchatPro .rw-new-message", function (box) { set(box, "aria-label", words.message); });
    each("#rasaWebchatPro .rw-title", function (title) { set(title, "aria-level", "2"); set(title, "role", "heading"); });
    each("#rasaWebchatPro img.rw-close, #rasaWebchatPro .rw-launcher img", function (img) {
      set(img, "alt", "");
    });
    var log = document.getElementById("rw-messages");
    if (log) {
      set(log, "role", "log");
      set(log, "aria-live", "polite");
      set(log, "aria-label", words.log);
      set(log, "tabindex", "0"); // scrollable: reachable to read back with the keyboard
    }
    each("#rasaWebchatPro .rw-reply", function (reply) {
      set(reply, "role", "button");
      set(reply, "tabindex", "0");
    });
    each("#rasaWebchatPro a[href*='/calendar/'][href*='.ics?']", function (link) {
      if (link.origin === window.location.origin) {
        set(link, "download", "");
        link.removeAttribute("target");
      }
    });
    if (open !== wasOpen) {
      wasOpen = open;
      var focus = open ? root.querySelector(".rw-new-message") : root.querySelector(".rw-launcher");
      if (focus) focus.focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("rw-reply") &&
        (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      target.click();
    } else if (event.key === "Escape" && wasOpen) {
      var close = document.querySelector("#rasaWebchatPro .rw-close-button") ||
        document.querySelector("#rasaWebchatPro .rw-launcher");
      if (close) close.click();
    }
  });

  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) return;
    scheduled = true;
    global.requestAnimationFrame(function () { scheduled = false; apply(); });
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  apply();
})(window);
