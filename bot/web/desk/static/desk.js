// Agent desk: live queue and messages over one WebSocket, forms sent with fetch (each also
// works without JavaScript). No inline script: the page's CSP allows only this file.
"use strict";
(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const page = document.body.dataset.page;
  const conversation = document.querySelector(".conversation");
  const handoffId = conversation ? Number(conversation.dataset.handoff) : null;
  if (!csrf) return; // login page

  // ---------------------------------------------------------------- helpers
  function showAlert(text, urgent) {
    const box = document.getElementById("alert");
    box.textContent = text;
    box.className = "alert" + (urgent ? " urgent" : "");
    box.hidden = false;
    clearTimeout(showAlert.timer);
    showAlert.timer = setTimeout(() => { box.hidden = true; }, urgent ? 20000 : 6000);
  }
  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* no sound: the banner is enough */ }
  }
  async function send(form, extra) {
    const body = new URLSearchParams(new FormData(form));
    if (extra) for (const [k, v] of Object.entries(extra)) body.set(k, v);
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
      body: body,
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { ok: false, error: "Lỗi " + response.status }; }
    return data;
  }
  // The server's clock, not this device's: waits are server time minus queued time.
  let offset = 0;
  function syncClock() {
    const table = document.querySelector("table.queue[data-now]");
    if (table && table.dataset.now) offset = Date.parse(table.dataset.now) - Date.now();
  }
  function minutesSince(iso) {
    const minutes = Math.floor((Date.now() + offset - Date.parse(iso)) / 60000);
    if (minutes < 1) return "dưới 1 phút";
    if (minutes < 60) return minutes + " phút";
    return Math.floor(minutes / 60) + " giờ " + String(minutes % 60).padStart(2, "0") + " phút";
  }
  function tickWaits() {
    document.querySelectorAll("td.wait[data-since]").forEach((cell) => {
      if (cell.dataset.since) cell.textContent = minutesSince(cell.dataset.since);
    });
  }

  // ------------------------------------------------------------------ forms
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.classList.contains("take")) {
      event.preventDefault();
      const data = await send(form);
      if (data.ok) window.location = form.action.replace(/\/take$/, "");
      else showAlert(data.error || "Không nhận được cuộc trò chuyện này.", false);
    } else if (form.id === "reply") {
      event.preventDefault();
      const text = form.querySelector("textarea");
      if (!text.value.trim()) return;
      const data = await send(form);
      if (data.ok) { text.value = ""; addMessage(data.message.id, null); }
      else showAlert(data.error || "Chưa gửi được.", false);
    } else if (form.classList.contains("close-form") || form.classList.contains("transfer-form")) {
      event.preventDefault();
      const data = await send(form);
      if (data.ok) window.location = "/desk/";
      else showAlert(data.error || "Không thực hiện được.", false);
    }
  });
  const canned = document.getElementById("canned");
  if (canned) canned.addEventListener("change", () => {
    const text = document.getElementById("reply-text");
    if (canned.value) { text.value = (text.value ? text.value + " " : "") + canned.value; text.focus(); }
    canned.value = "";
  });
  const accountButton = document.getElementById("load-account");
  if (accountButton) accountButton.addEventListener("click", async () => {
    const response = await fetch(accountButton.dataset.url, { credentials: "same-origin" });
    document.getElementById("account").innerHTML = await response.text();
    accountButton.hidden = true;
  });

  // -------------------------------------------------------------- messages
  function addMessage(id, html) {
    const list = document.getElementById("messages");
    if (!list || !html) return;
    const existing = list.querySelector('[data-message="' + id + '"]');
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const node = holder.firstElementChild;
    if (existing) existing.replaceWith(node); else list.appendChild(node);
    list.scrollTop = list.scrollHeight;
  }

  // ------------------------------------------------------------- websocket
  let socket = null;
  let retry = 1000;
  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/desk/ws");
    const live = document.getElementById("live");
    socket.onopen = () => { retry = 1000; if (live) live.classList.add("on"); };
    socket.onclose = () => {
      if (live) live.classList.remove("on");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "queue") {
        const count = document.getElementById("waiting-count");
        if (count) count.textContent = data.waiting ? String(data.waiting) : "";
        const queue = document.getElementById("queue");
        if (queue && page === "queue") { queue.innerHTML = data.html; syncClock(); tickWaits(); }
        if (data.alert) { showAlert("⚠ Có khách báo nguy hiểm đang chờ – nhận ngay!", true); beep(); }
      } else if (data.type === "message" && data.handoff_id === handoffId) {
        addMessage(data.id, data.html);
      } else if (data.type === "handoff" && data.handoff_id === handoffId && data.status !== "messages") {
        if (data.note) showAlert(data.note, false);
        const status = conversation.dataset.status;
        if (data.status !== status && data.status !== "resumed") setTimeout(() => window.location.reload(), 800);
      }
    };
  }
  syncClock();
  connect();
  setInterval(() => { if (socket && socket.readyState === 1) socket.send('{"type":"ping"}'); }, 30000);
  setInterval(tickWaits, 30000);
})();
