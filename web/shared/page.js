// What the agent page's two parts (the reply assistant and the Inbox) and the Insights
// page share: finding an element, writing a status line as text (hidden when empty) and a
// draft's confidence as a percentage.
(function page() {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    var element = byId(id);
    element.textContent = text;
    element.hidden = !text;
  }

  function percent(confidence) {
    var value = Math.round(confidence * 100);
    return confidence > 0 && value < 1 ? "<1%" : value + "%";
  }

  window.PartnerDeskPage = Object.freeze({ byId: byId, setText: setText, percent: percent });
})();
