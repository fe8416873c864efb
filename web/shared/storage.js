// What the agent pages keep in the browser: the access token for this tab only
// (sessionStorage: gone with the tab; the reply assistant, the Inbox and Insights share
// it) and the agent's name (localStorage). Storage can be off (private mode): reading
// gives "", writing does nothing, and the fields still work on the page.
(function storage() {
  "use strict";
  var TOKEN_KEY = "partnerdesk.assistToken";

  function read(kind, key) {
    try {
      return window[kind].getItem(key) || "";
    } catch (error) {
      return "";
    }
  }

  function write(kind, key, value) {
    try {
      if (value) {
        window[kind].setItem(key, value);
      } else {
        window[kind].removeItem(key);
      }
    } catch (error) {
      // Storage is off: nothing is kept, the page still works.
    }
  }

  window.PartnerDeskStorage = Object.freeze({
    read: read,
    write: write,
    readToken: function () {
      return read("sessionStorage", TOKEN_KEY);
    },
    saveToken: function (token) {
      write("sessionStorage", TOKEN_KEY, token.trim());
    },
  });
})();
