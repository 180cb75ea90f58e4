/*
 * Website chat widget of the customer-support assistant (Vietnamese interface).
 *
 * Embed with one tag:  <script src="https://<web app>/webchat/widget.js" defer></script>
 * Optional attributes: data-open="true" (start open), data-title="...".
 *
 * Loads its own assets from the web app that served this file (styles, the vendored
 * socket.io client, the socket URL from /webchat/config.json): no CDN at run time.
 * Talks to the Rasa socket.io channel (bot/channels/webchat.py):
 *   session_request {session_id} -> session_confirm {session_id}   (ids are issued by the server)
 *   user_uttered {message}       -> bot_uttered {text, quick_replies?}
 * The session id is a bearer secret kept in localStorage with the conversation's history,
 * so a reload keeps the conversation. Bot text is always inserted as text, never as HTML.
 */
(function () {
  "use strict";

  if (window.__evnWebchatLoaded) return;
  window.__evnWebchatLoaded = true;

  var script = document.currentScript;
  var base = new URL(script ? script.src : "/webchat/widget.js", window.location.href);
  var assets = new URL("./static/", base).href; // widget.js lives at /webchat/widget.js
  var options = {
    open: script && script.getAttribute("data-open") === "true",
    title: (script && script.getAttribute("data-title")) || "Trợ lý ảo CSKH Điện lực",
  };

  var STORE = "evn-webchat";
  var MAX_HISTORY = 100;
  var TYPING_TIMEOUT_MS = 30000;

  // ------------------------------------------------------------------ storage

  function load(key, fallback) {
    try {
      var value = window.localStorage.getItem(STORE + ":" + key);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(STORE + ":" + key, JSON.stringify(value));
    } catch (e) {
      /* private mode or full storage: the widget still works, without memory */
    }
  }

  // ------------------------------------------------------------------ DOM

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var ui = {};

  // The launcher's speech bubble, drawn (an emoji shows as a missing glyph where the
  // visitor's system has no emoji font, as on many Linux desktops).
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "evn-chat__launcher-icon");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var bubble = document.createElementNS(ns, "path");
    bubble.setAttribute("d", "M12 3.5c-4.9 0-8.8 3.3-8.8 7.4 0 2.2 1.1 4.2 2.9 5.5L5.3 20.5l4.4-2.3c.7.2 1.5.2 2.3.2 4.9 0 8.8-3.3 8.8-7.5S16.9 3.5 12 3.5z");
    bubble.setAttribute("fill", "currentColor");
    svg.appendChild(bubble);
    [8, 12, 16].forEach(function (x) {
      var dot = document.createElementNS(ns, "circle");
      dot.setAttribute("cx", String(x));
      dot.setAttribute("cy", "11");
      dot.setAttribute("r", "1.3");
      dot.setAttribute("class", "evn-chat__launcher-dot");
      svg.appendChild(dot);
    });
    return svg;
  }

  function build() {
    var css = el("link");
    css.rel = "stylesheet";
    css.href = assets + "widget.css";
    document.head.appendChild(css);

    ui.root = el("div", "evn-chat");
    ui.root.setAttribute("data-state", "closed");

    ui.launcher = el("button", "evn-chat__launcher");
    ui.launcher.type = "button";
    ui.launcher.setAttribute("aria-label", "Mở khung trò chuyện với trợ lý ảo");
    ui.launcher.appendChild(chatIcon());
    ui.launcher.appendChild(el("span", "evn-chat__launcher-text", "Hỏi đáp"));

    ui.panel = el("section", "evn-chat__panel");
    ui.panel.setAttribute("role", "dialog");
    ui.panel.setAttribute("aria-label", options.title);

    var header = el("header", "evn-chat__header");
    var titles = el("div", "evn-chat__titles");
    titles.appendChild(el("div", "evn-chat__title", options.title));
    ui.status = el("div", "evn-chat__status", "Đang kết nối…");
    titles.appendChild(ui.status);
    ui.close = el("button", "evn-chat__close", "×");
    ui.close.type = "button";
    ui.close.setAttribute("aria-label", "Thu nhỏ khung trò chuyện");
    header.appendChild(titles);
    header.appendChild(ui.close);

    ui.log = el("div", "evn-chat__log");
    ui.log.setAttribute("role", "log");
    ui.log.setAttribute("aria-live", "polite");

    ui.typing = el("div", "evn-chat__typing");
    ui.typing.setAttribute("aria-label", "Trợ lý đang trả lời");
    ui.typing.appendChild(el("span"));
    ui.typing.appendChild(el("span"));
    ui.typing.appendChild(el("span"));
    ui.typing.hidden = true;

    ui.replies = el("div", "evn-chat__replies");

    ui.form = el("form", "evn-chat__form");
    ui.input = el("input", "evn-chat__input");
    ui.input.type = "text";
    ui.input.maxLength = 2000;
    ui.input.placeholder = "Nhập câu hỏi của anh/chị…";
    ui.input.setAttribute("aria-label", "Câu hỏi");
    ui.input.autocomplete = "off";
    ui.send = el("button", "evn-chat__send", "Gửi");
    ui.send.type = "submit";
    ui.form.appendChild(ui.input);
    ui.form.appendChild(ui.send);

    ui.panel.appendChild(header);
    ui.panel.appendChild(ui.log);
    ui.panel.appendChild(ui.replies);
    ui.panel.appendChild(ui.typing);
    ui.panel.appendChild(ui.form);
    ui.root.appendChild(ui.panel);
    ui.root.appendChild(ui.launcher);
    document.body.appendChild(ui.root);

    ui.launcher.addEventListener("click", function () { setOpen(true); });
    ui.close.addEventListener("click", function () { setOpen(false); });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) return;
      ui.input.value = "";
      sendMessage(text, text);
    });
  }

  function setOpen(open) {
    ui.root.setAttribute("data-state", open ? "open" : "closed");
    save("open", open);
    if (open) {
      scrollDown();
      ui.input.focus();
    }
  }

  function scrollDown() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function render(entry) {
    var bubble = el("div", "evn-chat__msg evn-chat__msg--" + entry.from, entry.text);
    ui.log.appendChild(bubble);
    scrollDown();
  }

  function showReplies(buttons) {
    ui.replies.textContent = "";
    (buttons || []).forEach(function (button) {
      var chip = el("button", "evn-chat__reply", button.title);
      chip.type = "button";
      chip.addEventListener("click", function () {
        sendMessage(button.payload, button.title);
      });
      ui.replies.appendChild(chip);
    });
    scrollDown();
  }

  var typingTimer = null;

  function setTyping(on) {
    ui.typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) {
      typingTimer = setTimeout(function () { ui.typing.hidden = true; }, TYPING_TIMEOUT_MS);
      scrollDown();
    }
  }

  function setStatus(text, state) {
    ui.status.textContent = text;
    ui.root.setAttribute("data-connection", state);
  }

  // ------------------------------------------------------------------ conversation

  var socket = null;
  var sessionId = load("session", null);
  var history = load("history", []);
  var pendingReplies = load("replies", []);

  function remember(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    save("history", history);
  }

  function sendMessage(payload, shown) {
    if (!socket || !socket.connected || !sessionId) {
      setStatus("Mất kết nối, đang thử lại…", "offline");
      return;
    }
    var entry = { from: "user", text: shown };
    remember(entry);
    render(entry);
    showReplies([]);
    save("replies", []);
    setTyping(true);
    socket.emit("user_uttered", { message: payload });
  }

  function onBotMessage(data) {
    if (!data || typeof data.text !== "string" || !data.text) {
      return;
    }
    setTyping(false);
    var entry = { from: "bot", text: data.text };
    remember(entry);
    render(entry);
    var buttons = (data.quick_replies || data.buttons || [])
      .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
      .map(function (b) { return { title: b.title, payload: b.payload }; });
    showReplies(buttons);
    save("replies", buttons);
  }

  function onSession(data) {
    var confirmed = data && (data.session_id || data);
    if (typeof confirmed !== "string") return;
    if (confirmed !== sessionId) {
      // A new conversation (first visit, or the old session was not accepted).
      sessionId = confirmed;
      save("session", sessionId);
      history = [];
      save("history", history);
      ui.log.textContent = "";
      showReplies([]);
      save("replies", []);
    }
    setStatus("Trực tuyến", "online");
  }

  function connect(config) {
    socket = window.io(config.socketUrl, {
      path: config.socketPath || "/socket.io",
      transports: ["websocket", "polling"],
      tryAllTransports: true, // a proxy that blocks websockets: fall back to long-polling
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", onSession);
    socket.on("bot_uttered", onBotMessage);
    socket.on("disconnect", function () {
      setTyping(false);
      setStatus("Mất kết nối, đang thử lại…", "offline");
    });
    socket.io.on("reconnect_attempt", function () {
      setStatus("Đang kết nối lại…", "offline");
    });
    socket.on("connect_error", function () {
      setStatus("Chưa kết nối được, đang thử lại…", "offline");
    });
  }

  function loadScript(src, done) {
    var tag = document.createElement("script");
    tag.src = src;
    tag.async = true;
    tag.onload = done;
    tag.onerror = function () { setStatus("Không tải được khung trò chuyện", "offline"); };
    document.head.appendChild(tag);
  }

  function start() {
    build();
    history.forEach(render);
    showReplies(pendingReplies);
    setOpen(options.open || load("open", false));
    fetch(new URL("./config.json", base).href, { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (config) {
        if (window.io && window.io.protocol === 5) return connect(config); // a v3/v4 client already there
        loadScript(assets + "vendor/socket.io.min.js", function () { connect(config); });
      })
      .catch(function () { setStatus("Không tải được cấu hình trò chuyện", "offline"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
